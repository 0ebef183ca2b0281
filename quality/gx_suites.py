"""Great Expectations suites, written in Python, run on pandas frames read from DuckDB.

GX's SQL data source failed on DuckDB (``MetricResolutionError``), so the published-size tables are
read into pandas and validated with an ephemeral context. Row-level checks on big facts stay in
SQL (dbt tests); GX validates the scorecard-sized tables people are paid on.
"""

from __future__ import annotations

import os

# No network calls at run time: GX's usage analytics are off before GX is imported.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import decimal  # noqa: E402
import importlib  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import threading  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from core.sql import quote_ident  # noqa: E402
from quality.outcome import MAX_OFFENDING_ROWS, CheckOutcome  # noqa: E402

logging.getLogger("great_expectations").setLevel(logging.ERROR)


def import_great_expectations_meanwhile() -> threading.Thread:
    """Import Great Expectations on a thread, for a caller that waits on another process (dbt)
    and joins the thread before importing or recording anything itself.

    The import takes seconds (docs/BENCHMARKS.md). Overlapping it with a Python thread that is
    importing too is not safe: two threads importing packages with circular imports (both use
    SQLAlchemy) can each see the other's module half-initialised, and a run failed that way."""
    thread = threading.Thread(
        target=importlib.import_module, args=("great_expectations",), daemon=True
    )
    thread.start()
    return thread


SEGMENT_SCOPE_TYPES = ["product_line", "account"]  # macros/metric_registry.sql
SCOPE_TYPES = ["rep", "team", "region", "company", *SEGMENT_SCOPE_TYPES]
PERIOD_GRAINS = ["month", "qtd", "ytd", "week"]
TIERS = ["none", "floor", "target", "stretch"]


def scorecard_attainment_expectations() -> list[object]:
    """What must hold of every published scorecard row."""
    import great_expectations as gx

    exp = gx.expectations
    key = ["period_grain", "period_start", "period_month", "scope_type", "scope_id", "metric"]
    return [
        exp.ExpectTableRowCountToBeBetween(min_value=1),
        exp.ExpectCompoundColumnsToBeUnique(column_list=key),
        *[exp.ExpectColumnValuesToNotBeNull(column=column) for column in key],
        # Additive metrics always have an actual; a ratio only when it has a denominator. A
        # segment's metric that no segment can be measured on has neither (null denominator).
        exp.ExpectColumnValuesToNotBeNull(
            column="actual",
            row_condition=(
                f'(aggregation == "sum" and (scope_type not in {SEGMENT_SCOPE_TYPES}'
                " or denominator.notnull())) or denominator > 0"
            ),
            condition_parser="pandas",
        ),
        exp.ExpectColumnValuesToBeInSet(column="aggregation", value_set=["sum", "ratio"]),
        exp.ExpectColumnValuesToBeInSet(column="period_grain", value_set=PERIOD_GRAINS),
        exp.ExpectColumnValuesToBeInSet(column="scope_type", value_set=SCOPE_TYPES),
        exp.ExpectColumnValuesToBeInSet(column="tier_reached", value_set=TIERS),
        exp.ExpectColumnValuesToBeBetween(column="target", min_value=0),
        exp.ExpectColumnValuesToBeBetween(column="target_floor", min_value=0),
        exp.ExpectColumnValuesToBeBetween(column="target_stretch", min_value=0),
        exp.ExpectColumnValuesToBeBetween(column="share_elapsed", min_value=0, max_value=1),
        exp.ExpectColumnValuesToBeBetween(column="rank_in_parent", min_value=1),
        # Attainment is null exactly when a reason says why.
        exp.ExpectColumnValuesToNotBeNull(
            column="attainment_null_reason",
            row_condition="attainment.isnull()",
            condition_parser="pandas",
        ),
        exp.ExpectColumnValuesToBeNull(
            column="attainment_null_reason",
            row_condition="attainment.notnull()",
            condition_parser="pandas",
        ),
    ]


def scorecard_performance_expectations() -> list[object]:
    """Per rep and month: one row, a grade from the score, weights that add up to 1."""
    import great_expectations as gx

    exp = gx.expectations
    key = ["user_id", "month_start"]
    # No row count: before any plan the table is rightly empty; the dbt test
    # assert_reps_on_a_plan_are_scored is what requires a row for every rep-month on a plan.
    return [
        exp.ExpectCompoundColumnsToBeUnique(column_list=key),
        *[exp.ExpectColumnValuesToNotBeNull(column=column) for column in key],
        exp.ExpectColumnValuesToBeInSet(column="grade", value_set=["A", "B", "C", "D"]),
        exp.ExpectColumnValuesToBeBetween(column="score", min_value=0, max_value=150),
        exp.ExpectColumnValuesToBeBetween(column="weight_total", min_value=1, max_value=1),
        exp.ExpectColumnValuesToBeBetween(column="rank_in_team", min_value=1),
        exp.ExpectColumnValuesToBeBetween(column="rank_in_company", min_value=1),
        exp.ExpectColumnValuesToBeInSet(
            column="grade", value_set=["A"], row_condition="score >= 100", condition_parser="pandas"
        ),
        exp.ExpectColumnValuesToBeInSet(
            column="grade", value_set=["D"], row_condition="score < 70", condition_parser="pandas"
        ),
    ]


