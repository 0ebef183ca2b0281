-- Completeness of the performance scorecard: every rep-month up to the as-of date in which the
-- rep was on a plan, in a team, with KPI weights for the role, has its performance row. The
-- table may be empty (no plan yet), so this, not a row count, is what guards it.
{{ config(meta={'dagster': {'ref': {'name': 'scorecard_performance'}}}) }}

with

assignments as (

    select * from {{ ref('stg_plan__plan_assignments') }}

),

member_days as (

    select * from {{ ref('int_member_days_monthly') }}

),

kpi_weights as (

    select * from {{ ref('stg_plan__kpi_weights') }}

),

performance as (

    select * from {{ ref('scorecard_performance') }}

),

rep_months_on_a_plan as (

    select distinct
        member_days.user_id,
        member_days.month_start,
        assignments.plan_id,
        assignments.source_file,
        assignments.source_line
    from member_days
    inner join assignments
        on member_days.user_id = assignments.user_id
        and assignments.valid_from < {{ dbt.dateadd('month', '1', 'member_days.month_start') }}
        and coalesce(assignments.valid_to, member_days.month_start) >= member_days.month_start
    inner join kpi_weights
        on member_days.role = kpi_weights.role
    where member_days.member_days > 0
        and member_days.month_start <= {{ as_of_date() }}

),

unscored as (

    select rep_months_on_a_plan.*
    from rep_months_on_a_plan
    left join performance
        on rep_months_on_a_plan.user_id = performance.user_id
        and rep_months_on_a_plan.month_start = performance.month_start
    where performance.user_id is null

)

select * from unscored
