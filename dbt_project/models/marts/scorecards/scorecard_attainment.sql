{#- The attainment scorecard: scope (rep, team, region, company) x metric x period, for the month,
    quarter-to-date and year-to-date (fiscal) through each month up to the as-of date; the
    attainment itself is measured in int_attainment_measured.

    attainment = actual / target (inverted for lower-is-better metrics), null with a reason where
    the target is missing or zero. For an open period (the as-of date falls before its last day),
    expected_to_date is each month's target times the share of its working days elapsed,
    pace_index = actual / expected_to_date, and forecast is the run-rate to the window's end. -#}
with

attainment as (

    select * from {{ ref('int_attainment_measured') }}

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

activity_metrics as (

    -- The activity metrics: whatever the registry credits from activities.
    select metrics.metric
    from metrics
    where metrics.source = 'activities'

),

activity_totals as (

    select
        period_grain,
        period_month,
        scope_id,
        parent_scope_id,
        sum(actual) as activity_count
    from attainment
    where
        scope_type = 'rep'
        and metric in (select activity_metrics.metric from activity_metrics)
    group by period_grain, period_month, scope_id, parent_scope_id

),

team_activity_averages as (

    select
        period_grain,
        period_month,
        parent_scope_id,
        avg(activity_count) as team_average_activity
    from activity_totals
    group by period_grain, period_month, parent_scope_id

),

measured as (

    select
        attainment.*,
        activity_totals.activity_count,
        team_activity_averages.team_average_activity
    from attainment
    left join activity_totals
        on attainment.scope_type = 'rep'
        and attainment.period_grain = activity_totals.period_grain
        and attainment.period_month = activity_totals.period_month
        and attainment.scope_id = activity_totals.scope_id
    left join team_activity_averages
        on attainment.scope_type = 'rep'
        and attainment.period_grain = team_activity_averages.period_grain
        and attainment.period_month = team_activity_averages.period_month
        and attainment.parent_scope_id = team_activity_averages.parent_scope_id

),

scored as (

    select
        period_grain,
        period_start,
        period_month,
        cast({{ dbt.dateadd('day', '-1', dbt.dateadd('month', '1', 'period_month')) }} as date) as period_end,
        scope_type,
        scope_id,
        parent_scope_type,
        parent_scope_id,
        metric,
        unit,
        direction,
        aggregation,
        numerator,
        denominator,
        target_floor,
        target,
        target_stretch,
        target_original,
        target_source,
        actual,
        attainment,
        attainment_null_reason,
        case
            when target is null and target_floor is null and target_stretch is null then 'none'
            when direction = 'lower_is_better' and target_stretch is not null and actual <= target_stretch
                then 'stretch'
            when direction = 'lower_is_better' and target is not null and actual <= target then 'target'
            when direction = 'lower_is_better' and target_floor is not null and actual <= target_floor then 'floor'
            when direction = 'lower_is_better' then 'none'
            when target_stretch is not null and actual >= target_stretch then 'stretch'
            when target is not null and actual >= target then 'target'
            when target_floor is not null and actual >= target_floor then 'floor'
            else 'none'
        end as tier_reached,
        case when direction = 'lower_is_better' then actual - target else target - actual end as gap_to_target,
        is_open,
        share_elapsed,
        case when is_open then expected_to_date else target end as expected_to_date,
        case
            when is_open and aggregation = 'sum' then {{ safe_ratio('actual', 'expected_to_date') }}
            else attainment
        end as pace_index,
        case
            when aggregation = 'ratio' then actual
            when is_open and elapsed_working_days > 0
                then {{ allocate_piece('actual', 'working_days', '0', 'elapsed_working_days') }}
            when is_open then null
            else actual
        end as forecast,
        cast(rank() over (
            partition by period_grain, period_month, metric, scope_type, parent_scope_id
            order by attainment desc nulls last
        ) as bigint) as rank_in_parent,
        coalesce(
            is_open and share_elapsed >= 0.5
            and {{ safe_ratio('actual', 'expected_to_date') }} < 0.8,
            false
        ) as behind_pace,
        coalesce(
            scope_type = 'rep' and activity_count < team_average_activity * 0.5,
            false
        ) as low_activity,
        {{ as_of_date() }} as as_of_date
    from measured

)

select * from scored
