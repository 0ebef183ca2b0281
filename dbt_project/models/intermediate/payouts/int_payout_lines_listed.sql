{#- Every credited transaction behind an earned payout, with its share of the earned amount.

    The transactions are the rep's credited transactions of the plan metric dated within the plan
    period and on or before the as-of date (the ones the attainment counted). The earned amount is
    spread over them in proportion to their base amounts (counts for ratio metrics), to the cent,
    so the lines of a payout sum to it exactly. A payout with nothing to spread over (no
    transactions, or amounts that cancel out) gets one line of type no_credited_amount. -#}
with

earned as (

    select * from {{ ref('int_payouts_earned') }}

),

ledger as (

    select * from {{ ref('int_transactions_credited') }}
    where transaction_date <= {{ as_of_date() }}

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

transactions as (

    select
        earned.payout_id,
        earned.earned_amount,
        ledger.*,
        case
            when metrics.aggregation = 'ratio' then {{ to_cents('ledger.denominator') }}
            else {{ to_cents('ledger.amount_base') }}
        end as weight_cents
    from earned
    inner join ledger
        on earned.user_id = ledger.credited_user_id
        and earned.metric = ledger.metric
        and ledger.transaction_date between earned.period_start and earned.period_end
    inner join metrics
        on earned.metric = metrics.metric

),

weighted as (

    select
        *,
        sum(weight_cents) over (
            partition by payout_id order by transaction_date, credit_id
            rows between unbounded preceding and current row
        ) as cum_weight,
        sum(weight_cents) over (partition by payout_id) as total_weight
    from transactions

),

transaction_lines as (

    select
        {{ dbt.concat(["payout_id", "'|'", "credit_id"]) }} as line_id,
        payout_id,
        credited_user_id as user_id,
        metric,
        'transaction' as line_type,
        cast(null as date) as original_period_start,
        credit_id,
        source_system,
        source_entity,
        document_id,
        transaction_date,
        currency,
        amount_original,
        fx_rate,
        amount_base,
        case
            when total_weight = 0 then cast(0 as decimal(18, 2))
            else {{ allocate_piece('earned_amount', 'cum_weight', 'cum_weight - weight_cents', 'total_weight') }}
        end as line_amount,
        source_file,
        source_line
    from weighted

),

spread_payouts as (

    select distinct payout_id
    from weighted
    where total_weight <> 0

),

unspread_lines as (

    select
        {{ dbt.concat(["earned.payout_id", "'|no_credited_amount'"]) }} as line_id,
        earned.payout_id,
        earned.user_id,
        earned.metric,
        'no_credited_amount' as line_type,
        cast(null as date) as original_period_start,
        cast(null as {{ dbt.type_string() }}) as credit_id,
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_entity,
        cast(null as {{ dbt.type_string() }}) as document_id,
        cast(null as date) as transaction_date,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as decimal(18, 2)) as amount_original,
        cast(null as decimal(18, 8)) as fx_rate,
        cast(null as decimal(18, 2)) as amount_base,
        earned.earned_amount as line_amount,
        earned.source_file,
        earned.source_line
    from earned
    left join spread_payouts
        on earned.payout_id = spread_payouts.payout_id
    where spread_payouts.payout_id is null

),

listed as (

    select * from transaction_lines
    union all
    select * from unspread_lines

)

select * from listed
