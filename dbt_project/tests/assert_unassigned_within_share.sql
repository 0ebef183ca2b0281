-- Unassigned revenue and collections stay within a share of the month's total (var
-- max_unassigned_share, setting SCORECARDS_MAX_UNASSIGNED_SHARE, default 10%): above it the
-- crediting chain is broken somewhere and the scorecards would understate the reps.
{{ config(meta={'dagster': {'ref': {'name': 'reconciliation_monthly'}}}) }}

select
    metric,
    month_start,
    unassigned_total,
    source_total,
    cast({{ run_var('max_unassigned_share') }} as decimal(9, 4)) as max_share
from {{ ref('reconciliation_monthly') }}
where
    metric in ('revenue', 'collections')
    and abs(unassigned_total) > cast({{ run_var('max_unassigned_share') }} as decimal(9, 4)) * abs(source_total)
