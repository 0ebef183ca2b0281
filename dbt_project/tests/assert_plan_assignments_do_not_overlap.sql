-- A rep is on at most one assignment of a plan on any day, in one currency: overlapping
-- assignments would pay the on-target incentive twice.
{{ config(meta={'dagster': {'ref': {'name': 'stg_plan__plan_assignments'}}}) }}

with

assignments as (

    select * from {{ ref('stg_plan__plan_assignments') }}

),

overlapping as (

    select
        earlier.user_id,
        earlier.plan_id,
        earlier.valid_from as earlier_valid_from,
        later.valid_from as later_valid_from,
        earlier.currency as earlier_currency,
        later.currency as later_currency,
        earlier.source_file as earlier_source_file,
        earlier.source_line as earlier_source_line,
        later.source_file as later_source_file,
        later.source_line as later_source_line
    from assignments as earlier
    inner join assignments as later
        on earlier.user_id = later.user_id
        and earlier.plan_id = later.plan_id
        and earlier.valid_from < later.valid_from
    where
        coalesce(earlier.valid_to, cast('9999-12-31' as date)) >= later.valid_from
        or earlier.currency <> later.currency

)

select * from overlapping
