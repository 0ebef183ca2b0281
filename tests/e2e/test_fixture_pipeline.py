"""The whole pipeline in real processes on hand-made exports, every figure computed by hand.

The fixture (tests/fixtures/e2e/landing) has: a rep (R2) who moves from team T1 to T2 on
2026-02-15; a company bookings target revised on 2026-02-01 and again on 2026-06-01 (not yet in
force as of 2026-03-10); USD deals and payments with a weekend date; a credit note exported with a
positive sign; a void invoice; a walk-in invoice nobody can be credited for (unassigned); an
invoice and an activity by an unknown user (X9); revenue splits 60/40 with an overlay; a rep
joining mid-month (R3, 2026-02-11); an opportunity delta in JSON Lines where the later updated_at
wins in either direction; a GBK file, Chinese headers with a BOM, a semicolon file, and an
activity row with an impossible date (quarantined).

Hand calculations, as of 2026-03-10 (USD rates: 6.9 from 2026-01-01, 7.0 from 2026-01-30,
7.2 from 2026-02-02):
- February revenue: I2 10,000 USD x 7.2 = 72,000 (R2, via the order's opportunity owner) - CN1
  10,000 (R1) + W1 3,000 (unassigned) + I3 20,000 (R4, via the account owner) + I4 1,000
  (unknown) = 86,000.00; V1 (void) and I5 (after the as-of date) excluded.
- February bookings: O2 10,000 USD on Sunday 2026-02-01 at Friday's 7.0 = 70,000 (R2, in T1 that
  day) + O3 50,000 (R2, in T2 by 2026-02-20, won per the delta) + O4 80,000 split R1 48,000 /
  R4 32,000 = 200,000.00. T1 = 70,000 + 48,000 = 118,000; T2 = 50,000 + 32,000 = 82,000.
- Company bookings target: 3,000,000 / 12 = 250,000.00 a month (original 2,400,000 / 12 =
  200,000.00); February attainment 200,000 / 250,000 = 0.8; Q1-to-date 300,000 / 500,000 = 0.6.
- T1's quarterly bookings target 300,000 = 100,000 a month, split in February by member-days
  among reps R1 (28 days) and R2 (14): 66,666.67 and 33,333.33.
- R3's February revenue target 60,000 prorated for 18 of 28 days = 38,571.43.
- March is open: 7 of 22 working days elapsed; bookings 40,000 (O7; O8 closes after the as-of
  date); expected 250,000 x 7/22 = 79,545.45; pace 0.502857; forecast 40,000 x 22/7 = 125,714.29.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import FIXTURE_LANDING, copy_home, scorecards_command

# The slow lane (`make test`, not `make test-fast`): real runs of the whole pipeline.
pytestmark = pytest.mark.slow

D = decimal.Decimal
AS_OF = "2026-03-10"


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*scorecards_command(), *args, "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def published(home: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def scorecard(home: Path, grain: str, month: str, scope_type: str, scope_id: str, metric: str):
    rows = published(
        home,
        "select target, target_original, target_floor, target_stretch, actual, attainment, "
        "tier_reached, expected_to_date, pace_index, forecast, is_open, attainment_null_reason "
        "from scorecard_attainment where period_grain = ? and period_month = ? "
        "and scope_type = ? and scope_id = ? and metric = ?",
        [grain, month, scope_type, scope_id, metric],
    )
    assert len(rows) == 1, (grain, month, scope_type, scope_id, metric)
    keys = [
        "target",
        "target_original",
        "target_floor",
        "target_stretch",
        "actual",
        "attainment",
        "tier_reached",
        "expected_to_date",
        "pace_index",
        "forecast",
        "is_open",
        "reason",
    ]
    return dict(zip(keys, rows[0], strict=True))


@pytest.fixture(scope="module")
def home(tmp_path_factory, fixture_build) -> Path:
    """The fixture exports after `scorecards run --as-of 2026-03-10` (tests/conftest.py)."""
    return copy_home(fixture_build, tmp_path_factory.mktemp("e2e") / "home")


def test_run_prints_where_and_a_summary(home, fixture_build):
    printed = (fixture_build / "run.stdout").read_text(encoding="utf-8")
    assert "published version 1 (as of 2026-03-10)" in printed
    assert "reports in " in printed and "gate report: " in printed
    assert "company attainment, 2026-02 (latest closed month)" in printed
    # A new home's first dbt step starts from the project's saved parse, not a whole new one.
    assert re.search(r"Found \d+ models", printed), "dbt's output is not in the run's"
    assert "Unable to do partial parsing" not in printed
    status = run(home, "status")
    assert status.returncode == 0
    assert "version 1, as of 2026-03-10" in status.stdout
    assert "months covered: 2025-12..2026-03" in status.stdout


def test_company_revenue_reconciles_to_erp_to_the_cent(home):
    revenue = scorecard(home, "month", "2026-02-01", "company", "company", "revenue")
    assert revenue["actual"] == D("86000.00")
    by_member = dict(
        published(
            home,
            "select scope_id, actual from fct_kpi_monthly where metric = 'revenue' "
            "and scope_type = 'rep' and month_start = '2026-02-01'",
        )
    )
    assert by_member == {
        "R1": D("-10000.00"),
        "R2": D("72000.00"),
        "R4": D("20000.00"),
        "unassigned": D("3000.00"),
        "unknown": D("1000.00"),
    }
    assert scorecard(home, "month", "2026-01-01", "company", "company", "revenue")["actual"] == D(
        "100000.00"
    )


def test_team_on_the_transaction_date(home):
    assert scorecard(home, "month", "2026-02-01", "team", "T1", "bookings")["actual"] == D(
        "118000.00"
    )
    assert scorecard(home, "month", "2026-02-01", "team", "T2", "bookings")["actual"] == D(
        "82000.00"
    )
    assert scorecard(home, "month", "2026-02-01", "team", "T1", "revenue")["actual"] == D(
        "62000.00"
    )
    assert scorecard(home, "month", "2026-02-01", "team", "unknown", "revenue")["actual"] == D(
        "4000.00"
    )
    assert scorecard(home, "month", "2026-02-01", "region", "north", "bookings")["actual"] == D(
        "200000.00"
    )


def test_fx_latest_rate_on_or_before(home):
    rows = dict(
        published(
            home,
            "select credit_id, fx_rate from fct_credited_transactions "
            "where credit_id in ('bookings:O2:R2', 'revenue:I2:R2', 'collections:P2:R2', "
            "'pipeline_created:O2:R2')",
        )
    )
    assert rows == {
        "bookings:O2:R2": D("7.00000000"),  # Sunday 2026-02-01 → Friday's rate
        "revenue:I2:R2": D("7.20000000"),
        "collections:P2:R2": D("7.20000000"),
        "pipeline_created:O2:R2": D("6.90000000"),
    }


def test_bookings_with_splits_and_the_revised_target(home):
    feb = scorecard(home, "month", "2026-02-01", "company", "company", "bookings")
    assert (feb["target"], feb["target_original"], feb["actual"]) == (
        D("250000.00"),
        D("200000.00"),
        D("200000.00"),
    )
    assert feb["attainment"] == D("0.800000") and feb["tier_reached"] == "none"
    qtd = scorecard(home, "qtd", "2026-02-01", "company", "company", "bookings")
    assert (qtd["target"], qtd["actual"], qtd["attainment"]) == (
        D("500000.00"),
        D("300000.00"),
        D("0.600000"),
    )
    splits = dict(
        published(
            home,
            "select credited_user_id, amount_base from fct_credited_transactions "
            "where metric = 'bookings' and document_id = 'O4'",
        )
    )
    assert splits == {"R1": D("48000.00"), "R4": D("32000.00")}  # no overlay credit


def test_targets_allocated_and_prorated(home):
    pieces = published(
        home,
        "select user_id, team_id, target_value from fct_targets where metric = 'bookings' "
        "and tier = 'target' and month_start = '2026-02-01' order by user_id, team_id",
    )
    # R3's own February bookings target, 20,000, is prorated for 18 of 28 days: 12,857.14.
    assert pieces == [
        ("R1", "T1", D("66666.67")),
        ("R2", "T1", D("33333.33")),
        ("R3", "T3", D("12857.14")),
    ]
    r3 = scorecard(home, "month", "2026-02-01", "rep", "R3", "revenue")
    assert (r3["target"], r3["actual"], r3["attainment"]) == (D("38571.43"), D("0.00"), D("0E-6"))
    r2 = published(
        home,
        "select team_id, target_value from fct_targets where user_id = 'R2' and metric = 'revenue' "
        "and month_start = '2026-02-01' order by team_id",
    )
    assert r2 == [("T1", D("28000.00")), ("T2", D("28000.00"))]


def test_tiers_attainment_and_reasons(home):
    r1 = scorecard(home, "month", "2026-02-01", "rep", "R1", "revenue")
    assert (r1["target_floor"], r1["target"], r1["target_stretch"]) == (
        D("70000.00"),
        D("90000.00"),
        D("110000.00"),
    )
    assert (r1["actual"], r1["attainment"], r1["tier_reached"]) == (
        D("-10000.00"),
        D("-0.111111"),
        "none",
    )
    r2 = scorecard(home, "month", "2026-02-01", "rep", "R2", "revenue")
    assert (r2["attainment"], r2["tier_reached"]) == (D("1.285714"), "target")
    r4 = scorecard(home, "month", "2026-02-01", "rep", "R4", "revenue")
    assert r4["attainment"] is None and r4["reason"] == "no_target"
    # A rolled-up floor exists only when every child with a target has one.
    company = scorecard(home, "month", "2026-02-01", "company", "company", "revenue")
    assert company["target"] == D("184571.43") and company["target_floor"] is None


def test_ratio_metrics_divide_sums_and_take_targets_as_they_are(home):
    """Feb closed deals: O2, O3, O4 won (R2, R2, R1), O5 lost (R3). Cycle days: O2 22, O3 36,
    O4 36. T1 on the close dates: O2 (R2 until 02-14) and O4 (R1); O1 (R1) won in January."""
    win = scorecard(home, "month", "2026-02-01", "company", "company", "win_rate")
    assert win["actual"] == D("0.750000") and win["target"] is None
    deal = scorecard(home, "month", "2026-02-01", "company", "company", "avg_deal_size")
    assert deal["actual"] == D("66666.666667")
    cycle = scorecard(home, "month", "2026-02-01", "company", "company", "sales_cycle_days")
    assert (cycle["target"], cycle["actual"]) == (D("30.0000"), D("31.333333"))
    assert cycle["attainment"] == D("0.957447")  # lower is better: target / actual
    assert cycle["tier_reached"] == "none"
    t1 = scorecard(home, "month", "2026-02-01", "team", "T1", "win_rate")
    assert (t1["target"], t1["actual"], t1["attainment"], t1["tier_reached"]) == (
        D("0.5000"),
        D("1.000000"),
        D("2.000000"),
        "target",
    )
    t1_qtd = scorecard(home, "qtd", "2026-02-01", "team", "T1", "win_rate")
    assert (t1_qtd["target"], t1_qtd["actual"]) == (D("0.5000"), D("1.000000"))  # 3 of 3
    r1 = scorecard(home, "month", "2026-02-01", "rep", "R1", "win_rate")
    assert (r1["target"], r1["actual"]) == (D("0.5000"), D("1.000000"))  # inherited, not split
    r3 = scorecard(home, "month", "2026-02-01", "rep", "R3", "win_rate")
    assert r3["actual"] == D("0E-6") and r3["target"] is None  # O5 lost
    r4 = scorecard(home, "month", "2026-02-01", "rep", "R4", "win_rate")
    assert r4["actual"] is None  # no closed deal: nothing to divide by
    north = scorecard(home, "month", "2026-02-01", "region", "north", "win_rate")
    assert north["target"] is None  # ratio targets are never summed into a parent


def test_margin_and_new_customers(home):
    margin = scorecard(home, "month", "2026-01-01", "rep", "R1", "gross_margin")
    assert margin["actual"] == D("60000.00")  # I1: 100,000 - 100 x 400
    new = dict(
        published(
            home,
            "select month_start, actual from fct_kpi_monthly "
            "where metric = 'new_customers' and scope_type = 'company'",
        )
    )
    assert new == {dt.date(2026, 1, 1): D("1.000000"), dt.date(2026, 2, 1): D("1.000000")}


def test_product_line_account_and_market_share_targets(home):
    """Segments and market share in scorecard_attainment, by hand (fixture targets.csv, last
    six rows; plan/market_size.csv).

    February revenue by product line: I2 (R2, north) 72,000.00 is split over its lines' 6,666.67
    (platform) and 3,333.33 (analytics) USD: analytics 72,000 x 333,333 / 1,000,000 = 23,999.98,
    platform 48,000.02; CN1's line (platform) -10,000; I3 (R4, north) analytics 20,000; W1 and I4
    have no lines (unknown). So platform 38,000.02 against 40,000 (0.950001) and north/analytics
    23,999.98 + 20,000 = 43,999.98 against its quarter's 90,000 / 3 = 30,000 a month.
    """
    platform = scorecard(home, "month", "2026-02-01", "product_line", "platform", "revenue")
    assert (platform["target"], platform["actual"], platform["attainment"]) == (
        D("40000.0000"),
        D("38000.020000"),
        D("0.950001"),
    )
    north = scorecard(home, "month", "2026-02-01", "product_line", "north/analytics", "revenue")
    assert (north["target"], north["actual"], north["attainment"], north["tier_reached"]) == (
        D("30000.0000"),
        D("43999.980000"),
        D("1.466666"),
        "target",
    )
    north_qtd = scorecard(home, "qtd", "2026-02-01", "product_line", "north/analytics", "revenue")
    assert (north_qtd["target"], north_qtd["actual"]) == (D("60000.0000"), D("43999.980000"))
    # A1's February bookings: O2 70,000 + O4 80,000 (whatever the split among reps) = 150,000.
    a1 = scorecard(home, "month", "2026-02-01", "account", "A1", "bookings")
    assert (a1["target"], a1["actual"], a1["attainment"]) == (
        D("100000.0000"),
        D("150000.000000"),
        D("1.500000"),
    )
    # A2 in north: I3 (customer C2, account A2) 20,000; V1 is void.
    a2 = scorecard(home, "month", "2026-02-01", "account", "north/A2", "revenue")
    assert (a2["actual"], a2["attainment"]) == (D("20000.000000"), D("0.800000"))
    # Activities name no segment: a target on calls has no actual, and says why.
    calls = scorecard(home, "month", "2026-02-01", "account", "A1", "calls")
    assert (calls["actual"], calls["reason"]) == (None, "no_actual")
    parents = dict(
        published(
            home,
            "select scope_id, parent_scope_type || ':' || parent_scope_id "
            "from scorecard_attainment where scope_type in ('product_line', 'account') "
            "and period_grain = 'month' and period_month = '2026-02-01' and metric = 'revenue'",
        )
    )
    assert parents == {
        "platform": "company:company",
        "north/analytics": "product_line:analytics",
        "A1": "company:company",
        "north/A2": "account:A2",
    }
    # Market share: north's 12,000,000 a year is 1,000,000 a month; its February revenue is
    # I2 72,000 - CN1 10,000 + I3 20,000 = 82,000: 0.082 against 0.05 (1.64). The company's
    # market is USD 500,000 a quarter at 6.9 = 3,450,000 (1,150,000 a month): 86,000 / 1,150,000.
    share = scorecard(home, "month", "2026-02-01", "region", "north", "market_share")
    assert (share["target"], share["actual"], share["attainment"]) == (
        D("0.0500"),
        D("0.082000"),
        D("1.640000"),
    )
    share_qtd = scorecard(home, "qtd", "2026-02-01", "region", "north", "market_share")
    assert share_qtd["actual"] == D("0.091000")  # (100,000 + 82,000) / 2,000,000
    company = scorecard(home, "month", "2026-02-01", "company", "company", "market_share")
    assert company["actual"] == D("0.074783")
    # Never split to reps, nor measured by week.
    assert published(
        home,
        "select count(*) from scorecard_attainment where metric = 'market_share' "
        "and (scope_type not in ('region', 'company') or period_grain = 'week')",
    ) == [(0,)]


def test_every_fact_by_hand(home):
    assert published(
        home,
        "select activity_count, duration_minutes, team_id from fct_activities "
        "where user_id = 'R1' and activity_date = '2026-02-03'",
    ) == [(1, 10, "T1")]  # AC2: 电话, slash date
    assert published(
        home,
        "select team_id_on_created, team_id_on_close, amount_base_won, cycle_days "
        "from fct_opportunities where opportunity_id = 'O2'",
    ) == [("T1", "T1", D("70000.00"), 22)]
    invoices = published(
        home,
        "select invoice_id, credited_user_id, credit_basis, team_id, is_revenue, amount_base "
        "from fct_invoices where invoice_id in ('I3', 'V1', 'W1', 'CN1') order by 1",
    )
    assert invoices == [
        ("CN1", "R1", "invoice_rep", "T1", True, D("-10000.00")),
        ("I3", "R4", "account_owner", "T2", True, D("20000.00")),
        ("V1", "R4", "invoice_rep", None, False, D("5000.00")),
        ("W1", "unassigned", "unassigned", "unknown", True, D("3000.00")),
    ]
    assert published(
        home,
        "select payment_id, credited_user_id, team_id, amount_base from fct_payments order by 1",
    ) == [
        ("P1", "R1", "T1", D("50000.00")),
        ("P2", "R2", "T1", D("36000.00")),
        ("P3", "unknown", "unknown", D("100.00")),
    ]
    # Margin = net amount at the invoice's rate - quantity x unit cost (CNY); a credit note's
    # lines lower it whatever sign they show.
    assert published(
        home,
        "select invoice_id, product_sku, margin_base, credited_user_id from fct_invoice_lines "
        "order by invoice_id, line_no",
    ) == [
        ("CN1", "SKU-1", D("-6000.00"), "R1"),  # -(10,000 - 10 x 400)
        ("I1", "SKU-1", D("60000.00"), "R1"),  # 100,000 - 100 x 400
        ("I2", "SKU-1", D("47600.02"), "R2"),  # 6,666.67 USD x 7.2 = 48,000.02 - 400
        ("I2", "SKU-2", D("23899.98"), "R2"),  # 3,333.33 USD x 7.2 = 23,999.98 - 100
        ("I3", "SKU-2", D("10000.00"), "R4"),  # 20,000 - 100 x 100
    ]
    coverage = dict(
        published(
            home,
            "select scope_type || ':' || scope_id, coverage from fct_target_coverage "
            "where metric = 'bookings' and tier = 'target' and month_start = '2026-02-01'",
        )
    )
    # T1's target is split among its reps (100%); the company's 250,000 has north's 100,000 (T1)
    # and south's 12,857.14 (R3's own, prorated) below it: 112,857.14 / 250,000.
    assert coverage == {"team:T1": D("1.000000"), "company:company": D("0.451429")}
    snapshots = published(
        home,
        "select month_start, owner_id, stage, open_opportunities, open_amount_base "
        "from fct_pipeline_snapshots where month_start in ('2026-01-01', '2026-03-01') "
        "order by all",
    )
    assert snapshots == [
        (dt.date(2026, 1, 1), "R1", "unknown", 1, D("80000.00")),  # O4, no stage history
        (dt.date(2026, 1, 1), "R2", "unknown", 2, D("120000.00")),  # O2 at Jan-30 7.0 + O3
        (dt.date(2026, 3, 1), "R4", "proposal", 1, D("20000.00")),  # O6
        (dt.date(2026, 3, 1), "R4", "unknown", 1, D("15000.00")),  # O8 closes after 03-10
    ]
    assert published(
        home,
        "select stage, entered, advanced, median_days_in_stage from fct_stage_conversion "
        "where owner_id = 'R1' and cohort_month = '2025-12-01' order by stage",
    ) == [("closed_won", 1, 0, None), ("prospecting", 1, 1, D("50.0"))]
    assert published(
        home,
        "select owner_id, cohort_month, leads_created, leads_qualified, leads_converted, "
        "conversion_rate from fct_lead_funnel order by all",
    ) == [
        ("R1", dt.date(2026, 1, 1), 2, 2, 1, D("0.500000")),
        ("R2", dt.date(2026, 2, 1), 1, 0, 0, D("0E-6")),
    ]
    assert published(
        home,
        "select bridge_status, count(*) from dim_accounts group by all order by all",
    ) == [("crm_only", 1), ("erp_only", 1), ("matched", 2), ("unknown", 1)]
    assert published(
        home,
        "select team_id, valid_from, valid_to_exclusive from dim_rep_memberships "
        "where user_id = 'R2' order by valid_from",
    ) == [
        ("T1", dt.date(2025, 1, 1), dt.date(2026, 2, 15)),
        ("T2", dt.date(2026, 2, 15), None),
    ]


def test_open_month_pacing_and_forecast(home):
    march = scorecard(home, "month", "2026-03-01", "company", "company", "bookings")
    assert march["is_open"] is True
    assert (march["actual"], march["expected_to_date"], march["pace_index"], march["forecast"]) == (
        D("40000.00"),
        D("79545.45"),
        D("0.502857"),
        D("125714.29"),
    )


def test_week_grain_phases_targets_by_working_days(home):
    """Company bookings by ISO week in March: 250,000 over 22 working days, to the cent. The week
    of 23 February ends on Sunday 1 March, so it belongs to March; it takes February's last 5 of
    20 working days (250,000 - 187,500 = 62,500.00) and nothing of March (1 March is a Sunday).
    The week of 2 March takes 5/22 (56,818.18) and holds O7 (40,000 on 5 March); the week of
    9 March, open, the next 5/22 (113,636.36 - 56,818.18) with 2 of 5 days elapsed."""
    rows = published(
        home,
        "select period_start, period_end, target, actual, attainment, expected_to_date, "
        "pace_index, is_open from scorecard_attainment where period_grain = 'week' "
        "and period_month = '2026-03-01' and scope_type = 'company' and metric = 'bookings' "
        "order by period_start",
    )
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (dt.date(2026, 2, 23), dt.date(2026, 3, 1), D("62500.0000")),
        (dt.date(2026, 3, 2), dt.date(2026, 3, 8), D("56818.1800")),
        (dt.date(2026, 3, 9), dt.date(2026, 3, 15), D("56818.1800")),
    ]
    closed, open_week = rows[1], rows[2]
    assert (closed[3], closed[4], closed[5], closed[7]) == (
        D("40000.00"),
        D("0.704000"),
        D("56818.18"),
        False,
    )
    assert (open_week[3], open_week[5], open_week[6], open_week[7]) == (
        D("0"),
        D("22727.27"),
        D("0"),
        True,
    )


def test_latest_version_wins_and_delta_is_applied(home):
    rows = published(
        home,
        "select document_id, amount_base from fct_credited_transactions "
        "where metric = 'bookings' and document_id in ('O1', 'O3')",
    )
    assert sorted(rows) == [("O1", D("100000.00")), ("O3", D("50000.00"))]


def test_quarantine_and_audit(home):
    with duckdb.connect(str(home / "warehouse" / "build.duckdb"), read_only=True) as con:
        assert con.execute(
            "select file_path, line_number, reason from audit.quarantine"
        ).fetchall() == [
            (
                "crm/activities_2026-02.csv",
                7,
                "unparseable timestamp in occurred_at: 2026-02-31 09:00",
            )
        ]
        counts = con.execute(
            "select rows_read, rows_accepted, rows_quarantined from audit.load_log "
            "where file_path = 'crm/activities_2026-02.csv'"
        ).fetchone()
        assert counts == (7, 6, 1)
        assert (
            con.execute(
                "select count(*) from audit.load_log "
                "where rows_read <> rows_accepted + rows_quarantined"
            ).fetchone()[0]
            == 0
        )
    calls = scorecard(home, "month", "2026-02-01", "company", "company", "calls")
    assert calls["actual"] == D("5.00")  # AC2 is 电话 with a slash date; X9 is kept as unknown
    report = (home / "reports" / "ingest_report.md").read_text()
    assert "unparseable timestamp in occurred_at" in report


def test_same_inputs_same_tables_and_a_rejected_file_blocks(home):
    """Re-run: identical content hashes. Then an unknown file blocks publication until removed,
    and the next run publishes the same tables again."""
    again = run(home, "run", "--as-of", AS_OF)
    assert again.returncode == 0, again.stderr[-2000:]
    log = published(home, "select version, table_hashes from publication_log order by version")
    assert [row[0] for row in log] == [1, 2]
    assert json.loads(log[0][1]) == json.loads(log[1][1])

    # A bad input blocks: each blocking check is made to fail in tests/e2e/test_gate.py; here, a
    # file nobody knows, which the landing check no_rejected_files blocks.
    before = (home / "warehouse" / "published.duckdb").read_bytes()
    unknown = home / "landing" / "erp" / "receipts.csv"
    unknown.write_text("a,b\n1,2\n")
    blocked = run(home, "run", "--as-of", AS_OF)
    assert blocked.returncode == 2
    assert "no_rejected_files" in blocked.stderr
    assert (home / "warehouse" / "published.duckdb").read_bytes() == before

    unknown.unlink()
    fixed = run(home, "run", "--as-of", AS_OF)
    assert fixed.returncode == 0, fixed.stderr[-2000:]
    log = published(home, "select version, table_hashes from publication_log order by version")
    assert [row[0] for row in log] == [1, 2, 3]
    assert json.loads(log[2][1]) == json.loads(log[0][1])


def test_other_as_of_and_fiscal_year(tmp_path):
    """As of 2026-01-31 the February revision is not in force; with a fiscal year starting in
    April, January 2026 lies in fiscal Q4 of the year that began on 2025-04-01."""
    shutil.copytree(FIXTURE_LANDING, tmp_path / "landing")
    result = run(tmp_path, "run", "--as-of", "2026-01-31", "--fiscal-year-start-month", "4")
    assert result.returncode == 0, result.stderr[-2000:]
    starts = published(
        tmp_path,
        "select period_grain, period_start from scorecard_attainment "
        "where period_month = '2026-01-01' and scope_type = 'company' and metric = 'bookings' "
        "order by period_grain, period_start",
    )
    # A week belongs to the month of its Sunday; the week of Monday 26 January ends on
    # 1 February, after the as-of date, so it stays in January (the as-of month).
    weeks = [dt.date(2025, 12, 29)] + [dt.date(2026, 1, day) for day in (5, 12, 19, 26)]
    assert starts == [
        ("month", dt.date(2026, 1, 1)),
        ("qtd", dt.date(2026, 1, 1)),
        *[("week", week) for week in weeks],
        ("ytd", dt.date(2025, 4, 1)),
    ]
    jan = scorecard(tmp_path, "month", "2026-01-01", "company", "company", "bookings")
    assert (jan["target"], jan["target_original"], jan["is_open"]) == (
        D("200000.00"),
        D("200000.00"),
        False,
    )
    assert published(tmp_path, "select max(period_month) from scorecard_attainment") == [
        (dt.date(2026, 1, 1),)
    ]


def test_sample_publishes(sample_build):
    printed = (sample_build / "run.stdout").read_text(encoding="utf-8")
    assert "published version 2 (as of 2026-04-15)" in printed
    assert "company attainment, 2026-03 (latest closed month)" in printed
    assert "bookings" in printed
    assert (sample_build / "home" / "reports" / "scorecard_2026-04.html").exists()


def test_every_sample_payout_is_redone_from_its_statement(sample_build):
    """Issue 25's promise: from each statement's cells alone (terms, curve, steps), every payout
    of the sample is the published one, to the cent; approved payouts reach the payroll files."""
    from publication.statements import period_label, statement_stem
    from tests.publication.statement_cells import recompute

    home = sample_build / "home"
    folder = home / "reports" / "statements"
    statements = published(
        home,
        "select payouts.user_id, users.full_name, payouts.plan_id, payouts.period_type, "
        "payouts.period_start, sum(payouts.payout_amount) "
        "from payouts left join dim_users as users using (user_id) group by all order by all",
    )
    assert len(statements) > 30
    for user_id, name, plan_id, period_type, period_start, amount in statements:
        stem = statement_stem(period_label(period_type, period_start), user_id, name, plan_id)
        assert sum(recompute(folder / f"{stem}.xlsx").values()) == amount, stem
    # The sample approves the first quarter but for one dispute and one hold in March.
    approved = set(
        published(
            home,
            "select user_id, cast(period_start as varchar) from payout_approvals "
            "where status = 'approved'",
        )
    )
    files = sorted((home / "reports" / "payroll").iterdir())
    assert files and {path.name for path in files} <= {"2026-01.csv", "2026-02.csv", "2026-03.csv"}
    for path in files:
        with path.open(encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        assert rows and all((r["employee_id"], r["period_start"]) in approved for r in rows)


def test_no_published_table_or_column_without_a_comment(home):
    """What Metabase or Superset shows beside each table and column of published.duckdb: the
    dbt project's description, for every one of them (publication/descriptions.py)."""
    tables = published(
        home,
        "select table_name, comment from duckdb_tables() "
        "where database_name = current_database() and schema_name = 'main'",
    )
    columns = published(
        home,
        "select table_name, column_name, comment from duckdb_columns() "
        "where database_name = current_database() and schema_name = 'main'",
    )
    assert len(tables) >= 29 and len(columns) > 400
    assert [table for table, comment in tables if not comment] == []
    assert [(table, column) for table, column, comment in columns if not comment] == []


