{#- Attainment, measured: scope (rep, team, region, company) x metric x period (month,
    quarter-to-date, year-to-date) through each month up to the as-of date, with the target
    tiers, the actual and attainment = actual / target (inverted for lower-is-better metrics),
    null with a reason where the target is missing or zero, and each period's working days.

    What the payouts are computed from (int_payouts_earned) and what the scorecard
    (scorecard_attainment) adds its tiers, pace, forecast, ranks and warnings to. -#}
with

kpis as (

    select * from {{ ref('fct_kpi_monthly') }}

),

scope_targets as (

    select * from {{ ref('int_scope_targets_rolled') }}

),

metrics as (

    select * from {{ ref('metrics') }}

),

months as (

    select * from {{ ref('int_calendar_months_spined') }}

),

days as (

    select * from {{ ref('int_calendar_days_spined') }}

),

member_days as (

    select * from {{ ref('int_member_days_monthly') }}

),

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

targets_pivoted as (

    select
        scope_type,
        scope_id,
        month_start,
        metric,
        max(case when tier = 'floor' then target_value end) as target_floor,
        max(case when tier = 'target' then target_value end) as target,
        max(case when tier = 'stretch' then target_value end) as target_stretch,
        max(case when tier = 'target' then original_value end) as target_original,
        max(case when tier = 'target' then target_source end) as target_source
    from scope_targets
    group by scope_type, scope_id, month_start, metric

),

active_rep_grid as (

    select distinct
        'rep' as scope_type,
        member_days.user_id as scope_id,
        member_days.month_start,
        metrics.metric
    from member_days
    cross join metrics
    where member_days.role = 'rep'

),

reporting_range as (

    select
        min(month_start) as first_month,
        cast({{ dbt.date_trunc('month', "cast('" ~ run_var('as_of_date') ~ "' as date)") }} as date)
            as last_month
    from (
        select month_start from targets_pivoted
        union all
        select month_start from kpis
    ) as data_months

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

elapsed_working_days as (

    select
        month_start,
        sum(case when is_working_day then 1 else 0 end) as elapsed_working_days
    from days
    where date_day <= cast('{{ run_var("as_of_date") }}' as date)
    group by month_start

),

month_progress as (

    select
        months.*,
        coalesce(elapsed_working_days.elapsed_working_days, 0) as elapsed_working_days,
        cast('{{ run_var("as_of_date") }}' as date)
        < cast({{ dbt.dateadd('day', '-1', 'months.next_month_start') }} as date) as is_open
    from months
    inner join reporting_range
        on months.month_start between reporting_range.first_month and reporting_range.last_month
    left join elapsed_working_days
        on months.month_start = elapsed_working_days.month_start

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
        coalesce(kpis.numerator, 0) as numerator,
        coalesce(kpis.denominator, 0) as denominator,
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

),

windowed as (

    select
        period_windows.period_grain,
        period_windows.period_start,
        period_windows.period_month,
        monthly.scope_type,
        monthly.scope_id,
        monthly.metric,
        -- Money and counts add up over a window; a ratio target is the mean of its months'.
        {{ window_target('monthly.target_floor') }} as target_floor,
        {{ window_target('monthly.target') }} as target,
        {{ window_target('monthly.target_stretch') }} as target_stretch,
        {{ window_target('monthly.target_original') }} as target_original,
        max(monthly.target_source) as target_source,
        max(monthly.aggregation) as aggregation,
        cast(sum(monthly.numerator) as decimal(38, 2)) as numerator,
        cast(sum(monthly.denominator) as decimal(38, 2)) as denominator,
        {{ window_target('monthly.expected_to_date') }} as expected_to_date
    from period_windows
    inner join monthly
        on monthly.month_start between period_windows.period_start and period_windows.period_month
    group by
        period_windows.period_grain,
        period_windows.period_start,
        period_windows.period_month,
        monthly.scope_type,
        monthly.scope_id,
        monthly.metric

),

rep_parents as (

    select
        user_id,
        month_start,
        team_id,
        row_number() over (
            partition by user_id, month_start
            order by member_until_exclusive desc, team_id desc
        ) as parent_rank
    from member_days

),

with_parents as (

    select
        windowed.*,
        case windowed.scope_type
            when 'rep' then 'team'
            when 'team' then 'region'
            when 'region' then 'company'
        end as parent_scope_type,
        case windowed.scope_type
            when 'rep' then coalesce(rep_parents.team_id, 'unknown')
            when 'team' then coalesce(teams.region, 'unknown')
            when 'region' then 'company'
        end as parent_scope_id
    from windowed
    left join rep_parents
        on windowed.scope_type = 'rep'
        and windowed.scope_id = rep_parents.user_id
        and windowed.period_month = rep_parents.month_start
        and rep_parents.parent_rank = 1
    left join teams
        on windowed.scope_type = 'team'
        and windowed.scope_id = teams.team_id

),

with_actuals as (

    select
        with_parents.*,
        case
            when with_parents.aggregation = 'ratio'
                then cast({{ safe_ratio('with_parents.numerator', 'with_parents.denominator') }} as decimal(24, 6))
            else cast(with_parents.numerator as decimal(24, 6))
        end as actual
    from with_parents

),

measured as (

    select
        with_actuals.*,
        metrics.unit,
        metrics.direction,
        window_progress.is_open,
        window_progress.working_days,
        window_progress.elapsed_working_days,
        {{ safe_ratio('window_progress.elapsed_working_days', 'window_progress.working_days') }}
            as share_elapsed,
        case
            when with_actuals.target is null then null
            when with_actuals.target = 0 then null
            when with_actuals.actual is null then null
            when metrics.direction = 'lower_is_better' and with_actuals.actual = 0 then null
            when metrics.direction = 'lower_is_better'
                then {{ safe_ratio('with_actuals.target', 'with_actuals.actual') }}
            else {{ safe_ratio('with_actuals.actual', 'with_actuals.target') }}
        end as attainment,
        case
            when with_actuals.target is null then 'no target'
            when with_actuals.target = 0 then 'target is zero'
            when with_actuals.actual is null then 'no actual: nothing to divide by'
            when metrics.direction = 'lower_is_better' and with_actuals.actual = 0 then 'actual is zero'
        end as attainment_null_reason
    from with_actuals
    inner join metrics
        on with_actuals.metric = metrics.metric
    inner join window_progress
        on with_actuals.period_grain = window_progress.period_grain
        and with_actuals.period_month = window_progress.period_month

)

select * from measured
