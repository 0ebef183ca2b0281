-- Every payout's statement lines sum to its payout_amount to the cent, and every payout has lines.
{{ config(meta={'dagster': {'ref': {'name': 'reconciliation_payouts'}}}) }}

select *
from {{ ref('reconciliation_payouts') }}
where difference <> 0 or line_count = 0
