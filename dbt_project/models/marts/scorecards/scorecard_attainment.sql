{#- The attainment scorecard: scope (rep, team, region, company) x metric x period, for the month,
    quarter-to-date and year-to-date (fiscal) through each month up to the as-of date and for each
    ISO week; the attainment itself is measured in int_attainment_measured.

    attainment = actual / target (inverted for lower-is-better metrics), null with a reason where
    the target is missing or zero. For an open period (the as-of date falls before its last day),
    expected_to_date is each month's target times the share of its working days elapsed,
    pace_index = actual / expected_to_date, and forecast is the run-rate to the window's end;
    forecast_pipeline and forecast_receivables add what int_forecasts_projected expects by the
    window's end to the actual (for the metrics whose registry entry names that method).

    needed_<tier> is what a summed, higher-is-better metric still needs to reach each tier in the
    period (zero once reached), needed_per_day_<tier> that amount over the working days left;
    change_previous and change_last_year compare the actual with the period before (环比) and the
    same period a year before (同比), int_attainment_compared. -#}
{%- set tier_columns = {'floor': 'target_floor', 'target': 'target', 'stretch': 'target_stretch'} -%}
with

attainment as (

    select * from {{ ref('int_attainment_measured') }}

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

forecasts as (

    select * from {{ ref('int_forecasts_projected') }}

),

activity_compared as (

    select * from {{ ref('int_rep_activity_compared') }}

),

periods_compared as (

    select * from {{ ref('int_attainment_compared') }}

),

measured as (

    select
        attainment.*,
        coalesce(activity_compared.low_activity, false) as low_activity,
        metrics.forecast_method,
        coalesce(forecasts.expected_amount, 0) as forecast_expected,
        periods_compared.actual_previous,
        periods_compared.actual_last_year,
        -- Cast: DuckDB sums day counts to HUGEINT, Spark to BIGINT; the published type is one.
        cast(
            case
                when attainment.is_open
                    then attainment.working_days - attainment.elapsed_working_days
                else 0
            end as {{ dbt.type_bigint() }}
        ) as working_days_remaining
    from attainment
    inner join metrics
        on attainment.metric = metrics.metric
    inner join periods_compared
        on attainment.period_grain = periods_compared.period_grain
        and attainment.period_start = periods_compared.period_start
        and attainment.period_month = periods_compared.period_month
        and attainment.scope_type = periods_compared.scope_type
        and attainment.scope_id = periods_compared.scope_id
        and attainment.metric = periods_compared.metric
    left join forecasts
        on attainment.period_grain = forecasts.period_grain
        and attainment.period_start = forecasts.period_start
        and attainment.period_month = forecasts.period_month
        and attainment.scope_type = forecasts.scope_type
        and attainment.scope_id = forecasts.scope_id
        and attainment.metric = forecasts.metric
    left join activity_compared
        on attainment.scope_type = 'rep'
        and attainment.period_grain = activity_compared.period_grain
        and attainment.period_start = activity_compared.period_start
        and attainment.period_month = activity_compared.period_month
        and attainment.scope_id = activity_compared.user_id

),

scored as (

    select
        period_grain,
        period_start,
        period_month,
        period_end,
        scope_type,
        scope_id,
        parent_scope_type,
        parent_scope_id,
        metric,
        unit,
        direction,
        aggregation,
        numerator,
        denominator,
        target_floor,
        target,
        target_stretch,
        target_original,
        target_source,
        actual,
        attainment,
        attainment_null_reason,
        case
            when target is null and target_floor is null and target_stretch is null then 'none'
            when direction = 'lower_is_better' and target_stretch is not null and actual <= target_stretch
                then 'stretch'
            when direction = 'lower_is_better' and target is not null and actual <= target then 'target'
            when direction = 'lower_is_better' and target_floor is not null and actual <= target_floor then 'floor'
            when direction = 'lower_is_better' then 'none'
            when target_stretch is not null and actual >= target_stretch then 'stretch'
            when target is not null and actual >= target then 'target'
            when target_floor is not null and actual >= target_floor then 'floor'
            else 'none'
        end as tier_reached,
        case when direction = 'lower_is_better' then actual - target else target - actual end as gap_to_target,
        {%- for tier, column in tier_columns.items() %}
            case
                when aggregation = 'sum' and direction = 'higher_is_better' and {{ column }} is not null
                    then greatest({{ column }} - coalesce(actual, 0), 0)
            end as needed_{{ tier }},
        {%- endfor %}
        working_days_remaining,
        {%- for tier, column in tier_columns.items() %}
            case
                when
                    aggregation = 'sum' and direction = 'higher_is_better' and {{ column }} is not null
                    and working_days_remaining > 0
                    then {{ safe_ratio(
                        'greatest(' ~ column ~ ' - coalesce(actual, 0), 0)', 'working_days_remaining', 2
                    ) }}
            end as needed_per_day_{{ tier }},
        {%- endfor %}
        actual_previous,
        {{ safe_ratio('actual - actual_previous', 'abs(actual_previous)') }} as change_previous,
        actual_last_year,
        {{ safe_ratio('actual - actual_last_year', 'abs(actual_last_year)') }} as change_last_year,
        is_open,
        share_elapsed,
        case when is_open then expected_to_date else target end as expected_to_date,
        case
            when is_open and aggregation = 'sum' then {{ safe_ratio('actual', 'expected_to_date') }}
            else attainment
        end as pace_index,
        case
            when aggregation = 'ratio' then actual
            when is_open and elapsed_working_days > 0
                then {{ allocate_piece('actual', 'working_days', '0', 'elapsed_working_days') }}
            when is_open then null
            else actual
        end as forecast,
        case
            when forecast_method = 'pipeline' and is_open then actual + forecast_expected
            when forecast_method = 'pipeline' then actual
        end as forecast_pipeline,
        case
            when forecast_method = 'receivables' and is_open then actual + forecast_expected
            when forecast_method = 'receivables' then actual
        end as forecast_receivables,
        cast(rank() over (
            partition by period_grain, period_start, period_month, metric, scope_type, parent_scope_id
            order by attainment desc nulls last
        ) as bigint) as rank_in_parent,
        coalesce(
            is_open and share_elapsed >= 0.5
            and {{ safe_ratio('actual', 'expected_to_date') }} < 0.8,
            false
        ) as behind_pace,
        low_activity,
        {{ as_of_date() }} as as_of_date
    from measured

)

select * from scored
