{#- Every document the credit ledger credits from opportunities and invoices, with the account
    and product line a segment target reads (int_segment_credits_split), and the document's share
    of its amount as cumulative weights (cum_weight, prev_weight, total_weight; allocate_piece):
    an opportunity (and the account of a first win) names its account and product line; an
    invoice line its product's line and its invoice's customer's CRM account; an invoice or credit
    note its customer's account and one row per product line of its lines, weighted by their net
    amounts in cents (no line, or lines without an amount: one row, product line `unknown`). -#}
with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

invoice_lines as (

    select * from {{ ref('stg_erp__invoice_lines') }}

),

products as (

    select * from {{ ref('stg_erp__products') }}

),

opportunity_accounts as (

    -- The account a first win (new_customers) is credited under is its document.
    select distinct account_id
    from opportunities

),

line_weights as (

    -- Each invoice's net amount by product line, in cents: the weights of its split.
    select
        invoice_lines.invoice_id,
        coalesce(products.product_line, 'unknown') as product_line,
        sum(cast(round(abs(invoice_lines.amount_net) * 100, 0) as bigint)) as weight
    from invoice_lines
    left join products
        on invoice_lines.sku = products.sku
    group by invoice_lines.invoice_id, coalesce(products.product_line, 'unknown')

),

line_shares as (

    select
        invoice_id,
        product_line,
        sum(weight) over (
            partition by invoice_id order by product_line rows between unbounded preceding and current row
        ) as cum_weight,
        sum(weight) over (partition by invoice_id) as total_weight,
        weight
    from line_weights

),

document_segments as (

    select
        'opportunity' as source_entity,
        opportunity_id as document_id,
        account_id,
        product_line,
        1 as cum_weight,
        0 as prev_weight,
        1 as total_weight
    from opportunities
    union all
    select
        'account' as source_entity,
        account_id as document_id,
        account_id,
        cast(null as {{ dbt.type_string() }}) as product_line,
        1 as cum_weight,
        0 as prev_weight,
        1 as total_weight
    from opportunity_accounts
    union all
    select
        invoices.document_type as source_entity,
        invoices.invoice_id as document_id,
        customers.crm_account_id as account_id,
        coalesce(line_shares.product_line, 'unknown') as product_line,
        coalesce(line_shares.cum_weight, 1) as cum_weight,
        coalesce(line_shares.cum_weight - line_shares.weight, 0) as prev_weight,
        coalesce(line_shares.total_weight, 1) as total_weight
    from invoices
    left join customers
        on invoices.customer_id = customers.customer_id
    left join line_shares
        on invoices.invoice_id = line_shares.invoice_id
        and line_shares.total_weight > 0
    union all
    select
        'invoice_line' as source_entity,
        {{ dbt.concat([
            'invoice_lines.invoice_id', "'#'", 'cast(invoice_lines.line_no as ' ~ dbt.type_string() ~ ')',
        ]) }} as document_id,
        customers.crm_account_id as account_id,
        coalesce(products.product_line, 'unknown') as product_line,
        1 as cum_weight,
        0 as prev_weight,
        1 as total_weight
    from invoice_lines
    inner join invoices
        on invoice_lines.invoice_id = invoices.invoice_id
    left join customers
        on invoices.customer_id = customers.customer_id
    left join products
        on invoice_lines.sku = products.sku

)

select * from document_segments
