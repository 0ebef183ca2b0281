{#- The months a scorecard covers, from the first month with a target or an actual to the as-of
    month, each with its calendar (fiscal quarter and year starts, working days), the working
    days elapsed by the as-of date and whether it is still open. -#}
with

kpis as (

    select * from {{ ref('fct_kpi_monthly') }}

),

scope_targets as (

    select * from {{ ref('int_scope_targets_rolled') }}

),

months as (

    select * from {{ ref('int_calendar_months_spined') }}

),

days as (

    select * from {{ ref('int_calendar_days_spined') }}

),

reporting_range as (

    select
        min(month_start) as first_month,
        {{ as_of_month() }}
            as last_month
    from (
        select month_start from scope_targets
        union all
        select month_start from kpis
    ) as data_months

),

elapsed_working_days as (

    select
        month_start,
        sum(case when is_working_day then 1 else 0 end) as elapsed_working_days
    from days
    where date_day <= {{ as_of_date() }}
    group by month_start

),

month_progress as (

    select
        months.*,
        coalesce(elapsed_working_days.elapsed_working_days, 0) as elapsed_working_days,
        {{ as_of_date() }}
        < cast({{ dbt.dateadd('day', '-1', 'months.next_month_start') }} as date) as is_open
    from months
    inner join reporting_range
        on months.month_start between reporting_range.first_month and reporting_range.last_month
    left join elapsed_working_days
        on months.month_start = elapsed_working_days.month_start

)

select * from month_progress
