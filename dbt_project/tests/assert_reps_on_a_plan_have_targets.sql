-- Completeness: every rep with a comp plan has a target for each plan metric and plan period up
-- to the as-of date. Without one the metric pays nothing, which is a gap in the plan, not a result.
{{ config(meta={'dagster': {'ref': {'name': 'int_payouts_earned'}}}) }}

select
    payout_id,
    user_id,
    plan_id,
    period_start,
    metric,
    attainment_null_reason,
    source_file,
    source_line
from {{ ref('int_payouts_earned') }}
where attainment_null_reason is not null
