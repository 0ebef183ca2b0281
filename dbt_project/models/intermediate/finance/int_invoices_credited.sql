{#- Every invoice and credit note with the rep credited for it and its base-currency amount.

    Crediting chain (DOMAIN.md, revenue): the invoice's sales_rep_id, else the order's rep, else
    the owner of the order's CRM opportunity, else the owner of the CRM account behind the ERP
    customer; otherwise 'unassigned'. A credited id that is not a known user maps to 'unknown'.
    Credit notes are negative whatever sign the export shows; void documents are kept here (for
    payments that reference them) but flagged so revenue excludes them. -#}
with

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

orders as (

    select * from {{ ref('stg_erp__sales_orders') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

users as (

    select * from {{ ref('stg_crm__users') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

chained as (

    select
        invoices.*,
        case
            when invoices.sales_rep_id is not null then invoices.sales_rep_id
            when orders.sales_rep_id is not null then orders.sales_rep_id
            when opportunities.owner_id is not null then opportunities.owner_id
            when accounts.owner_id is not null then accounts.owner_id
        end as chain_user_id,
        case
            when invoices.sales_rep_id is not null then 'invoice_rep'
            when orders.sales_rep_id is not null then 'order_rep'
            when opportunities.owner_id is not null then 'opportunity_owner'
            when accounts.owner_id is not null then 'account_owner'
            else 'unassigned'
        end as credit_basis
    from invoices
    left join orders
        on invoices.order_id = orders.order_id
    left join opportunities
        on orders.crm_opportunity_id = opportunities.opportunity_id
    left join customers
        on invoices.customer_id = customers.customer_id
    left join accounts
        on customers.crm_account_id = accounts.account_id

),

resolved as (

    select
        chained.*,
        case
            when chained.chain_user_id is null then 'unassigned'
            when users.user_id is null then 'unknown'
            else users.user_id
        end as credited_user_id,
        case
            when chained.document_type = 'credit_note' then -abs(chained.amount_net)
            else chained.amount_net
        end as signed_amount_net,
        chained.status = 'posted' as is_revenue
    from chained
    left join users
        on chained.chain_user_id = users.user_id

),

converted as (

    select
        resolved.invoice_id,
        resolved.invoice_date,
        resolved.customer_id,
        resolved.order_id,
        resolved.document_type,
        resolved.status,
        resolved.is_revenue,
        resolved.chain_user_id,
        resolved.credited_user_id,
        resolved.credit_basis,
        resolved.currency,
        resolved.signed_amount_net,
        {{ fx_rate('fx_rates', 'resolved.currency') }} as fx_rate,
        {{ to_base('resolved.signed_amount_net', fx_rate('fx_rates', 'resolved.currency')) }}
            as amount_base,
        resolved.source_file,
        resolved.source_line
    from resolved
    left join fx_rates
        on {{ fx_join_condition('fx_rates', 'resolved.currency', 'resolved.invoice_date') }}

)

select * from converted
