{#- The scorecard's periods: for each month it covers, the month itself, the fiscal quarter to
    date and the fiscal year to date, with the working days of the window, those elapsed by the
    as-of date, and whether the window is open (its last month is). -#}
with

month_progress as (

    select * from {{ ref('int_scorecard_months_progressed') }}

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

window_progress as (

    select
        period_windows.period_grain,
        period_windows.period_start,
        period_windows.period_month,
        sum(month_progress.working_days_in_month) as working_days,
        sum(month_progress.elapsed_working_days) as elapsed_working_days,
        max(case when month_progress.month_start = period_windows.period_month then month_progress.is_open end)
            as is_open
    from period_windows
    inner join month_progress
        on month_progress.month_start between period_windows.period_start and period_windows.period_month
    group by period_windows.period_grain, period_windows.period_start, period_windows.period_month

)

select * from window_progress
