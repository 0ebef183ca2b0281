"""The same models on Spark (issue 9): `scorecards run --engine spark` on the fixture exports
publishes tables equal to DuckDB's, column types and decimals exact.

A real pyspark session through dbt-spark's session method (Java 17), in a real run: ingest, the
the dbt build on Spark with their tests, the tables copied back, the checks and publication.
It is the slowest module of the suite (a JVM per dbt step and ~250 small Spark jobs)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.assets.dbt import PUBLISHED_CATALOGUE
from tests.conftest import FIXTURE_AS_OF, FIXTURE_LANDING, scorecards_command

# The slow lane (`make test`, not `make test-fast`): the Spark engine against DuckDB, real runs.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("spark") / "home"
    shutil.copytree(FIXTURE_LANDING, home / "landing")
    result = subprocess.run(
        [
            *scorecards_command(),
            "run",
            "--engine",
            "spark",
            "--as-of",
            FIXTURE_AS_OF,
            "--home",
            str(home),
        ],
        capture_output=True,
        text=True,
        timeout=3000,
        check=False,
    )
    (home.parent / "run.stdout").write_text(result.stdout, encoding="utf-8")
    assert result.returncode == 0, result.stderr[-4000:]
    return home


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = 'main' and table_name = ? "
        "order by ordinal_position",
        [catalog, table],
    ).fetchall()


def test_spark_publishes_the_tables_duckdb_publishes(spark_home, fixture_build):
    # It was Spark: dbt's manifest of the run names the adapter, and Spark wrote the tables.
    manifest = json.loads(
        (spark_home / "warehouse" / "dbt_target_spark" / "manifest.json").read_text()
    )
    assert manifest["metadata"]["adapter_type"] == "spark"
    assert any((spark_home / "warehouse" / "spark" / "tables" / "marts.db").glob("*/part-*"))

    with duckdb.connect() as con:
        con.execute(
            "attach ? as spark (read_only)", [str(spark_home / "warehouse" / "published.duckdb")]
        )
        con.execute(
            "attach ? as duck (read_only)",
            [str(fixture_build / "home" / "warehouse" / "published.duckdb")],
        )
        for table in PUBLISHED_CATALOGUE.names:
            duck_columns = _columns(con, "duck", table)
            assert duck_columns, table
            assert _columns(con, "spark", table) == duck_columns, table
            rows = con.execute(f'select count(*) from duck.main."{table}"').fetchall()[0][0]
            for left, right in (("spark", "duck"), ("duck", "spark")):
                only = con.execute(
                    f'select count(*) from (select * from {left}.main."{table}" '
                    f'except all select * from {right}.main."{table}")'
                ).fetchall()[0][0]
                assert only == 0, f"{table}: {only} of {rows} rows only on {left}"
        # The publication's content hash of each table (rows as text, decimals with their
        # scale) is the same: what finance reconciles is byte for byte what DuckDB published.
        hashes = {
            name: json.loads(
                con.execute(
                    f"select table_hashes from {name}.main.publication_log order by version desc"
                ).fetchall()[0][0]
            )
            for name in ("spark", "duck")
        }
        for table in PUBLISHED_CATALOGUE.names:
            assert hashes["spark"][table] == hashes["duck"][table], table


def test_the_spark_run_kept_the_gate_and_the_audit_trail(spark_home):
    """The checks ran on what Spark built (GX on the copied tables, dbt tests on Spark)."""
    with duckdb.connect(str(spark_home / "warehouse" / "published.duckdb"), read_only=True) as con:
        checks = json.loads(
            con.execute(
                "select checks_summary from publication_log order by version desc"
            ).fetchall()[0][0]
        )
    assert checks, "no check summary in the publication log"
    with duckdb.connect(str(spark_home / "warehouse" / "build.duckdb"), read_only=True) as con:
        loads = con.execute("select count(*) from audit.load_log").fetchall()[0][0]
        ledger = con.execute(
            "select count(*) from intermediate.int_transactions_credited"
        ).fetchall()[0][0]
    assert loads > 0
    assert ledger > 0
    # The sources Spark read: one Parquet folder per entity, a file per load.
    assert sorted(p.name for p in (spark_home / "warehouse" / "raw").iterdir())[:2] == [
        "crm_accounts",
        "crm_activities",
    ]
