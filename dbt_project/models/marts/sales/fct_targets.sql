{#- Monthly targets per rep, team, metric and tier in force at the as-of date, with the original
    value, where the target came from (level and period) and how it was allocated. -#}
with

allocated as (

    select * from {{ ref('int_rep_targets_allocated') }}

)

select * from allocated
