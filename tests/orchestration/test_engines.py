"""The engine switch's pure parts (orchestration/engines.py, settings.engine), without Spark."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from core.settings import ENGINE_ENV, Home, engine
from orchestration import engines
from orchestration.engines import (
    built_relations,
    engine_environment,
    export_paid_history,
    mirror_spark_tables,
    missing_for,
    spark_table_location,
)


def test_engine_is_explicit_else_the_environment_else_duckdb(monkeypatch):
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    assert engine() == "duckdb"
    assert engine("Spark ") == "spark"
    monkeypatch.setenv(ENGINE_ENV, "spark")
    assert engine() == "spark"
    assert engine("duckdb") == "duckdb"


@pytest.mark.parametrize("value", ["postgres", "spark-thrift", "duck db"])
def test_an_unknown_engine_is_refused_with_the_choices(value):
    with pytest.raises(ValueError, match="engine must be one of duckdb, spark"):
        engine(value)


def test_spark_reads_and_writes_inside_the_home(tmp_path):
    home = Home(tmp_path)
    assert engine_environment(home, "duckdb") == {}
    environment = engine_environment(home, "spark")
    assert (Path(environment.pop("SPARK_CONF_DIR")) / "log4j2.properties").is_file()
    assert environment == {
        "SCORECARDS_SPARK_DIR": str(tmp_path / "warehouse" / "spark"),
        "SCORECARDS_RAW_PARQUET": str(tmp_path / "warehouse" / "raw"),
        "SCORECARDS_HISTORY_PARQUET": str(tmp_path / "warehouse" / "history"),
    }


def test_built_relations_are_what_the_step_created():
    run_results = {
        "results": [
            {"status": "success", "relation_name": "marts.fct_kpi_monthly"},
            {"status": "success", "relation_name": '"build"."marts"."dim_users"'},
            {"status": "pass", "relation_name": "`test_failures`.`unique_x`"},
            {"status": "fail", "relation_name": "test_failures.assert_y"},
            {"status": "error", "relation_name": "marts.payouts"},  # not built
            {"status": "skipped", "relation_name": "marts.payout_lines"},  # not built
            {"status": "success", "relation_name": None},  # a unit test
            {"status": "success"},
        ]
    }
    assert built_relations(run_results) == [
        ("marts", "dim_users"),
        ("marts", "fct_kpi_monthly"),
        ("test_failures", "assert_y"),
        ("test_failures", "unique_x"),
    ]
    assert built_relations({}) == []


def _spark_table(spark_dir: Path, schema: str, table: str, query: str, parts: int = 2) -> None:
    """Files laid out as Spark writes a managed table: part files, a _SUCCESS marker."""
    location = spark_table_location(spark_dir, schema, table)
    location.mkdir(parents=True)
    (location / "_SUCCESS").write_text("")
    with duckdb.connect() as con:
        for part in range(parts):
            target = str(location / f"part-{part:05d}.snappy.parquet")
            con.execute(
                f"copy (select * from ({query}) where n % {parts} = {part}) to '{target}' "
                "(format parquet)"
            )


def test_spark_tables_are_copied_into_the_build_database_exactly(tmp_path):
    spark_dir = tmp_path / "spark"
    query = (
        "select n, cast(n + 1 as decimal(18, 2)) * 0.01 as amount, "
        "timestamptz '2026-01-05 10:30:00+00' as created_at from range(10) t(n)"
    )
    _spark_table(spark_dir, "marts", "fct_x", query)
    _spark_table(spark_dir, "test_failures", "unique_x", query + " limit 0", parts=1)
    build_db = tmp_path / "build.duckdb"
    relations = [("marts", "fct_x"), ("test_failures", "unique_x"), ("staging", "stg_view")]

    copied = mirror_spark_tables(build_db, spark_dir, relations)

    # A view has no files: skipped, not an error. An empty table arrives empty.
    assert copied == {"marts.fct_x": 10, "test_failures.unique_x": 0}
    with duckdb.connect(str(build_db)) as con:
        total, kind = con.execute(
            "select sum(amount), typeof(sum(amount)) from marts.fct_x"
        ).fetchall()[0]
        assert total == Decimal("0.55")
        assert kind.startswith("DECIMAL")
        # Spark's timestamps are instants in UTC: back to DuckDB's wall-clock TIMESTAMP.
        created = con.execute(
            "select distinct created_at, typeof(created_at) from marts.fct_x"
        ).fetchall()
        assert created == [(dt.datetime(2026, 1, 5, 10, 30), "TIMESTAMP")]
    # A later build replaces the table, it does not append to it.
    copied = mirror_spark_tables(build_db, spark_dir, relations[:1])
    assert copied == {"marts.fct_x": 10}


def test_the_paid_history_goes_to_parquet_and_goes_away_with_it(tmp_path):
    build_db = tmp_path / "build.duckdb"
    root = tmp_path / "history"
    with duckdb.connect(str(build_db)) as con:
        con.execute("create schema history")
        con.execute("create table history.paid_payouts as select 'P1' as payout_id")
        con.execute("create table history.paid_payout_lines as select 'L1' as line_id limit 0")
    assert export_paid_history(build_db, root) == ["paid_payouts", "paid_payout_lines"]
    with duckdb.connect() as con:
        rows = con.execute(
            "select * from read_parquet(?)", [str(root / "paid_payouts" / "data.parquet")]
        ).fetchall()
    assert rows == [("P1",)]
    assert (root / "paid_payout_lines" / "data.parquet").exists()

    # Nothing paid any more (the snapshot dropped the tables): no stale files are left.
    with duckdb.connect(str(build_db)) as con:
        con.execute("drop table history.paid_payouts")
        con.execute("drop table history.paid_payout_lines")
    assert export_paid_history(build_db, root) == []
    assert not (root / "paid_payouts").exists()


def test_what_spark_needs_is_named_before_any_work(monkeypatch):
    assert missing_for("duckdb") is None
    assert missing_for("spark") is None  # this machine has the extra and Java 17
    monkeypatch.setattr(engines.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert "Java 17" in missing_for("spark")
    real_find_spec = engines.importlib.util.find_spec
    monkeypatch.setattr(
        engines.importlib.util,
        "find_spec",
        lambda name: None if name == "pyspark" else real_find_spec(name),
    )
    assert "spark extra" in missing_for("spark")
