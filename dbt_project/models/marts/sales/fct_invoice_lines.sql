{#- One row per posted invoice line: quantity, price, cost and margin (amount minus quantity x
    unit cost, both in base currency; credit-note lines negative), credited like their invoice. -#}
with

lines as (

    select * from {{ ref('stg_erp__invoice_lines') }}

),

products as (

    select * from {{ ref('stg_erp__products') }}

),

margin_credit as (

    select * from {{ ref('int_transactions_credited') }}
    where metric = 'gross_margin'

),

detailed as (

    select
        lines.invoice_id,
        lines.line_no,
        coalesce(products.sku, 'unknown') as product_sku,
        lines.sku as sku_in_source,
        products.product_line,
        lines.quantity,
        lines.unit_price,
        lines.amount_net,
        products.unit_cost,
        margin_credit.transaction_date as invoice_date,
        margin_credit.credited_user_id,
        margin_credit.team_id,
        margin_credit.region,
        margin_credit.currency,
        margin_credit.fx_rate,
        margin_credit.amount_original as margin_original,
        margin_credit.amount_base as margin_base,
        lines.source_file,
        lines.source_line
    from lines
    inner join margin_credit
        on margin_credit.document_id
        = {{ dbt.concat(["lines.invoice_id", "'#'", "cast(lines.line_no as " ~ dbt.type_string() ~ ")"]) }}
    left join products
        on lines.sku = products.sku

)

select * from detailed
