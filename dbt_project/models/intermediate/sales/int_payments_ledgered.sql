{{ config(materialized='ephemeral') }}
{#- The credit ledger's rows from payments, one row set the metric registry picks from
    (macros/ledger.sql): payment, each payment credited like the invoice it pays (unknown when
    the invoice is not found), at the rate of the paid date. -#}
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

payment as (

    select
        {{ ledger_row(
            'payment', 'erp', "'payment'", 'payments.payment_id', 'payments.paid_date',
            "coalesce(invoices.credited_user_id, 'unknown')",
            "case when invoices.invoice_id is null then 'unknown_invoice' else 'invoice_credit' end",
            currency='payments.currency', amount_original='payments.amount',
            fx_rate=fx_rate('fx_rates', 'payments.currency'),
            amount_base=to_base('payments.amount', fx_rate('fx_rates', 'payments.currency')),
        ) }},
        payments.source_file,
        payments.source_line
    from payments
    left join invoices
        on payments.invoice_id = invoices.invoice_id
    left join fx_rates
        on {{ fx_join_condition('fx_rates', 'payments.currency', 'payments.paid_date') }}

)

select * from payment
