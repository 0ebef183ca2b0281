{#- What each paid payout is owed now: what the data earns for its period, less what was paid and
    less any difference an earlier run already posted. A difference is posted in the plan period
    that holds the as-of date, never written back into the paid period. -#}
with

paid as (

    select * from {{ ref('stg_history__paid_payouts') }}

),

paid_lines as (

    select * from {{ ref('stg_history__paid_payout_lines') }}

),

earned as (

    select * from {{ ref('int_payouts_earned') }}

),

months as (

    select * from {{ ref('int_calendar_months_spined') }}

),

paid_period_types as (

    select distinct period_type
    from paid

),

posting_periods as (

    select
        case
            when paid_period_types.period_type = 'quarter' then months.fiscal_quarter_start
            else months.month_start
        end as posting_period_start,
        paid_period_types.period_type
    from paid_period_types
    cross join months
    where
        months.month_start
        = {{ as_of_month() }}

),

already_posted as (

    select
        user_id,
        plan_id,
        metric,
        original_period_start,
        sum(line_amount) as posted_amount
    from paid_lines
    where line_type in ('clawback', 'recalculation')
    group by user_id, plan_id, metric, original_period_start

),

differences as (

    select
        paid.payout_id as original_payout_id,
        paid.user_id,
        paid.plan_id,
        paid.metric,
        paid.period_type,
        paid.period_start as original_period_start,
        paid.period_end as original_period_end,
        coalesce(earned.earned_amount, 0) - paid.earned_amount - coalesce(already_posted.posted_amount, 0)
            as difference
    from paid
    left join earned
        on paid.payout_id = earned.payout_id
    left join already_posted
        on paid.user_id = already_posted.user_id
        and paid.plan_id = already_posted.plan_id
        and paid.metric = already_posted.metric
        and paid.period_start = already_posted.original_period_start

),

owed as (

    select
        differences.*,
        posting_periods.posting_period_start,
        {{ dbt.concat([
            "differences.user_id", "'|'", "differences.plan_id", "'|'",
            "cast(posting_periods.posting_period_start as " ~ dbt.type_string() ~ ")", "'|'", "differences.metric",
        ]) }} as payout_id
    from differences
    inner join posting_periods
        on differences.period_type = posting_periods.period_type
    where differences.difference <> 0

)

select * from owed
