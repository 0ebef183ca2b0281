{#- Targets phased to months. A year or quarter target is spread over its months by the
    plan/phasing weights of its metric where given (normalised within the period), else evenly.
    A ratio metric's target (win rate, cycle days, ...) applies as it is to every month.
    Pieces are allocated to the cent so the months of a period sum exactly to its target. Where a
    scope has targets of several period types for one month, the finest period wins. -#}
with

targets as (

    select * from {{ ref('int_targets_revised') }}

),

phasing as (

    select * from {{ ref('stg_plan__phasing') }}

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

month_offsets as (

    select cast(generated_number as integer) - 1 as month_offset
    from ({{ dbt.generate_series(12) }}) as series

),

expanded as (

    select
        targets.*,
        case targets.period_type when 'year' then 12 when 'quarter' then 3 else 1 end
            as months_in_period,
        cast({{ dbt.dateadd('month', 'month_offsets.month_offset', 'targets.period_start') }} as date)
            as month_start
    from targets
    inner join month_offsets
        on month_offsets.month_offset
        < case targets.period_type when 'year' then 12 when 'quarter' then 3 else 1 end

),

weighted as (

    select
        expanded.*,
        coalesce({{ integer_weight('phasing.weight') }}, 0) as phasing_weight,
        sum(coalesce({{ integer_weight('phasing.weight') }}, 0)) over (
            partition by
                expanded.scope_type, expanded.scope_id, expanded.metric,
                expanded.period_type, expanded.period_start, expanded.tier
        ) as period_phasing_weight
    from expanded
    left join phasing
        on expanded.metric = phasing.metric
        and cast(extract(month from expanded.month_start) as integer) = phasing.month_of_year

),

month_weights as (

    select
        weighted.*,
        metrics.aggregation,
        case when weighted.period_phasing_weight > 0 then weighted.phasing_weight else 1 end
            as month_weight
    from weighted
    inner join metrics
        on weighted.metric = metrics.metric

),

cumulated as (

    select
        *,
        sum(month_weight) over (
            partition by scope_type, scope_id, metric, period_type, period_start, tier
            order by month_start rows between unbounded preceding and current row
        ) as cum_weight,
        sum(month_weight) over (
            partition by scope_type, scope_id, metric, period_type, period_start, tier
        ) as total_weight
    from month_weights

),

allocated as (

    select
        *,
        {{ allocate_piece('current_value', 'cum_weight', 'cum_weight - month_weight', 'total_weight') }}
            as current_piece,
        {{ allocate_piece('original_value', 'cum_weight', 'cum_weight - month_weight', 'total_weight') }}
            as original_piece
    from cumulated

),

phased as (

    select
        scope_type,
        scope_id,
        metric,
        tier,
        month_start,
        period_type as source_period_type,
        period_start as source_period_start,
        aggregation,
        case
            when aggregation = 'ratio' then 'ratio_as_is'
            when period_phasing_weight > 0 and period_type <> 'month' then 'phasing'
            else 'even'
        end as phasing_method,
        case
            when aggregation = 'ratio' then cast(current_value as decimal(18, 4))
            else cast(current_piece as decimal(18, 4))
        end as target_value,
        case
            when aggregation = 'ratio' then cast(original_value as decimal(18, 4))
            else cast(original_piece as decimal(18, 4))
        end as original_value,
        revision_count,
        source_file,
        source_line,
        row_number() over (
            partition by scope_type, scope_id, metric, tier, month_start
            order by months_in_period asc, period_start desc
        ) as granularity_rank
    from allocated

),

finest_period as (

    select * from phased
    where granularity_rank = 1

)

select * from finest_period
