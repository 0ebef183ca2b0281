{#- Users with their current team, plus two explicit members that keep amounts in the totals:
    'unknown' (a key that matches no user) and 'unassigned' (revenue nobody can be credited for). -#}
with

users as (

    select * from {{ ref('stg_crm__users') }}

),

known_users as (

    select
        user_id,
        full_name,
        email,
        role,
        manager_id,
        team_id as current_team_id,
        hire_date,
        termination_date,
        false as is_unknown_member
    from users

),

special_members as (

    select
        'unknown' as user_id,
        'Unknown user' as full_name,
        cast(null as {{ dbt.type_string() }}) as email,
        'rep' as role,
        cast(null as {{ dbt.type_string() }}) as manager_id,
        'unknown' as current_team_id,
        cast(null as date) as hire_date,
        cast(null as date) as termination_date,
        true as is_unknown_member
    union all
    select
        'unassigned' as user_id,
        'Unassigned' as full_name,
        cast(null as {{ dbt.type_string() }}) as email,
        'rep' as role,
        cast(null as {{ dbt.type_string() }}) as manager_id,
        'unknown' as current_team_id,
        cast(null as date) as hire_date,
        cast(null as date) as termination_date,
        true as is_unknown_member

),

unioned as (

    select * from known_users
    union all
    select * from special_members

)

select * from unioned
