{#- Incentive payouts: rep x plan x plan period x plan metric, up to the as-of date.

    Periods already paid (every month closed with `scorecards close`) are republished exactly as
    paid, with period_status 'paid'. The others are computed from the data as it stands: 'ended' when the
    period ended before the as-of date, 'open' (provisional) otherwise. payout_amount =
    earned_amount + clawback_amount, where clawback_amount is what later changes to paid periods
    post in this one (negative for a clawback, positive for a true-up). -#}
with

earned as (

    select * from {{ ref('int_payouts_earned') }}

),

paid as (

    select * from {{ ref('stg_history__paid_payouts') }}

),

clawbacks as (

    select * from {{ ref('int_payout_clawbacks') }}

),

clawback_totals as (

    select
        payout_id,
        user_id,
        plan_id,
        period_type,
        period_start,
        metric,
        sum(line_amount) as clawback_amount
    from clawbacks
    group by payout_id, user_id, plan_id, period_type, period_start, metric

),

computed as (

    select earned.*
    from earned
    left join paid
        on earned.payout_id = paid.payout_id
    where paid.payout_id is null

),

clawback_only as (

    select
        clawback_totals.payout_id,
        clawback_totals.user_id,
        clawback_totals.plan_id,
        clawback_totals.period_type,
        clawback_totals.period_start,
        cast(
            {{ dbt.dateadd('day', '-1', dbt.dateadd(
                'month',
                "case when clawback_totals.period_type = 'quarter' then 3 else 1 end",
                'clawback_totals.period_start'
            )) }} as date
        ) as period_end,
        clawback_totals.metric
    from clawback_totals
    left join computed
        on clawback_totals.payout_id = computed.payout_id
    where computed.payout_id is null

),

current_rows as (

    select
        computed.payout_id,
        computed.user_id,
        computed.plan_id,
        computed.period_type,
        computed.period_start,
        computed.period_end,
        computed.metric,
        computed.currency,
        computed.weight,
        computed.threshold,
        computed.cap,
        computed.on_target_incentive,
        computed.period_days,
        computed.covered_days,
        computed.prorated_incentive,
        computed.attainment_month,
        computed.actual,
        computed.target,
        computed.attainment,
        computed.attainment_null_reason,
        computed.capped_attainment,
        computed.segment_attainment_from,
        computed.segment_payout_at_from,
        computed.segment_slope,
        computed.payout_basis,
        computed.payout_fraction,
        computed.earned_amount,
        coalesce(clawback_totals.clawback_amount, 0) as clawback_amount,
        computed.earned_amount + coalesce(clawback_totals.clawback_amount, 0) as payout_amount,
        cast(null as date) as paid_as_of_date
    from computed
    left join clawback_totals
        on computed.payout_id = clawback_totals.payout_id
    union all
    select
        clawback_only.payout_id,
        clawback_only.user_id,
        clawback_only.plan_id,
        clawback_only.period_type,
        clawback_only.period_start,
        clawback_only.period_end,
        clawback_only.metric,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as decimal(12, 6)) as weight,
        cast(null as decimal(12, 6)) as threshold,
        cast(null as decimal(12, 6)) as cap,
        cast(null as decimal(18, 2)) as on_target_incentive,
        cast(null as bigint) as period_days,
        cast(0 as bigint) as covered_days,
        cast(0 as decimal(18, 2)) as prorated_incentive,
        cast(null as date) as attainment_month,
        cast(null as decimal(24, 6)) as actual,
        cast(null as decimal(18, 4)) as target,
        cast(null as decimal(18, 6)) as attainment,
        'not_on_plan_in_period' as attainment_null_reason,
        cast(null as decimal(18, 6)) as capped_attainment,
        cast(null as decimal(12, 6)) as segment_attainment_from,
        cast(null as decimal(12, 6)) as segment_payout_at_from,
        cast(null as decimal(12, 6)) as segment_slope,
        'clawback_only' as payout_basis,
        cast(0 as decimal(18, 6)) as payout_fraction,
        cast(0 as decimal(18, 2)) as earned_amount,
        clawback_totals.clawback_amount,
        clawback_totals.clawback_amount as payout_amount,
        cast(null as date) as paid_as_of_date
    from clawback_only
    inner join clawback_totals
        on clawback_only.payout_id = clawback_totals.payout_id

),

with_status as (

    select
        *,
        case
            when period_end < {{ as_of_date() }} then 'ended'
            else 'open'
        end as period_status
    from current_rows

),

typed_current as (

    {{ select_typed(payout_columns(), 'with_status') }}

),

all_payouts as (

    select * from paid
    union all
    select * from typed_current

),

final as (

    select
        *,
        {{ as_of_date() }} as as_of_date
    from all_payouts

)

select * from final
