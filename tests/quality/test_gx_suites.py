import datetime as dt
import decimal

import duckdb
import pandas as pd
import pytest

from quality import gx_suites
from quality.gx_suites import scorecard_attainment_expectations, validate_frame, validate_table


def scorecard_rows(**overrides):
    row = {
        "period_grain": "month",
        "period_start": pd.Timestamp("2026-02-01"),
        "period_month": pd.Timestamp("2026-02-01"),
        "scope_type": "rep",
        "scope_id": "R1",
        "metric": "revenue",
        "target_floor": decimal.Decimal("70000.00"),
        "target": decimal.Decimal("90000.00"),
        "target_stretch": decimal.Decimal("110000.00"),
        "actual": decimal.Decimal("45000.00"),
        "aggregation": "sum",
        "numerator": decimal.Decimal("45000.00"),
        "denominator": None,
        "attainment": decimal.Decimal("0.500000"),
        "attainment_null_reason": None,
        "tier_reached": "none",
        "share_elapsed": decimal.Decimal("1.000000"),
        "rank_in_parent": 1,
    }
    other = {
        **row,
        "scope_id": "R2",
        "target": None,
        "target_floor": None,
        "target_stretch": None,
        "attainment": None,
        "attainment_null_reason": "no_target",
    }
    rows = [row, other]
    for index, values in overrides.items():
        rows[int(index[1:])].update(values)
    return pd.DataFrame(rows)


def test_a_sound_scorecard_passes():
    outcome = validate_frame(
        "scorecard_attainment", scorecard_rows(), scorecard_attainment_expectations()
    )
    assert outcome.passed, outcome.failures
    assert outcome.counts["rows"] == 2


def test_bad_values_fail_and_are_named():
    frame = scorecard_rows(
        r0={"period_grain": "fortnight", "target": decimal.Decimal("-1.00")},
        r1={"attainment_null_reason": None},
    )
    outcome = validate_frame("scorecard_attainment", frame, scorecard_attainment_expectations())
    assert not outcome.passed
    failed = " ".join(outcome.failures)
    assert "expect_column_values_to_be_in_set on period_grain" in failed
    assert "expect_column_values_to_be_between on target" in failed
    assert "expect_column_values_to_not_be_null on attainment_null_reason" in failed
    assert {
        "expectation": "expect_column_values_to_be_in_set",
        "column": "period_grain",
        "value": "fortnight",
    } in outcome.offending_rows


def test_a_ratio_without_denominator_may_lack_an_actual_but_money_may_not():
    ratio = {
        "metric": "win_rate",
        "aggregation": "ratio",
        "actual": None,
        "numerator": decimal.Decimal("0"),
        "denominator": decimal.Decimal("0"),
        "attainment": None,
        "attainment_null_reason": "no_actual",
    }
    ok = validate_frame(
        "scorecard_attainment", scorecard_rows(r0=ratio), scorecard_attainment_expectations()
    )
    assert ok.passed, ok.failures
    money = scorecard_rows(r0={"actual": None})
    bad = validate_frame("scorecard_attainment", money, scorecard_attainment_expectations())
    assert any("expect_column_values_to_not_be_null on actual" in f for f in bad.failures)
    # A segment's metric no segment is measured on (calls at an account) has neither numerator
    # nor denominator: no actual. A segment's money with a (zero) denominator must have one.
    unmeasured = {"scope_type": "account", "metric": "calls", "actual": None, "numerator": None}
    unmeasured |= {"attainment": None, "attainment_null_reason": "no_actual"}
    ok = validate_frame(
        "scorecard_attainment", scorecard_rows(r0=unmeasured), scorecard_attainment_expectations()
    )
    assert ok.passed, ok.failures
    measured = {"scope_type": "account", "actual": None, "denominator": decimal.Decimal("0")}
    bad = validate_frame(
        "scorecard_attainment", scorecard_rows(r0=measured), scorecard_attainment_expectations()
    )
    assert any("expect_column_values_to_not_be_null on actual" in f for f in bad.failures)


def test_duplicate_keys_fail():
    frame = scorecard_rows(
        r1={
            "scope_id": "R1",
            "target": decimal.Decimal("1.00"),
            "attainment": decimal.Decimal("1.0"),
            "attainment_null_reason": None,
        }
    )
    outcome = validate_frame("scorecard_attainment", frame, scorecard_attainment_expectations())
    assert not outcome.passed
    assert any("expect_compound_columns_to_be_unique" in f for f in outcome.failures)


D = decimal.Decimal


