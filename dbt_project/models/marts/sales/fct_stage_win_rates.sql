{#- What became of the opportunities that reached each open stage, over every opportunity closed
    by the as-of date: how many closed, how many were won, the win rate from the stage, and the
    median days from first entering the stage to a won close; and the median days an opportunity
    stays in the stage before entering the next (over the moves made by the as-of date). The
    scorecard's pipeline forecast weighs each open opportunity by its stage's rate and expects it
    to close that many days after it entered the stage; a deal in its stage for more than twice
    the median stay is a stalled deal (docs/RULES.md, Forecasts and Warnings). -#}
with

history as (

    select * from {{ ref('stg_crm__opportunity_stage_history') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

stages_entered as (

    select
        opportunity_id,
        stage,
        cast(min(entered_at) as date) as first_entered_date
    from history
    where
        stage not in ('closed_won', 'closed_lost')
        and cast(entered_at as date) <= {{ as_of_date() }}
    group by opportunity_id, stage

),

stage_moves as (

    select
        stage,
        cast(entered_at as date) as entered_date,
        cast(lead(entered_at) over (partition by opportunity_id order by entered_at, stage) as date)
            as next_entered_date
    from history
    where cast(entered_at as date) <= {{ as_of_date() }}

),

stage_stays as (

    select
        stage,
        {{ dbt.datediff('entered_date', 'next_entered_date', 'day') }}
            as days_in_stage
    from stage_moves
    where next_entered_date is not null

),

median_stays as (

    select
        stage,
        cast({{ median('days_in_stage') }} as decimal(10, 1)) as median_days_in_stage
    from stage_stays
    group by stage

),

closed_outcomes as (

    select
        stages_entered.stage,
        opportunities.is_won,
        case
            when opportunities.is_won
                then {{ dbt.datediff('stages_entered.first_entered_date', 'opportunities.close_date', 'day') }}
        end as days_to_close
    from stages_entered
    inner join opportunities
        on stages_entered.opportunity_id = opportunities.opportunity_id
    where
        opportunities.is_closed
        and opportunities.close_date <= {{ as_of_date() }}

),

rated as (

    select
        stage,
        count(*) as opportunities_closed,
        cast(sum(case when is_won then 1 else 0 end) as bigint) as opportunities_won,
        cast({{ median('days_to_close') }} as decimal(10, 1)) as median_days_to_close
    from closed_outcomes
    group by stage

),

with_rates as (

    select
        rated.stage,
        rated.opportunities_closed,
        rated.opportunities_won,
        {{ safe_ratio('rated.opportunities_won', 'rated.opportunities_closed') }} as win_rate,
        rated.median_days_to_close,
        median_stays.median_days_in_stage,
        {{ as_of_date() }} as as_of_date
    from rated
    left join median_stays
        on rated.stage = median_stays.stage

)

select * from with_rates