def payouts_expectations() -> list[object]:
    """What must hold of every payout people are paid on."""
    import great_expectations as gx

    exp = gx.expectations
    return [
        exp.ExpectColumnValuesToBeUnique(column="payout_id"),
        *[
            exp.ExpectColumnValuesToNotBeNull(column=column)
            for column in ("payout_id", "user_id", "plan_id", "period_start", "metric")
        ],
        exp.ExpectColumnValuesToNotBeNull(column="payout_amount"),
        exp.ExpectColumnValuesToBeInSet(
            column="period_status", value_set=["open", "ended", "paid"]
        ),
        exp.ExpectColumnValuesToBeInSet(column="period_type", value_set=["month", "quarter"]),
        exp.ExpectColumnValuesToBeInSet(
            column="payout_basis",
            value_set=[
                "no_target",
                "below_threshold",
                "below_curve",
                "on_curve",
                "capped",
                "clawback_only",
            ],
        ),
        exp.ExpectColumnValuesToBeBetween(column="payout_fraction", min_value=0),
        exp.ExpectColumnValuesToBeBetween(column="earned_amount", min_value=0),
        exp.ExpectColumnValuesToBeBetween(column="prorated_incentive", min_value=0),
        exp.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="period_days",
            column_B="covered_days",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        # Nothing is earned below the threshold.
        exp.ExpectColumnValuesToBeBetween(
            column="earned_amount",
            min_value=0,
            max_value=0,
            row_condition='payout_basis != "on_curve" and payout_basis != "capped"',
            condition_parser="pandas",
        ),
    ]


def reconciliation_monthly_expectations() -> list[object]:
    """Credited plus unassigned equals the source systems, to the cent, every month."""
    import great_expectations as gx

    exp = gx.expectations
    return [
        exp.ExpectTableRowCountToBeBetween(min_value=1),
        exp.ExpectCompoundColumnsToBeUnique(column_list=["metric", "month_start"]),
        exp.ExpectColumnValuesToBeInSet(
            column="metric", value_set=["revenue", "bookings", "collections"]
        ),
        exp.ExpectColumnValuesToBeBetween(column="difference", min_value=0, max_value=0),
        exp.ExpectColumnValuesToBeBetween(column="company_difference", min_value=0, max_value=0),
    ]


def reconciliation_payouts_expectations() -> list[object]:
    """Every payout has statement lines and they sum to it, to the cent."""
    import great_expectations as gx

    exp = gx.expectations
    return [
        exp.ExpectColumnValuesToBeUnique(column="payout_id"),
        exp.ExpectColumnValuesToBeBetween(column="difference", min_value=0, max_value=0),
        exp.ExpectColumnValuesToBeBetween(column="line_count", min_value=1),
    ]


SUITES = {
    "scorecard_attainment": scorecard_attainment_expectations,
    "scorecard_performance": scorecard_performance_expectations,
    "payouts": payouts_expectations,
    "reconciliation_monthly": reconciliation_monthly_expectations,
    "reconciliation_payouts": reconciliation_payouts_expectations,
}


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    """GX compares numbers, not Decimal objects: convert DECIMAL columns for validation only.

    Frames read by ``validate_table`` carry none (DuckDB's pandas conversion makes DECIMAL a
    float64), so they are validated as they are, not copied."""
    converted = {
        column: pd.to_numeric(frame[column].map(lambda v: None if v is None else float(v)))
        for column in frame.columns
        if frame[column].dtype == object
        and frame[column].map(lambda v: isinstance(v, decimal.Decimal)).any()
    }
    return frame.assign(**converted) if converted else frame


def validate_frame(name: str, frame: pd.DataFrame, expectations: list[object]) -> CheckOutcome:
    return _outcome(name, len(expectations), [(len(frame), _failures(name, frame, expectations))])


