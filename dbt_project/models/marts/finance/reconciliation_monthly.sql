{#- Month x metric: what the warehouse credits against what the source systems hold, to the cent.

    source_total is computed straight from the exports, apart from the credit ledger: posted
    invoices net of credit notes (revenue), won opportunities (bookings), payments (collections),
    each converted at the rate in force on its date. credited_total is what reps (the unknown
    member included) are credited, unassigned_total what no rep is; company_total is the company
    roll-up. difference = credited_total + unassigned_total - source_total, and
    company_difference = company_total - source_total, must both be zero (blocking tests). -#}
with

kpis as (

    select * from {{ ref('fct_kpi_monthly') }}
    where metric in ('revenue', 'bookings', 'collections')

),

invoices as (

    select * from {{ ref('int_invoices_credited') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

payments as (

    select * from {{ ref('stg_erp__payments') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

source_documents as (

    select
        'revenue' as metric,
        invoice_date as document_date,
        amount_base
    from invoices
    where is_revenue
    union all
    select
        'bookings' as metric,
        opportunities.close_date as document_date,
        {{ to_base('opportunities.amount', fx_rate('fx_rates', 'opportunities.currency')) }} as amount_base
    from opportunities
    left join fx_rates
        on {{ fx_join_condition('fx_rates', 'opportunities.currency', 'opportunities.close_date') }}
    where opportunities.is_won
    union all
    select
        'collections' as metric,
        payments.paid_date as document_date,
        {{ to_base('payments.amount', fx_rate('fx_rates', 'payments.currency')) }} as amount_base
    from payments
    left join fx_rates
        on {{ fx_join_condition('fx_rates', 'payments.currency', 'payments.paid_date') }}

),

source_totals as (

    select
        metric,
        cast({{ dbt.date_trunc('month', 'document_date') }} as date) as month_start,
        cast(sum(amount_base) as decimal(38, 2)) as source_total,
        count(*) as source_documents
    from source_documents
    where document_date <= {{ as_of_date() }}
    group by 1, 2

),

credited_totals as (

    select
        metric,
        month_start,
        cast(sum(case when scope_type = 'rep' and scope_id <> 'unassigned' then numerator else 0 end) as decimal(38, 2))
            as credited_total,
        cast(sum(case when scope_type = 'rep' and scope_id = 'unassigned' then numerator else 0 end) as decimal(38, 2))
            as unassigned_total,
        cast(sum(case when scope_type = 'company' then numerator else 0 end) as decimal(38, 2)) as company_total
    from kpis
    group by 1, 2

),

reconciled as (

    select
        coalesce(source_totals.metric, credited_totals.metric) as metric,
        coalesce(source_totals.month_start, credited_totals.month_start) as month_start,
        coalesce(source_totals.source_documents, 0) as source_documents,
        coalesce(source_totals.source_total, 0) as source_total,
        coalesce(credited_totals.credited_total, 0) as credited_total,
        coalesce(credited_totals.unassigned_total, 0) as unassigned_total,
        coalesce(credited_totals.company_total, 0) as company_total
    from source_totals
    full outer join credited_totals
        on source_totals.metric = credited_totals.metric
        and source_totals.month_start = credited_totals.month_start

),

final as (

    select
        metric,
        month_start,
        source_documents,
        source_total,
        credited_total,
        unassigned_total,
        credited_total + unassigned_total - source_total as difference,
        company_total,
        company_total - source_total as company_difference,
        {{ as_of_date() }} as as_of_date
    from reconciled

)

select * from final
