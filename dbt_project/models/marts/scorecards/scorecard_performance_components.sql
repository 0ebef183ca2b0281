{#- The performance scorecard's components: rep x month x KPI of the rep's role (DOMAIN.md).

    Components are the KPIs of the rep's role (plan/kpi_weights): a metric KPI scores
    min(attainment, 1.5) x 100 points from the rep's monthly attainment (already inverted for
    lower-is-better metrics), never below 0 (credit notes can make attainment negative); a review
    criterion scores (score - 1) / 4 x 100 from the manager review in force: the latest for that
    criterion dated in the month's fiscal quarter on or before the month (monthly and quarterly
    review cycles both work). A KPI with no target or no review scores 0 and is flagged. The rep's
    team is the one of most member-days that month. scorecard_performance sums the weighted
    points.

    Only months the rep was on a plan (a plan assignment overlapping the month) are scored: a
    month before any plan is not a D. The open month is provisional: a summed, higher-is-better
    metric is scored on its pace (actual / expected to date), not on a part of the month taken
    for the whole. -#}
with

attainment as (

    select * from {{ ref('scorecard_attainment') }}
    where scope_type = 'rep' and period_grain = 'month'

),

kpi_weights as (

    select * from {{ ref('stg_plan__kpi_weights') }}

),

reviews as (

    select * from {{ ref('stg_plan__manager_reviews') }}

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

member_days as (

    select * from {{ ref('int_member_days_monthly') }}

),

months as (

    select * from {{ ref('int_calendar_months_spined') }}

),

plan_assignments as (

    select * from {{ ref('stg_plan__plan_assignments') }}

),

months_on_plan as (

    select distinct
        plan_assignments.user_id,
        months.month_start
    from plan_assignments
    inner join months
        on plan_assignments.valid_from < months.next_month_start
        and coalesce(plan_assignments.valid_to, months.month_start) >= months.month_start

),

rep_months as (

    select
        member_days.user_id,
        member_days.month_start,
        member_days.role,
        member_days.team_id,
        member_days.region,
        months.fiscal_quarter_start,
        {{ as_of_date() }} < cast({{ dbt.dateadd('day', '-1', 'months.next_month_start') }} as date)
            as is_provisional,
        row_number() over (
            partition by member_days.user_id, member_days.month_start
            order by member_days.member_days desc, member_days.team_id desc
        ) as team_rank
    from member_days
    inner join months
        on member_days.month_start = months.month_start
    inner join months_on_plan
        on member_days.user_id = months_on_plan.user_id
        and member_days.month_start = months_on_plan.month_start
    where member_days.member_days > 0
        and member_days.month_start <= {{ as_of_date() }}

),

primary_team as (

    select * from rep_months
    where team_rank = 1

),

components as (

    select
        primary_team.user_id,
        primary_team.month_start,
        primary_team.role,
        primary_team.team_id,
        primary_team.region,
        primary_team.fiscal_quarter_start,
        primary_team.is_provisional,
        kpi_weights.kpi,
        kpi_weights.weight,
        kpi_weights.direction,
        case when metrics.metric is not null then 'metric' else 'review' end as component_type
    from primary_team
    inner join kpi_weights
        on primary_team.role = kpi_weights.role
    left join metrics
        on kpi_weights.kpi = metrics.metric

),

reviews_in_force as (

    select
        components.user_id,
        components.month_start,
        components.kpi,
        reviews.score,
        reviews.period_start as review_period_start,
        row_number() over (
            partition by components.user_id, components.month_start, components.kpi
            order by reviews.period_start desc
        ) as review_rank
    from components
    inner join reviews
        on components.user_id = reviews.user_id
        and components.kpi = reviews.criterion
        and reviews.period_start between components.fiscal_quarter_start and components.month_start
    where components.component_type = 'review'

),

attainment_scored as (

    select
        scope_id,
        period_month,
        metric,
        attainment_null_reason,
        case
            when is_open and aggregation = 'sum' and direction = 'higher_is_better' then pace_index
            else attainment
        end as attainment
    from attainment

),

scored as (

    select
        components.*,
        attainment.attainment,
        reviews_in_force.score as review_score,
        reviews_in_force.review_period_start,
        case
            when components.component_type = 'metric' and attainment.attainment is not null
                then cast(greatest(least(attainment.attainment, 1.5), 0) * 100 as decimal(18, 6))
            when components.component_type = 'review' and reviews_in_force.score is not null
                then cast((reviews_in_force.score - 1) * 25 as decimal(18, 6))
            else cast(0 as decimal(18, 6))
        end as points,
        case
            when components.component_type = 'metric' and attainment.attainment is null
                then coalesce(attainment.attainment_null_reason, 'no_target')
            when components.component_type = 'review' and reviews_in_force.score is null
                then 'no_review'
        end as missing_reason
    from components
    left join attainment_scored as attainment
        on components.user_id = attainment.scope_id
        and components.month_start = attainment.period_month
        and components.kpi = attainment.metric
        and components.component_type = 'metric'
    left join reviews_in_force
        on components.user_id = reviews_in_force.user_id
        and components.month_start = reviews_in_force.month_start
        and components.kpi = reviews_in_force.kpi
        and reviews_in_force.review_rank = 1

),

weighted as (

    select
        *,
        cast(weight * points as decimal(18, 6)) as weighted_points,
        {{ as_of_date() }} as as_of_date
    from scored

)

select * from weighted
