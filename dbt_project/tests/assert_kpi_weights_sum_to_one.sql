-- The KPI weights of each role sum to 1, or the performance score would be on another scale.
{{ config(meta={'dagster': {'ref': {'name': 'stg_plan__kpi_weights'}}}) }}

select
    role,
    sum(weight) as weight_total,
    count(*) as kpi_count,
    {{ source_rows() }} as source_rows
from {{ ref('stg_plan__kpi_weights') }}
group by role
having sum(weight) <> 1
