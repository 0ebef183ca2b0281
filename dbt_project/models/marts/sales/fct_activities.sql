{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        tags=['monthly'],
        pre_hook="{{ delete_partition('activity_date') }}",
    )
}}
{#- Activities per rep, day and type: count and minutes, with the team the rep belonged to that
    day. Activities by unknown owners stay in, on the unknown member. -#}
with

ledger as (

    select * from {{ ref('int_transactions_credited') }}
    where
        source_entity = 'activity'
        and {{ in_partition('month_start') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

detailed as (

    select
        ledger.credited_user_id as user_id,
        ledger.transaction_date as activity_date,
        activities.activity_type,
        ledger.team_id,
        ledger.region,
        coalesce(activities.duration_minutes, 0) as duration_minutes
    from ledger
    inner join activities
        on ledger.document_id = activities.activity_id

),

daily as (

    select
        user_id,
        activity_date,
        activity_type,
        team_id,
        region,
        count(*) as activity_count,
        cast(sum(duration_minutes) as bigint) as duration_minutes
    from detailed
    group by user_id, activity_date, activity_type, team_id, region

)

select * from daily
