{#- One row per invoice or credit note: credited rep (crediting chain) and the rep's team on the
    invoice date, amount signed (credit notes negative) in original and base currency. Void
    documents are kept with is_revenue = false and no team; unassigned revenue is kept. -#}
with

invoices as (

    select * from {{ ref('int_invoices_credited') }}

),

revenue_credit as (

    select
        document_id,
        team_id,
        region
    from {{ ref('int_transactions_credited') }}
    where metric = 'revenue'

),

detailed as (

    select
        invoices.invoice_id,
        invoices.invoice_date,
        invoices.customer_id,
        invoices.order_id,
        invoices.document_type,
        invoices.status,
        invoices.is_revenue,
        invoices.credited_user_id,
        invoices.chain_user_id as credited_user_id_in_source,
        invoices.credit_basis,
        revenue_credit.team_id,
        revenue_credit.region,
        invoices.currency,
        invoices.signed_amount_net as amount_original,
        invoices.fx_rate,
        invoices.amount_base,
        invoices.source_file,
        invoices.source_line
    from invoices
    left join revenue_credit
        on invoices.invoice_id = revenue_credit.document_id

)

select * from detailed
