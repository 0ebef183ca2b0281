{#- Monthly targets for every scope: a rep's is the sum of its pieces; a team's, region's or the
    company's is its own explicit target where one is set, else the sum of the level below
    (reps → teams → regions → company). target_source says which. A rolled-up floor or stretch
    exists only where every child with a target has that tier too (child_count counts them). -#}
with

phased as (

    select * from {{ ref('int_targets_phased') }}

),

allocated as (

    select * from {{ ref('int_rep_targets_allocated') }}

),

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

rep_level as (

    select
        'rep' as scope_type,
        user_id as scope_id,
        month_start,
        metric,
        tier,
        sum(target_value) as target_value,
        sum(original_value) as original_value,
        'allocated' as target_source,
        count(*) as child_count
    from allocated
    group by user_id, month_start, metric, tier

),

team_explicit as (

    select
        'team' as scope_type,
        scope_id,
        month_start,
        metric,
        tier,
        target_value,
        original_value,
        'explicit' as target_source,
        cast(null as bigint) as child_count
    from phased
    where scope_type = 'team'

),

team_rolled as (

    select
        'team' as scope_type,
        allocated.team_id as scope_id,
        allocated.month_start,
        allocated.metric,
        allocated.tier,
        sum(allocated.target_value) as target_value,
        sum(allocated.original_value) as original_value,
        'sum_of_reps' as target_source,
        count(*) as child_count
    from allocated
    left join team_explicit
        on allocated.team_id = team_explicit.scope_id
        and allocated.month_start = team_explicit.month_start
        and allocated.metric = team_explicit.metric
        and allocated.tier = team_explicit.tier
    where team_explicit.scope_id is null
    group by allocated.team_id, allocated.month_start, allocated.metric, allocated.tier

),

team_rolled_complete as (

    {{ keep_complete_tiers('team_rolled') }}

),

team_level as (

    select * from team_explicit
    union all
    select * from team_rolled_complete

),

region_explicit as (

    select
        'region' as scope_type,
        scope_id,
        month_start,
        metric,
        tier,
        target_value,
        original_value,
        'explicit' as target_source,
        cast(null as bigint) as child_count
    from phased
    where scope_type = 'region'

),

region_rolled as (

    select
        'region' as scope_type,
        coalesce(teams.region, 'unknown') as scope_id,
        team_level.month_start,
        team_level.metric,
        team_level.tier,
        sum(team_level.target_value) as target_value,
        sum(team_level.original_value) as original_value,
        'sum_of_teams' as target_source,
        count(*) as child_count
    from team_level
    left join teams
        on team_level.scope_id = teams.team_id
    left join region_explicit
        on coalesce(teams.region, 'unknown') = region_explicit.scope_id
        and team_level.month_start = region_explicit.month_start
        and team_level.metric = region_explicit.metric
        and team_level.tier = region_explicit.tier
    where region_explicit.scope_id is null
    group by coalesce(teams.region, 'unknown'), team_level.month_start, team_level.metric, team_level.tier

),

region_rolled_complete as (

    {{ keep_complete_tiers('region_rolled') }}

),

region_level as (

    select * from region_explicit
    union all
    select * from region_rolled_complete

),

company_explicit as (

    select
        'company' as scope_type,
        'company' as scope_id,
        month_start,
        metric,
        tier,
        target_value,
        original_value,
        'explicit' as target_source,
        cast(null as bigint) as child_count
    from phased
    where scope_type = 'company'

),

company_rolled as (

    select
        'company' as scope_type,
        'company' as scope_id,
        region_level.month_start,
        region_level.metric,
        region_level.tier,
        sum(region_level.target_value) as target_value,
        sum(region_level.original_value) as original_value,
        'sum_of_regions' as target_source,
        count(*) as child_count
    from region_level
    left join company_explicit
        on region_level.month_start = company_explicit.month_start
        and region_level.metric = company_explicit.metric
        and region_level.tier = company_explicit.tier
    where company_explicit.scope_id is null
    group by region_level.month_start, region_level.metric, region_level.tier

),

company_rolled_complete as (

    {{ keep_complete_tiers('company_rolled') }}

),

all_levels as (

    select * from rep_level
    union all
    select * from team_level
    union all
    select * from region_level
    union all
    select * from company_explicit
    union all
    select * from company_rolled_complete

)

select * from all_levels
