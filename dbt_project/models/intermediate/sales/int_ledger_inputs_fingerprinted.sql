{#- What the monthly models (tag `monthly`) of each month were computed from: a fingerprint of
    every input of the credit ledger, the dbt project's code (var project_fingerprint, set by the
    orchestrator), the settings that change amounts, and the as-of date for the month it cuts.
    A month whose fingerprint differs from the one it was built with (int_ledger_months_built)
    is stale and is rebuilt by the next partition run.

    Deliberately coarse: any change to any input makes every month stale, so a partition run after
    new data rebuilds every month. Finer rules (which months a changed row touches) would have to
    follow every cross-month link of the ledger (first wins, prepayments, opportunities behind
    invoices); a missed link would pay someone from stale figures. -#}
{%- set as_of_month = "cast(" ~ dbt.date_trunc('month', "cast('" ~ var('as_of_date') ~ "' as date)") ~ " as date)" -%}
{%- set inputs = [
    ref('stg_crm__accounts'),
    ref('stg_crm__activities'),
    ref('stg_crm__leads'),
    ref('stg_crm__opportunities'),
    ref('stg_crm__opportunity_splits'),
    ref('stg_crm__team_assignments'),
    ref('stg_crm__teams'),
    ref('stg_crm__users'),
    ref('stg_erp__customers'),
    ref('stg_erp__fx_rates'),
    ref('stg_erp__invoice_lines'),
    ref('stg_erp__invoices'),
    ref('stg_erp__payments'),
    ref('stg_erp__products'),
    ref('stg_erp__sales_orders'),
    ref('metrics'),
] %}
with

months as (

    select * from {{ ref('int_calendar_months_spined') }}

),

inputs_measured as (

    {% for relation in inputs %}
        {{ rows_fingerprint(relation) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

inputs_listed as (

    select
        string_agg(
            {{ dbt.concat(["relation_name", "':'", "cast(row_count as varchar)", "':'", "row_hash_sum"]) }},
            ';' order by relation_name
        ) as inputs_signature
    from inputs_measured

),

settings_listed as (

    select
        {{ dbt.concat([
            "'project='", "'" ~ var('project_fingerprint', 'unknown') ~ "'",
            "';currency='", "'" ~ var('base_currency') ~ "'",
            "';fiscal_year_start_month='", "'" ~ var('fiscal_year_start_month') ~ "'",
            "';calendar='", "'" ~ var('calendar_start') ~ ":" ~ var('calendar_end') ~ "'",
        ]) }} as settings_signature

),

as_of_placed as (

    {#- The monthly models cut at the as-of date (fct_kpi_monthly counts what happened up to it),
        which only changes the as-of month: earlier months are whole, later ones empty. -#}
    select
        months.month_start,
        case
            when months.month_start = {{ as_of_month }} then '{{ var("as_of_date") }}'
            else ''
        end as as_of_signature
    from months

),

fingerprinted as (

    select
        as_of_part.month_start,
        md5(
            {{ dbt.concat([
                "settings_listed.settings_signature",
                "'|'",
                "inputs_listed.inputs_signature",
                "'|as_of='",
                "as_of_part.as_of_signature",
            ]) }}
        ) as input_fingerprint
    from as_of_placed as as_of_part
    cross join inputs_listed
    cross join settings_listed

)

select * from fingerprinted
