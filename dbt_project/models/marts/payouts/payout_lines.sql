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
        listed.line_id,
        listed.payout_id,
        listed.user_id,
        payouts.plan_id,
        payouts.period_start,
        listed.metric,
        listed.line_type,
        listed.original_period_start,
        listed.credit_id,
        listed.source_system,
        listed.source_entity,
        listed.document_id,
        listed.transaction_date,
        listed.currency,
        listed.amount_original,
        listed.fx_rate,
        listed.amount_base,
        listed.line_amount,
        listed.source_file,
        listed.source_line
    from listed
    inner join payouts
        on listed.payout_id = payouts.payout_id
    left join paid
        on listed.payout_id = paid.payout_id
    where paid.payout_id is null

),

clawback_current as (

    select
        line_id,
        payout_id,
        user_id,
        plan_id,
        period_start,
        metric,
        line_type,
        original_period_start,
        credit_id,
        source_system,
        source_entity,
        document_id,
        transaction_date,
        currency,
        amount_original,
        fx_rate,
        amount_base,
        line_amount,
        source_file,
        source_line
    from clawbacks

),

current_lines as (

    select * from listed_current
    union all
    select * from clawback_current

),

typed_current as (

    {{ select_typed(payout_line_columns(), 'current_lines') }}

),

all_lines as (

    select * from paid_lines
    union all
    select * from typed_current

)

select * from all_lines
