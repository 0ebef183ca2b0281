-- A target for a rep, team or region that does not exist would be allocated to nobody and vanish:
-- it blocks publication and names the offending rows.
{{ config(meta={'dagster': {'ref': {'name': 'stg_plan__targets'}}}) }}

with

targets as (

    select * from {{ ref('stg_plan__targets') }}

),

users as (

    select * from {{ ref('stg_crm__users') }}

),

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

unknown_scopes as (

    select
        targets.scope_type,
        targets.scope_id,
        targets.metric,
        targets.period_start,
        targets.source_file,
        targets.source_line
    from targets
    where
        (targets.scope_type = 'rep' and targets.scope_id not in (select users.user_id from users))
        or (targets.scope_type = 'team' and targets.scope_id not in (select teams.team_id from teams))
        or (targets.scope_type = 'region' and targets.scope_id not in (select teams.region from teams))
        or (targets.scope_type = 'company' and targets.scope_id <> 'company')

)

select * from unknown_scopes
