{#- Each rep's plan periods up to the as-of date, with the on-target incentive prorated.

    A plan's period is a calendar month or a fiscal quarter (comp_plans.period_type; one type per
    plan, checked). on_target_incentive is the incentive at 100% for one full period. A rep covered
    for part of a period (plan assignment valid_from..valid_to, both inclusive, within employment
    hire_date..termination_date) gets it prorated by calendar days, rounded half up to the cent.
    Two assignments of one plan in a period (an OTI change) add their prorated pieces. -#}
with

assignments as (

    select * from {{ ref('stg_plan__plan_assignments') }}

),

comp_plans as (

    select * from {{ ref('stg_plan__comp_plans') }}

),

users as (

    select * from {{ ref('stg_crm__users') }}

),

months as (

    select * from {{ ref('int_calendar_months_spined') }}

),

plan_period_types as (

    select
        plan_id,
        min(period_type) as period_type
    from comp_plans
    group by plan_id

),

plan_periods as (

    select distinct
        plan_period_types.plan_id,
        plan_period_types.period_type,
        case
            when plan_period_types.period_type = 'quarter' then months.fiscal_quarter_start
            else months.month_start
        end as period_start
    from plan_period_types
    cross join months
    where months.month_start <= {{ as_of_date() }}

),

periods_bounded as (

    select
        plan_id,
        period_type,
        period_start,
        cast(
            {{ dbt.dateadd('day', '-1', dbt.dateadd(
                'month', "case when period_type = 'quarter' then 3 else 1 end", 'period_start'
            )) }} as date
        ) as period_end
    from plan_periods

),

covered as (

    select
        assignments.user_id,
        assignments.plan_id,
        assignments.valid_from as assignment_valid_from,
        assignments.on_target_incentive,
        assignments.currency,
        periods_bounded.period_type,
        periods_bounded.period_start,
        periods_bounded.period_end,
        greatest(
            periods_bounded.period_start,
            assignments.valid_from,
            coalesce(users.hire_date, assignments.valid_from)
        ) as covered_from,
        least(
            periods_bounded.period_end,
            coalesce(assignments.valid_to, periods_bounded.period_end),
            coalesce(users.termination_date, periods_bounded.period_end)
        ) as covered_to,
        assignments.source_file,
        assignments.source_line
    from assignments
    inner join periods_bounded
        on assignments.plan_id = periods_bounded.plan_id
    left join users
        on assignments.user_id = users.user_id

),

prorated as (

    select
        *,
        {{ dbt.datediff('period_start', 'period_end', 'day') }}
        + 1 as period_days,
        {{ dbt.datediff('covered_from', 'covered_to', 'day') }}
        + 1 as covered_days,
        {{ to_cents('on_target_incentive') }} as incentive_cents
    from covered
    where covered_from <= covered_to

),

incentive_pieces as (

    select
        *,
        {{ round_div('incentive_cents * covered_days', 'period_days') }} as prorated_incentive_cents
    from prorated

),

combined as (

    select
        user_id,
        plan_id,
        period_type,
        period_start,
        period_end,
        min(currency) as currency,
        max(period_days) as period_days,
        sum(covered_days) as covered_days,
        max(on_target_incentive) as on_target_incentive,
        {{ from_cents('sum(prorated_incentive_cents)') }} as prorated_incentive,
        count(*) as assignment_count,
        min(source_file) as source_file,
        min(source_line) as source_line
    from incentive_pieces
    group by user_id, plan_id, period_type, period_start, period_end

)

select * from combined
