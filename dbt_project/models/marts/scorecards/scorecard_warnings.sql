{#- The warnings a manager acts on, as of the as-of date, each with its reason (a code of
    dim_reasons), its scope and the figures behind it (docs/RULES.md, Warnings):
    - behind_pace: an open window (the as-of week, month, quarter- and year-to-date) at least
      half elapsed whose pace index is below 0.8: observed = pace, threshold = 0.8, amount =
      actual, reference_amount = expected to date;
    - low_activity: a rep whose activities per day on the team are below half the team's in a
      window of the as-of month: observed = the rep's per day, threshold = half the team's,
      amount = the rep's activities, reference_amount = the team's per day x the rep's days;
    - stalled_deal: an open opportunity in its stage for more than twice the stage's median stay:
      observed = days in the stage, threshold = twice the median, amount = its base amount;
    - coverage_low / coverage_high: the as-of month's children's targets below the parent's, or
      above 130 % of it: observed = coverage, amount = children's total, reference_amount =
      the parent's target.
    - tier_lost: a row of the as-of month whose tier is below the one the last publication
      showed for it (copied into the build before dbt runs, publication/history.py): amount =
      actual now, reference_amount = actual then, subject = the tier then. -#}
with

scorecard as (

    select * from {{ ref('scorecard_attainment') }}
    where period_month = {{ as_of_month() }}

),

activity_compared as (

    select * from {{ ref('int_rep_activity_compared') }}
    where period_month = {{ as_of_month() }} and low_activity

),

open_opportunities as (

    select
        *,
        {{ dbt.datediff('stage_entered_date', as_of_date(), 'day') }}
            as days_in_stage
    from {{ ref('int_open_opportunities_staged') }}
    where month_start = {{ as_of_month() }}

),

stage_rates as (

    select * from {{ ref('fct_stage_win_rates') }}

),

coverage as (

    select * from {{ ref('fct_target_coverage') }}
    where month_start = {{ as_of_month() }}

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

pipeline_metrics as (

    select metric from metrics
    where forecast_method = 'pipeline'

),

published_tiers as (

    select * from {{ ref('stg_history__published_tiers') }}

),

behind_pace as (

    select
        'behind_pace' as reason_code,
        period_grain,
        period_start,
        period_month,
        scope_type,
        scope_id,
        metric,
        cast(null as {{ dbt.type_string() }}) as subject_id,
        cast(pace_index as decimal(24, 6)) as observed,
        cast(0.8 as decimal(24, 6)) as threshold,
        cast(actual as decimal(24, 2)) as amount,
        cast(expected_to_date as decimal(24, 2)) as reference_amount
    from scorecard
    where behind_pace

),

low_activity as (

    select
        'low_activity' as reason_code,
        period_grain,
        period_start,
        period_month,
        'rep' as scope_type,
        user_id as scope_id,
        cast(null as {{ dbt.type_string() }}) as metric,
        team_id as subject_id,
        cast(activity_per_day as decimal(24, 6)) as observed,
        cast(team_activity_per_day * 0.5 as decimal(24, 6)) as threshold,
        cast(activity_count as decimal(24, 2)) as amount,
        cast(team_activity_per_day * member_days as decimal(24, 2)) as reference_amount
    from activity_compared

),

stalled_deal as (

    select
        'stalled_deal' as reason_code,
        'month' as period_grain,
        {{ as_of_month() }} as period_start,
        {{ as_of_month() }} as period_month,
        'rep' as scope_type,
        open_opportunities.owner_id as scope_id,
        pipeline_metrics.metric,
        open_opportunities.opportunity_id as subject_id,
        cast(open_opportunities.days_in_stage as decimal(24, 6)) as observed,
        cast(stage_rates.median_days_in_stage * 2 as decimal(24, 6)) as threshold,
        cast(open_opportunities.amount_base as decimal(24, 2)) as amount,
        cast(null as decimal(24, 2)) as reference_amount
    from open_opportunities
    inner join stage_rates
        on open_opportunities.stage = stage_rates.stage
    cross join pipeline_metrics
    where open_opportunities.days_in_stage > stage_rates.median_days_in_stage * 2

),

coverage_outside as (

    select
        case when coverage.coverage < 1 then 'coverage_low' else 'coverage_high' end as reason_code,
        'month' as period_grain,
        coverage.month_start as period_start,
        coverage.month_start as period_month,
        coverage.scope_type,
        coverage.scope_id,
        coverage.metric,
        coverage.tier as subject_id,
        cast(coverage.coverage as decimal(24, 6)) as observed,
        cast(case when coverage.coverage < 1 then 1 else 1.3 end as decimal(24, 6)) as threshold,
        cast(coverage.children_target as decimal(24, 2)) as amount,
        cast(coverage.parent_target as decimal(24, 2)) as reference_amount
    from coverage
    where coverage.coverage < 1 or coverage.coverage > 1.3

),

tier_lost as (

    select
        'tier_lost' as reason_code,
        scorecard.period_grain,
        scorecard.period_start,
        scorecard.period_month,
        scorecard.scope_type,
        scorecard.scope_id,
        scorecard.metric,
        published_tiers.tier_reached as subject_id,
        cast(null as decimal(24, 6)) as observed,
        cast(null as decimal(24, 6)) as threshold,
        cast(scorecard.actual as decimal(24, 2)) as amount,
        cast(published_tiers.actual as decimal(24, 2)) as reference_amount
    from scorecard
    inner join published_tiers
        on scorecard.period_grain = published_tiers.period_grain
        and scorecard.period_start = published_tiers.period_start
        and scorecard.period_month = published_tiers.period_month
        and scorecard.scope_type = published_tiers.scope_type
        and scorecard.scope_id = published_tiers.scope_id
        and scorecard.metric = published_tiers.metric
    where {{ tier_rank('scorecard.tier_reached') }} < {{ tier_rank('published_tiers.tier_reached') }}

),

unioned as (

    select * from behind_pace
    union all
    select * from low_activity
    union all
    select * from stalled_deal
    union all
    select * from coverage_outside
    union all
    select * from tier_lost

),

identified as (

    select
        {{ dbt.concat([
            'reason_code', "'|'", 'period_grain', "'|'", "cast(period_start as " ~ dbt.type_string() ~ ")",
            "'|'", 'scope_type', "'|'", 'scope_id', "'|'", "coalesce(metric, '')", "'|'", "coalesce(subject_id, '')",
        ]) }} as warning_id,
        unioned.*,
        {{ as_of_date() }} as as_of_date
    from unioned

)

select * from identified
