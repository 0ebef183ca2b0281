{#- Payout x statement: the statement lines of each payout sum to its payout_amount, to the cent
    (difference must be zero: a blocking test). -#}
with

payouts as (

    select * from {{ ref('payouts') }}

),

lines as (

    select * from {{ ref('payout_lines') }}

),

line_totals as (

    select
        payout_id,
        count(*) as line_count,
        cast(sum(case when line_type = 'transaction' then 1 else 0 end) as bigint) as transaction_line_count,
        cast(sum(line_amount) as decimal(38, 2)) as lines_total,
        cast(sum(case when line_type in ('clawback', 'recalculation') then line_amount else 0 end) as decimal(38, 2))
            as clawback_lines_total
    from lines
    group by payout_id

),

reconciled as (

    select
        payouts.payout_id,
        payouts.user_id,
        payouts.plan_id,
        payouts.period_start,
        payouts.metric,
        payouts.period_status,
        payouts.payout_amount,
        coalesce(line_totals.line_count, 0) as line_count,
        coalesce(line_totals.transaction_line_count, 0) as transaction_line_count,
        coalesce(line_totals.lines_total, 0) as lines_total,
        payouts.clawback_amount,
        coalesce(line_totals.clawback_lines_total, 0) as clawback_lines_total,
        coalesce(line_totals.lines_total, 0) - payouts.payout_amount as difference,
        payouts.as_of_date
    from payouts
    left join line_totals
        on payouts.payout_id = line_totals.payout_id

)

select * from reconciled
