{#- What each rep earns per plan period and plan metric from the data as it stands.

    attainment is the rep's attainment for the metric over the plan period as the scorecard shows
    it (month, or quarter-to-date at the quarter's last month or the as-of month). It is capped at
    the plan's cap; below the threshold the fraction is 0; otherwise the curve segment is the one
    with the greatest attainment_from at or below the capped attainment, and
        payout_fraction = payout_at_from + slope x (capped_attainment - attainment_from),
    rounded half up to six places. amount = prorated_incentive x weight x payout_fraction, rounded
    half up to the cent. No target (attainment null) pays 0 with the reason kept. The rules are
    macros (macros/payouts.sql) that the plan's cost simulation applies too. -#}
with

periods as (

    select * from {{ ref('int_plan_periods_assigned') }}

),

comp_plans as (

    select * from {{ ref('stg_plan__comp_plans') }}

),

curve as (

    select * from {{ ref('stg_plan__payout_curve') }}

),

attainment as (

    select * from {{ ref('int_attainment_measured') }}
    where scope_type = 'rep'

),

as_of_month as (

    select {{ as_of_month() }} as month_start

),

plan_metrics as (

    select
        periods.*,
        comp_plans.metric,
        comp_plans.weight,
        comp_plans.threshold,
        comp_plans.cap,
        case
            when periods.period_type = 'month' then periods.period_start
            when periods.period_end < as_of_month.month_start
                then cast({{ dbt.date_trunc('month', 'periods.period_end') }} as date)
            else as_of_month.month_start
        end as attainment_month
    from periods
    inner join comp_plans
        on periods.plan_id = comp_plans.plan_id
    cross join as_of_month

),

with_attainment as (

    select
        plan_metrics.*,
        attainment.actual,
        attainment.target,
        attainment.attainment,
        coalesce(
            attainment.attainment_null_reason,
            case when attainment.scope_id is null then 'no_scorecard_row' end
        ) as attainment_null_reason,
        least(attainment.attainment, plan_metrics.cap) as capped_attainment
    from plan_metrics
    left join attainment
        on plan_metrics.user_id = attainment.scope_id
        and plan_metrics.metric = attainment.metric
        and plan_metrics.attainment_month = attainment.period_month
        and attainment.period_grain = case when plan_metrics.period_type = 'quarter' then 'qtd' else 'month' end

),

{{ payout_curve_steps('with_attainment', 'curve', ['user_id', 'plan_id', 'period_start', 'metric']) }},

earned as (

    select
        {{ dbt.concat([
            "user_id", "'|'", "plan_id", "'|'", "cast(period_start as " ~ dbt.type_string() ~ ")", "'|'", "metric",
        ]) }} as payout_id,
        user_id,
        plan_id,
        period_type,
        period_start,
        period_end,
        metric,
        currency,
        weight,
        threshold,
        cap,
        on_target_incentive,
        period_days,
        covered_days,
        prorated_incentive,
        attainment_month,
        actual,
        target,
        attainment,
        attainment_null_reason,
        capped_attainment,
        segment_attainment_from,
        segment_payout_at_from,
        segment_slope,
        payout_basis,
        {{ from_millionths('payout_fraction_millionths') }} as payout_fraction,
        {{ earned_amount('prorated_incentive', 'weight', 'payout_fraction_millionths') }} as earned_amount,
        source_file,
        source_line
    from fractions

)

select * from earned
