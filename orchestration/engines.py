"""What changes when dbt builds on Spark instead of DuckDB (docs/ENGINES.md).

Only the dbt build moves. Ingest still lands every export in build.duckdb, with its audit trail,
and writes the accepted rows as Parquet (ingest/parquet.py), which Spark reads as its sources
(dbt_project/macros/engines.sql). After each dbt step the tables Spark built are copied back
into build.duckdb under the same schema and name (:func:`mirror_spark_tables`), so that the
checks, the gate report, publication, statements and reports read the same relations whichever
engine built them, and the published copy is always a DuckDB file BI tools can open.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

from core.settings import Home, duckdb_memory_limit
from core.sql import quote_ident
from publication.history import HISTORY_TABLES, PUBLISHED_STATE_TABLES

SPARK_CONF_DIR = Path(__file__).with_name("spark_conf")
# The statuses of a run result whose relation exists afterwards (a failed test stores its rows).
BUILT_STATUSES = {"success", "pass", "fail", "warn"}


def dbt_target(engine: str) -> str:
    """The output of dbt_project/profiles.yml that builds on ``engine``."""
    return engine


def missing_for(engine: str) -> str | None:
    """What this machine lacks to build on ``engine`` (a usage error before any work), or None."""
    if engine != "spark":
        return None
    if (
        importlib.util.find_spec("pyspark") is None
        or importlib.util.find_spec("dbt.adapters.spark") is None
    ):
        return (
            "the spark engine needs dbt-spark and pyspark: install the project's spark extra "
            "(make run-spark does, or pip install -e '.[spark]')"
        )
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "the spark engine needs a Java 17 runtime (java on PATH or JAVA_HOME)"
    return None


def engine_environment(home: Home, engine: str) -> dict[str, str]:
    """Environment for dbt on ``engine``: where Spark keeps its tables and reads its sources."""
    if engine != "spark":
        return {}
    return {
        # Spark's log4j configuration: errors only (spark_conf/log4j2.properties says why).
        "SPARK_CONF_DIR": str(SPARK_CONF_DIR),
        "SCORECARDS_SPARK_DIR": str(home.spark_dir),
        "SCORECARDS_RAW_PARQUET": str(home.raw_parquet),
        "SCORECARDS_HISTORY_PARQUET": str(home.history_parquet),
    }


def spark_table_location(spark_dir: Path, schema: str, table: str) -> Path:
    """Where Spark's session catalog keeps a managed table: <warehouse dir>/<db>.db/<table>."""
    return spark_dir / "tables" / f"{schema}.db" / table


def built_relations(run_results: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(schema, table) of every relation a dbt step created: models and seeds it built and the
    failing rows its tests stored. Views are among them; they have no files to copy."""
    relations = []
    for result in run_results.get("results", []):
        name = result.get("relation_name")
        if not name or result.get("status") not in BUILT_STATUSES:
            continue
        parts = [part.strip('`"') for part in name.split(".")]
        relations.append((parts[-2], parts[-1]))
    return sorted(set(relations))


def mirror_spark_tables(
    build_db: Path, spark_dir: Path, relations: Iterable[tuple[str, str]]
) -> dict[str, int]:
    """Copy each Spark table of ``relations`` into build.duckdb (replacing it); returns rows per
    relation. A relation without files (a view) is skipped."""
    copied: dict[str, int] = {}
    with duckdb.connect(str(build_db), config={"memory_limit": duckdb_memory_limit()}) as con:
        for schema, table in relations:
            location = spark_table_location(spark_dir, schema, table)
            files = sorted(location.glob("*.parquet")) if location.is_dir() else []
            if not files:
                continue
            target = f"{quote_ident(schema)}.{quote_ident(table)}"
            con.execute(f"create schema if not exists {quote_ident(schema)}")
            # The file list, not a glob: the exact files Spark committed, in a fixed order.
            paths = [str(path) for path in files]
            columns = con.execute("describe select * from read_parquet(?)", [paths]).fetchall()
            con.execute(
                f"create or replace table {target} as "
                f"select {', '.join(_as_duckdb(name, kind) for name, kind, *_ in columns)} "
                "from read_parquet(?)",
                [paths],
            )
            rows = con.execute(f"select count(*) from {target}").fetchall()
            copied[f"{schema}.{table}"] = rows[0][0]
    return copied


def _as_duckdb(name: str, kind: str) -> str:
    """A column as DuckDB built it. Spark's TIMESTAMP is an instant (written adjusted to UTC, the
    session's time zone): DuckDB reads it WITH TIME ZONE, where its own models have the UTC
    wall-clock TIMESTAMP."""
    column = quote_ident(name)
    if kind == "TIMESTAMP WITH TIME ZONE":
        return f"timezone('UTC', {column}) as {column}"
    return column


def export_paid_history(build_db: Path, root: Path) -> list[str]:
    """The paid history of build.duckdb (publication/history.py) as Parquet for Spark's sources:
    root/<table>/data.parquet, replaced whole (it is small: paid periods only)."""
    written = []
    with duckdb.connect(str(build_db)) as con:
        present = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'history'"
            ).fetchall()
        }
        for table in (*HISTORY_TABLES, *PUBLISHED_STATE_TABLES):
            folder = root / table
            shutil.rmtree(folder, ignore_errors=True)
            if table not in present:
                continue
            folder.mkdir(parents=True)
            partial = folder / "data.parquet.tmp"
            quoted = str(partial).replace("'", "''")
            con.execute(
                f"copy history.{quote_ident(table)} to '{quoted}' "
                "(format parquet, compression zstd)"
            )
            os.replace(partial, folder / "data.parquet")
            written.append(table)
    return written
