-- Per month: bookings credited to reps (splits included) equal the won opportunities' total in base
-- currency: a split never double-counts or loses a cent.
{{ config(meta={'dagster': {'ref': {'name': 'fct_kpi_monthly'}}}) }}

with

kpis as (

    select * from {{ ref('fct_kpi_monthly') }}
    where metric = 'bookings' and scope_type = 'rep'

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

won_total as (

    select
        cast({{ dbt.date_trunc('month', 'opportunities.close_date') }} as date) as month_start,
        sum({{ to_base('opportunities.amount', fx_rate('fx_rates', 'opportunities.currency')) }}) as won_total
    from opportunities
    left join fx_rates
        on {{ fx_join_condition('fx_rates', 'opportunities.currency', 'opportunities.close_date') }}
    where opportunities.is_won and opportunities.close_date <= cast('{{ var("as_of_date") }}' as date)
    group by 1

),

credited as (

    select
        month_start,
        sum(actual) as credited_total
    from kpis
    group by 1

),

differences as (

    select
        coalesce(won_total.month_start, credited.month_start) as month_start,
        won_total.won_total,
        credited.credited_total
    from won_total
    full outer join credited
        on won_total.month_start = credited.month_start
    where coalesce(won_total.won_total, 0) <> coalesce(credited.credited_total, 0)

)

select * from differences
