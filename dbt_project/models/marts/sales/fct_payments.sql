{#- One row per payment: credited to the rep credited with its invoice, with that rep's team on
    the paid date and the amount in original and base currency. -#}
with

payments as (

    select * from {{ ref('stg_erp__payments') }}

),

collections as (

    select * from {{ ref('int_transactions_credited') }}
    where metric = 'collections'

),

detailed as (

    select
        payments.payment_id,
        payments.invoice_id,
        payments.paid_date,
        collections.credited_user_id,
        collections.credit_basis,
        collections.team_id,
        collections.region,
        payments.currency,
        payments.amount as amount_original,
        collections.fx_rate,
        collections.amount_base,
        payments.source_file,
        payments.source_line
    from payments
    inner join collections
        on payments.payment_id = collections.document_id

)

select * from detailed
