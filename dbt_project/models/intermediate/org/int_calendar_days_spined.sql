{#- One row per calendar day with ISO week, month, fiscal quarter and fiscal year attributes.
    Working days are Monday to Friday (no holiday calendar yet). An ISO week starts on Monday
    and belongs to the year of its Thursday (so 2026-12-31 is in 2026-W53, 2027-01-04 starts
    2027-W01); its number counts the weeks of that year whose Thursday came before. -#}
{%- set week_thursday = dbt.dateadd('day', '3', 'week_start') -%}
with

date_spine as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ run_var('calendar_start') ~ "' as date)",
        "cast('" ~ run_var('calendar_end') ~ "' as date)",
    ) }}

),

days as (

    select
        cast(date_day as date) as date_day,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ iso_day_of_week('date_day') }} as bigint) as iso_day_of_week
    from date_spine

),

weeks_started as (

    select
        *,
        cast({{ dbt.dateadd('day', '1 - iso_day_of_week', 'date_day') }} as date) as week_start
    from days

),

iso_weeks as (

    select
        *,
        cast(extract(year from {{ week_thursday }}) as integer) as iso_week_year,
        cast({{ int_div('extract(doy from ' ~ week_thursday ~ ') - 1', '7') }} as integer) + 1 as iso_week
    from weeks_started

),

weeks_labelled as (

    select
        *,
        {{ dbt.concat([
            "cast(iso_week_year as " ~ dbt.type_string() ~ ")", "'-W'",
            "lpad(cast(iso_week as " ~ dbt.type_string() ~ "), 2, '0')",
        ]) }} as iso_week_label
    from iso_weeks

),

fiscal_positioned as (

    select
        *,
        mod(
            cast(extract(month from month_start) as integer) - {{ run_var('fiscal_year_start_month') }} + 12,
            12
        ) as fiscal_month_index
    from weeks_labelled

),

fiscal_periods as (

    select
        *,
        cast({{ dbt.dateadd('month', '-fiscal_month_index', 'month_start') }} as date)
            as fiscal_year_start,
        cast(
            {{ dbt.dateadd('month', '-mod(fiscal_month_index, 3)', 'month_start') }} as date
        ) as fiscal_quarter_start,
        iso_day_of_week <= 5 as is_working_day
    from fiscal_positioned

),

month_sizes as (

    select
        *,
        cast(extract(year from fiscal_year_start) as integer) as fiscal_year,
        cast({{ int_div('fiscal_month_index', '3') }} as integer) + 1 as fiscal_quarter,
        cast({{ dbt.dateadd('month', '1', 'month_start') }} as date) as next_month_start,
        count(*) over (partition by month_start) as days_in_month,
        cast(sum(case when is_working_day then 1 else 0 end) over (partition by month_start) as bigint)
            as working_days_in_month
    from fiscal_periods

)

select * from month_sizes
