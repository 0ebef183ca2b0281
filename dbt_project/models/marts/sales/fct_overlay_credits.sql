{#- Overlay credit (DOMAIN.md, "Overlay credit"): a won opportunity's overlay splits credit the
    overlay user (a specialist, a manager) with their share of its bookings, on its close date at
    that date's rate, in a table of its own. They are never ledger rows, so no team, region or
    company total and no payout counts them (int_opportunities_ledgered reads revenue splits
    only). One row per won opportunity and overlay user up to the as-of date. -#}
with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

splits as (

    select * from {{ ref('stg_crm__opportunity_splits') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

overlay_splits as (

    select * from splits
    where split_type = 'overlay'

),

won_with_overlay as (

    select
        overlay_splits.opportunity_id,
        overlay_splits.user_id,
        -- The overlay share of a won deal's amount is bookings (the metric registry's won_credit).
        'bookings' as metric,
        opportunities.close_date,
        cast({{ dbt.date_trunc('month', 'opportunities.close_date') }} as date) as month_start,
        overlay_splits.percent,
        opportunities.currency,
        cast(
            round(cast(opportunities.amount as decimal(38, 10)) * overlay_splits.percent / 100, 2)
            as decimal(18, 2)
        ) as amount_original,
        {{ fx_rate('close_fx', 'opportunities.currency') }} as fx_rate,
        overlay_splits.source_file,
        overlay_splits.source_line
    from overlay_splits
    inner join opportunities
        on overlay_splits.opportunity_id = opportunities.opportunity_id
    left join fx_rates as close_fx
        on {{ fx_join_condition('close_fx', 'opportunities.currency', 'opportunities.close_date') }}
    where
        opportunities.is_won
        and opportunities.close_date <= {{ as_of_date() }}

),

credited as (

    select
        *,
        {{ to_base('amount_original', 'fx_rate') }} as amount_base
    from won_with_overlay

)

select * from credited
