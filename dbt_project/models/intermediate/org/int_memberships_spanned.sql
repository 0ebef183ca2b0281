{#- Team membership over time, [valid_from, valid_to_exclusive), clipped to employment.
    From crm/team_assignments where a user has any; else from the user's team between hire and
    termination. valid_to in the export is the last day in the team (inclusive). -#}
with

users as (

    select * from {{ ref('stg_crm__users') }}

),

assignments as (

    select * from {{ ref('stg_crm__team_assignments') }}

),

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

from_assignments as (

    select
        assignments.user_id,
        assignments.team_id,
        assignments.valid_from,
        cast({{ dbt.dateadd('day', '1', 'assignments.valid_to') }} as date) as valid_to_exclusive,
        'team_assignments' as membership_source
    from assignments

),

from_users as (

    select
        users.user_id,
        users.team_id,
        users.hire_date as valid_from,
        cast({{ dbt.dateadd('day', '1', 'users.termination_date') }} as date) as valid_to_exclusive,
        'users' as membership_source
    from users
    where users.user_id not in (select assignments.user_id from assignments)

),

unioned as (

    select * from from_assignments
    union all
    select * from from_users

),

clipped_to_employment as (

    select
        unioned.user_id,
        unioned.team_id,
        coalesce(teams.region, 'unknown') as region,
        users.role,
        greatest(unioned.valid_from, users.hire_date) as valid_from,
        case
            when users.termination_date is null then unioned.valid_to_exclusive
            when unioned.valid_to_exclusive is null
                then cast({{ dbt.dateadd('day', '1', 'users.termination_date') }} as date)
            else least(
                    unioned.valid_to_exclusive,
                    cast({{ dbt.dateadd('day', '1', 'users.termination_date') }} as date)
                )
        end as valid_to_exclusive,
        unioned.membership_source
    from unioned
    inner join users
        on unioned.user_id = users.user_id
    left join teams
        on unioned.team_id = teams.team_id

),

non_empty as (

    select * from clipped_to_employment
    where valid_to_exclusive is null or valid_to_exclusive > valid_from

)

select * from non_empty
