import decimal

import pandas as pd

from quality.gx_suites import scorecard_attainment_expectations, validate_frame


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
        "attainment_null_reason": "no target",
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
        "attainment_null_reason": "no actual: nothing to divide by",
    }
    ok = validate_frame(
        "scorecard_attainment", scorecard_rows(r0=ratio), scorecard_attainment_expectations()
    )
    assert ok.passed, ok.failures
    money = scorecard_rows(r0={"actual": None})
    bad = validate_frame("scorecard_attainment", money, scorecard_attainment_expectations())
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
