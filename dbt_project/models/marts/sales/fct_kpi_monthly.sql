{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        tags=['monthly'],
        pre_hook="{{ delete_partition('month_start') }}",
    )
}}
{#- Actuals per scope, month and metric, summed from the credit ledger up to the as-of date.
    Team and region figures use the team of the credited user on each transaction's date;
    the company figure includes unknown and unassigned members. Ratio metrics keep their
    numerator and denominator so that any roll-up divides sums, never averages ratios. -#}
with

ledger as (

    select * from {{ ref('int_transactions_credited') }}
    where
        transaction_date <= {{ as_of_date() }}
        and {{ in_partition('month_start') }}

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

unioned as (

    {{ ledger_summed_by_scope('ledger', 'month_start') }}

),

measured as (

    select
        unioned.scope_type,
        unioned.scope_id,
        unioned.month_start,
        unioned.metric,
        cast(unioned.numerator as decimal(24, 2)) as numerator,
        cast(unioned.denominator as decimal(24, 2)) as denominator,
        case
            when metrics.aggregation = 'ratio'
                then cast({{ safe_ratio('unioned.numerator', 'unioned.denominator') }} as decimal(24, 6))
            else cast(unioned.numerator as decimal(24, 6))
        end as actual,
        unioned.transaction_count
    from unioned
    inner join metrics
        on unioned.metric = metrics.metric

)

select * from measured
