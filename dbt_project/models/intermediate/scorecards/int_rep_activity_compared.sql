{#- Each rep's activity against their team's, per scorecard window, over the same days on the
    team: the rep's activities (every metric the registry credits from activities) per day the
    rep was a member in the window up to the as-of date, against the team's activities per
    member-day (all reps whose parent in the window is that team). A joiner with ten days is
    compared with what the team does in ten days, not with a full month (docs/RULES.md).
    low_activity: the rep's rate is below half the team's. -#}
with

attainment as (

    select * from {{ ref('int_attainment_measured') }}
    where scope_type = 'rep'

),

metrics as (

    select * from {{ ref('dim_metrics') }}
    where source = 'activities'

),

windows as (

    select * from {{ ref('int_scorecard_periods_progressed') }}

),

memberships as (

    select * from {{ ref('int_memberships_spanned') }}

),

rep_activity as (

    select
        attainment.period_grain,
        attainment.period_start,
        attainment.period_month,
        attainment.scope_id as user_id,
        attainment.parent_scope_id as team_id,
        sum(attainment.actual) as activity_count
    from attainment
    inner join metrics
        on attainment.metric = metrics.metric
    group by
        attainment.period_grain,
        attainment.period_start,
        attainment.period_month,
        attainment.scope_id,
        attainment.parent_scope_id

),

windows_elapsed as (

    select
        period_grain,
        period_start,
        period_month,
        least(period_end, {{ as_of_date() }}) as counted_until
    from windows

),

member_days as (

    -- Days on any team within the window, up to the as-of date.
    select
        windows_elapsed.period_grain,
        windows_elapsed.period_start,
        windows_elapsed.period_month,
        memberships.user_id,
        sum(
            {{ dbt.datediff(
                'greatest(memberships.valid_from, windows_elapsed.period_start)',
                "least(coalesce(" ~ dbt.dateadd('day', '-1', 'memberships.valid_to_exclusive') ~ ", windows_elapsed.counted_until), windows_elapsed.counted_until)",
                'day',
            ) }} + 1
        ) as member_days
    from windows_elapsed
    inner join memberships
        on windows_elapsed.counted_until >= memberships.valid_from
        and (
            memberships.valid_to_exclusive is null
            or windows_elapsed.period_start < memberships.valid_to_exclusive
        )
    group by
        windows_elapsed.period_grain,
        windows_elapsed.period_start,
        windows_elapsed.period_month,
        memberships.user_id

),

rep_rates as (

    select
        rep_activity.*,
        coalesce(member_days.member_days, 0) as member_days
    from rep_activity
    left join member_days
        on rep_activity.period_grain = member_days.period_grain
        and rep_activity.period_start = member_days.period_start
        and rep_activity.period_month = member_days.period_month
        and rep_activity.user_id = member_days.user_id

),

team_rates as (

    select
        period_grain,
        period_start,
        period_month,
        team_id,
        sum(activity_count) as team_activity_count,
        sum(member_days) as team_member_days
    from rep_rates
    group by period_grain, period_start, period_month, team_id

),

compared as (

    select
        rep_rates.period_grain,
        rep_rates.period_start,
        rep_rates.period_month,
        rep_rates.user_id,
        rep_rates.team_id,
        cast(rep_rates.activity_count as decimal(18, 2)) as activity_count,
        cast(rep_rates.member_days as bigint) as member_days,
        {{ safe_ratio('rep_rates.activity_count', 'rep_rates.member_days') }} as activity_per_day,
        {{ safe_ratio('team_rates.team_activity_count', 'team_rates.team_member_days') }}
            as team_activity_per_day
    from rep_rates
    inner join team_rates
        on rep_rates.period_grain = team_rates.period_grain
        and rep_rates.period_start = team_rates.period_start
        and rep_rates.period_month = team_rates.period_month
        and rep_rates.team_id = team_rates.team_id

),

flagged as (

    select
        *,
        coalesce(member_days > 0 and activity_per_day < team_activity_per_day * 0.5, false)
            as low_activity
    from compared

)

select * from flagged
