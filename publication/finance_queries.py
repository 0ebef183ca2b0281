"""What finance books from, read from the published copy: the payout register with each
payout's approval, the accrual by period and cost centre, the reconciliations, the
restatements and clawbacks, and the payroll rows. A rep's cost centre for a period is the team
of their membership in force at the period's end (statement_queries.HEADERS_CTE), the same one
their statement names. Its code counts in the statements' writer version."""

from __future__ import annotations

from publication.statement_queries import HEADERS_CTE

APPROVAL_JOIN = """
    left join payout_approvals as approvals
        on payouts.user_id = approvals.user_id
        and payouts.period_start = approvals.period_start
"""
HEADER_JOIN = """
    left join headers
        on payouts.user_id = headers.user_id
        and payouts.plan_id = headers.plan_id
        and payouts.period_start = headers.period_start
"""
REGISTER_SQL = f"""
    select
        payouts.*,
        coalesce(approvals.status, 'pending') as approval_status,
        approvals.approver_id,
        approvals.decided_at,
        approvals.note as approval_note,
    from payouts
    {APPROVAL_JOIN}
"""
ACCRUAL_SQL = f"""
    with {HEADERS_CTE}
    select
        payouts.period_type,
        payouts.period_start,
        payouts.period_end,
        headers.region,
        headers.team_id,
        headers.team_name,
        payouts.currency,
        count(distinct payouts.user_id) as reps,
        sum(payouts.earned_amount) as earned_amount,
        sum(payouts.clawback_amount) as clawback_amount,
        sum(payouts.payout_amount) as payout_amount,
        sum(case when payouts.period_status = 'paid' then payouts.payout_amount else 0 end)
            as paid_amount,
        sum(case when payouts.period_status = 'paid' then 0 else payouts.payout_amount end)
            as accrued_amount,
        sum(case when approvals.status = 'approved' then payouts.payout_amount else 0 end)
            as approved_amount,
    from payouts
    {HEADER_JOIN}
    {APPROVAL_JOIN}
    group by all
"""
CLAWBACKS_SQL = "select * from payout_lines where line_type in ('clawback', 'recalculation')"
# The workbook's sheets (titled by the catalogue's finance.<key>): their rows and row order.
FINANCE_SHEETS = (
    ("payouts", REGISTER_SQL, "period_start, user_id, plan_id, metric, payout_id"),
    ("accrual", ACCRUAL_SQL, "period_start, period_type, region, team_id, currency"),
    ("reconciliation_monthly", "select * from reconciliation_monthly", "month_start, metric"),
    ("reconciliation_payouts", "select * from reconciliation_payouts", "payout_id"),
    (
        "restatements",
        "select * from restatements",
        "version, month_start, period_grain, period_start, scope_type, scope_id, metric, "
        "column_name",
    ),
    ("clawbacks", CLAWBACKS_SQL, "period_start, user_id, plan_id, metric, line_id"),
)
# Payroll: one row per rep, pay period and currency with an amount to pay (or to deduct),
# approved payouts of ended periods only (a provisional, open period is never paid; a disputed
# or held payout waits).
PAYROLL_SQL = f"""
    with {HEADERS_CTE}
    select
        payouts.user_id as employee_id,
        headers.full_name,
        headers.team_id as cost_centre,
        headers.region,
        payouts.period_type,
        payouts.period_start,
        payouts.period_end,
        payouts.currency,
        sum(payouts.payout_amount) as amount,
        ? as publication_version,
    from payouts
    {HEADER_JOIN}
    inner join payout_approvals as approvals
        on payouts.user_id = approvals.user_id
        and payouts.period_start = approvals.period_start
    where approvals.status = 'approved'
        and payouts.period_status <> 'open'
    group by all
    having sum(payouts.payout_amount) <> 0
    order by payouts.period_type, payouts.period_start, payouts.user_id, payouts.currency
"""
