"""Publication: copy the audited marts into a brand-new published database and swap it in.

BI tools and finance open ``published.duckdb`` read-only while the pipeline runs, and DuckDB lets
no reader open a file another process is writing. So the published file is never written in
place: a complete new file is written beside it, checkpointed, closed and fsynced, then renamed
over the old one (``os.replace`` is atomic on POSIX). A reader sees the old or the new state,
never a mix, and a crash at any point leaves the previous publication exactly as it was.

The published file is written with an older storage version on purpose so that BI tools that
embed DuckDB 1.x can open it (DuckDB 2.0 files are unreadable to 1.x readers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.readers import quote_ident

PUBLISHED_STORAGE_VERSION = "v1.0.0"

# (schema in build.duckdb, table) → published under the same table name in the main schema.
PUBLISHED_TABLES: tuple[tuple[str, str], ...] = (
    ("marts", "scorecard_attainment"),
    ("marts", "scorecard_performance"),
    ("marts", "scorecard_performance_components"),
    ("marts", "payouts"),
    ("marts", "payout_lines"),
    ("marts", "reconciliation_monthly"),
    ("marts", "reconciliation_payouts"),
    ("marts", "fct_kpi_monthly"),
    ("marts", "fct_targets"),
    ("marts", "fct_target_coverage"),
    ("marts", "fct_credited_transactions"),
    ("marts", "fct_opportunities"),
    ("marts", "fct_invoices"),
    ("marts", "fct_invoice_lines"),
    ("marts", "fct_payments"),
    ("marts", "fct_activities"),
    ("marts", "fct_lead_funnel"),
    ("marts", "fct_stage_conversion"),
    ("marts", "fct_pipeline_snapshots"),
    ("marts", "dim_users"),
    ("marts", "dim_teams"),
    ("marts", "dim_rep_memberships"),
    ("marts", "dim_accounts"),
    ("marts", "dim_products"),
    ("marts", "dim_date"),
)

PUBLICATION_LOG_COLUMNS = (
    "version integer, as_of_date date, published_at timestamp, months_covered varchar, "
    "row_counts varchar, table_hashes varchar, checks_summary varchar"
)


@dataclass(frozen=True)
class Publication:
    version: int
    as_of_date: dt.date
    months_covered: str
    row_counts: dict[str, int]
    table_hashes: dict[str, str]
    path: Path


def table_fingerprint(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """An order-independent content hash of a table: same rows (as text), same hash.

    Sums of the two 64-bit halves of each row's MD5 scale to tens of millions of rows without
    building one huge string, and the struct cast includes column names and exact decimals.
    """
    count, upper, lower = con.execute(
        f"select count(*), coalesce(sum(md5_number_upper(cast(t as varchar))), 0), "
        f"coalesce(sum(md5_number_lower(cast(t as varchar))), 0) from {relation} as t"
    ).fetchone()
    return hashlib.sha256(f"{count}:{upper}:{lower}".encode()).hexdigest()


def read_publication_log(published_db: Path) -> list[tuple]:
    """Earlier publications, oldest first (empty when nothing was published yet)."""
    if not published_db.exists():
        return []
    with duckdb.connect(str(published_db), read_only=True) as con:
        return con.execute("select * from publication_log order by version").fetchall()


def publish(
    build_db: Path,
    published_db: Path,
    as_of: dt.date,
    checks_summary: dict[str, object],
) -> Publication:
    """Write a new published database from the audited build and swap it in atomically."""
    previous = read_publication_log(published_db)
    version = (max(row[0] for row in previous) + 1) if previous else 1
    tmp = published_db.with_name(f".{published_db.name}.{os.getpid()}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        row_counts, table_hashes, months_covered = _write_candidate(
            build_db, tmp, previous, version, as_of, checks_summary
        )
        _fsync(tmp)
        os.replace(tmp, published_db)
    finally:
        # On any failure the candidate goes; the published file was never touched.
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    _fsync(published_db.parent)
    return Publication(version, as_of, months_covered, row_counts, table_hashes, published_db)


def _write_candidate(
    build_db: Path,
    tmp: Path,
    previous: list[tuple],
    version: int,
    as_of: dt.date,
    checks_summary: dict[str, object],
) -> tuple[dict[str, int], dict[str, str], str]:
    """Write the complete candidate database at ``tmp``; returns row counts, hashes, months."""
    row_counts: dict[str, int] = {}
    table_hashes: dict[str, str] = {}
    with duckdb.connect() as con:
        con.execute("attach ? as build (read_only)", [str(build_db)])
        con.execute(f"attach ? as pub (storage_version '{PUBLISHED_STORAGE_VERSION}')", [str(tmp)])
        for schema, table in PUBLISHED_TABLES:
            source = f"build.{quote_ident(schema)}.{quote_ident(table)}"
            target = f"pub.main.{quote_ident(table)}"
            # Sorted so that the same content is laid out the same way in every publication.
            con.execute(f"create table {target} as select * from {source} order by all")
            row_counts[table] = con.execute(f"select count(*) from {target}").fetchone()[0]
            table_hashes[table] = table_fingerprint(con, target)
        months = con.execute(
            "select min(period_month), max(period_month) from pub.main.scorecard_attainment"
        ).fetchone()
        months_covered = f"{months[0]:%Y-%m}..{months[1]:%Y-%m}" if months[0] else ""
        con.execute(f"create table pub.main.publication_log ({PUBLICATION_LOG_COLUMNS})")
        if previous:
            con.executemany(
                "insert into pub.main.publication_log values (?, ?, ?, ?, ?, ?, ?)", previous
            )
        con.execute(
            "insert into pub.main.publication_log values (?, ?, ?, ?, ?, ?, ?)",
            [
                version,
                as_of,
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
                months_covered,
                json.dumps(row_counts, sort_keys=True),
                json.dumps(table_hashes, sort_keys=True),
                json.dumps(checks_summary, sort_keys=True, default=str),
            ],
        )
        con.execute("checkpoint pub")
        con.execute("detach pub")
    return row_counts, table_hashes, months_covered


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
