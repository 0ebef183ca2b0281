{#- The scorecard's rows by month: every scope (rep, team, region, company, and the product lines
    and accounts with a target), metric and month that has a target, an actual, or (a rep on the
    team that month) should have one; with the target tiers, the month's numerator and
    denominator, and the target expected by the as-of date (a month's target times the share of
    its working days elapsed). Actuals come from fct_kpi_monthly, the segments' credits
    (int_segment_credits_split) and market shares (int_market_shares_measured); a segment's
    metric from a source that names no segment has none. -#}
with

ledger_kpis as (

    select * from {{ ref('fct_kpi_monthly') }}

),

market_shares as (

    select * from {{ ref('int_market_shares_measured') }}

),

segment_credits as (

    select * from {{ ref('int_segment_credits_split') }}

),

scope_targets as (

    select * from {{ ref('int_scope_targets_rolled') }}

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

member_days as (

    select * from {{ ref('int_member_days_monthly') }}

),

month_progress as (

    select * from {{ ref('int_scorecard_months_progressed') }}

),

targets_pivoted as (

    {{ tiers_pivoted('scope_targets', 'month_start') }}

),

segment_kpis as (

    select
        scope_type,
        scope_id,
        month_start,
        metric,
        sum(amount_base) as numerator,
        sum(denominator) as denominator
    from segment_credits
    group by scope_type, scope_id, month_start, metric

),

kpis as (

    {%- for kpi_model in ['ledger_kpis', 'market_shares', 'segment_kpis'] %}
        select
            scope_type,
            scope_id,
            month_start,
            metric,
            numerator,
            denominator
        from {{ kpi_model }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

active_rep_grid as (

    select distinct
        'rep' as scope_type,
        member_days.user_id as scope_id,
        member_days.month_start,
        metrics.metric
    from member_days
    cross join metrics
    where member_days.role = 'rep' and metrics.source not in {{ sql_list(derived_sources()) }}

),

scorecard_keys as (

    select
        scope_type,
        scope_id,
        month_start,
        metric
    from targets_pivoted
    union
    select
        scope_type,
        scope_id,
        month_start,
        metric
    from kpis
    union
    select
        scope_type,
        scope_id,
        month_start,
        metric
    from active_rep_grid

),

monthly as (

    select
        scorecard_keys.scope_type,
        scorecard_keys.scope_id,
        scorecard_keys.month_start,
        scorecard_keys.metric,
        targets_pivoted.target_floor,
        targets_pivoted.target,
        targets_pivoted.target_stretch,
        targets_pivoted.target_original,
        targets_pivoted.target_source,
        metrics.aggregation,
        {{ scorecard_kpi('numerator') }} as numerator,
        {{ scorecard_kpi('denominator') }} as denominator,
        case
            -- A ratio target (win rate, cycle days) does not accrue over the month.
            when metrics.aggregation = 'ratio' then targets_pivoted.target
            else {{ allocate_piece(
                'targets_pivoted.target',
                'month_progress.elapsed_working_days',
                '0',
                'month_progress.working_days_in_month',
            ) }}
        end as expected_to_date
    from scorecard_keys
    inner join month_progress
        on scorecard_keys.month_start = month_progress.month_start
    inner join metrics
        on scorecard_keys.metric = metrics.metric
    left join targets_pivoted
        on scorecard_keys.scope_type = targets_pivoted.scope_type
        and scorecard_keys.scope_id = targets_pivoted.scope_id
        and scorecard_keys.month_start = targets_pivoted.month_start
        and scorecard_keys.metric = targets_pivoted.metric
    left join kpis
        on scorecard_keys.scope_type = kpis.scope_type
        and scorecard_keys.scope_id = kpis.scope_id
        and scorecard_keys.month_start = kpis.month_start
        and scorecard_keys.metric = kpis.metric

)

select * from monthly
