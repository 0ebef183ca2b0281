{{ config(materialized='ephemeral') }}
{#- The credit ledger's rows from invoices and credit notes as credited (int_invoices_credited),
    void ones excluded, as row sets the metric registry picks from (macros/ledger.sql):
    - document: each invoice or credit note, its signed net amount at its rate;
    - line_margin: each of their lines, its margin (net amount minus quantity x unit cost, the
      cost at the rate of the product's currency), credited like the document. -#}
with

invoices as (

    select * from {{ ref('int_invoices_credited') }}

),

invoice_lines as (

    select * from {{ ref('stg_erp__invoice_lines') }}

),

products as (

    select * from {{ ref('stg_erp__products') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

document as (

    select
        {{ ledger_row(
            'document', 'erp', 'invoices.document_type', 'invoices.invoice_id', 'invoices.invoice_date',
            'invoices.credited_user_id', 'invoices.credit_basis', currency='invoices.currency',
            amount_original='invoices.signed_amount_net', fx_rate='invoices.fx_rate',
            amount_base='invoices.amount_base',
        ) }},
        invoices.source_file,
        invoices.source_line
    from invoices
    where invoices.is_revenue

),

line_margin as (

    {#- A credit note's lines lower margin whatever sign they show, like its amount. -#}
    {%- set sign = "case when invoices.document_type = 'credit_note' then -1 else 1 end" -%}
    {%- set unit_costs = 'cast(abs(invoice_lines.quantity) as decimal(38, 10)) * coalesce(products.unit_cost, 0)' -%}
    select
        {{ ledger_row(
            'line_margin', 'erp', "'invoice_line'",
            dbt.concat([
                "invoice_lines.invoice_id", "'#'",
                "cast(invoice_lines.line_no as " ~ dbt.type_string() ~ ")",
            ]),
            'invoices.invoice_date', 'invoices.credited_user_id', 'invoices.credit_basis',
            currency='invoices.currency',
            amount_original='cast(round(' ~ sign ~ ' * (abs(invoice_lines.amount_net) - '
                ~ unit_costs ~ '), 2) as decimal(18, 2))',
            fx_rate='invoices.fx_rate',
            amount_base='cast(' ~ sign ~ ' * ('
                ~ to_base('abs(invoice_lines.amount_net)', 'invoices.fx_rate') ~ ' - '
                ~ to_base(unit_costs, fx_rate('cost_fx', 'coalesce(products.currency, invoices.currency)'))
                ~ ') as decimal(18, 2))',
        ) }},
        invoice_lines.source_file,
        invoice_lines.source_line
    from invoice_lines
    inner join invoices
        on invoice_lines.invoice_id = invoices.invoice_id
    left join products
        on invoice_lines.sku = products.sku
    left join fx_rates as cost_fx
        on {{ fx_join_condition(
            'cost_fx', 'coalesce(products.currency, invoices.currency)', 'invoices.invoice_date'
        ) }}
    where invoices.is_revenue

),

ledgered as (

    select * from document
    union all
    select * from line_margin

)

select * from ledgered
