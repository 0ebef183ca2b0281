{#- The open opportunities at each month end (the as-of date for the open month): created by
    then, not yet closed, in the stage they had last entered (from stage history; without history,
    the current stage if still open, else 'unknown'), since when (the history row's date, else the
    created date), valued in base currency at the month-end rate. fct_pipeline_snapshots sums
    them; the scorecard's pipeline forecast reads the as-of month's. -#}
with

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

history as (

    select * from {{ ref('stg_crm__opportunity_stage_history') }}

),

months as (

    select * from {{ ref('int_calendar_months_spined') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

month_ends as (

    select
        month_start,
        -- The open month is seen as of the run's as-of date, not its future end.
        least(
            cast({{ dbt.dateadd('day', '-1', 'next_month_start') }} as date),
            {{ as_of_date() }}
        ) as month_end
    from months
    where month_start <= {{ as_of_month() }}
        and month_start >= (select cast({{ dbt.date_trunc('month', 'min(created_date)') }} as date) from opportunities)

),

open_at_month_end as (

    select
        month_ends.month_start,
        month_ends.month_end,
        opportunities.opportunity_id,
        opportunities.owner_id,
        opportunities.created_date,
        opportunities.stage as current_stage,
        opportunities.currency,
        opportunities.amount
    from opportunities
    inner join month_ends
        on opportunities.created_date <= month_ends.month_end
        and (not opportunities.is_closed or opportunities.close_date > month_ends.month_end)

),

stage_at_month_end as (

    select
        open_at_month_end.*,
        history.stage as history_stage,
        history.entered_at as history_entered_at,
        row_number() over (
            partition by open_at_month_end.opportunity_id, open_at_month_end.month_start
            order by history.entered_at desc
        ) as stage_rank
    from open_at_month_end
    left join history
        on open_at_month_end.opportunity_id = history.opportunity_id
        and cast(history.entered_at as date) <= open_at_month_end.month_end

),

staged as (

    select
        stage_at_month_end.month_start,
        stage_at_month_end.month_end as snapshot_date,
        stage_at_month_end.opportunity_id,
        stage_at_month_end.owner_id,
        {{ stage_then('stage_at_month_end') }} as stage,
        cast(coalesce(stage_at_month_end.history_entered_at, stage_at_month_end.created_date) as date)
            as stage_entered_date,
        {{ to_base('stage_at_month_end.amount', fx_rate('fx_rates', 'stage_at_month_end.currency')) }}
            as amount_base
    from stage_at_month_end
    left join fx_rates
        on {{ fx_join_condition('fx_rates', 'stage_at_month_end.currency', 'stage_at_month_end.month_end') }}
    where stage_at_month_end.stage_rank = 1
        and {{ stage_then('stage_at_month_end') }} not in ('closed_won', 'closed_lost')

)

select * from staged
