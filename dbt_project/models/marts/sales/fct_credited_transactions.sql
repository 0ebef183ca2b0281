{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        tags=['monthly'],
        pre_hook="{{ delete_partition('month_start') }}",
    )
}}
{#- The credit ledger, published: every credited transaction behind every figure. -#}
with

ledger as (

    select * from {{ ref('int_transactions_credited') }}
    where {{ in_partition('month_start') }}

)

select * from ledger
