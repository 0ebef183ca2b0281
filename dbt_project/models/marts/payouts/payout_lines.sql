{#- Statement lines: every credited transaction behind each payout with its share of the amount,
    plus the clawback and recalculation lines posted in the period. The lines of a payout sum to
    its payout_amount to the cent (reconciliation_payouts shows it, a blocking test enforces it).
    Lines of paid periods are republished as they were paid. -#}
with

payouts as (

    select * from {{ ref('int_payouts_earned') }}

),

paid_lines as (

    select * from {{ ref('stg_history__paid_payout_lines') }}

),

paid as (

    select * from {{ ref('stg_history__paid_payouts') }}

),

listed as (

    select * from {{ ref('int_payout_lines_listed') }}

),

clawbacks as (

    select * from {{ ref('int_payout_clawbacks') }}

),

listed_current as (

    select
        listed.*,
        payouts.plan_id,
        payouts.period_start
    from listed
    inner join payouts
        on listed.payout_id = payouts.payout_id
    left join paid
        on listed.payout_id = paid.payout_id
    where paid.payout_id is null

),

typed_listed as (

    {{ select_typed(payout_line_columns(), 'listed_current') }}

),

typed_clawbacks as (

    {{ select_typed(payout_line_columns(), 'clawbacks') }}

),

all_lines as (

    select * from paid_lines
    union all
    select * from typed_listed
    union all
    select * from typed_clawbacks

)

select * from all_lines
