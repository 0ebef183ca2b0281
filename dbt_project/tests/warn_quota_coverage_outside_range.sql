-- Warning: quota coverage (children's targets over the parent's) outside 100-130%. Organisations
-- over-assign on purpose; under 100% or far over is worth a look, not a reason to block.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_target_coverage'}}}) }}

select
    scope_type,
    scope_id,
    month_start,
    metric,
    tier,
    parent_target,
    children_target,
    coverage
from {{ ref('fct_target_coverage') }}
where coverage < 1 or coverage > 1.3
