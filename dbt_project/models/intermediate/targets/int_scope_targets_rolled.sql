{#- Monthly targets for every scope: a rep's is the sum of its pieces; a team's, region's or the
    company's is its own explicit target where one is set, else the sum of the level below
    (reps → teams → regions → company). target_source says which. A rolled-up floor or stretch
    exists only where every child with a target has that tier too (child_count counts them).
    A product line's or an account's target (at the company or in a region) is its own explicit
    one: segments do not roll up. -#}
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
        -- A rep in two teams in a month has two pieces: money adds up, a ratio is the same twice.
        case when max(aggregation) = 'ratio' then max(target_value) else sum(target_value) end
            as target_value,
        case when max(aggregation) = 'ratio' then max(original_value) else sum(original_value) end
            as original_value,
        'allocated' as target_source,
        max(aggregation) as aggregation,
        count(*) as child_count
    from allocated
    group by user_id, month_start, metric, tier

),

{{ explicit_targets('team_explicit', ['team']) }},

{{ roll_up_targets('team', 'allocated', 'team', 'allocated.team_id', 'team_explicit', 'sum_of_reps') }},

team_level as (

    select * from team_explicit
    union all
    select * from team_complete

),

{{ explicit_targets('region_explicit', ['region']) }},

{{ roll_up_targets(
    'region',
    'team_level',
    'region',
    "coalesce(teams.region, 'unknown')",
    'region_explicit',
    'sum_of_teams',
    join='left join teams on team_level.scope_id = teams.team_id',
) }},

region_level as (

    select * from region_explicit
    union all
    select * from region_complete

),

{{ explicit_targets('company_explicit', ['company'], scope_id="'company'") }},

{{ roll_up_targets('company', 'region_level', 'company', "'company'", 'company_explicit', 'sum_of_regions') }},

{{ explicit_targets('segment_explicit', segment_scope_types()) }},

all_levels as (

    select * from rep_level
    union all
    select * from team_level
    union all
    select * from region_level
    union all
    select * from company_explicit
    union all
    select * from company_complete
    union all
    select * from segment_explicit

)

select * from all_levels
