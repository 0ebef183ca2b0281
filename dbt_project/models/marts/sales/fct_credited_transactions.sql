{#- The credit ledger, published: every credited transaction behind every figure. -#}
with

ledger as (

    select * from {{ ref('int_transactions_credited') }}

)

select * from ledger
