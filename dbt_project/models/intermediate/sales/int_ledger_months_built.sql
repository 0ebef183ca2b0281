{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        tags=['monthly'],
        pre_hook="{{ delete_partition('month_start') }}",
    )
}}
{#- The input fingerprint each month of the monthly models was last built with: rebuilt with
    them, month by month, in the same partition run. -#}
with

fingerprints as (

    select * from {{ ref('int_ledger_inputs_fingerprinted') }}

),

in_partition as (

    select
        month_start,
        input_fingerprint
    from fingerprints
    where {{ in_partition('month_start') }}

)

select * from in_partition
