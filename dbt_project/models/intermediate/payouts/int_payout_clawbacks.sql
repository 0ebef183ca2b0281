{#- Clawbacks (and true-ups) for periods already paid, as payout lines posted in the current plan
    period: one line per changed document with its share of the difference
    (int_payout_changes_allocated), or, for a difference with no changed document behind it (a
    target or plan revision), one line of type recalculation. -#}
with

owed as (

    select * from {{ ref('int_payout_differences_owed') }}

),

allocated as (

    select * from {{ ref('int_payout_changes_allocated') }}

),

paid_lines as (

    select * from {{ ref('stg_history__paid_payout_lines') }}

),

ledger as (

    select * from {{ ref('int_transactions_credited') }}
    where transaction_date <= {{ as_of_date() }}

),

changed_credits as (

    {#- Only the changed documents need their details: ranking the whole ledger's rows by
        document (44M at the large scale) took most of this model's time. -#}
    select distinct credit_id
    from allocated

),

document_details as (

    {#- A document's details from the ledger, or from the paid lines when it has left the
        ledger since (a voided invoice). -#}
    select
        ledger.credit_id,
        ledger.source_system,
        ledger.source_entity,
        ledger.document_id,
        ledger.transaction_date,
        ledger.currency,
        ledger.amount_original,
        ledger.fx_rate,
        ledger.source_file,
        ledger.source_line,
        1 as detail_source
    from ledger
    inner join changed_credits
        on ledger.credit_id = changed_credits.credit_id
    union all
    select
        paid_lines.credit_id,
        paid_lines.source_system,
        paid_lines.source_entity,
        paid_lines.document_id,
        paid_lines.transaction_date,
        paid_lines.currency,
        paid_lines.amount_original,
        paid_lines.fx_rate,
        paid_lines.source_file,
        paid_lines.source_line,
        2 as detail_source
    from paid_lines
    inner join changed_credits
        on paid_lines.credit_id = changed_credits.credit_id
    where paid_lines.line_type = 'transaction'

),

one_detail_per_document as (

    select
        *,
        row_number() over (
            partition by credit_id order by detail_source, source_file, source_line
        ) as detail_rank
    from document_details

),

clawback_lines as (

    select
        {{ dbt.concat([
            "allocated.payout_id", "'|clawback|'", "allocated.original_payout_id", "'|'", "allocated.credit_id",
        ]) }} as line_id,
        allocated.payout_id,
        allocated.original_payout_id,
        'clawback' as line_type,
        allocated.credit_id,
        details.source_system,
        details.source_entity,
        details.document_id,
        details.transaction_date,
        details.currency,
        details.amount_original,
        details.fx_rate,
        allocated.change_amount as amount_base,
        allocated.line_amount,
        details.source_file,
        details.source_line
    from allocated
    left join one_detail_per_document as details
        on allocated.credit_id = details.credit_id
        and details.detail_rank = 1

),

documented as (

    select distinct original_payout_id
    from allocated

),

recalculation_lines as (

    select
        {{ dbt.concat(["owed.payout_id", "'|recalculation|'", "owed.original_payout_id"]) }} as line_id,
        owed.payout_id,
        owed.original_payout_id,
        'recalculation' as line_type,
        cast(null as {{ dbt.type_string() }}) as credit_id,
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_entity,
        cast(null as {{ dbt.type_string() }}) as document_id,
        cast(null as date) as transaction_date,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as decimal(18, 2)) as amount_original,
        cast(null as decimal(18, 8)) as fx_rate,
        cast(null as decimal(18, 2)) as amount_base,
        owed.difference as line_amount,
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as bigint) as source_line
    from owed
    left join documented
        on owed.original_payout_id = documented.original_payout_id
    where documented.original_payout_id is null

),

unioned as (

    select * from clawback_lines
    union all
    select * from recalculation_lines

),

posted as (

    select
        unioned.line_id,
        unioned.payout_id,
        owed.user_id,
        owed.plan_id,
        owed.period_type,
        owed.posting_period_start as period_start,
        owed.metric,
        unioned.line_type,
        owed.original_period_start,
        unioned.credit_id,
        unioned.source_system,
        unioned.source_entity,
        unioned.document_id,
        unioned.transaction_date,
        unioned.currency,
        unioned.amount_original,
        unioned.fx_rate,
        unioned.amount_base,
        unioned.line_amount,
        unioned.source_file,
        unioned.source_line
    from unioned
    inner join owed
        on unioned.original_payout_id = owed.original_payout_id

)

select * from posted
