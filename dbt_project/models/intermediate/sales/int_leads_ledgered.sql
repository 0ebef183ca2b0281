{{ config(materialized='ephemeral') }}
{#- The credit ledger's rows from leads: lead conversion rate, each lead counted in the month it
    was created (converted or not), in the ledger's columns (macros/ledger.sql). -#}
with

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

lead_conversion_rate as (

    select
        {{ ledger_columns(
            "'lead_conversion_rate'", 'crm', "'lead'", 'lead_id', 'cast(created_at as date)',
            'owner_id', "'lead_owner'",
            amount_original="cast(case when status = 'converted' or converted_at is not null "
                ~ "then 1 else 0 end as decimal(18, 2))",
            denominator='cast(1 as decimal(18, 2))',
        ) }}
    from leads

)

select * from lead_conversion_rate
