{{ config(materialized='ephemeral') }}
{#- The credit ledger's rows from leads, one row set the metric registry picks from
    (macros/ledger.sql): created, each lead in the month it was created (converted or not),
    with is_converted. -#}
with

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

created as (

    select
        {{ ledger_row(
            'created', 'crm', "'lead'", 'lead_id', 'cast(created_at as date)', 'owner_id', "'lead_owner'",
        ) }},
        (status = 'converted' or converted_at is not null) as is_converted,
        source_file,
        source_line
    from leads

)

select * from created
