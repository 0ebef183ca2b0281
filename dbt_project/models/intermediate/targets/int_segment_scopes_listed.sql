{#- The segments that have a target: product lines and key accounts (scope types product_line and
    account) at the company (scope_id = the line or account id) or in a region (scope_id =
    region/id, the region being one of the teams'). Only these are measured (int_segment_credits_
    split): a scorecard row for every account and month would dwarf the rest. A region-level
    segment's parent is the same segment at the company; a company-level one's, the company. -#}
with

phased as (

    select * from {{ ref('int_targets_phased') }}

),

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

segment_scopes as (

    select distinct
        scope_type,
        scope_id
    from phased
    where scope_type in {{ sql_list(segment_scope_types()) }}

),

regions as (

    select distinct region
    from teams
    where region is not null

),

region_matched as (

    select
        segment_scopes.scope_type,
        segment_scopes.scope_id,
        regions.region,
        -- The longest region the id starts with wins (a region may prefix another).
        row_number() over (
            partition by segment_scopes.scope_type, segment_scopes.scope_id
            order by {{ dbt.length('regions.region') }} desc nulls last
        ) as match_rank
    from segment_scopes
    left join regions
        on substring(segment_scopes.scope_id, 1, {{ dbt.length('regions.region') }} + 1)
        = {{ dbt.concat(['regions.region', "'/'"]) }}

),

listed as (

    select
        scope_type,
        scope_id,
        region,
        case
            when region is null then scope_id
            else substring(scope_id, {{ dbt.length('region') }} + 2)
        end as segment_id,
        case when region is null then 'company' else scope_type end as parent_scope_type,
        case
            when region is null then 'company'
            else substring(scope_id, {{ dbt.length('region') }} + 2)
        end as parent_scope_id
    from region_matched
    where match_rank = 1

)

select * from listed
