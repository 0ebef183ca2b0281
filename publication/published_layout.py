"""What a publication is made of: the published tables with their keys, the personal columns
left out, the file modes, the publication log's columns, and the layout digest that says
whether a previous file is a valid starting point."""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Sequence
from pathlib import Path

import duckdb

from core.sql import quote_literal
from publication.catalogue import Catalogue

PUBLISHED_STORAGE_VERSION = "v1.0.0"

# Which tables are published, with their keys and the personal columns left out, is the dbt
# project's to say (publication/catalogue.py). Personal data stays in the build database
# (DOMAIN.md, "Personal data"): the published copy and its Parquet files, which every BI user
# reads, carry names and ids only unless the operator opts in (SCORECARDS_PUBLISH_PERSONAL_DATA=1).
# The published files are the company's pay data: readable by their owner and group (give BI
# tools' service account the group), not by every local user; folders likewise.
PUBLISHED_FILE_MODE = 0o640
PUBLISHED_DIR_MODE = 0o750

PUBLICATION_LOG_COLUMNS = (
    "version integer, as_of_date date, published_at timestamp, months_covered varchar, "
    "row_counts varchar, table_hashes varchar, checks_summary varchar, restated_months varchar, "
    "layout varchar, change_hashes varchar"
)
PUBLICATION_LOG_NAMES = tuple(part.split()[0] for part in PUBLICATION_LOG_COLUMNS.split(", "))
PUBLICATION_LOG_WIDTH = len(PUBLICATION_LOG_NAMES)


def read_publication_log(published_db: Path) -> list[tuple]:
    """Earlier publications, oldest first (empty when nothing was published yet)."""
    if not published_db.exists():
        return []
    with duckdb.connect(str(published_db), read_only=True) as con:
        return con.execute("select * from publication_log order by version").fetchall()


def published_version(published_db: Path) -> int | None:
    """The latest published version (None before the first publication), without reading the
    log's rows: the runner asks before and after every run."""
    if not published_db.exists():
        return None
    with duckdb.connect(str(published_db), read_only=True) as con:
        [(version,)] = con.execute("select max(version) from publication_log").fetchall()
        return version


def layout(catalogue: Catalogue) -> str:
    """A digest of what decides a published table's bytes besides its rows, and its change
    fingerprint: the DuckDB version (file format, Parquet writer, row hash) and the machine's
    architecture, the storage version, and the catalogue (every table's sort key, and the
    descriptions in its comments and Parquet metadata).

    A table is carried over from the previous publication only when its layout is this one;
    otherwise the previous file is not a valid starting point (a new sort key would leave the
    carried tables in the old order, a new description their old comments) and everything is
    written anew.
    """
    decided_by = {
        "duckdb": duckdb.__version__,
        "machine": platform.machine(),
        "storage_version": PUBLISHED_STORAGE_VERSION,
        "catalogue": catalogue.digest(),
    }
    return hashlib.sha256(json.dumps(decided_by, sort_keys=True).encode()).hexdigest()


def padded_log_row(log_row: Sequence[object]) -> list[object]:
    """A row of the publication log with every column: an older log's has fewer (null here)."""
    return [*log_row, *[None] * (PUBLICATION_LOG_WIDTH - len(log_row))]


def sql_path(path: Path) -> str:
    """A file path as a SQL string literal (COPY takes no parameters)."""
    return quote_literal(str(path))
