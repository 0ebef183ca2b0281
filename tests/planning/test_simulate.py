"""What a plan would cost: simulated attainment through the warehouse's payout rules (dbt), on a
hand-made published copy whose figures are worked out here by hand.

Plans in force: AE (monthly; revenue weight 1, threshold 0.5, cap 2.0, on-target incentive
1,000.00 a month) for R1, R2 and R3, and Q (quarterly, the same terms, 3,000.00 a quarter) for
R4. The curve of both: from 0.5 pays 0.25 + 1.5 per point, from 1.0 pays 1.0 + 2.0 per point,
from 1.5 pays 2.0 + 0.5 per point. The reps' closed monthly revenue attainments: R1 always 1.2,
R2 always 0.4, R3 0.8 or 1.6, R4 always 1.1; R5 has none (the company's pool) and no plan.

The hand sheet (January to March 2027): R1 10,000.00 a month (floor 9,000.00, stretch
12,000.00), R2 7,000.00 (floor 6,000.00, stretch 8,400.00), R4 5,000.00. Every draw is the same:
- R1 attains 1.2 each month: 1.0 + 2.0 x 0.2 = 1.4 of 1,000.00 = 1,400.00, three months 4,200.00;
- R2 attains 0.4, below the threshold: nothing;
- R4's quarter: 3 x 5,500.00 / 15,000.00 = 1.1: 1.0 + 2.0 x 0.1 = 1.2 of 3,000.00 = 3,600.00.
So the cost is 7,800.00 in every draw (P10 = P50 = P90), the revenue 36,000.00 + 8,400.00 +
16,500.00 = 60,900.00, the cost share 7,800 / 60,900 = 0.128079 (12.81 %); R1's year reaches its
stretch (36,000.00), R4's its target (16,500.00 >= 15,000.00), R2's nothing (8,400.00 < 18,000.00).
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from planning.history import PlanInputError
from planning.sheet_check import read_sheet
from planning.simulate import attainment_pools, in_force, quarter_of, simulate_cost
from scorecards.cli import EXIT_OK, EXIT_USAGE, main
from tests.planning.published_history import make_published

D = Decimal
HEADER = "scope_type,scope_id,metric,period_type,period_start,tier,value,effective_date,note\n"
MONTHS = ("2027-01-01", "2027-02-01", "2027-03-01")


def sheet_text(targets: dict[str, dict[str, str]]) -> str:
    lines = [
        f"rep,{user},revenue,month,{month},{tier},{value},,"
        for user, tiers in targets.items()
        for month in MONTHS
        for tier, value in tiers.items()
    ]
    return HEADER + "\n".join(lines) + "\n"


HAND = {
    "R1": {"floor": "9000.00", "target": "10000.00", "stretch": "12000.00"},
    "R2": {"floor": "6000.00", "target": "7000.00", "stretch": "8400.00"},
    "R4": {"target": "5000.00"},
}
# R3 draws 0.8 or 1.6 a month; R5 has no plan (not costed) and no history (the company's pool).
VARIED = {"R3": {"target": "10000.00"}, "R5": {"target": "1000.00"}}


@pytest.fixture
def home(tmp_path):
    (tmp_path / "warehouse").mkdir()
    db = make_published(tmp_path / "warehouse" / "published.duckdb", dt.date(2026, 12, 10), {}, {})
    with duckdb.connect(str(db)) as con:
        con.execute("alter table dim_date add column fiscal_quarter_start date")
        con.execute("update dim_date set fiscal_quarter_start = date_trunc('quarter', date_day)")
        con.execute(
            "create table payouts (user_id varchar, plan_id varchar, period_type varchar, "
            "period_start date, metric varchar, weight decimal(12, 6), threshold decimal(12, 6), "
            "cap decimal(12, 6), on_target_incentive decimal(18, 2))"
        )
        for user in ("R1", "R2", "R3"):
            for month in ("2026-10-01", "2026-11-01"):
                con.execute(
                    "insert into payouts values (?, 'AE', 'month', ?, 'revenue', 1, 0.5, 2, 1000)",
                    [user, month],
                )
        con.execute(
            "insert into payouts values ('R4', 'Q', 'quarter', '2026-10-01', 'revenue', 1, 0.5, "
            "2, 3000)"
        )
        con.execute(
            "create table dim_payout_curves as select * from (values "
            + ", ".join(
                f"('{plan}', {start}, {at}, {slope})"
                for plan in ("AE", "Q")
                for start, at, slope in (
                    ("0.5", "0.25", "1.5"),
                    ("1.0", "1.0", "2.0"),
                    ("1.5", "2.0", "0.5"),
                )
            )
            + ") as t(plan_id, attainment_from, payout_at_from, slope)"
        )
        con.execute(
            "create table scorecard_attainment (scope_type varchar, scope_id varchar, "
            "period_grain varchar, period_month date, metric varchar, is_open boolean, "
            "attainment decimal(18, 6))"
        )
        history = {
            "R1": ["1.2"] * 4,
            "R2": ["0.4"] * 4,
            "R3": ["0.8", "1.6"] * 2,
            "R4": ["1.1"] * 4,
        }
        for user, values in history.items():
            for index, value in enumerate(values):
                con.execute(
                    "insert into scorecard_attainment values ('rep', ?, 'month', ?, 'revenue', "
                    "false, ?)",
                    [user, dt.date(2026, 7 + index, 1), value],
                )
        # An open month and another grain are not history.
        con.execute(
            "insert into scorecard_attainment values ('rep', 'R1', 'month', '2026-12-01', "
            "'revenue', true, 0.1), ('rep', 'R1', 'qtd', '2026-11-01', 'revenue', false, 0.1)"
        )
    return tmp_path


def write_sheet(home, name: str, targets) -> str:
    path = home / name
    path.write_text(sheet_text(targets), encoding="utf-8")
    return str(path)


def cost_table(path) -> dict[str, list[str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return {row[0]: row[2:] for row in csv.reader(handle)}


@pytest.mark.slow
def test_two_plans_side_by_side_through_the_payout_rules(home, capsys):
    hand = write_sheet(home, "hand.csv", HAND)
    varied = write_sheet(home, "varied.csv", {**HAND, **VARIED})
    args = ["plan", "--home", str(home), "--scenario", hand, "--scenario", varied]
    assert main([*args, "--draws", "101"]) == EXIT_OK
    out = capsys.readouterr().out
    table = cost_table(home / "plans" / "scenarios" / "cost.csv")
    assert table["measure"] == ["hand", "varied"]
    hand_column = {key: values[0] for key, values in table.items()}
    assert {key: hand_column[key] for key in ("cost_p10", "cost_p50", "cost_p90")} == {
        "cost_p10": "7,800.00",
        "cost_p50": "7,800.00",
        "cost_p90": "7,800.00",
    }
    assert (hand_column["revenue_p50"], hand_column["cost_share_p50"]) == ("60,900.00", "12.81%")
    assert [hand_column[f"reps_{t}_revenue"] for t in ("none", "floor", "target", "stretch")] == [
        "1",
        "0",
        "1",
        "1",
    ]
    assert (hand_column["draws"], hand_column["seed"], hand_column["reps_costed"]) == (
        "101",
        "2026",
        "3",
    )
    # R3 pays 0.8 -> 0.25 + 1.5 x 0.3 = 0.7 (700.00) or 1.6 -> 2.0 + 0.5 x 0.1 = 2.05 (2,050.00)
    # a month: the varied plan's cost lies between three lows and three highs on top of 7,800.
    varied_cost = [D(table[f"cost_{p}"][1].replace(",", "")) for p in ("p10", "p50", "p90")]
    assert D("9900.00") <= varied_cost[0] <= varied_cost[1] <= varied_cost[2] <= D("13950.00")
    assert varied_cost[0] < varied_cost[2]
    assert table["reps_without_plan"] == ["0", "1"]  # R5
    assert "Payout cost P50 (median)" in out and "hand" in out and "varied" in out


def test_the_same_seed_draws_the_same_and_another_seed_does_not(home, monkeypatch):
    """The draws without dbt: the payout rules are replaced by one that keeps what it was given,
    so what is compared is the drawing alone."""
    import planning.simulate as simulate

    given = []

    def keep(frame, curves):
        given.append(list(frame.attainment))
        return frame.assign(earned_amount=D(0))[["draw", "earned_amount"]]

    monkeypatch.setattr(simulate, "apply_payout_rules", keep)
    db = home / "warehouse" / "published.duckdb"
    path = home / "varied.csv"
    path.write_text(sheet_text({**HAND, **VARIED}), encoding="utf-8")
    rows, refused = read_sheet(path)
    assert refused == []
    inputs = (rows, in_force(db), attainment_pools(db), quarter_of(db))
    first = simulate_cost("a", *inputs, draws=50, seed=7)
    assert simulate_cost("a", *inputs, draws=50, seed=7) == first
    simulate_cost("a", *inputs, draws=50, seed=8)
    assert given[0] == given[1] != given[2]
    # R3's months draw 0.8 or 1.6, nothing else.
    assert (
        {"0.800000", "1.600000"}
        <= set(given[0])
        <= {"0.800000", "1.600000", "1.200000", "0.400000", "1.100000"}
    )


@pytest.mark.slow
def test_an_alternative_comp_plan_is_read_as_the_pipeline_reads_it(home, capsys):
    hand = write_sheet(home, "hand.csv", HAND)
    plan_file = home / "stricter.csv"
    # One plan id not in force: it applies to every rep. Threshold 1.15: R1 (1.2) still earns
    # 1.4 x 1,000.00 a month, R4's quarter (1.1) no longer does.
    plan_file.write_text(
        "plan_id,metric,weight,period_type,threshold,cap\nSTRICT,revenue,1.0,month,1.15,2.0\n",
        encoding="utf-8",
    )
    curve = home / "curve.csv"
    curve.write_text(
        "plan_id,attainment_from,payout_at_from,slope\nSTRICT,1.0,1.0,2.0\n", encoding="utf-8"
    )
    args = ["plan", "--home", str(home), "--scenario", hand, "--draws", "5"]
    assert main([*args, "--comp-plan", str(plan_file), "--payout-curve", str(curve)]) == EXIT_OK
    table = cost_table(home / "plans" / "scenarios" / "cost.csv")
    # R4 is monthly now: 1.1 each month is below 1.15.
    assert table["cost_p50"] == ["4,200.00"]
    capsys.readouterr()
    plan_file.write_text(
        "plan_id,metric,weight,period_type,threshold,cap\nSTRICT,revenue,lots,month,1.15,2.0\n",
        encoding="utf-8",
    )
    assert main([*args, "--comp-plan", str(plan_file), "--payout-curve", str(curve)]) == EXIT_USAGE
    assert "stricter.csv line 2" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--scenario", "missing.csv"], "no such target sheet"),
        (["--scenario", "{teams}"], "no monthly rep targets to simulate"),
        (["--scenario", "{hand}", "--comp-plan", "{nocurve}"], "no payout curve for plan NEW"),
    ],
)
def test_what_cannot_be_simulated_says_why(home, capsys, extra, message):
    files = {
        "teams": HEADER + "team,T1,revenue,month,2027-01-01,target,100.00,,\n",
        "hand": sheet_text(HAND),
        "nocurve": "plan_id,metric,weight,period_type,threshold,cap\n"
        "NEW,revenue,1.0,month,0.5,2.0\n",
    }
    names = {}
    for key, text in files.items():
        (home / f"{key}.csv").write_text(text, encoding="utf-8")
        names[key] = str(home / f"{key}.csv")
    args = [
        a.format(**names) if "{" in a else str(home / a) if a.endswith(".csv") else a for a in extra
    ]
    assert main(["plan", "--home", str(home), *args]) == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_nothing_in_force_is_a_plan_input_error(tmp_path):
    (tmp_path / "warehouse").mkdir()
    db = make_published(tmp_path / "warehouse" / "published.duckdb", dt.date(2026, 12, 10), {}, {})
    with duckdb.connect(str(db)) as con:
        con.execute(
            "create table payouts (user_id varchar, plan_id varchar, period_type varchar, "
            "period_start date, metric varchar, weight decimal(12, 6), "
            "threshold decimal(12, 6), cap decimal(12, 6), on_target_incentive decimal(18, 2))"
        )
        con.execute(
            "create table dim_payout_curves (plan_id varchar, attainment_from decimal(12, 6), "
            "payout_at_from decimal(12, 6), slope decimal(12, 6))"
        )
    with pytest.raises(PlanInputError, match="no comp plan is in force"):
        in_force(db)
