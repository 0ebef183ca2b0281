{#- One row per calendar month with its fiscal quarter and year starts and its size. -#}
with

days as (

    select * from {{ ref('int_calendar_days_spined') }}

),

months as (

    select
        month_start,
        next_month_start,
        fiscal_year,
        fiscal_quarter,
        fiscal_year_start,
        fiscal_quarter_start,
        days_in_month,
        working_days_in_month
    from days
    where date_day = month_start

)

select * from months
