-- Per month: revenue credited to reps plus unassigned, and the company roll-up, equal
-- the ERP posted total (invoices net of credit notes, void excluded), to the cent.
{{ config(meta={'dagster': {'ref': {'name': 'reconciliation_monthly'}}}) }}

select *
from {{ ref('reconciliation_monthly') }}
where metric = 'revenue' and (difference <> 0 or company_difference <> 0)
