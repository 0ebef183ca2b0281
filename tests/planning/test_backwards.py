"""Activity targets worked backwards on the hand-made history of test_topdown, with rates.

T1's 2025 (put in December): 10 deals won for 1,000 (100 a deal) of 40 closed (win rate 0.25),
40 of 200 leads converted (0.2), 900 cycle days over the 10 deals (90 days: a lag of 3 months),
50 opportunities created with 500 calls (10 each) and 100 visits (2 each). T2 won nothing, so
its reps take the company's: 2,000 for 10 deals (200), 10 of 20 closed (0.5), 30 days (lag 1),
20 created with 200 calls (10 each) and no visits.

R1's January target 35.47 (test_topdown): 0.3547 deals, 1.4188 opportunities (2), 7.094 leads
(8), pipeline 141.88, calls 14.188 (15), visits 2.8376 (3), to be created in October 2025: before
the year, so reported and not a target; October 2026 creates for January 2027, taken as January
2026's. R1's July target 53.20: 2.128 opportunities (3), pipeline 212.80, 21.28 calls (22) and
4.256 visits (5), created in April 2026.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from planning.backwards import rates_for, work_backwards
from planning.history import PlanInputError, read_history
from planning.topdown import PlanOptions, plan_metric
from tests.planning.published_history import make_published
from tests.planning.test_topdown import COMPANY, rep_actuals

DEC = dt.date(2025, 12, 1)
SUMS = {
    ("team", "T1", "avg_deal_size", DEC): ("1000", "10", 10),
    ("team", "T1", "win_rate", DEC): ("10", "40", 40),
    ("team", "T1", "lead_conversion_rate", DEC): ("40", "200", 200),
    ("team", "T1", "sales_cycle_days", DEC): ("900", "10", 10),
    ("team", "T1", "pipeline_created", DEC): ("5000", None, 50),
    ("team", "T1", "calls", DEC): ("500", None, 500),
    ("team", "T1", "visits", DEC): ("100", None, 100),
    ("company", "company", "avg_deal_size", DEC): ("2000", "10", 10),
    ("company", "company", "win_rate", DEC): ("10", "20", 20),
    ("company", "company", "lead_conversion_rate", DEC): ("5", "10", 10),
    ("company", "company", "sales_cycle_days", DEC): ("300", "10", 10),
    ("company", "company", "pipeline_created", DEC): ("4000", None, 20),
    ("company", "company", "calls", DEC): ("200", None, 200),
}


@pytest.fixture
def made(tmp_path):
    db = make_published(
        tmp_path / "p.duckdb", dt.date(2026, 1, 15), COMPANY, rep_actuals(), sums=SUMS
    )
    history = read_history(db)
    return history, plan_metric(history, PlanOptions(year=2026, ramp=(D("0.5"),)), "revenue")


def test_team_rates_and_the_company_s_where_the_team_won_nothing(made):
    history, plan = made
    t1 = rates_for(history, "T1", plan.base_months)
    assert (t1.scope, t1.avg_deal_size, t1.win_rate, t1.lead_conversion, t1.lag_months) == (
        "T1",
        D(100),
        D("0.25"),
        D("0.2"),
        3,
    )
    assert t1.per_opportunity == {"calls": D(10), "visits": D(2)}
    t2 = rates_for(history, "T2", plan.base_months)
    assert (t2.scope, t2.avg_deal_size, t2.win_rate, t2.lag_months) == (
        "company",
        D(200),
        D("0.5"),
        1,
    )


def test_needs_of_a_month_by_hand(made):
    history, plan = made
    _, needs, _ = work_backwards(history, plan)
    by = {(n.user_id, n.tier, n.closing): n for n in needs}
    jan = by["R1", "target", dt.date(2026, 1, 1)]
    assert (jan.target, jan.deals, jan.opportunities, jan.leads, jan.pipeline) == (
        D("35.47"),
        D("0.35"),
        2,
        8,
        D("141.88"),
    )
    assert jan.activities == {"calls": 15, "visits": 3}
    assert (jan.create_in, jan.due_before_the_year) == (dt.date(2025, 10, 1), True)
    jul = by["R1", "target", dt.date(2026, 7, 1)]
    assert (jul.opportunities, jul.pipeline, jul.activities, jul.create_in) == (
        3,
        D("212.80"),
        {"calls": 22, "visits": 5},
        dt.date(2026, 4, 1),
    )


def test_activity_targets_are_due_when_opportunities_must_be_created(made):
    history, plan = made
    rows, needs, _ = work_backwards(history, plan)
    got = {(r.scope_type, r.scope_id, r.metric, r.tier, r.period_start): r.value for r in rows}
    # April creates for July; October for January (the year after, as this one).
    assert got["rep", "R1", "calls", "target", dt.date(2026, 4, 1)] == 22
    assert got["rep", "R1", "calls", "target", dt.date(2026, 10, 1)] == 15
    assert got["rep", "R1", "pipeline_created", "target", dt.date(2026, 4, 1)] == D("212.80")
    # Every month of the year has its creation target; the levels add up.
    for month in (dt.date(2026, m, 1) for m in range(1, 13)):
        reps = sum(got["rep", r, "calls", "target", month] for r in ("R1", "R2", "R3", "R4"))
        assert got["company", "company", "calls", "target", month] == reps
    assert {r.metric for r in rows} == {"pipeline_created", "calls", "visits"}


def test_no_won_deal_anywhere_is_a_clear_error(tmp_path):
    db = make_published(tmp_path / "p.duckdb", dt.date(2026, 1, 15), COMPANY, rep_actuals())
    history = read_history(db)
    plan = plan_metric(history, PlanOptions(year=2026), "revenue")
    with pytest.raises(PlanInputError, match="no won deal in the base window"):
        work_backwards(history, plan)
