{#- Monthly targets per rep and team (a rep who moved mid-month has a row for each team).

    - A ratio metric's target is never split or prorated: each piece carries it as it is.
    - Explicit rep targets are prorated by member-days (a rep who joins or leaves mid-month gets
      the month's target times active days / days in month) and attributed to the rep's teams by
      member-days.
    - A team target with no rep target below it (same metric, month and tier) is split among the
      reps who were members in the month, in proportion to member-days.
    - A region target with no rep or team target below it is split the same way among the reps of
      the region's teams.
    Every split is allocated to the cent, so the pieces of a parent sum exactly to it. A derived
    metric's target (market share, a region's or the company's) never reaches a rep. -#}
with

phased as (

    select * from {{ ref('int_targets_phased') }}
    {%- if derived_metrics() %}
        where metric not in {{ sql_list(derived_metrics()) }}
    {%- endif %}

),

member_days as (

    select * from {{ ref('int_member_days_monthly') }}

),

rep_member_days as (

    select * from member_days
    where role = 'rep'

),

rep_targets as (

    select * from phased
    where scope_type = 'rep'

),

team_targets as (

    select * from phased
    where scope_type = 'team'

),

region_targets as (

    select * from phased
    where scope_type = 'region'

),

explicit_weighted as (

    select
        rep_targets.*,
        member_days.team_id,
        member_days.region,
        member_days.member_days as weight,
        sum(member_days.member_days) over (
            partition by rep_targets.scope_id, rep_targets.metric, rep_targets.tier, rep_targets.month_start
            order by member_days.team_id rows between unbounded preceding and current row
        ) as cum_weight,
        member_days.days_in_month as total_weight
    from rep_targets
    inner join member_days
        on rep_targets.scope_id = member_days.user_id
        and rep_targets.month_start = member_days.month_start

),

explicit_pieces as (

    select
        scope_id as user_id,
        team_id,
        region,
        month_start,
        metric,
        tier,
        aggregation,
        {{ piece_unless_ratio('target_value') }} as target_value,
        {{ piece_unless_ratio('original_value') }} as original_value,
        'rep' as source_scope_type,
        scope_id as source_scope_id,
        source_period_type,
        case when aggregation = 'ratio' then 'ratio_as_is' else 'prorated_by_active_days' end
            as allocation_method
    from explicit_weighted

),

reps_with_explicit_targets as (

    select distinct
        explicit_pieces.team_id,
        explicit_pieces.region,
        explicit_pieces.month_start,
        explicit_pieces.metric,
        explicit_pieces.tier
    from explicit_pieces

),

teams_without_rep_targets as (

    select team_targets.*
    from team_targets
    left join reps_with_explicit_targets
        on team_targets.scope_id = reps_with_explicit_targets.team_id
        and team_targets.month_start = reps_with_explicit_targets.month_start
        and team_targets.metric = reps_with_explicit_targets.metric
        and team_targets.tier = reps_with_explicit_targets.tier
    where reps_with_explicit_targets.team_id is null

),

{{ split_by_member_days('team', 'teams_without_rep_targets', 'rep_member_days', 'team_id', 'team') }},

regions_with_targets_below as (

    select distinct
        region,
        month_start,
        metric,
        tier
    from explicit_pieces
    union
    select distinct
        region,
        month_start,
        metric,
        tier
    from team_pieces
    union
    select distinct
        member_days.region,
        team_targets.month_start,
        team_targets.metric,
        team_targets.tier
    from team_targets
    inner join member_days
        on team_targets.scope_id = member_days.team_id
        and team_targets.month_start = member_days.month_start

),

regions_without_targets_below as (

    select region_targets.*
    from region_targets
    left join regions_with_targets_below
        on region_targets.scope_id = regions_with_targets_below.region
        and region_targets.month_start = regions_with_targets_below.month_start
        and region_targets.metric = regions_with_targets_below.metric
        and region_targets.tier = regions_with_targets_below.tier
    where regions_with_targets_below.region is null

),

{{ split_by_member_days('region', 'regions_without_targets_below', 'rep_member_days', 'region', 'region') }},

allocated as (

    select * from explicit_pieces
    union all
    select * from team_pieces
    union all
    select * from region_pieces

)

select * from allocated
