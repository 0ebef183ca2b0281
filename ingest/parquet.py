"""The accepted raw data as Parquet: one dataset (folder) per entity, one file per load.

Another engine (Spark through dbt-spark, docs/ENGINES.md) reads these folders as its sources;
DuckDB keeps reading the raw tables of build.duckdb. A file holds the accepted rows of one load
(``raw.<table> where _load_id = N``), so a run writes only the loads that are new and deletes the
files of retired ones: the cost follows the new data, not the history. Each folder also holds
``schema.parquet``, no rows with the table's columns and types, so that an entity without any
load still reads as an empty table of the right shape.

The folders are brought in line with build.duckdb every time (:func:`sync_raw_parquet`), not
appended to as loads happen: a run that died between DuckDB's commit and a Parquet write leaves a
load without its file, and the next run writes it. A file is written under a temporary name and
renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from core.sql import quote_ident
from ingest.contract import ENTITIES

LOAD_FILE = re.compile(r"^load_(?P<load_id>[0-9]+)\.parquet$")
# Not "_schema": Spark skips files whose names start with "_" or ".".
SCHEMA_FILE = "schema.parquet"
# Fixed writer settings: the same rows give the same file (and zstd reads back in any engine).
PARQUET_OPTIONS = "format parquet, compression zstd, row_group_size 1000000"


@dataclass
class ParquetSync:
    """What :func:`sync_raw_parquet` did, for the asset's metadata and the log."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rows_written: int = 0


def load_file_name(load_id: int) -> str:
    return f"load_{load_id:08d}.parquet"


def sync_raw_parquet(con: duckdb.DuckDBPyConnection, root: Path) -> ParquetSync:
    """Make ``root/<raw table>/`` hold exactly one file per load present in each raw table."""
    result = ParquetSync()
    for entity in ENTITIES:
        table = f"raw.{quote_ident(entity.raw_table)}"
        folder = root / entity.raw_table
        folder.mkdir(parents=True, exist_ok=True)
        schema_file = folder / SCHEMA_FILE
        if not schema_file.exists():
            _copy(con, f"select * from {table} where false", schema_file, [])
        loads = {
            row[0]
            for row in con.execute(f"select distinct _load_id from {table}").fetchall()
            if row[0] is not None
        }
        present: dict[int, Path] = {}
        for path in folder.iterdir():
            match = LOAD_FILE.match(path.name)
            if match:
                present[int(match.group("load_id"))] = path
            elif path.name.endswith(".tmp"):
                path.unlink()  # left by a run that died while writing
        for load_id, path in sorted(present.items()):
            if load_id not in loads:
                path.unlink()
                result.removed.append(f"{entity.raw_table}/{path.name}")
        for load_id in sorted(loads - present.keys()):
            target = folder / load_file_name(load_id)
            result.rows_written += _copy(
                con,
                f"select * from {table} where _load_id = ? order by _line_number",
                target,
                [load_id],
            )
            result.written.append(f"{entity.raw_table}/{target.name}")
    return result


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path, parameters: list) -> int:
    """COPY a query to ``target`` atomically; returns the rows written."""
    partial = target.with_name(target.name + ".tmp")
    # COPY takes no parameter for its target; the path is ours (warehouse/raw/<table>/...).
    quoted = str(partial).replace("'", "''")
    rows = con.execute(f"copy ({query}) to '{quoted}' ({PARQUET_OPTIONS})", parameters).fetchall()[
        0
    ][0]
    os.replace(partial, target)
    return int(rows)
