{#- Blocking: every month of the monthly models (tag `monthly`) was built from the inputs, code and
    settings of this run. A month left from an earlier partition run whose inputs have changed
    since would publish stale figures; the orchestrator rebuilds such months by itself, so a row
    here means a partition run was made outside it (or a bug in it). -#}
with

current_inputs as (

    select * from {{ ref('int_ledger_inputs_fingerprinted') }}

),

built as (

    select * from {{ ref('int_ledger_months_built') }}

),

compared as (

    select
        coalesce(current_inputs.month_start, built.month_start) as month_start,
        current_inputs.input_fingerprint as current_fingerprint,
        built.input_fingerprint as built_fingerprint
    from current_inputs
    full outer join built
        on current_inputs.month_start = built.month_start

),

ledger_months as (

    select distinct month_start from {{ ref('int_transactions_credited') }}

),

outside_the_calendar as (

    {#- A ledger month the fingerprints do not know (a date outside calendar_start..end) could
        never be found stale. -#}
    select
        ledger_months.month_start,
        cast(null as {{ dbt.type_string() }}) as current_fingerprint,
        'outside the calendar' as built_fingerprint
    from ledger_months
    left join current_inputs
        on ledger_months.month_start = current_inputs.month_start
    where current_inputs.month_start is null

),

stale as (

    select * from compared
    where current_fingerprint is distinct from built_fingerprint
    union all
    select * from outside_the_calendar

)

select * from stale
