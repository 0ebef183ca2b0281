{#- Team membership over time (SCD2, [valid_from, valid_to_exclusive)): the history every
    team and region figure is attributed by. -#}
with

memberships as (

    select * from {{ ref('int_memberships_spanned') }}

),

published as (

    select
        user_id,
        team_id,
        region,
        role,
        valid_from,
        valid_to_exclusive,
        valid_to_exclusive is null as is_current,
        membership_source
    from memberships

)

select * from published
