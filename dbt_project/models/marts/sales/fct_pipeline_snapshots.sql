{#- Open pipeline at each month end (the as-of date for the open month) by owner and stage: the
    open opportunities of int_open_opportunities_staged, counted and summed in base currency. -#}
with

staged as (

    select * from {{ ref('int_open_opportunities_staged') }}

),

snapshots as (

    select
        month_start,
        snapshot_date,
        owner_id,
        stage,
        count(*) as open_opportunities,
        cast(sum(amount_base) as decimal(38, 2)) as open_amount_base
    from staged
    group by month_start, snapshot_date, owner_id, stage

)

select * from snapshots
