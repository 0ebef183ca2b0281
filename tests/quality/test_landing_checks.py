import datetime as dt
import os

from ingest.loader import load_landing
from quality.landing_checks import (
    plan_rows_check,
    quarantine_check,
    quarantine_counts,
    rejected_files_check,
    required_entities_check,
    stale_entities_check,
)
from tests.conftest import write

HEADER = "payment_id,invoice_id,paid_date,amount,currency\n"


def test_rejected_file_blocks_until_fixed(con, landing):
    path = write(landing, "erp/payments.csv", "payment_id\nP1\n")
    load_landing(con, landing)
    outcome = rejected_files_check(con)
    assert not outcome.passed
    assert outcome.offending_rows == [
        {
            "file_path": "erp/payments.csv",
            "message": "missing required column(s): invoice_id, paid_date, amount, currency "
            "(header line)",
        }
    ]
    path.write_text(HEADER + "P1,I1,2026-02-10,1,CNY\n")
    load_landing(con, landing)
    assert rejected_files_check(con).passed


def test_removing_a_rejected_file_clears_the_check(con, landing):
    path = write(landing, "erp/unknown_thing.csv", "a\n1\n")
    load_landing(con, landing)
    assert not rejected_files_check(con).passed
    path.unlink()
    load_landing(con, landing)
    assert rejected_files_check(con).passed


def test_quarantine_counts_only_current_files(con, landing):
    path = write(landing, "erp/payments.csv", HEADER + "P1,I1,bad,1,CNY\nP2,I1,2026-02-10,1,CNY\n")
    load_landing(con, landing)
    assert quarantine_counts(con) == {"erp/payments": 1}
    path.write_text(HEADER + "P2,I1,2026-02-10,1,CNY\n")
    load_landing(con, landing)
    assert quarantine_counts(con) == {}


def test_required_entities_are_named_until_landed(con, landing):
    write(landing, "erp/payments.csv", HEADER + "P1,I1,2026-02-10,1,CNY\n")
    load_landing(con, landing)
    outcome = required_entities_check(con)
    assert not outcome.passed
    missing = {row["entity"] for row in outcome.offending_rows}
    assert "crm/teams" in missing and "erp/fx_rates" in missing
    assert "erp/payments" not in missing
    assert "plan/phasing" not in missing  # optional in the contract


def test_quarantine_is_a_warning_with_examples(con, landing):
    write(landing, "erp/payments.csv", HEADER + "P1,I1,bad,1,CNY\n")
    load_landing(con, landing)
    outcome = quarantine_check(con)
    assert not outcome.passed and outcome.counts == {"quarantined_rows": 1}
    assert outcome.offending_rows[0]["line"] == 2
    assert outcome.offending_rows[0]["file_path"] == "erp/payments.csv"


def test_stale_entities_by_the_newest_file(con, landing):
    old = write(landing, "erp/payments.csv", HEADER + "P1,I1,2026-02-10,1,CNY\n")
    newer = write(landing, "erp/payments_2026-03.csv", HEADER + "P2,I1,2026-03-10,1,CNY\n")
    load_landing(con, landing)
    as_of = dt.date(2026, 3, 31)
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()
    os.utime(old, (stamp, stamp))
    recent = dt.datetime(2026, 3, 20, tzinfo=dt.UTC).timestamp()
    os.utime(newer, (recent, recent))
    assert stale_entities_check(con, landing, as_of, max_age_days=45).passed
    os.utime(newer, (stamp, stamp))
    outcome = stale_entities_check(con, landing, as_of, max_age_days=45)
    assert not outcome.passed
    assert outcome.offending_rows == [{"entity": "erp/payments", "age_days": 89}]


TARGETS_HEADER = "scope_type,scope_id,metric,period_type,period_start,tier,value\n"


def test_a_quarantined_plan_row_blocks_naming_file_and_line(con, landing):
    """The plan is all or nothing: one bad target row blocks publication (finding: the rep's
    October targets were gone and scorecards and payouts were still published), while a
    quarantined payment stays a warning."""
    write(
        landing,
        "plan/targets_2026.csv",
        TARGETS_HEADER
        + "rep,R1,revenue,month,2026-10-01,理想,1000\nrep,R1,revenue,month,2026-10-01,gold,1200\n",
    )
    write(landing, "erp/payments.csv", HEADER + "P1,I1,bad,1,CNY\nP2,I1,2026-02-10,1,CNY\n")
    load_landing(con, landing)
    plan = plan_rows_check(con)
    assert not plan.passed
    assert plan.offending_rows == [
        {
            "entity": "plan/targets",
            "file_path": "plan/targets_2026.csv",
            "line": 3,
            "reason": "unparseable enum in tier: gold",
        }
    ]
    assert plan.failures == ["plan/targets_2026.csv line 3: unparseable enum in tier: gold"]
    warning = quarantine_check(con)
    assert warning.counts == {"quarantined_rows": 1}
    assert [row["entity"] for row in warning.offending_rows] == ["erp/payments"]


def test_a_clean_plan_passes_and_a_fixed_file_clears_the_block(con, landing):
    path = write(
        landing, "plan/targets.csv", TARGETS_HEADER + "rep,R1,revenue,month,2026-10-01,x,1\n"
    )
    load_landing(con, landing)
    assert not plan_rows_check(con).passed
    path.write_text(TARGETS_HEADER + "rep,R1,revenue,month,2026-10-01,冲刺,1\n", encoding="utf-8")
    load_landing(con, landing)
    assert plan_rows_check(con).passed
