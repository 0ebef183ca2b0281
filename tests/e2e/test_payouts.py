"""Payouts, statements, the performance scorecard and reconciliations on the hand-made exports.

Plan AE (bookings 0.6, revenue 0.4; threshold 0.5, cap 2.0; curve from 0.5 pays 0.25 + 1.5 per
point, from 1.0 pays 1.0 + 2.0 per point), OTI 10,000 a month for R1, R2 and R3 in February.
Plan CY pays R2 1,000 in February on sales_cycle_days alone (lower is better). Hand
calculations, as of 2026-03-10 (February figures are in test_fixture_pipeline's docstring):
- R1 bookings: 48,000 / 66,666.67 = 0.720000 -> 0.25 + 1.5 x 0.22 = 0.58 -> 10,000 x 0.6 x 0.58
  = 3,480.00. R1 revenue: -10,000 / 90,000 = -0.111111, below the threshold -> 0.
- R2 moved team on 2026-02-15; the rep's attainment counts both teams. Revenue 72,000 against the
  target in force, 56,000 (revised: the original 40,000 would give 1.8): 1.285714 -> 1.0 + 2.0 x
  0.285714 = 1.571428 -> 10,000 x 0.4 x 1.571428 = 6,285.712 -> 6,285.71. Bookings 120,000 /
  33,333.33 = 3.600000, capped at 2.0 -> 1.0 + 2.0 x 1.0 = 3.0 -> 10,000 x 0.6 x 3.0 = 18,000.00.
- R2 cycle days: target 30, actual 29, lower is better -> 30 / 29 = 1.034483 -> 1.0 + 2.0 x
  0.034483 = 1.068966 -> 1,000 x 1.0 x 1.068966 = 1,068.966 -> 1,068.97.
- R3 joined 2026-02-11: February's incentive is 10,000 x 18 / 28 = 6,428.57.
- Performance, R1 February (bookings 0.5, revenue 0.3, teamwork 0.2): 72 x 0.5 + 0 x 0.3
  (negative attainment scores 0) + (4 - 1) / 4 x 100 x 0.2 = 36 + 0 + 15 = 51.00 -> D.
Then invoice I2 (R2's 72,000, February) is voided and a credit note CN2 of 7,200 dated
2026-02-25 arrives; the pipeline runs as of 2026-04-05. February was closed in the publication as
of 2026-03-10, so it stays as paid (6,285.71); February now earns 0 (revenue -7,200), and R2's
April revenue payout carries a clawback of -6,285.71 on I2 and CN2.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import copy_home
from tests.e2e.test_fixture_pipeline import published, run

# The slow lane (`make test`, not `make test-fast`): real runs over payout scenarios.
pytestmark = pytest.mark.slow

D = decimal.Decimal


def payout(home: Path, payout_id: str) -> dict[str, object]:
    rows = published(
        home,
        "select period_status, prorated_incentive, target, actual, attainment, capped_attainment, "
        "payout_basis, payout_fraction, earned_amount, clawback_amount, payout_amount, "
        "paid_as_of_date from payouts where payout_id = ?",
        [payout_id],
    )
    assert len(rows) == 1, payout_id
    keys = [
        "status",
        "prorated",
        "target",
        "actual",
        "attainment",
        "capped",
        "basis",
        "fraction",
        "earned",
        "clawback",
        "amount",
        "paid_as_of",
    ]
    return dict(zip(keys, rows[0], strict=True))


@pytest.fixture(scope="module")
def home(tmp_path_factory, fixture_build) -> Path:
    """The fixture exports, published as of 2026-03-10 (tests/conftest.py)."""
    return copy_home(fixture_build, tmp_path_factory.mktemp("payouts") / "home")


def test_threshold_between_segments_and_below(home):
    bookings = payout(home, "R1|AE|2026-02-01|bookings")
    assert (bookings["attainment"], bookings["fraction"], bookings["earned"]) == (
        D("0.720000"),
        D("0.580000"),
        D("3480.00"),
    )
    revenue = payout(home, "R1|AE|2026-02-01|revenue")
    assert (revenue["attainment"], revenue["basis"], revenue["amount"]) == (
        D("-0.111111"),
        "below_threshold",
        D("0.00"),
    )
    assert bookings["status"] == "ended" and bookings["paid_as_of"] is None


def test_moved_rep_revised_target_accelerator_and_cap(home):
    revenue = payout(home, "R2|AE|2026-02-01|revenue")
    assert revenue["target"] == D("56000.0000")  # the revision in force, not the original 40,000
    assert (revenue["attainment"], revenue["fraction"], revenue["amount"]) == (
        D("1.285714"),
        D("1.571428"),
        D("6285.71"),
    )
    bookings = payout(home, "R2|AE|2026-02-01|bookings")
    assert (bookings["attainment"], bookings["capped"], bookings["basis"]) == (
        D("3.600000"),
        D("2.000000"),
        "capped",
    )
    assert (bookings["fraction"], bookings["amount"]) == (D("3.000000"), D("18000.00"))


def test_lower_is_better_metric_pays_on_the_inverted_ratio(home):
    cycle = payout(home, "R2|CY|2026-02-01|sales_cycle_days")
    assert (cycle["target"], cycle["actual"], cycle["attainment"]) == (
        D("30.0000"),
        D("29.000000"),
        D("1.034483"),
    )
    assert (cycle["fraction"], cycle["amount"]) == (D("1.068966"), D("1068.97"))
    # CY ends with February: no March payout.
    assert not published(home, "select 1 from payouts where payout_id like 'R2|CY|2026-03%'")


def test_partial_period_prorates_the_incentive(home):
    joined = payout(home, "R3|AE|2026-02-01|revenue")
    assert joined["prorated"] == D("6428.57")
    # The fixture's assignments end with February: no March payouts.
    assert not published(home, "select 1 from payouts where period_start = '2026-03-01'")


def test_statement_lines_sum_to_each_payout(home):
    assert published(home, "select count(*) from reconciliation_payouts where difference <> 0") == [
        (0,)
    ]
    lines = published(
        home,
        "select document_id, amount_base, line_amount from payout_lines "
        "where payout_id = 'R2|AE|2026-02-01|bookings' order by document_id",
    )
    # 18,000 spread over O2 (70,000) and O3 (50,000): 10,500.00 and 7,500.00.
    assert lines == [("O2", D("70000.00"), D("10500.00")), ("O3", D("50000.00"), D("7500.00"))]
    empty = published(
        home,
        "select line_type, line_amount from payout_lines "
        "where payout_id = 'R3|AE|2026-02-01|bookings'",
    )
    assert empty == [("no_credited_amount", D("0.00"))]


def test_reconciliation_shows_zero_difference(home):
    rows = published(
        home,
        "select metric, source_total, credited_total, unassigned_total, difference, "
        "company_difference from reconciliation_monthly where month_start = '2026-02-01' "
        "order by metric",
    )
    by_metric = {row[0]: row[1:] for row in rows}
    assert by_metric["revenue"] == (
        D("86000.00"),
        D("83000.00"),
        D("3000.00"),
        D("0.00"),
        D("0.00"),
    )
    assert by_metric["bookings"][0] == D("200000.00")
    assert all(row[4] == 0 and row[5] == 0 for row in rows)


def test_performance_scorecard_by_hand(home):
    rows = published(
        home,
        "select score, grade, weight_total, missing_components from scorecard_performance "
        "where user_id = 'R1' and month_start = '2026-02-01'",
    )
    assert rows == [(D("51.00"), "D", D("1.000000"), None)]
    points = dict(
        published(
            home,
            "select kpi, points from scorecard_performance_components "
            "where user_id = 'R1' and month_start = '2026-02-01'",
        )
    )
    assert points == {"bookings": D("72.0000"), "revenue": D("0E-6"), "teamwork": D("75.000000")}


def test_statements_are_written_after_publication(home):
    """R2's February statement: the payout redone from its cells alone is the published one,
    its lines sum to it, and the finance workbook has its three sheets."""
    from tests.publication.statement_cells import facts, recompute

    folder = home / "reports" / "statements"
    path = folder / "2026-02" / "R2_Rep_Two_AE.xlsx"
    redone = recompute(path)
    published_payouts = dict(
        published(
            home,
            "select metric, payout_amount from payouts where user_id = 'R2' "
            "and plan_id = 'AE' and period_start = '2026-02-01'",
        )
    )
    assert sum(redone.values()) == sum(published_payouts.values()) == D("24285.71")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet["A1"].value == "Payout statement: ENDED (month not closed yet)"
    shown = facts(sheet)
    assert (shown["Rep"], shown["Rep id"], shown["Plan"]) == ("Rep Two", "R2", "AE")
    assert shown["Team"].endswith("(T2)")
    with (folder / "2026-02" / "R2_Rep_Two_AE.csv").open(encoding="utf-8-sig") as handle:
        lines = list(csv.DictReader(handle))
    assert sum(D(line["line_amount"]) for line in lines) == D("24285.71")
    finance = openpyxl.load_workbook(folder / "finance_workbook.xlsx")
    assert finance.sheetnames == [
        "Payout register",
        "Accrual by cost centre",
        "Reconciliation",
        "Statement check",
        "Restatements",
        "Clawbacks",
    ]


def test_clawback_after_the_period_was_paid(home, monkeypatch):
    """Close February, then void I2 and date a credit note back into February; run a month
    later, then again: the clawback is posted once, in April, and February is restated."""
    early = run(home, "close", "--month", "2026-03")
    assert early.returncode == 1 and "still open" in early.stderr
    closed = run(home, "close", "--month", "2026-02")
    assert closed.returncode == 0, closed.stderr
    assert "closed 2026-02 on version 1" in closed.stdout
    # The void leaves the walk-in W1 as 44% of February's revenue: allowed here on purpose.
    monkeypatch.setenv("SCORECARDS_MAX_UNASSIGNED_SHARE", "0.5")
    (home / "landing" / "erp" / "invoices_voids_2026-03.csv").write_text(
        "invoice_id,invoice_date,customer_id,order_id,sales_rep_id,amount_net,tax_amount,"
        'currency,document_type,status\nI2,2026-02-03,C1,SO2,,"$10,000.00",,USD,invoice,void\n'
        "CN2,2026-02-25,C1,SO2,,7200.00,,CNY,credit_note,posted\n"
    )
    later = run(home, "run", "--as-of", "2026-04-05")
    assert later.returncode == 0, later.stderr[-3000:]
    paid = payout(home, "R2|AE|2026-02-01|revenue")
    assert (paid["status"], paid["amount"], paid["paid_as_of"].isoformat()) == (
        "paid",
        D("6285.71"),
        "2026-03-10",
    )
    april = payout(home, "R2|AE|2026-04-01|revenue")
    # R2 has no plan in April: the clawback makes a payout of its own.
    assert april["basis"] == "clawback_only"
    assert (april["earned"], april["clawback"], april["amount"]) == (
        D("0.00"),
        D("-6285.71"),
        D("-6285.71"),
    )
    lines = published(
        home,
        "select line_type, original_period_start, document_id, amount_base, line_amount "
        "from payout_lines where payout_id = 'R2|AE|2026-04-01|revenue' and line_type = 'clawback' "
        "order by document_id",
    )
    # -6,285.71 spread over the two changes (7,200 and 72,000) by size, to the cent.
    assert [(r[0], r[1].isoformat(), *r[2:]) for r in lines] == [
        ("clawback", "2026-02-01", "CN2", D("-7200.00"), D("-571.43")),
        ("clawback", "2026-02-01", "I2", D("-72000.00"), D("-5714.28")),
    ]
    # The scorecard restates February; the paid payout does not move.
    restated = published(
        home,
        "select actual from scorecard_attainment where period_grain = 'month' and "
        "period_month = '2026-02-01' and scope_type = 'rep' and scope_id = 'R2' "
        "and metric = 'revenue'",
    )
    assert restated == [(D("-7200.000000"),)]
    versions = published(
        home,
        "select version, actual from scorecard_attainment_versions where period_grain = 'month' "
        "and scope_id = 'R2' and metric = 'revenue' order by version",
    )
    assert versions == [(1, D("72000.000000")), (2, D("-7200.000000"))]
    diff = published(
        home,
        "select old_value, new_value from restatements where version = 2 and scope_id = 'R2' "
        "and metric = 'revenue' and period_grain = 'month' and column_name = 'actual'",
    )
    assert diff == [("72000.000000", "-7200.000000")]
    status = run(home, "status")
    assert "restates closed month(s): 2026-02" in status.stdout
    assert "closed months: 2026-02 (version 1)" in status.stdout

    hashes = published(home, "select table_hashes from publication_log order by version desc")[0][0]
    again = run(home, "run", "--as-of", "2026-04-05")
    assert again.returncode == 0, again.stderr[-3000:]
    rerun = published(home, "select table_hashes from publication_log order by version desc")[0][0]
    assert json.loads(rerun)["payouts"] == json.loads(hashes)["payouts"]
    assert published(home, "select sum(clawback_amount) from payouts") == [(D("-6285.71"),)]
    # April's statement shows the clawback lines with the documents and the period they
    # correct, and redoes to the published payout from its cells.
    from tests.publication.statement_cells import is_date_cell, recompute, table_rows

    april_statement = home / "reports" / "statements" / "2026-04" / "R2_Rep_Two_AE.xlsx"
    assert sum(recompute(april_statement).values()) == D("-6285.71")
    book = openpyxl.load_workbook(april_statement)
    rows, _ = table_rows(book["Lines"], "Lines")
    clawbacks = [row for row in rows if row["Line type"] == "Clawback"]
    assert sorted((row["Document"], row["Corrects period"]) for row in clawbacks) == [
        ("CN2", dt.datetime(2026, 2, 1)),
        ("I2", dt.datetime(2026, 2, 1)),
    ]
    corrects = [row[2] for row in book["Lines"].iter_rows(min_row=2) if row[1].value == "Clawback"]
    assert corrects and all(is_date_cell(cell) for cell in corrects)


def test_overlay_credit_is_reported_apart_and_in_no_roll_up(home):
    """O4 (80,000.00 CNY, won 10 February) has revenue splits R1 60% / R4 40% and M1 as a 100%
    overlay: M1 is credited 80,000.00 of bookings in February in fct_overlay_credits, and nowhere
    else: not in the ledger, not in the company's, region's or team's bookings."""
    assert published(
        home,
        "select user_id, month_start, metric, amount_original, currency, amount_base "
        "from fct_overlay_credits order by opportunity_id, user_id",
    ) == [("M1", dt.date(2026, 2, 1), "bookings", D("80000.00"), "CNY", D("80000.00"))]
    assert published(
        home,
        "select count(*) from fct_credited_transactions where credited_user_id = 'M1'",
    ) == [(0,)]
    ledger, company = published(
        home,
        "select (select sum(amount_base) from fct_credited_transactions where metric = 'bookings' "
        "and date_trunc('month', transaction_date) = date '2026-02-01'), actual "
        "from scorecard_attainment where period_grain = 'month' and scope_type = 'company' "
        "and metric = 'bookings' and period_month = '2026-02-01'",
    )[0]
    # The company's February bookings are the ledger's (owners and revenue splits), 80,000.00
    # of O4 once, not 160,000.00 with the overlay.
    assert company == ledger
    o4 = published(
        home,
        "select sum(amount_base) from fct_credited_transactions where document_id = 'O4' "
        "and metric = 'bookings'",
    )
    assert o4 == [(D("80000.00"),)]
    # Shown to the person it credits, on February's page, apart from every total.
    page = (home / "reports" / "scorecard_2026-02.html").read_text(encoding="utf-8")
    overlay = page[page.index('id="overlay"') : page.index('id="reps"')]
    assert "Mia Manager" in overlay and "80,000.00" in overlay