def test_dbt_docs_generate_and_every_column_is_described(home, tmp_path):
    """`dbt docs generate` works on a real build, and every model and column has a description."""
    from core.settings import DBT_PROJECT_DIR

    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [
            str(dbt) if dbt.exists() else "dbt",
            "docs",
            "generate",
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--vars",
            json.dumps({"as_of_date": AS_OF}),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "SCORECARDS_BUILD_DB": str(home / "warehouse" / "build.duckdb")},
    )
    assert result.returncode == 0, result.stdout[-2000:]
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    undescribed = []
    for unique_id, node in catalog["nodes"].items():
        if not unique_id.startswith("model."):
            continue
        model = manifest["nodes"][unique_id]
        if not model.get("description"):
            undescribed.append(model["name"])
        for column in node["columns"]:
            if not (model["columns"].get(column) or {}).get("description"):
                undescribed.append(f"{model['name']}.{column}")
    assert len(catalog["nodes"]) > 40
    assert undescribed == []


def test_the_run_is_in_the_home_s_dagster_instance(sample_build):
    """After `scorecards sample` and `scorecards run` (what `make run` does), the instance
    `make dagster-dev` opens holds both runs (the sample's first publication, for its month end,
    then the run), and the latest has a materialization of every asset of the job and every
    check's result."""
    from orchestration.definitions import defs
    from orchestration.instance import home_instance

    job = defs.resolve_job_def("scorecards_job")
    assets = job.asset_layer.executable_asset_keys
    checks = job.asset_layer.asset_graph.asset_check_keys
    with home_instance(sample_build / "home") as instance:
        runs = instance.get_runs()
        assert [(run.job_name, run.status) for run in runs] == [
            ("scorecards_job", dg.DagsterRunStatus.SUCCESS)
        ] * 2
        run_id = runs[0].run_id  # the newest first
        materialized = {
            entry.dagster_event.asset_key
            for entry in instance.all_logs(
                run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
            )
        }
        assert materialized == set(assets)
        evaluations = {
            entry.dagster_event.event_specific_data.asset_check_key: (
                entry.dagster_event.event_specific_data
            )
            for entry in instance.all_logs(
                run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
            )
        }
        assert set(evaluations) == set(checks)
        # It published: no blocking check failed (a warning may have).
        blocked = [
            key
            for key, evaluation in evaluations.items()
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
        ]
        assert blocked == []
        # What the UI's asset page reads: the latest materialization, from this run.
        latest = instance.get_latest_materialization_event(dg.AssetKey(["published_scorecards"]))
        assert latest is not None and latest.run_id == run_id
