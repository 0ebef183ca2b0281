-- Per month: collections credited to reps plus unassigned, and the company roll-up, equal
-- the ERP payments total, to the cent.
{{ config(meta={'dagster': {'ref': {'name': 'reconciliation_monthly'}}}) }}

select *
from {{ ref('reconciliation_monthly') }}
where metric = 'collections' and (difference <> 0 or company_difference <> 0)