def performance_rows() -> pd.DataFrame:
    base = {
        "user_id": "R1",
        "month_start": pd.Timestamp("2026-02-01"),
        "score": D("51.00"),
        "grade": "D",
        "weight_total": D("1.000000"),
        "rank_in_team": 1,
        "rank_in_company": 2,
    }
    return pd.DataFrame([base, {**base, "user_id": "R2", "score": D("104.20"), "grade": "A"}])


def payout_rows() -> pd.DataFrame:
    base = {
        "payout_id": "R1|AE|2026-02-01|bookings",
        "user_id": "R1",
        "plan_id": "AE",
        "period_start": pd.Timestamp("2026-02-01"),
        "metric": "bookings",
        "period_type": "month",
        "period_status": "ended",
        "payout_basis": "on_curve",
        "payout_fraction": D("0.580000"),
        "earned_amount": D("3480.00"),
        "prorated_incentive": D("10000.00"),
        "payout_amount": D("3480.00"),
        "period_days": 28,
        "covered_days": 28,
    }
    below = {
        **base,
        "payout_id": "R1|AE|2026-02-01|revenue",
        "metric": "revenue",
        "payout_basis": "below_threshold",
        "payout_fraction": D("0"),
        "earned_amount": D("0.00"),
        "payout_amount": D("0.00"),
    }
    return pd.DataFrame([base, below])


def test_performance_suite_catches_a_grade_that_disagrees_with_the_score():
    from quality.gx_suites import scorecard_performance_expectations

    assert validate_frame("p", performance_rows(), scorecard_performance_expectations()).passed
    # Before any plan nobody is scored: an empty table passes (the dbt test
    # assert_reps_on_a_plan_are_scored requires the rows there should be).
    empty = performance_rows().iloc[0:0]
    assert validate_frame("p", empty, scorecard_performance_expectations()).passed
    bad = performance_rows()
    bad.loc[1, "grade"] = "B"
    bad.loc[0, "weight_total"] = D("0.900000")
    outcome = validate_frame("p", bad, scorecard_performance_expectations())
    assert not outcome.passed
    failed = " ".join(outcome.failures)
    assert "on grade" in failed and "on weight_total" in failed


def test_payouts_suite_catches_money_off_the_curve_and_overlong_coverage():
    from quality.gx_suites import payouts_expectations

    assert validate_frame("pay", payout_rows(), payouts_expectations()).passed
    bad = payout_rows()
    bad.loc[1, "earned_amount"] = D("10.00")  # below the threshold, yet earned
    bad.loc[0, "covered_days"] = 29
    bad.loc[0, "period_status"] = "draft"
    outcome = validate_frame("pay", bad, payouts_expectations())
    failed = " ".join(outcome.failures)
    assert "on earned_amount" in failed
    assert "expect_column_pair_values_a_to_be_greater_than_b" in failed
    assert "on period_status" in failed


def test_reconciliation_suites_demand_zero_differences():
    from quality.gx_suites import (
        reconciliation_monthly_expectations,
        reconciliation_payouts_expectations,
    )

    monthly = pd.DataFrame(
        [
            {
                "metric": "revenue",
                "month_start": pd.Timestamp("2026-02-01"),
                "difference": D("0.00"),
                "company_difference": D("0.00"),
            }
        ]
    )
    assert validate_frame("m", monthly, reconciliation_monthly_expectations()).passed
    monthly.loc[0, "difference"] = D("0.01")
    assert not validate_frame("m", monthly, reconciliation_monthly_expectations()).passed
    payouts = pd.DataFrame([{"payout_id": "X", "difference": D("0.00"), "line_count": 0}])
    outcome = validate_frame("rp", payouts, reconciliation_payouts_expectations())
    assert not outcome.passed and "on line_count" in " ".join(outcome.failures)


