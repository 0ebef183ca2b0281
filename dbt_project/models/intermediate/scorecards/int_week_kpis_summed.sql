{#- Actuals per scope, ISO week and metric, summed from the credit ledger up to the as-of date:
    fct_kpi_monthly's figures by week (the same levels and the same roll-up rules), and the
    segments' with a target (int_segment_credits_split). Market share has no weeks. -#}
with

ledger as (

    select * from {{ ref('int_transactions_credited') }}
    where transaction_date <= {{ as_of_date() }}

),

ledger_weeks as (

    select
        *,
        cast({{ dbt.date_trunc('week', 'transaction_date') }} as date) as week_start
    from ledger

),

segment_credits as (

    select * from {{ ref('int_segment_credits_split') }}

),

ledger_summed as (

    {{ ledger_summed_by_scope('ledger_weeks', 'week_start') }}

),

segments_summed as (

    select
        scope_type,
        scope_id,
        week_start,
        metric,
        sum(amount_base) as numerator,
        sum(denominator) as denominator,
        count(*) as transaction_count
    from segment_credits
    group by scope_type, scope_id, week_start, metric

),

summed as (

    select * from ledger_summed
    union all
    select * from segments_summed

)

select * from summed
