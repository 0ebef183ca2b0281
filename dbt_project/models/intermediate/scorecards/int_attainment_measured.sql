{#- Attainment, measured: scope (rep, team, region, company; product line, account) x metric x period (month,
    quarter-to-date and year-to-date through each month up to the as-of date, and ISO week),
    with the target tiers, the actual and attainment = actual / target (inverted for lower-is-better metrics),
    null with a reason where the target is missing or zero, and each period's working days.

    What the payouts are computed from (int_payouts_earned) and what the scorecard
    (scorecard_attainment) adds its tiers, pace, forecast, ranks and warnings to. -#}
with

monthly as (

    select * from {{ ref('int_scorecard_months_joined') }}

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

member_days as (

    select * from {{ ref('int_member_days_monthly') }}

),

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

segments as (

    select * from {{ ref('int_segment_scopes_listed') }}

),

weekly as (

    select * from {{ ref('int_scorecard_weeks_joined') }}

),

window_progress as (

    select * from {{ ref('int_scorecard_periods_progressed') }}

),

month_windowed as (

    select
        window_progress.period_grain,
        window_progress.period_start,
        window_progress.period_month,
        monthly.scope_type,
        monthly.scope_id,
        monthly.metric,
        -- Money and counts add up over a window; a ratio target is the mean of its months'.
        {{ window_target('monthly.target_floor') }} as target_floor,
        {{ window_target('monthly.target') }} as target,
        {{ window_target('monthly.target_stretch') }} as target_stretch,
        {{ window_target('monthly.target_original') }} as target_original,
        max(monthly.target_source) as target_source,
        max(monthly.aggregation) as aggregation,
        cast(sum(monthly.numerator) as decimal(38, 2)) as numerator,
        cast(sum(monthly.denominator) as decimal(38, 2)) as denominator,
        {{ window_target('monthly.expected_to_date') }} as expected_to_date
    from window_progress
    inner join monthly
        on monthly.month_start between window_progress.period_start and window_progress.period_month
    where window_progress.period_grain <> 'week'
    group by
        window_progress.period_grain,
        window_progress.period_start,
        window_progress.period_month,
        monthly.scope_type,
        monthly.scope_id,
        monthly.metric

),

week_windowed as (

    -- A week is a window of one row already (int_scorecard_weeks_joined).
    select
        window_progress.period_grain,
        window_progress.period_start,
        window_progress.period_month,
        weekly.scope_type,
        weekly.scope_id,
        weekly.metric,
        weekly.target_floor,
        weekly.target,
        weekly.target_stretch,
        weekly.target_original,
        weekly.target_source,
        weekly.aggregation,
        cast(weekly.numerator as decimal(38, 2)) as numerator,
        cast(weekly.denominator as decimal(38, 2)) as denominator,
        weekly.expected_to_date
    from window_progress
    inner join weekly
        on window_progress.period_start = weekly.week_start
    where window_progress.period_grain = 'week'

),

windowed as (

    select * from month_windowed
    union all
    select * from week_windowed

),

rep_parents as (

    select
        user_id,
        month_start,
        team_id,
        row_number() over (
            partition by user_id, month_start
            order by member_until_exclusive desc, team_id desc
        ) as parent_rank
    from member_days

),

with_parents as (

    select
        windowed.*,
        case windowed.scope_type
            when 'rep' then 'team'
            when 'team' then 'region'
            when 'region' then 'company'
            else segments.parent_scope_type
        end as parent_scope_type,
        case windowed.scope_type
            when 'rep' then coalesce(rep_parents.team_id, 'unknown')
            when 'team' then coalesce(teams.region, 'unknown')
            when 'region' then 'company'
            else segments.parent_scope_id
        end as parent_scope_id
    from windowed
    left join rep_parents
        on windowed.scope_type = 'rep'
        and windowed.scope_id = rep_parents.user_id
        and windowed.period_month = rep_parents.month_start
        and rep_parents.parent_rank = 1
    left join teams
        on windowed.scope_type = 'team'
        and windowed.scope_id = teams.team_id
    left join segments
        on windowed.scope_type = segments.scope_type
        and windowed.scope_id = segments.scope_id

),

with_actuals as (

    select
        with_parents.*,
        case
            when with_parents.aggregation = 'ratio'
                then cast({{ safe_ratio('with_parents.numerator', 'with_parents.denominator') }} as decimal(24, 6))
            else cast(with_parents.numerator as decimal(24, 6))
        end as actual
    from with_parents

),

measured as (

    select
        with_actuals.*,
        metrics.unit,
        metrics.direction,
        window_progress.period_end,
        window_progress.is_open,
        window_progress.working_days,
        window_progress.elapsed_working_days,
        {{ safe_ratio('window_progress.elapsed_working_days', 'window_progress.working_days') }}
            as share_elapsed,
        case
            when with_actuals.target is null then null
            when with_actuals.target = 0 then null
            when with_actuals.actual is null then null
            when metrics.direction = 'lower_is_better' and with_actuals.actual = 0 then null
            when metrics.direction = 'lower_is_better'
                then {{ safe_ratio('with_actuals.target', 'with_actuals.actual') }}
            else {{ safe_ratio('with_actuals.actual', 'with_actuals.target') }}
        end as attainment,
        case
            -- Codes of the reason vocabulary (dbt_project.yml, vars.reason_vocabulary).
            when with_actuals.target is null then 'no_target'
            when with_actuals.target = 0 then 'target_zero'
            when with_actuals.actual is null then 'no_actual'
            when metrics.direction = 'lower_is_better' and with_actuals.actual = 0 then 'actual_zero'
        end as attainment_null_reason
    from with_actuals
    inner join metrics
        on with_actuals.metric = metrics.metric
    inner join window_progress
        on with_actuals.period_grain = window_progress.period_grain
        and with_actuals.period_start = window_progress.period_start
        and with_actuals.period_month = window_progress.period_month

)

select * from measured