def scorecard_table(frame: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """``frame`` as marts.scorecard_attainment in an in-memory DuckDB, money as DECIMAL."""
    con = duckdb.connect()
    con.register("frame", frame)
    money = ["target_floor", "target", "target_stretch", "actual", "numerator", "denominator"]
    casts = ", ".join(f"cast({column} as decimal(18, 2)) as {column}" for column in money)
    con.execute("create schema marts")
    con.execute(f"create table marts.scorecard_attainment as select * replace ({casts}) from frame")
    return con


@pytest.mark.parametrize("rows_per_part", [1, 4, 10**6])
def test_the_scorecard_table_is_validated_by_months_with_the_whole_table_s_verdict(
    monkeypatch, rows_per_part
):
    """validate_table reads the big scorecard a few months at a time (its memory): counts and
    failures are the table's, as if it were validated at once, however the months are cut."""
    monkeypatch.setattr(gx_suites, "ROWS_PER_PART", rows_per_part)
    january = {
        "period_start": pd.Timestamp("2026-01-01"),
        "period_month": pd.Timestamp("2026-01-01"),
    }
    sound = pd.concat([scorecard_rows(r0=january, r1=january), scorecard_rows()])
    outcome = validate_table(scorecard_table(sound), "marts", "scorecard_attainment")
    assert outcome.passed, outcome.failures
    assert outcome.counts == {"rows": 4, "expectations": 20}

    # One bad grain in each month: the counts add up; a duplicate key within a month fails.
    bad = pd.concat(
        [
            scorecard_rows(r0={**january, "period_grain": "fortnight"}, r1=january),
            scorecard_rows(r0={"period_grain": "quarter"}),
            scorecard_rows().iloc[[1]],  # February's R2 row again
        ]
    )
    outcome = validate_table(scorecard_table(bad), "marts", "scorecard_attainment")
    assert not outcome.passed
    assert "expect_column_values_to_be_in_set on period_grain: 2 unexpected" in outcome.failures
    assert any(f.startswith("expect_compound_columns_to_be_unique") for f in outcome.failures)
    values = {row["value"] for row in outcome.offending_rows if row["column"] == "period_grain"}
    assert values == {"fortnight", "quarter"}


@pytest.mark.parametrize("rows_per_part", [1, 10**6])
def test_scorecard_rows_without_a_month_and_an_empty_scorecard_fail(monkeypatch, rows_per_part):
    monkeypatch.setattr(gx_suites, "ROWS_PER_PART", rows_per_part)
    no_month = scorecard_rows(r1={"period_month": None})
    outcome = validate_table(scorecard_table(no_month), "marts", "scorecard_attainment")
    assert "expect_column_values_to_not_be_null on period_month: 1 unexpected" in outcome.failures
    assert outcome.counts["rows"] == 2

    empty = scorecard_table(scorecard_rows().iloc[0:0])
    outcome = validate_table(empty, "marts", "scorecard_attainment")
    assert not outcome.passed
    assert outcome.counts["rows"] == 0
    assert any(f.startswith("expect_table_row_count_to_be_between") for f in outcome.failures)


def test_months_are_batched_in_order_up_to_the_row_budget(monkeypatch):
    jan, feb, mar = (dt.date(2026, month, 1) for month in (1, 2, 3))
    months = [(None, 1), (jan, 2), (feb, 3), (mar, 1)]
    monkeypatch.setattr(gx_suites, "ROWS_PER_PART", 3)
    assert gx_suites._month_batches(months) == [[None, jan], [feb], [mar]]
    monkeypatch.setattr(gx_suites, "ROWS_PER_PART", 2)  # feb alone, though larger
    assert gx_suites._month_batches(months) == [[None], [jan], [feb], [mar]]
    monkeypatch.setattr(gx_suites, "ROWS_PER_PART", 10)
    assert gx_suites._month_batches(months) == [[None, jan, feb, mar]]
    assert gx_suites._month_batches([]) == []


def test_only_the_columns_a_suite_names_are_read_in_the_table_s_order():
    from quality.gx_suites import payouts_expectations, suite_columns

    columns = ["note", *scorecard_rows().columns, "label_zh"]
    read = suite_columns(scorecard_attainment_expectations(), columns)
    # Named as columns, in the compound key, or only in a row condition (denominator).
    assert {"period_grain", "scope_id", "tier_reached", "denominator", "attainment"} <= set(read)
    assert "numerator" not in read and "note" not in read and "label_zh" not in read
    assert read == [column for column in columns if column in set(read)]
    # A column pair's columns are read too.
    pair = suite_columns(payouts_expectations(), [*payout_rows().columns, "paid_on"])
    assert {"earned_amount", "covered_days", "period_days"} <= set(pair)
    assert "paid_on" not in pair


@pytest.mark.parametrize("rows_per_part", [1, 10**6])
def test_a_column_the_suite_needs_missing_from_the_table_fails_it(monkeypatch, rows_per_part):
    monkeypatch.setattr(gx_suites, "ROWS_PER_PART", rows_per_part)
    # Extra columns are not read (a bad value there is no expectation's business)...
    extra = scorecard_rows().assign(note=["anything", None])
    assert validate_table(scorecard_table(extra), "marts", "scorecard_attainment").passed
    # ...but one the suite checks, gone from the table, fails the suite rather than passing it.
    missing = scorecard_rows().drop(columns=["tier_reached"])
    outcome = validate_table(scorecard_table(missing), "marts", "scorecard_attainment")
    assert not outcome.passed
    assert any("tier_reached" in failure for failure in outcome.failures)
