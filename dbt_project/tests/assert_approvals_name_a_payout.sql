-- A decision on payouts that do not exist (a mistyped rep id or period, or a period not yet
-- built) approves nothing it names: finance must see it before anything is paid.
{{ config(meta={'dagster': {'ref': {'name': 'payout_approvals'}}}) }}

with

approvals as (

    select * from {{ ref('payout_approvals') }}

),

payouts as (

    select * from {{ ref('payouts') }}

),

unmatched as (

    select approvals.*
    from approvals
    left join payouts
        on approvals.user_id = payouts.user_id
        and approvals.period_start = payouts.period_start
    where payouts.user_id is null

)

select * from unmatched
