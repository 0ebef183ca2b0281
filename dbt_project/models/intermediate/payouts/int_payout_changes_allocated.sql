{#- The documents behind each difference owed: every credit whose amount in the paid period
    changed since it was paid (a voided invoice, a credit note dated back into the period), with
    the difference spread over them by the size of each change, to the cent. -#}
with

owed as (

    select * from {{ ref('int_payout_differences_owed') }}

),

paid_lines as (

    select * from {{ ref('stg_history__paid_payout_lines') }}

),

ledger as (

    select * from {{ ref('int_transactions_credited') }}
    where transaction_date <= {{ as_of_date() }}

),

paid_line_amounts as (

    select
        owed.original_payout_id,
        paid_lines.credit_id,
        paid_lines.amount_base
    from owed
    inner join paid_lines
        on owed.original_payout_id = paid_lines.payout_id
        and paid_lines.line_type = 'transaction'
    union all
    select
        owed.original_payout_id,
        paid_lines.credit_id,
        paid_lines.amount_base
    from owed
    inner join paid_lines
        on owed.user_id = paid_lines.user_id
        and owed.plan_id = paid_lines.plan_id
        and owed.metric = paid_lines.metric
        and owed.original_period_start = paid_lines.original_period_start
        and paid_lines.line_type = 'clawback'

),

paid_totals as (

    select
        original_payout_id,
        credit_id,
        sum(amount_base) as amount_base
    from paid_line_amounts
    group by original_payout_id, credit_id

),

current_totals as (

    select
        owed.original_payout_id,
        ledger.credit_id,
        ledger.amount_base
    from owed
    inner join ledger
        on owed.user_id = ledger.credited_user_id
        and owed.metric = ledger.metric
        and ledger.transaction_date between owed.original_period_start and owed.original_period_end

),

changes as (

    select
        coalesce(current_totals.original_payout_id, paid_totals.original_payout_id) as original_payout_id,
        coalesce(current_totals.credit_id, paid_totals.credit_id) as credit_id,
        coalesce(current_totals.amount_base, 0) - coalesce(paid_totals.amount_base, 0) as change_amount
    from current_totals
    full outer join paid_totals
        on current_totals.original_payout_id = paid_totals.original_payout_id
        and current_totals.credit_id = paid_totals.credit_id

),

changed_documents as (

    select
        owed.payout_id,
        owed.original_payout_id,
        owed.difference,
        changes.credit_id,
        changes.change_amount,
        abs({{ to_cents('changes.change_amount') }}) as weight_cents
    from owed
    inner join changes
        on owed.original_payout_id = changes.original_payout_id
    where changes.change_amount <> 0

),

weighted as (

    select
        *,
        sum(weight_cents) over (
            partition by original_payout_id order by credit_id
            rows between unbounded preceding and current row
        ) as cum_weight,
        sum(weight_cents) over (partition by original_payout_id) as total_weight
    from changed_documents

),

allocated as (

    select
        payout_id,
        original_payout_id,
        credit_id,
        change_amount,
        {{ allocate_piece('difference', 'cum_weight', 'cum_weight - weight_cents', 'total_weight') }}
            as line_amount
    from weighted

)

select * from allocated
