{#- Quota coverage: for every explicit team, region or company target (additive metrics), the sum
    of the targets one level down against it. Sales organisations over-assign by 10-20% on purpose,
    so coverage is a figure to read, not an error; the difference is reported, never forced away. -#}
with

scope_targets as (

    select * from {{ ref('int_scope_targets_rolled') }}

),

allocated as (

    select * from {{ ref('int_rep_targets_allocated') }}

),

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

explicit_parents as (

    select
        scope_type,
        scope_id,
        month_start,
        metric,
        tier,
        target_value
    from scope_targets
    where target_source = 'explicit' and scope_type in ('team', 'region', 'company')
        and aggregation = 'sum'

),

team_children as (

    select
        'team' as scope_type,
        team_id as scope_id,
        month_start,
        metric,
        tier,
        sum(target_value) as children_target,
        count(distinct user_id) as children
    from allocated
    group by team_id, month_start, metric, tier

),

region_children as (

    select
        'region' as scope_type,
        coalesce(teams.region, 'unknown') as scope_id,
        scope_targets.month_start,
        scope_targets.metric,
        scope_targets.tier,
        sum(scope_targets.target_value) as children_target,
        count(*) as children
    from scope_targets
    left join teams
        on scope_targets.scope_id = teams.team_id
    where scope_targets.scope_type = 'team'
    group by
        coalesce(teams.region, 'unknown'), scope_targets.month_start, scope_targets.metric,
        scope_targets.tier

),

company_children as (

    select
        'company' as scope_type,
        'company' as scope_id,
        month_start,
        metric,
        tier,
        sum(target_value) as children_target,
        count(*) as children
    from scope_targets
    where scope_type = 'region'
    group by month_start, metric, tier

),

children as (

    select * from team_children
    union all
    select * from region_children
    union all
    select * from company_children

),

coverage as (

    select
        explicit_parents.scope_type,
        explicit_parents.scope_id,
        explicit_parents.month_start,
        explicit_parents.metric,
        explicit_parents.tier,
        explicit_parents.target_value as parent_target,
        coalesce(children.children_target, 0) as children_target,
        coalesce(children.children, 0) as children,
        coalesce(children.children_target, 0) - explicit_parents.target_value as over_assignment,
        {{ safe_ratio('coalesce(children.children_target, 0)', 'explicit_parents.target_value') }}
            as coverage
    from explicit_parents
    left join children
        on explicit_parents.scope_type = children.scope_type
        and explicit_parents.scope_id = children.scope_id
        and explicit_parents.month_start = children.month_start
        and explicit_parents.metric = children.metric
        and explicit_parents.tier = children.tier

)

select * from coverage
