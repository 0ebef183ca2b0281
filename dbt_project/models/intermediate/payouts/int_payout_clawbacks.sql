{#- Clawbacks (and true-ups) for periods already paid, posted in the current plan period.

    For each paid payout the amount the data now earns is compared with what was paid, less any
    difference already posted by an earlier run: the remainder is posted in the plan period that
    holds the as-of date, never written back into the paid period. Its lines name the documents
    whose credited amount changed since (a voided invoice, a credit note dated back into the
    period) and spread the difference over them by the size of each change; a difference with no
    changed document behind it (a target or plan revision) is one line of type recalculation. -#}
with

paid as (

    select * from {{ ref('stg_history__paid_payouts') }}

),

paid_lines as (

    select * from {{ ref('stg_history__paid_payout_lines') }}

),

earned as (

    select * from {{ ref('int_payouts_earned') }}

),

ledger as (

    select * from {{ ref('int_transactions_credited') }}
    where transaction_date <= cast('{{ run_var("as_of_date") }}' as date)

),

ledger_documents as (

    {#- The same ledger for the changed documents' details and for telling which paid
        documents left it: one CTE read in three places is materialized whole by DuckDB (the
        44M rows of the large scale, 10 s even when nothing was paid), one read once is not. -#}
    select * from {{ ref('int_transactions_credited') }}
    where transaction_date <= cast('{{ run_var("as_of_date") }}' as date)

),

ledger_credits as (

    select credit_id from {{ ref('int_transactions_credited') }}
    where transaction_date <= cast('{{ run_var("as_of_date") }}' as date)

),

months as (

    select * from {{ ref('int_calendar_months_spined') }}

),

paid_period_types as (

    select distinct period_type
    from paid

),

posting_periods as (

    select
        case
            when paid_period_types.period_type = 'quarter' then months.fiscal_quarter_start
            else months.month_start
        end as posting_period_start,
        paid_period_types.period_type
    from paid_period_types
    cross join months
    where
        months.month_start
        = cast({{ dbt.date_trunc('month', "cast('" ~ run_var('as_of_date') ~ "' as date)") }} as date)

),

already_posted as (

    select
        user_id,
        plan_id,
        metric,
        original_period_start,
        sum(line_amount) as posted_amount
    from paid_lines
    where line_type in ('clawback', 'recalculation')
    group by user_id, plan_id, metric, original_period_start

),

differences as (

    select
        paid.payout_id as original_payout_id,
        paid.user_id,
        paid.plan_id,
        paid.metric,
        paid.period_type,
        paid.period_start as original_period_start,
        paid.period_end as original_period_end,
        coalesce(earned.earned_amount, 0) - paid.earned_amount - coalesce(already_posted.posted_amount, 0)
            as difference
    from paid
    left join earned
        on paid.payout_id = earned.payout_id
    left join already_posted
        on paid.user_id = already_posted.user_id
        and paid.plan_id = already_posted.plan_id
        and paid.metric = already_posted.metric
        and paid.period_start = already_posted.original_period_start

),

owed as (

    select
        differences.*,
        posting_periods.posting_period_start,
        {{ dbt.concat([
            "differences.user_id", "'|'", "differences.plan_id", "'|'",
            "cast(posting_periods.posting_period_start as " ~ dbt.type_string() ~ ")", "'|'", "differences.metric",
        ]) }} as payout_id
    from differences
    inner join posting_periods
        on differences.period_type = posting_periods.period_type
    where differences.difference <> 0

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
        *,
        {{ allocate_piece('difference', 'cum_weight', 'cum_weight - weight_cents', 'total_weight') }}
            as line_amount
    from weighted

),

changed_credits as (

    {#- Only the changed documents need their details: ranking the whole ledger's rows by
        document (44M at the large scale) took most of this model's time. -#}
    select distinct credit_id
    from allocated

),

document_details as (

    select
        ledger_documents.credit_id,
        ledger_documents.source_system,
        ledger_documents.source_entity,
        ledger_documents.document_id,
        ledger_documents.transaction_date,
        ledger_documents.currency,
        ledger_documents.amount_original,
        ledger_documents.fx_rate,
        ledger_documents.source_file,
        ledger_documents.source_line
    from ledger_documents
    inner join changed_credits
        on ledger_documents.credit_id = changed_credits.credit_id
    union all
    select
        paid_lines.credit_id,
        paid_lines.source_system,
        paid_lines.source_entity,
        paid_lines.document_id,
        paid_lines.transaction_date,
        paid_lines.currency,
        paid_lines.amount_original,
        paid_lines.fx_rate,
        paid_lines.source_file,
        paid_lines.source_line
    from paid_lines
    inner join changed_credits
        on paid_lines.credit_id = changed_credits.credit_id
    left join ledger_credits
        on paid_lines.credit_id = ledger_credits.credit_id
    where paid_lines.line_type = 'transaction' and ledger_credits.credit_id is null

),

one_detail_per_document as (

    select
        *,
        row_number() over (partition by credit_id order by source_file, source_line) as detail_rank
    from document_details

),

clawback_lines as (

    select
        {{ dbt.concat([
            "allocated.payout_id", "'|clawback|'", "allocated.original_payout_id", "'|'", "allocated.credit_id",
        ]) }} as line_id,
        allocated.payout_id,
        allocated.original_payout_id,
        'clawback' as line_type,
        allocated.credit_id,
        details.source_system,
        details.source_entity,
        details.document_id,
        details.transaction_date,
        details.currency,
        details.amount_original,
        details.fx_rate,
        allocated.change_amount as amount_base,
        allocated.line_amount,
        details.source_file,
        details.source_line
    from allocated
    left join one_detail_per_document as details
        on allocated.credit_id = details.credit_id
        and details.detail_rank = 1

),

documented as (

    select distinct original_payout_id
    from changed_documents

),

recalculation_lines as (

    select
        {{ dbt.concat(["owed.payout_id", "'|recalculation|'", "owed.original_payout_id"]) }} as line_id,
        owed.payout_id,
        owed.original_payout_id,
        'recalculation' as line_type,
        cast(null as {{ dbt.type_string() }}) as credit_id,
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_entity,
        cast(null as {{ dbt.type_string() }}) as document_id,
        cast(null as date) as transaction_date,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as decimal(18, 2)) as amount_original,
        cast(null as decimal(18, 8)) as fx_rate,
        cast(null as decimal(18, 2)) as amount_base,
        owed.difference as line_amount,
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as bigint) as source_line
    from owed
    left join documented
        on owed.original_payout_id = documented.original_payout_id
    where documented.original_payout_id is null

),

unioned as (

    select * from clawback_lines
    union all
    select * from recalculation_lines

),

posted as (

    select
        unioned.line_id,
        unioned.payout_id,
        owed.user_id,
        owed.plan_id,
        owed.period_type,
        owed.posting_period_start as period_start,
        owed.metric,
        unioned.line_type,
        owed.original_period_start,
        unioned.credit_id,
        unioned.source_system,
        unioned.source_entity,
        unioned.document_id,
        unioned.transaction_date,
        unioned.currency,
        unioned.amount_original,
        unioned.fx_rate,
        unioned.amount_base,
        unioned.line_amount,
        unioned.source_file,
        unioned.source_line
    from unioned
    inner join owed
        on unioned.original_payout_id = owed.original_payout_id

)

select * from posted
