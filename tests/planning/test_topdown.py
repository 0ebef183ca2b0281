"""Top-down targets on a hand-made history, every figure worked out by hand.

History (fiscal year = calendar year), as of 2026-01-15: company revenue 2025 is 80 a month from
January to June and 120 from July to December (1,200; monthly mean 100, so the seasonal indices
are 0.8 and 1.2 and the shares 0.8 / 12 = 1/15 and 1.2 / 12 = 1/10). R1 sold 600, R2 300 (team
T1, north), R3 300 (T2, south), each a rep all year (365 days). R4 joins T2 on 2026-01-05: no base
days, so R4 takes T2's median rate, R3's (300 / 365 a day).

Plan 2026, growth 10 %, ramp 50 % in the first month: target 1,200 x 1.1 = 1,320.00 (floor x 0.9 =
1,188.00, stretch x 1.2 = 1,584.00). Capacities in R3's rate: R1 2, R2 1, R3 1, R4 = 1/15 x 27/31 x
0.5 (January: 27 of 31 days, ramped) + 14/15 = 895/930. North 3, south 1 + 895/930 = 1825/930, so
north = 132,000 cents x 2790/4615 = 79,800.65 -> 798.01 (the larger remainder) and south 521.99.
T1 798.01 -> R1 x 2/3 = 532.0066.. and R2 266.0033..: 532.01 and 266.00. R1's 532.01 by month:
53,201 cents / 15 = 3,546.73 in January to June, / 10 = 5,320.1 in July to December; floors leave
5 cents, to the first five months: 35.47 (January to May), 35.46 (June), 53.20 (July onwards).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal as D

import pytest

from planning.history import PlanInputError, read_history
from planning.topdown import PlanOptions, plan_metric
from tests.planning.published_history import make_published

MONTHS_2025 = [dt.date(2025, m, 1) for m in range(1, 13)]
COMPANY = {m: "80" if m.month <= 6 else "120" for m in MONTHS_2025}
REP_SALES = {"R1": 2, "R2": 1, "R3": 1}  # multiples of 40 (H1) and 60 (H2) / 2


def rep_actuals() -> dict[tuple[str, dt.date], str]:
    return {
        (user, m): str(D(20 if m.month <= 6 else 30) * k)
        for user, k in REP_SALES.items()
        for m in MONTHS_2025
    }


@pytest.fixture
def history(tmp_path):
    db = make_published(tmp_path / "p.duckdb", dt.date(2026, 1, 15), COMPANY, rep_actuals())
    return read_history(db)


def targets(plan, tier="target"):
    out = defaultdict(dict)
    for row in plan.rows:
        if row.tier == tier:
            out[row.scope_type, row.scope_id][row.period_start] = row.value
    return out


def test_company_target_tiers_and_seasonality(history):
    plan = plan_metric(history, PlanOptions(year=2026, ramp=(D("0.5"),)), "revenue")
    assert plan.base_months == MONTHS_2025 and plan.base == D("1200") == plan.annualised
    assert plan.company == {"floor": D("1188.00"), "target": D("1320.00"), "stretch": D("1584.00")}
    jan, jul = dt.date(2026, 1, 1), dt.date(2026, 7, 1)
    assert plan.seasonality[jan] == D("0.8") / 12 and plan.seasonality[jul] == D("1.2") / 12
    assert plan.rated_by == {
        "R1": "own_history",
        "R2": "own_history",
        "R3": "own_history",
        "R4": "team_median",
    }


def test_split_by_region_team_rep_and_month_to_the_cent(history):
    plan = plan_metric(history, PlanOptions(year=2026, ramp=(D("0.5"),)), "revenue")
    got = targets(plan)
    year = {key: sum(months.values()) for key, months in got.items()}
    assert year["company", "company"] == D("1320.00")
    assert (year["region", "north"], year["region", "south"]) == (D("798.01"), D("521.99"))
    assert year["team", "T1"] == D("798.01") and year["team", "T2"] == D("521.99")
    assert (year["rep", "R1"], year["rep", "R2"]) == (D("532.01"), D("266.00"))
    assert year["rep", "R3"] + year["rep", "R4"] == D("521.99")
    r1 = [got["rep", "R1"][dt.date(2026, m, 1)] for m in range(1, 13)]
    assert r1 == [D("35.47")] * 5 + [D("35.46")] + [D("53.20")] * 6
    # Every level adds up in every month.
    for month in got["company", "company"]:
        reps = sum(got["rep", r][month] for r in ("R1", "R2", "R3", "R4"))
        regions = got["region", "north"][month] + got["region", "south"][month]
        assert got["company", "company"][month] == reps == regions


def test_the_ramp_lowers_the_new_hire_s_first_month(history):
    ramped = targets(plan_metric(history, PlanOptions(year=2026, ramp=(D("0.5"),)), "revenue"))
    flat = targets(plan_metric(history, PlanOptions(year=2026), "revenue"))
    jan, feb = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    # R4's January is half of R3's, less the four days before joining: 27/31 x 0.5.
    assert ramped["rep", "R4"][jan] < flat["rep", "R4"][jan] < ramped["rep", "R3"][jan]
    assert ramped["rep", "R4"][feb] == ramped["rep", "R3"][feb]


def test_less_than_a_year_of_history_is_annualised(tmp_path):
    """Six months of history (July to December 2025, 120 a month): the shares of those months
    are their own (index 1 each), the others count 1 too, so the six months carry half the year:
    720 / 0.5 = 1,440 a year, 1,584.00 with 10 % growth."""
    company = {m: "120" for m in MONTHS_2025[6:]}
    reps = {("R1", m): "120" for m in MONTHS_2025[6:]}
    db = make_published(tmp_path / "p.duckdb", dt.date(2026, 1, 15), company, reps)
    plan = plan_metric(read_history(db), PlanOptions(year=2026), "revenue")
    assert plan.base == D("720") and plan.annualised == D("1440.00")
    assert plan.company["target"] == D("1584.00")


def test_a_leaver_gets_no_target_after_leaving(tmp_path):
    people = [
        # R1's last day is 2026-07-01: July counts 1 of its 31 days.
        ("R1", "T1", "north", dt.date(2020, 3, 1), dt.date(2026, 7, 1)),
        ("R2", "T1", "north", dt.date(2020, 3, 1), None),
    ]
    reps = {(u, m): "50" for u in ("R1", "R2") for m in MONTHS_2025}
    db = make_published(tmp_path / "p.duckdb", dt.date(2026, 1, 15), COMPANY, reps, people)
    got = targets(plan_metric(read_history(db), PlanOptions(year=2026), "revenue"))
    assert all(got["rep", "R1"][dt.date(2026, m, 1)] == 0 for m in range(8, 13))
    june, july = got["rep", "R1"][dt.date(2026, 6, 1)], got["rep", "R1"][dt.date(2026, 7, 1)]
    # The same rate and seasonal share in both months: July is 1/31 of a full July.
    full_july = got["rep", "R2"][dt.date(2026, 7, 1)]
    assert june > 0 and abs(july - full_july / 31) <= D("0.01")


def test_a_base_window_without_history_names_the_window(tmp_path):
    db = make_published(tmp_path / "p.duckdb", dt.date(2026, 1, 15), COMPANY, rep_actuals())
    with pytest.raises(PlanInputError, match="no complete month of revenue history in the fy"):
        plan_metric(read_history(db), PlanOptions(year=2030, base="fy"), "revenue")


def test_nothing_published_is_a_clear_error(tmp_path):
    with pytest.raises(PlanInputError, match="nothing is published in"):
        read_history(tmp_path / "missing.duckdb")


def test_tiers_from_the_history_s_growth_quartiles(tmp_path):
    """Two years of company history: 2024 at 100 a month, 2025 at 105 in odd months and 115 in
    even ones: growths of 5 % and 15 %, six each. The inclusive quartiles are 5 % and 15 %, so on
    the annualised base of 1,320 the floor is 1,386.00 and the stretch 1,518.00; the target at 10 %
    is 1,452.00 between them."""
    months_2024 = [dt.date(2024, m, 1) for m in range(1, 13)]
    company = {m: "100" for m in months_2024}
    company |= {m: "105" if m.month % 2 else "115" for m in MONTHS_2025}
    reps = {("R1", m): value for m, value in company.items()}
    db = make_published(tmp_path / "p.duckdb", dt.date(2026, 1, 15), company, reps)
    plan = plan_metric(read_history(db), PlanOptions(year=2026, tiers="history"), "revenue")
    assert plan.annualised == D("1320.00")
    assert plan.company == {"floor": D("1386.00"), "target": D("1452.00"), "stretch": D("1518.00")}


def test_tiers_from_history_need_two_years(history):
    with pytest.raises(PlanInputError, match="tiers from history need 12 months of revenue"):
        plan_metric(history, PlanOptions(year=2026, tiers="history"), "revenue")


def test_tiers_from_each_rep_s_own_growth_spread(tmp_path):
    """Two reps, a year apart: R1 (north) sold 100 a month in 2024 and 105 / 115 in odd / even
    months of 2025 (growths 5 % and 15 %: quartiles 5 % and 15 %); R3 (south) 100 then 110 (10 %
    every month: quartiles 10 % and 10 %). The company's 2025 is 2,640.00; at 10 % growth the
    target is 2,904.00, 1,452.00 each (equal capacity). Each rep's floor and stretch are their
    target x (1 + their quartile) / 1.1, never crossing the target: R1 1,386.00 and 1,518.00,
    R3 1,452.00 and 1,452.00; the company's are the sums, 2,838.00 and 2,970.00."""
    months_2024 = [dt.date(2024, m, 1) for m in range(1, 13)]
    r1 = {m: "100" for m in months_2024} | {m: "105" if m.month % 2 else "115" for m in MONTHS_2025}
    r3 = {m: "100" for m in months_2024} | {m: "110" for m in MONTHS_2025}
    company = {m: str(D(r1[m]) + D(r3[m])) for m in r1}
    reps = {("R1", m): v for m, v in r1.items()} | {("R3", m): v for m, v in r3.items()}
    people = [
        ("R1", "T1", "north", dt.date(2020, 3, 1), None),
        ("R3", "T2", "south", dt.date(2020, 3, 1), None),
    ]
    db = make_published(tmp_path / "p.duckdb", dt.date(2026, 1, 15), company, reps, people)
    plan = plan_metric(read_history(db), PlanOptions(year=2026, tiers="history"), "revenue")
    assert plan.company == {"floor": D("2838.00"), "target": D("2904.00"), "stretch": D("2970.00")}
    assert plan.tiers_from == {"R1": "own_history", "R3": "own_history"}
    years = {
        tier: {key: sum(by_month.values()) for key, by_month in targets(plan, tier).items()}
        for tier in ("floor", "target", "stretch")
    }
    assert years["floor"][("rep", "R1")] == D("1386.00")
    assert years["stretch"][("rep", "R1")] == D("1518.00")
    assert years["floor"][("rep", "R3")] == years["stretch"][("rep", "R3")] == D("1452.00")
    # Every level is the sum of its reps', month by month.
    for tier in ("floor", "stretch"):
        by_scope = targets(plan, tier)
        for month in by_scope[("company", "company")]:
            assert by_scope[("company", "company")][month] == (
                by_scope[("region", "north")][month] + by_scope[("region", "south")][month]
            )
        assert years[tier][("team", "T1")] == years[tier][("rep", "R1")]
