"""Bottom-up beside top-down on the hand-made history of test_topdown.

Every rep sold in proportion to the company (20 / 30 a month per unit), so each one's
deseasonalised pace moves as the days of the halves do: January to June 2025 has 181 days at index
0.8, July to December 184 days at index 1.2, so the trend is (3 / (184 x 1.2)) / (2 / (181 x 0.8))
= 52,128 / 52,992 = 0.983695... (the units' ratio, 30 x 6 / (20 x 6) = 3/2). R1's bottom-up year
is 600/365 a day x that trend x 365 days: 590.2174; January 600 x 0.983695 / 15 = 39.35.
R4 has no history of its own: trend 1, R3's rate; with the 50 % ramp its year is 300 x 895/930.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from planning.bottomup import bottom_up, reconcile, rep_trend
from planning.history import read_history
from planning.topdown import PlanOptions, plan_metric
from tests.planning.published_history import make_published
from tests.planning.test_topdown import COMPANY, rep_actuals

TREND = D(52128) / D(52992)
OPTIONS = PlanOptions(year=2026, ramp=(D("0.5"),))


@pytest.fixture
def made(tmp_path):
    db = make_published(tmp_path / "p.duckdb", dt.date(2026, 1, 15), COMPANY, rep_actuals())
    history = read_history(db)
    return history, plan_metric(history, OPTIONS, "revenue")


def test_trend_is_the_deseasonalised_pace_of_the_second_half_over_the_first(made):
    history, plan = made
    assert abs(rep_trend(history, plan, "R1") - TREND) < D("1e-20")
    assert rep_trend(history, plan, "R4") == 1


def test_bottom_up_per_rep_and_its_sums(made):
    history, plan = made
    got = bottom_up(history, plan, OPTIONS)
    jan = dt.date(2026, 1, 1)
    assert got["rep", "R1", jan] == D("39.35")
    r1_year = sum(v for (t, s, _), v in got.items() if (t, s) == ("rep", "R1"))
    assert abs(r1_year - 600 * TREND) <= D("0.06")  # twelve roundings to the cent
    r4_year = sum(v for (t, s, _), v in got.items() if (t, s) == ("rep", "R4"))
    assert abs(r4_year - D(300) * 895 / 930) <= D("0.06")
    for m in {key[2] for key in got}:
        reps = sum(got["rep", r, m] for r in ("R1", "R2", "R3", "R4"))
        assert got["company", "company", m] == reps == got["team", "T1", m] + got["team", "T2", m]


def test_reconciliation_rows_per_scope_month_and_year(made):
    history, plan = made
    rows = reconcile(history, plan, OPTIONS)
    # 9 scopes x (12 months + the year).
    assert len(rows) == 9 * 13
    year = {(r.scope_type, r.scope_id): r for r in rows if r.period == "2026"}
    company = year["company", "company"]
    assert company.top_down == D("1320.00")
    assert company.difference == company.top_down - company.bottom_up
    assert company.coverage == (company.bottom_up / D("1320.00")).quantize(D("0.0001"))
    assert year["rep", "R1"].top_down == D("532.01")
