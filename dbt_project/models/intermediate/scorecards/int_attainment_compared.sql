{#- Each scorecard row's actual beside the same scope and metric one period earlier (环比) and one
    year earlier (同比), from int_attainment_measured itself.

    The earlier period of a month is the month before; of a quarter-to-date, the quarter-to-date
    through the same month of the quarter before (three months earlier); of a week, the week
    before. Year-to-date has no earlier period (only the year before). The year before is twelve
    months earlier for month, quarter-to-date and year-to-date rows, and 52 weeks (364 days)
    earlier for a week, so that a week is compared with the same weekdays. A week is found by its
    Monday, every other grain by the month it runs through: each is one row per grain, scope and
    metric, so each comparison is an equality join. -#}
with

attainment as (

    select * from {{ ref('int_attainment_measured') }}

),

keyed as (

    select
        period_grain,
        period_start,
        period_month,
        scope_type,
        scope_id,
        metric,
        actual,
        case when period_grain = 'week' then period_start else period_month end as period_key,
        case
            when period_grain = 'week'
                then cast({{ dbt.dateadd('day', '-7', 'period_start') }} as date)
            when period_grain = 'month'
                then cast({{ dbt.dateadd('month', '-1', 'period_month') }} as date)
            when period_grain = 'qtd'
                then cast({{ dbt.dateadd('month', '-3', 'period_month') }} as date)
        end as previous_key,
        case
            when period_grain = 'week'
                then cast({{ dbt.dateadd('day', '-364', 'period_start') }} as date)
            else cast({{ dbt.dateadd('month', '-12', 'period_month') }} as date)
        end as last_year_key
    from attainment

),

compared as (

    select
        keyed.period_grain,
        keyed.period_start,
        keyed.period_month,
        keyed.scope_type,
        keyed.scope_id,
        keyed.metric,
        previous.actual as actual_previous,
        last_year.actual as actual_last_year
    from keyed
    left join keyed as previous
        on keyed.period_grain = previous.period_grain
        and keyed.scope_type = previous.scope_type
        and keyed.scope_id = previous.scope_id
        and keyed.metric = previous.metric
        and keyed.previous_key = previous.period_key
    left join keyed as last_year
        on keyed.period_grain = last_year.period_grain
        and keyed.scope_type = last_year.scope_type
        and keyed.scope_id = last_year.scope_id
        and keyed.metric = last_year.metric
        and keyed.last_year_key = last_year.period_key

)

select * from compared
