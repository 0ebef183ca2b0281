{#- The target in force at the as-of date: for each scope, metric, period and tier, the latest
    revision whose effective_date is on or before the as-of date; the original (earliest) value
    is kept beside it. Revisions not yet effective are ignored. -#}
with

targets as (

    select * from {{ ref('stg_plan__targets') }}

),

effective as (

    select * from targets
    where effective_date <= {{ as_of_date() }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by scope_type, scope_id, metric, period_type, period_start, tier
            order by effective_date desc
        ) as newest_rank,
        row_number() over (
            partition by scope_type, scope_id, metric, period_type, period_start, tier
            order by effective_date asc
        ) as oldest_rank,
        count(*) over (
            partition by scope_type, scope_id, metric, period_type, period_start, tier
        ) as revision_count
    from effective

),

originals as (

    select
        scope_type,
        scope_id,
        metric,
        period_type,
        period_start,
        tier,
        value as original_value
    from ranked
    where oldest_rank = 1

),

in_force as (

    select
        ranked.scope_type,
        ranked.scope_id,
        ranked.metric,
        ranked.period_type,
        ranked.period_start,
        ranked.tier,
        ranked.value as current_value,
        originals.original_value,
        ranked.effective_date as current_effective_date,
        ranked.revision_count,
        ranked.source_file,
        ranked.source_line
    from ranked
    inner join originals
        on ranked.scope_type = originals.scope_type
        and ranked.scope_id = originals.scope_id
        and ranked.metric = originals.metric
        and ranked.period_type = originals.period_type
        and ranked.period_start = originals.period_start
        and ranked.tier = originals.tier
    where ranked.newest_rank = 1

)

select * from in_force
