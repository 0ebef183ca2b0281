{#- Opportunity stage to stage, by owner and cohort month (the month the opportunity was created):
    how many entered each stage, how many went on to a later stage, the conversion rate and the
    median days spent in the stage (from entering it to entering the next one). -#}
with

history as (

    select * from {{ ref('stg_crm__opportunity_stage_history') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

ordered as (

    select
        history.opportunity_id,
        history.stage,
        history.entered_at,
        lead(history.entered_at) over (
            partition by history.opportunity_id order by history.entered_at, history.stage
        ) as next_entered_at,
        lead(history.stage) over (
            partition by history.opportunity_id order by history.entered_at, history.stage
        ) as next_stage
    from history

),

with_cohort as (

    select
        opportunities.owner_id,
        opportunities.team_id_on_created as team_id,
        cast({{ dbt.date_trunc('month', 'opportunities.created_date') }} as date) as cohort_month,
        ordered.stage,
        ordered.next_stage,
        case
            when ordered.next_entered_at is not null
                then {{ dbt.datediff('ordered.entered_at', 'ordered.next_entered_at', 'day') }}
        end as days_in_stage
    from ordered
    inner join opportunities
        on ordered.opportunity_id = opportunities.opportunity_id

),

converted as (

    select
        owner_id,
        team_id,
        cohort_month,
        stage,
        count(*) as entered,
        cast(sum(case when next_stage is not null and next_stage <> 'closed_lost' then 1 else 0 end) as bigint)
            as advanced,
        cast({{ median('days_in_stage') }} as decimal(10, 1)) as median_days_in_stage
    from with_cohort
    group by owner_id, team_id, cohort_month, stage

),

rated as (

    select
        *,
        {{ safe_ratio('advanced', 'entered') }} as conversion_rate
    from converted

)

select * from rated
