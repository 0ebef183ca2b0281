"""A failed dbt test's rows, read after the build: on DuckDB by running its compiled query again
(dbt stores no failures there), on Spark from the table dbt stored and the step copied."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from orchestration.dbt_metadata import failing_rows, with_build_metadata
from orchestration.dbt_results import failing_rows_queries

TARGETS_WITHOUT_SCOPE = """
select target_id, scope_id, month_start, target_value
from marts.fct_targets
where scope_id not in (select team_id from marts.dim_teams)
-- a trailing comment, as a test's SQL may have
"""

RUN_RESULTS = {
    "results": [
        {"unique_id": "model.scorecards.fct_targets", "status": "success"},
        {"unique_id": "test.scorecards.assert_passes.1", "status": "pass", "compiled_code": "x"},
        {
            "unique_id": "test.scorecards.assert_targets_reference_known_scopes.2",
            "status": "fail",
            "compiled_code": TARGETS_WITHOUT_SCOPE,
        },
        {
            "unique_id": "test.scorecards.warn_coverage.3",
            "status": "warn",
            "compiled_code": "select 1 as n",
        },
        # A test that could not run is no verdict: it has no rows to show.
        {"unique_id": "test.scorecards.errored.4", "status": "error", "compiled_code": "x"},
        {"unique_id": "unit_test.scorecards.m.u", "status": "fail", "compiled_code": "x"},
    ]
}


@pytest.fixture
def build_db(tmp_path):
    path = tmp_path / "build.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.dim_teams as select 'T1' as team_id")
        con.execute(
            "create table marts.fct_targets as select * from (values "
            "('a', 'T1', date '2026-02-01', 10.50::decimal(18, 2)), "
            "('c', 'T405', date '2026-03-01', 7.25::decimal(18, 2)), "
            "('b', 'T404', date '2026-02-01', 1000.00::decimal(18, 2))) "
            "as t(target_id, scope_id, month_start, target_value)"
        )
    return path


def test_failed_and_warned_tests_are_queried_again_on_duckdb(build_db):
    queries = failing_rows_queries(RUN_RESULTS, "duckdb", limit=1)
    assert sorted(queries) == ["assert_targets_reference_known_scopes", "warn_coverage"]
    rows = failing_rows(build_db, queries)
    # The first row by value (not as stored), the limit holds, the trailing comment does not
    # swallow it, dates and decimals are text.
    assert rows["assert_targets_reference_known_scopes"] == [
        {
            "target_id": "b",
            "scope_id": "T404",
            "month_start": "2026-02-01",
            "target_value": "1000.00",
        }
    ]
    assert rows["warn_coverage"] == [{"n": 1}]


def test_spark_reads_the_tables_dbt_stored():
    queries = failing_rows_queries(RUN_RESULTS, "spark", limit=20)
    assert queries["assert_targets_reference_known_scopes"] == (
        'select * from test_failures."assert_targets_reference_known_scopes" order by all limit 20'
    )


def test_a_query_that_cannot_run_leaves_that_test_without_rows(build_db, tmp_path):
    queries = {"gone": "select * from marts.not_built", "kept": "select 2 as n"}
    assert failing_rows(build_db, queries) == {"kept": [{"n": 2}]}
    assert failing_rows(tmp_path / "missing.duckdb", queries) == {}


def test_a_failed_check_carries_its_rows_and_a_passed_one_is_untouched(build_db):
    failed = dg.AssetCheckResult(
        passed=False,
        asset_key=dg.AssetKey(["marts", "fct_targets"]),
        check_name="assert_targets_reference_known_scopes",
        metadata={"dagster_dbt/failed_row_count": 2},
        severity=dg.AssetCheckSeverity.ERROR,
        description="2 failing rows",
    )
    passed = dg.AssetCheckResult(
        passed=True, asset_key=dg.AssetKey(["marts", "dim_teams"]), check_name="other"
    )
    rows = {"assert_targets_reference_known_scopes": [{"scope_id": "T404"}]}
    [out_failed, out_passed] = with_build_metadata(
        None, build_db, [failed, passed], dg.AssetKey(["scorecard"]), rows
    )
    assert out_failed.metadata["offending_rows"] == dg.MetadataValue.json([{"scope_id": "T404"}])
    assert out_failed.metadata["dagster_dbt/failed_row_count"] == dg.MetadataValue.int(2)
    assert (out_failed.passed, out_failed.severity, out_failed.description) == (
        False,
        dg.AssetCheckSeverity.ERROR,
        "2 failing rows",
    )
    assert out_passed is passed


def test_json_values_keep_numbers_and_write_dates_as_text(build_db):
    rows = failing_rows(
        build_db,
        {"t": "select 1 as i, 1.5::double as f, true as b, null as z, date '2026-01-31' as d"},
    )
    assert rows["t"] == [{"i": 1, "f": 1.5, "b": True, "z": None, "d": "2026-01-31"}]
