{#- The scorecard's periods: for each month it covers, the month itself, the fiscal quarter to
    date and the fiscal year to date; and every ISO week (Monday to Sunday) begun by the as-of
    date whose month is covered. Each with its last day, the working days of the window, those
    elapsed by the as-of date, and whether it is open.

    A week belongs to the month of its last day (a closed month's weeks then never change after
    the close), or to the as-of month while it runs past it. -#}
with

month_progress as (

    select * from {{ ref('int_scorecard_months_progressed') }}

),

days as (

    select * from {{ ref('int_calendar_days_spined') }}

),

period_windows as (

    select
        'month' as period_grain,
        month_start as period_start,
        month_start as period_month
    from month_progress
    union all
    select
        'qtd' as period_grain,
        fiscal_quarter_start as period_start,
        month_start as period_month
    from month_progress
    union all
    select
        'ytd' as period_grain,
        fiscal_year_start as period_start,
        month_start as period_month
    from month_progress

),

month_windows as (

    select
        period_windows.period_grain,
        period_windows.period_start,
        period_windows.period_month,
        cast({{ dbt.dateadd('day', '-1', dbt.dateadd('month', '1', 'period_windows.period_month')) }} as date)
            as period_end,
        sum(month_progress.working_days_in_month) as working_days,
        sum(month_progress.elapsed_working_days) as elapsed_working_days,
        max(case when month_progress.month_start = period_windows.period_month then month_progress.is_open end)
            as is_open
    from period_windows
    inner join month_progress
        on month_progress.month_start between period_windows.period_start and period_windows.period_month
    group by period_windows.period_grain, period_windows.period_start, period_windows.period_month

),

weeks as (

    select
        week_start,
        max(date_day) as week_end,
        sum(case when is_working_day then 1 else 0 end) as working_days,
        sum(case when is_working_day and date_day <= {{ as_of_date() }} then 1 else 0 end)
            as elapsed_working_days
    from days
    group by week_start

),

weeks_placed as (

    select
        weeks.*,
        least(cast({{ dbt.date_trunc('month', 'weeks.week_end') }} as date), {{ as_of_month() }})
            as period_month
    from weeks
    where weeks.week_start <= {{ as_of_date() }}

),

week_windows as (

    select
        'week' as period_grain,
        weeks_placed.week_start as period_start,
        weeks_placed.period_month,
        weeks_placed.week_end as period_end,
        cast(weeks_placed.working_days as bigint) as working_days,
        cast(weeks_placed.elapsed_working_days as bigint) as elapsed_working_days,
        {{ as_of_date() }} < weeks_placed.week_end as is_open
    from weeks_placed
    inner join month_progress
        on weeks_placed.period_month = month_progress.month_start

),

window_progress as (

    select * from month_windows
    union all
    select * from week_windows

)

select * from window_progress
