{#- What each rep earns per plan period and plan metric from the data as it stands.

    attainment is the rep's attainment for the metric over the plan period as the scorecard shows
    it (month, or quarter-to-date at the quarter's last month or the as-of month). It is capped at
    the plan's cap; below the threshold the fraction is 0; otherwise the curve segment is the one
    with the greatest attainment_from at or below the capped attainment, and
        payout_fraction = payout_at_from + slope x (capped_attainment - attainment_from),
    rounded half up to six places. amount = prorated_incentive x weight x payout_fraction, rounded
    half up to the cent. No target (attainment null) pays 0 with the reason kept. -#}
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

segment_candidates as (

    select
        with_attainment.user_id,
        with_attainment.plan_id,
        with_attainment.period_start,
        with_attainment.metric,
        curve.attainment_from,
        curve.payout_at_from,
        curve.slope,
        row_number() over (
            partition by
                with_attainment.user_id, with_attainment.plan_id,
                with_attainment.period_start, with_attainment.metric
            order by curve.attainment_from desc
        ) as segment_rank
    from with_attainment
    inner join curve
        on with_attainment.plan_id = curve.plan_id
        and with_attainment.capped_attainment >= curve.attainment_from

),

segmented as (

    select
        with_attainment.*,
        segment_candidates.attainment_from as segment_attainment_from,
        segment_candidates.payout_at_from as segment_payout_at_from,
        segment_candidates.slope as segment_slope,
        case
            when with_attainment.attainment is null then 'no_target'
            when with_attainment.attainment < with_attainment.threshold then 'below_threshold'
            when segment_candidates.attainment_from is null then 'below_curve'
            when with_attainment.attainment > with_attainment.cap then 'capped'
            else 'on_curve'
        end as payout_basis
    from with_attainment
    left join segment_candidates
        on with_attainment.user_id = segment_candidates.user_id
        and with_attainment.plan_id = segment_candidates.plan_id
        and with_attainment.period_start = segment_candidates.period_start
        and with_attainment.metric = segment_candidates.metric
        and segment_candidates.segment_rank = 1

),

fractions as (

    select
        *,
        case
            when payout_basis in ('on_curve', 'capped')
                then {{ round_div(
                    to_millionths('segment_payout_at_from') ~ " * 1000000 + "
                    ~ to_millionths('segment_slope') ~ " * ("
                    ~ to_millionths('capped_attainment') ~ " - " ~ to_millionths('segment_attainment_from') ~ ")",
                    "1000000"
                ) }}
            else 0
        end as payout_fraction_millionths
    from segmented

),

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
        {{ from_cents(round_div(
            to_cents('prorated_incentive') ~ " * " ~ to_millionths('weight') ~ " * payout_fraction_millionths",
            "1000000000000"
        )) }} as earned_amount,
        source_file,
        source_line
    from fractions

)

select * from earned
