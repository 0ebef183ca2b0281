-- Per month: credited revenue (every rep scope, unknown and unassigned included) equals the
-- company figure, and both equal the ERP posted total computed straight from the invoices, to the cent.
{{ config(meta={'dagster': {'ref': {'name': 'fct_kpi_monthly'}}}) }}

with

kpis as (

    select * from {{ ref('fct_kpi_monthly') }}
    where metric = 'revenue'

),

invoices as (

    select * from {{ ref('int_invoices_credited') }}

),

erp_posted as (

    select
        cast({{ dbt.date_trunc('month', 'invoice_date') }} as date) as month_start,
        sum(amount_base) as erp_total
    from invoices
    where status = 'posted' and invoice_date <= cast('{{ var("as_of_date") }}' as date)
    group by 1

),

credited as (

    select
        month_start,
        sum(case when scope_type = 'rep' then actual end) as rep_total,
        sum(case when scope_type = 'company' then actual end) as company_total
    from kpis
    group by 1

),

differences as (

    select
        coalesce(erp_posted.month_start, credited.month_start) as month_start,
        erp_posted.erp_total,
        credited.rep_total,
        credited.company_total
    from erp_posted
    full outer join credited
        on erp_posted.month_start = credited.month_start
    where
        coalesce(erp_posted.erp_total, 0) <> coalesce(credited.rep_total, 0)
        or coalesce(erp_posted.erp_total, 0) <> coalesce(credited.company_total, 0)

)

select * from differences
