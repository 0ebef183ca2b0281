{#- Market share (the registry's metric from source `market`) per month, for each region with a
    market size (plan/market_size) and for the company: the credited revenue of the month
    (fct_kpi_monthly) over the market size in base currency. Numerator and denominator are kept,
    so a quarter or year to date divides sums.

    A year's or quarter's size is spread evenly over its months, to the cent, at the rate in force
    on the period's first day; where a region has sizes of several period types for a month, the
    finest wins. The company's market is region `company` where given, else the sum of the
    regions' for the month. -#}
with

market_sizes as (

    select * from {{ ref('stg_plan__market_size') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

revenue as (

    select * from {{ ref('fct_kpi_monthly') }}
    where metric = 'revenue' and scope_type in ('region', 'company')

),

metrics as (

    select * from {{ ref('dim_metrics') }}
    where source = 'market'

),

month_offsets as (

    select cast(generated_number as integer) - 1 as month_offset
    from ({{ dbt.generate_series(12) }}) as series

),

in_base as (

    select
        market_sizes.region,
        market_sizes.period_start,
        case market_sizes.period_type when 'year' then 12 when 'quarter' then 3 else 1 end
            as months_in_period,
        {{ to_base('market_sizes.market_size', fx_rate('fx', 'market_sizes.currency')) }} as market_size_base
    from market_sizes
    left join fx_rates as fx
        on {{ fx_join_condition('fx', 'market_sizes.currency', 'market_sizes.period_start') }}

),

spread as (

    select
        in_base.region,
        cast({{ dbt.dateadd('month', 'month_offsets.month_offset', 'in_base.period_start') }} as date)
            as month_start,
        {{ allocate_piece(
            'in_base.market_size_base',
            'month_offsets.month_offset + 1',
            'month_offsets.month_offset',
            'in_base.months_in_period',
        ) }} as market_size_base,
        row_number() over (
            partition by
                in_base.region,
                {{ dbt.dateadd('month', 'month_offsets.month_offset', 'in_base.period_start') }}
            order by in_base.months_in_period asc, in_base.period_start desc
        ) as granularity_rank
    from in_base
    inner join month_offsets
        on in_base.months_in_period > month_offsets.month_offset

),

region_months as (

    select
        region,
        month_start,
        market_size_base
    from spread
    where granularity_rank = 1

),

company_given as (

    select
        month_start,
        market_size_base
    from region_months
    where region = 'company'

),

company_summed as (

    select
        region_months.month_start,
        sum(region_months.market_size_base) as market_size_base
    from region_months
    left join company_given
        on region_months.month_start = company_given.month_start
    where region_months.region <> 'company' and company_given.month_start is null
    group by region_months.month_start

),

markets as (

    select
        'region' as scope_type,
        region as scope_id,
        month_start,
        market_size_base
    from region_months
    where region <> 'company'
    union all
    select
        'company' as scope_type,
        'company' as scope_id,
        month_start,
        market_size_base
    from company_given
    union all
    select
        'company' as scope_type,
        'company' as scope_id,
        month_start,
        market_size_base
    from company_summed

),

measured as (

    select
        markets.scope_type,
        markets.scope_id,
        markets.month_start,
        metrics.metric,
        cast(coalesce(revenue.numerator, 0) as decimal(24, 2)) as numerator,
        cast(markets.market_size_base as decimal(24, 2)) as denominator,
        cast(
            {{ safe_ratio('coalesce(revenue.numerator, 0)', 'markets.market_size_base') }} as decimal(24, 6)
        ) as actual,
        coalesce(revenue.transaction_count, 0) as transaction_count
    from markets
    cross join metrics
    left join revenue
        on markets.scope_type = revenue.scope_type
        and markets.scope_id = revenue.scope_id
        and markets.month_start = revenue.month_start

)

select * from measured
