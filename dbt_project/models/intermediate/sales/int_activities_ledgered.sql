{{ config(materialized='ephemeral') }}
{#- The credit ledger's rows from activities, one row set the metric registry picks from
    (macros/ledger.sql): activity, one unit per activity on the date it occurred, with its
    activity_type (call, visit, email, meeting, demo). -#}
with

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

activity as (

    select
        {{ ledger_row(
            'activity', 'crm', "'activity'", 'activity_id', 'cast(occurred_at as date)', 'owner_id',
            "'activity_owner'",
        ) }},
        activity_type,
        source_file,
        source_line
    from activities

)

select * from activity
