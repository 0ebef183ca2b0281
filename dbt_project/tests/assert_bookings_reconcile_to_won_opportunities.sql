-- Per month: bookings credited to reps plus unassigned, and the company roll-up, equal
-- the won opportunities' total (splits never double-count or lose a cent), to the cent.
{{ config(meta={'dagster': {'ref': {'name': 'reconciliation_monthly'}}}) }}

select *
from {{ ref('reconciliation_monthly') }}
where metric = 'bookings' and (difference <> 0 or company_difference <> 0)
