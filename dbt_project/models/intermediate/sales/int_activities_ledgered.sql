{{ config(materialized='ephemeral') }}
{#- The credit ledger's rows from activities: one unit of the activity type's metric (calls,
    visits, emails, meetings, demos) per activity, on its date, in the ledger's columns
    (macros/ledger.sql). -#}
with

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

activity_counts as (

    select
        {{ ledger_columns(
            "activity_type || 's'", 'crm', "'activity'", 'activity_id', 'cast(occurred_at as date)',
            'owner_id', "'activity_owner'",
        ) }}
    from activities

)

select * from activity_counts
