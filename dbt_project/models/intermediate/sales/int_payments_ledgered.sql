{{ config(materialized='ephemeral') }}
{#- The credit ledger's rows from payments: collections, credited like the invoice each pays
    (unknown when the invoice is not found), at the rate of the paid date, in the ledger's
    columns (macros/ledger.sql). -#}
with

payments as (

    select * from {{ ref('stg_erp__payments') }}

),

invoices as (

    select * from {{ ref('int_invoices_credited') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

collections as (

    select
        {{ ledger_columns(
            "'collections'", 'erp', "'payment'", 'payments.payment_id', 'payments.paid_date',
            "coalesce(invoices.credited_user_id, 'unknown')",
            "case when invoices.invoice_id is null then 'unknown_invoice' else 'invoice_credit' end",
            currency='payments.currency', amount_original='payments.amount',
            fx_rate=fx_rate('fx_rates', 'payments.currency'),
            amount_base=to_base('payments.amount', fx_rate('fx_rates', 'payments.currency')),
            denominator='cast(null as decimal(18, 2))',
            prefix='payments.',
        ) }}
    from payments
    left join invoices
        on payments.invoice_id = invoices.invoice_id
    left join fx_rates
        on {{ fx_join_condition('fx_rates', 'payments.currency', 'payments.paid_date') }}

)

select * from collections
