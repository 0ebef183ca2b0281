{{ config(enabled=var('simulate', false), materialized='table', tags=['simulation']) }}
{#- What the payout rules would pay for simulated attainment (`scorecards plan --simulate`,
    planning/simulate.py): one row per draw, rep, plan period and plan metric, through the same
    macros as int_payouts_earned (macros/payouts.sql), so a plan's simulated cost is what the
    warehouse would pay, not a copy of its rules. Built only with --vars '{simulate: true}',
    into a scratch database that holds the draws and the payout curves; never in a run. -#}
with

draws as (

    select * from {{ source('simulation', 'attainment_draws') }}

),

curve as (

    select * from {{ source('simulation', 'payout_curves') }}

),

with_attainment as (

    select
        draws.*,
        least(draws.attainment, draws.cap) as capped_attainment
    from draws

),

{{ payout_curve_steps('with_attainment', 'curve', ['draw', 'user_id', 'plan_id', 'period_start', 'metric']) }},

earned as (

    select
        draw,
        user_id,
        plan_id,
        period_start,
        metric,
        attainment,
        payout_basis,
        {{ from_millionths('payout_fraction_millionths') }} as payout_fraction,
        {{ earned_amount('prorated_incentive', 'weight', 'payout_fraction_millionths') }} as earned_amount
    from fractions

)

select * from earned