def _failures(name: str, frame: pd.DataFrame, expectations: list[object]) -> list[_Failure]:
    """The expectations ``frame`` fails, each with its unexpected count and examples."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    # No progress bars: they flood the run's terminal and log with one line per metric.
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = context.data_sources.add_pandas(f"{name}_source")
    asset = source.add_dataframe_asset(name)
    batch = asset.add_batch_definition_whole_dataframe(f"{name}_batch").get_batch(
        batch_parameters={"dataframe": _numeric(frame)}
    )
    suite = context.suites.add(gx.ExpectationSuite(name=f"{name}_suite"))
    for expectation in expectations:
        suite.add_expectation(expectation)
    result = batch.validate(suite, result_format="SUMMARY")
    failures: list[_Failure] = []
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        column = config.kwargs.get("column") or config.kwargs.get("column_list")
        details = item.result or {}
        failures.append(
            _Failure(
                config.type,
                str(column),
                details.get("unexpected_count"),
                [str(value) for value in details.get("partial_unexpected_list") or []],
            )
        )
    return failures


@dataclass
class _Failure:
    expectation: str
    column: str
    unexpected_count: int | None  # None: a table-level expectation (no rows to count)
    examples: list[str]


def _outcome(name: str, expectations: int, parts: list[tuple[int, list[_Failure]]]) -> CheckOutcome:
    """One outcome from the validation of one frame or of several parts of a table (rows and
    failures per part): unexpected counts add up, examples are kept up to MAX_OFFENDING_ROWS
    per expectation."""
    merged: dict[tuple[str, str], _Failure] = {}
    for _, failures in parts:
        for failure in failures:
            seen = merged.setdefault(
                (failure.expectation, failure.column),
                _Failure(failure.expectation, failure.column, None, []),
            )
            if failure.unexpected_count is not None:
                seen.unexpected_count = (seen.unexpected_count or 0) + failure.unexpected_count
            seen.examples.extend(failure.examples)
    outcome = CheckOutcome(
        name=f"gx_{name}",
        passed=not merged,
        description=f"Great Expectations suite on {name} ({expectations} expectations)",
        counts={"rows": sum(rows for rows, _ in parts), "expectations": expectations},
    )
    for failure in merged.values():
        count = "?" if failure.unexpected_count is None else failure.unexpected_count
        outcome.failures.append(f"{failure.expectation} on {failure.column}: {count} unexpected")
        for value in failure.examples[:MAX_OFFENDING_ROWS]:
            outcome.offending_rows.append(
                {"expectation": failure.expectation, "column": failure.column, "value": value}
            )
    return outcome


# Tables validated a few months at a time, by the column that splits them: at the large scale the
# 3.4M-row scorecard read as one pandas frame took 4.5 GiB (DuckDB makes a Python string of every
# text value before pandas keeps them as Arrow strings), and the run process kept that heap
# through publication (docs/BENCHMARKS.md). Only the columns the suite names are read (17 of the
# scorecard's 46): GX copies every column of the frame for each expectation with a row
# condition, so the others cost time and memory and are checked by nothing. Consecutive months
# are validated together up to ROWS_PER_PART rows (a larger month alone), since each validation
# has a fixed cost (a GX context; measured in docs/BENCHMARKS.md): the large scorecard's months
# (about 95,000 rows each) two at a time, the medium scale's 26 months in 6 parts. The suite's
# uniqueness key contains the column, so unique within every part is unique in the table; every
# other expectation is about single rows, except the row count, which an empty table (no month)
# still fails.
VALIDATED_BY_MONTH = {"scorecard_attainment": "period_month"}
ROWS_PER_PART = 250_000


def suite_columns(expectations: list[Any], columns: list[str]) -> list[str]:
    """The table's columns (in its order) that the expectations name: as a column, in a column
    list or pair, or in a row condition. A column a condition merely mentions is read too, which
    costs a little; one left out would fail its expectation, never pass it."""
    named: set[str] = set()
    for expectation in expectations:
        named.update(re.findall(r"\w+", str(expectation.configuration.kwargs)))
    # A suite of table-level expectations only (a row count) still needs a column to count.
    return [column for column in columns if column in named] or columns[:1]


def validate_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> CheckOutcome:
    relation = f"{quote_ident(schema)}.{quote_ident(table)}"
    expectations = SUITES[table]()
    table_columns = [
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
    ]
    selected = ", ".join(quote_ident(c) for c in suite_columns(expectations, table_columns))
    column = VALIDATED_BY_MONTH.get(table)
    if column is None:
        frame = con.execute(f"select {selected} from {relation}").df()
        return validate_frame(table, frame, expectations)
    split = quote_ident(column)
    months = con.execute(
        f"select {split}, count(*) from {relation} group by all order by {split} nulls first"
    ).fetchall()
    parts: list[tuple[int, list[_Failure]]] = []
    for batch in _month_batches(months) or [[None]]:
        # Rows without a month are validated too (and fail not-null); the batch's months are
        # consecutive, so `between` its first and last takes exactly them.
        dated = [month for month in batch if month is not None]
        conditions = [f"{split} is null"] if None in batch else []
        conditions += [f"{split} between ? and ?"] if dated else []
        frame = con.execute(
            f"select {selected} from {relation} where {' or '.join(conditions)}",
            [dated[0], dated[-1]] if dated else [],
        ).df()
        # A fresh suite each time: GX binds an expectation to the suite it was added to.
        parts.append((len(frame), _failures(table, frame, SUITES[table]())))
    return _outcome(table, len(expectations), parts)


def _month_batches(months: list[tuple[object, int]]) -> list[list[object]]:
    """Consecutive months (sorted, with their row counts) in batches of at most ROWS_PER_PART
    rows; a month with more rows is a batch of its own."""
    batches: list[list[object]] = []
    rows = 0
    for month, count in months:
        if not batches or rows + count > ROWS_PER_PART:
            batches.append([])
            rows = 0
        batches[-1].append(month)
        rows += count
    return batches
