{#- Teams with their region and hierarchy path, plus the explicit unknown member. -#}
with

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

known_teams as (

    select
        team_id,
        team_name,
        parent_team_id,
        region,
        {{ dbt.concat(["region", "' > '", "team_name"]) }} as hierarchy_path,
        false as is_unknown_member
    from teams

),

unknown_member as (

    select
        'unknown' as team_id,
        'Unknown team' as team_name,
        cast(null as {{ dbt.type_string() }}) as parent_team_id,
        'unknown' as region,
        'unknown > Unknown team' as hierarchy_path,
        true as is_unknown_member

),

unioned as (

    select * from known_teams
    union all
    select * from unknown_member

)

select * from unioned
