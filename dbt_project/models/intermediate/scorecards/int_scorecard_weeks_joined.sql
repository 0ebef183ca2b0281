{#- The scorecard's rows by ISO week: every scope, metric and week of int_scorecard_periods_progressed
    that has a target, an actual, or (a rep on a team in one of the week's months) should have one.

    A week's target is phased from the months it overlaps by working days: each month's target
    is cut into one piece per week, the week's working days in that month over the month's, to
    the cent, so the weeks of a month sum exactly to its target; a week spanning two months takes
    its piece of each. A ratio target (win rate, cycle days) is not cut: the week takes the target
    of the month holding its Thursday. expected_to_date is the week's target times the share of its
    working days elapsed. -#}
with

scope_targets as (

    select * from {{ ref('int_scope_targets_rolled') }}

),

kpis as (

    select * from {{ ref('int_week_kpis_summed') }}

),

metrics as (

    -- Market share is measured by month only (int_market_shares_measured).
    select * from {{ ref('dim_metrics') }}
    where source not in {{ sql_list(derived_sources()) }}

),

member_days as (

    select * from {{ ref('int_member_days_monthly') }}

),

days as (

    select * from {{ ref('int_calendar_days_spined') }}

),

week_windows as (

    select * from {{ ref('int_scorecard_periods_progressed') }}
    where period_grain = 'week'

),

week_months as (

    -- Each week's part in each month it overlaps, with the working days of the part.
    select
        week_start,
        month_start,
        max(working_days_in_month) as working_days_in_month,
        sum(case when is_working_day then 1 else 0 end) as part_working_days,
        max(case when date_day = {{ dbt.dateadd('day', '3', 'week_start') }} then 1 else 0 end)
            as holds_thursday
    from days
    group by week_start, month_start

),

week_months_cumulated as (

    select
        *,
        sum(part_working_days) over (
            partition by month_start
            order by week_start rows between unbounded preceding and current row
        ) as cum_working_days
    from week_months

),

target_pieces as (

    select
        scope_targets.scope_type,
        scope_targets.scope_id,
        week_months_cumulated.week_start,
        scope_targets.metric,
        scope_targets.tier,
        scope_targets.target_source,
        {{ week_piece('scope_targets.target_value') }} as target_value,
        {{ week_piece('scope_targets.original_value') }} as original_value
    from scope_targets
    inner join week_months_cumulated
        on scope_targets.month_start = week_months_cumulated.month_start
    inner join week_windows
        on week_months_cumulated.week_start = week_windows.period_start

),

week_targets as (

    select
        scope_type,
        scope_id,
        week_start,
        metric,
        tier,
        cast(sum(target_value) as decimal(18, 4)) as target_value,
        cast(sum(original_value) as decimal(18, 4)) as original_value,
        max(target_source) as target_source
    from target_pieces
    group by scope_type, scope_id, week_start, metric, tier

),

targets_pivoted as (

    {{ tiers_pivoted('week_targets', 'week_start') }}

),

active_rep_grid as (

    select distinct
        'rep' as scope_type,
        member_days.user_id as scope_id,
        week_months.week_start,
        metrics.metric
    from member_days
    inner join week_months
        on member_days.month_start = week_months.month_start
    inner join week_windows
        on week_months.week_start = week_windows.period_start
    cross join metrics
    where member_days.role = 'rep'

),

scorecard_keys as (

    select
        scope_type,
        scope_id,
        week_start,
        metric
    from targets_pivoted
    union
    select
        kpis.scope_type,
        kpis.scope_id,
        kpis.week_start,
        kpis.metric
    from kpis
    inner join week_windows
        on kpis.week_start = week_windows.period_start
    union
    select
        scope_type,
        scope_id,
        week_start,
        metric
    from active_rep_grid

),

weekly as (

    select
        scorecard_keys.scope_type,
        scorecard_keys.scope_id,
        scorecard_keys.week_start,
        scorecard_keys.metric,
        targets_pivoted.target_floor,
        targets_pivoted.target,
        targets_pivoted.target_stretch,
        targets_pivoted.target_original,
        targets_pivoted.target_source,
        metrics.aggregation,
        {{ scorecard_kpi('numerator') }} as numerator,
        {{ scorecard_kpi('denominator') }} as denominator,
        case
            when metrics.aggregation = 'ratio' then targets_pivoted.target
            else {{ allocate_piece(
                'targets_pivoted.target',
                'week_windows.elapsed_working_days',
                '0',
                'week_windows.working_days',
            ) }}
        end as expected_to_date
    from scorecard_keys
    inner join week_windows
        on scorecard_keys.week_start = week_windows.period_start
    inner join metrics
        on scorecard_keys.metric = metrics.metric
    left join targets_pivoted
        on scorecard_keys.scope_type = targets_pivoted.scope_type
        and scorecard_keys.scope_id = targets_pivoted.scope_id
        and scorecard_keys.week_start = targets_pivoted.week_start
        and scorecard_keys.metric = targets_pivoted.metric
    left join kpis
        on scorecard_keys.scope_type = kpis.scope_type
        and scorecard_keys.scope_id = kpis.scope_id
        and scorecard_keys.week_start = kpis.week_start
        and scorecard_keys.metric = kpis.metric

)

select * from weekly
