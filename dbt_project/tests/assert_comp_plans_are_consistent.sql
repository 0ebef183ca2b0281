-- Each comp plan pays on one period type, its metric weights sum to 1, it has a payout curve, and
-- a metric KPI's direction agrees with the metric's own direction.
{{ config(meta={'dagster': {'ref': {'name': 'stg_plan__comp_plans'}}}) }}

with

comp_plans as (

    select * from {{ ref('stg_plan__comp_plans') }}

),

curve as (

    select * from {{ ref('stg_plan__payout_curve') }}

),

kpi_weights as (

    select * from {{ ref('stg_plan__kpi_weights') }}

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

plans_with_curves as (

    select distinct plan_id
    from curve

),

plan_problems as (

    select
        comp_plans.plan_id as subject,
        case
            when count(distinct comp_plans.period_type) > 1 then 'several period types'
            when sum(comp_plans.weight) <> 1 then 'metric weights do not sum to 1'
            else 'no payout curve'
        end as problem,
        {{ source_rows('comp_plans.') }} as source_rows
    from comp_plans
    left join plans_with_curves
        on comp_plans.plan_id = plans_with_curves.plan_id
    group by comp_plans.plan_id
    having
        count(distinct comp_plans.period_type) > 1
        or sum(comp_plans.weight) <> 1
        or count(plans_with_curves.plan_id) = 0

),

direction_problems as (

    select
        kpi_weights.role || ':' || kpi_weights.kpi as subject,
        'direction ' || kpi_weights.direction || ' but the metric is ' || metrics.direction as problem,
        {{ source_rows('kpi_weights.') }} as source_rows
    from kpi_weights
    inner join metrics
        on kpi_weights.kpi = metrics.metric
    where kpi_weights.direction <> metrics.direction
    group by kpi_weights.role, kpi_weights.kpi, kpi_weights.direction, metrics.direction

),

problems as (

    select * from plan_problems
    union all
    select * from direction_problems

)

select * from problems
