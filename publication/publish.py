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
import json
import os
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

import duckdb

from core.children import spawn_context
from core.faults import pause_point
from core.files import file_stamp
from core.settings import duckdb_memory_limit
from core.sql import quote_ident
from publication import pending
from publication.catalogue import Catalogue
from publication.closing import ClosedMonth
from publication.descriptions import describe_tables
from publication.fingerprints import change_fingerprint, table_fingerprint
from publication.parquet_export import copy_to_parquet, swap_parquet
from publication.pending import fsync_path
from publication.published_layout import (
    PUBLICATION_LOG_COLUMNS,
    PUBLICATION_LOG_NAMES,
    PUBLICATION_LOG_WIDTH,
    PUBLISHED_DIR_MODE,
    PUBLISHED_FILE_MODE,
    PUBLISHED_STORAGE_VERSION,
    layout,
    padded_log_row,
    read_publication_log,
)
from publication.restatements import record_closed_months

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Publication:
    version: int
    as_of_date: dt.date
    months_covered: str
    row_counts: dict[str, int]
    table_hashes: dict[str, str]
    path: Path
    restated_months: tuple[str, ...] = ()
    parquet_dir: Path | None = None


def publish(
    build_db: Path,
    published_db: Path,
    as_of: dt.date,
    checks_summary: dict[str, object],
    *,
    catalogue: Catalogue,
    closed_months: Sequence[ClosedMonth] = (),
    parquet_root: Path | None = None,
    personal_data: bool = False,
    follow_ups: tuple[str, ...] = (),
    lang: str = "en",
) -> Publication:
    """Write a new published database from the audited build and swap it in atomically.

    The ``catalogue`` (the dbt project's, publication/catalogue.py) says which tables are
    published, in which order, and how each table and column is described. Without
    ``personal_data`` the tables' personal columns are left out of the published copy.
    ``follow_ups`` are the pieces written from the new copy after the swap (statements, report):
    with the Parquet copies they are recorded before the swap (publication/pending.py) and a run
    killed before they are written has them completed by the next run.

    With ``parquet_root`` every table is also written as Parquet under
    ``parquet_root/v<version>/`` and ``parquet_root/current`` is re-pointed to it after the
    database swap (the database is the commit point; a crash between the two leaves ``current``
    on the previous version until the next run).
    """
    previous = read_publication_log(published_db)
    version = (max(row[0] for row in previous) + 1) if previous else 1
    previous_parquet = (
        parquet_root / f"v{version - 1:06d}" if parquet_root is not None and previous else None
    )
    tmp = published_db.with_name(f".{published_db.name}.{os.getpid()}.tmp")
    parquet_tmp = (
        parquet_root / f".v{version:06d}.{os.getpid()}.tmp" if parquet_root is not None else None
    )
    # Candidates of runs that were killed (another pid) are garbage: one pipeline writes at a time.
    for leftover in published_db.parent.glob(f".{published_db.name}.*.tmp*"):
        leftover.unlink(missing_ok=True)
    try:
        row_counts, table_hashes, months_covered, restated = _write_candidate(
            build_db,
            tmp,
            published_db if previous else None,
            previous,
            version,
            as_of,
            checks_summary,
            catalogue,
            closed_months,
            parquet_tmp,
            previous_parquet,
            personal_data,
        )
        os.chmod(tmp, PUBLISHED_FILE_MODE)
        fsync_path(tmp)
        pause_point("before_swap")
        pending.begin(
            published_db,
            version,
            as_of,
            ((pending.PARQUET,) if parquet_tmp is not None else ()) + follow_ups,
            lang,
        )
        os.replace(tmp, published_db)
    finally:
        # On any failure the candidate goes; the published file was never touched.
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        if parquet_tmp is not None and parquet_tmp.exists() and tmp.exists():
            shutil.rmtree(parquet_tmp)
    fsync_path(published_db.parent)
    _stamp(published_db, version)
    pause_point("after_swap")
    parquet_dir = None
    if parquet_tmp is not None:
        parquet_dir = swap_parquet(parquet_root, parquet_tmp, version)
        pending.done(published_db, pending.PARQUET)
    return Publication(
        version,
        as_of,
        months_covered,
        row_counts,
        table_hashes,
        published_db,
        tuple(restated),
        parquet_dir,
    )


def in_own_process(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``function(*args, **kwargs)`` in a spawned process of its own; the caller waits for it.

    For ``publish``: publication is the run's largest DuckDB step (every published table sorted
    into a new file, up to the DuckDB memory limit), and memory a process has used stays with
    it: in the run process at the large scale it came on top of the heap the checks had left,
    and stayed through the statements. In a process of its own it is returned when the step
    ends. An error in it is raised here (the same exception). The process is bound to its
    parent from its first instruction (core/children.py), so a killed run leaves no
    publisher behind that could swap a file in later.
    """
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn_context()) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _write_candidate(
    build_db: Path,
    tmp: Path,
    previous_db: Path | None,
    previous: list[tuple],
    version: int,
    as_of: dt.date,
    checks_summary: dict[str, object],
    catalogue: Catalogue,
    closed_months: Sequence[ClosedMonth],
    parquet_dir: Path | None,
    previous_parquet: Path | None = None,
    personal_data: bool = False,
) -> tuple[dict[str, int], dict[str, str], str, list[str]]:
    """Write the complete candidate database at ``tmp``; returns row counts, hashes, months and
    the closed months this version restates.

    When the previous publication was laid out the same way (``layout``), the candidate starts
    as a copy of it, and a table whose build content has the change fingerprint the previous
    publication logged (and the same columns and types) is kept as it is there, with its logged
    content hash: the same rows in the same order, so the same published table, without sorting,
    writing and hashing it again (what each costs at the large scale: docs/BENCHMARKS.md).
    Every other table is written from the build as on a first publication.
    """
    carried = _carried_tables(previous_db, previous, layout(catalogue))
    if carried:
        shutil.copyfile(previous_db, tmp)
    row_counts: dict[str, int] = {}
    table_hashes: dict[str, str] = {}
    change_hashes: dict[str, str] = {}
    kept: set[str] = set()
    with duckdb.connect(config={"memory_limit": duckdb_memory_limit()}) as con:
        con.execute("attach ? as build (read_only)", [str(build_db)])
        con.execute(f"attach ? as pub (storage_version '{PUBLISHED_STORAGE_VERSION}')", [str(tmp)])
        if previous_db is not None:
            con.execute("attach ? as prev (read_only)", [str(previous_db)])
        published_names = set(catalogue.names)
        for (other,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'pub'"
        ).fetchall():
            if other not in published_names:  # the log and the versioned tables are rewritten
                con.execute(f"drop table pub.main.{quote_ident(other)}")
        for published in catalogue.tables:
            schema, table = published.schema, published.name
            personal = () if personal_data else published.personal
            columns = _columns(con, "build", schema, table)
            hidden = [name for name, _ in columns if name in personal]
            source = _source(schema, table, hidden)
            target = f"pub.main.{quote_ident(table)}"
            change_hashes[table] = change_fingerprint(con, source)
            built_columns = [column for column in columns if column[0] not in hidden]
            if (
                table in carried
                and carried[table].change_hash == change_hashes[table]
                and carried[table].rows == _count(con, target)
                and built_columns == _columns(con, "pub", "main", table)
            ):
                kept.add(table)
                table_hashes[table] = carried[table].content_hash
            else:
                # Sorted so that the same content is laid out the same way in every publication.
                order = ", ".join(f"{quote_ident(column)} nulls first" for column in published.key)
                con.execute(f"drop table if exists {target}")
                con.execute(f"create table {target} as select * from {source} order by {order}")
                table_hashes[table] = table_fingerprint(con, target)
            if table == "payouts":
                pause_point("publish_write")  # half the tables are in the candidate
        restated = record_closed_months(con, previous_db is not None, version, closed_months)
        for table in VERSIONED_TABLES:
            table_hashes[table] = table_fingerprint(con, f"pub.main.{quote_ident(table)}")
        for table in [*catalogue.names, *VERSIONED_TABLES]:
            row_counts[table] = _count(con, f"pub.main.{quote_ident(table)}")
        months = con.execute(
            "select min(period_month), max(period_month) from pub.main.scorecard_attainment"
        ).fetchall()[0]
        months_covered = f"{months[0]:%Y-%m}..{months[1]:%Y-%m}" if months[0] else ""
        con.execute(f"create table pub.main.publication_log ({PUBLICATION_LOG_COLUMNS})")
        placeholders = ", ".join("?" * PUBLICATION_LOG_WIDTH)
        if previous:
            con.executemany(
                f"insert into pub.main.publication_log values ({placeholders})",
                [padded_log_row(row) for row in previous],
            )
        con.execute(
            f"insert into pub.main.publication_log values ({placeholders})",
            [
                version,
                as_of,
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
                months_covered,
                json.dumps(row_counts, sort_keys=True),
                json.dumps(table_hashes, sort_keys=True),
                json.dumps(checks_summary, sort_keys=True, default=str),
                ",".join(restated),
                layout(catalogue),
                json.dumps(change_hashes, sort_keys=True),
            ],
        )
        every_table = [*catalogue.names, *VERSIONED_TABLES, "publication_log"]
        # A kept table has its comments from the previous file (same layout: same descriptions).
        describe_tables(con, "pub", catalogue, set(every_table) - kept)
        if parquet_dir is not None:
            parquet_dir.mkdir(parents=True)
            for table in every_table:
                file_name = table + ".parquet"
                earlier = previous_parquet / file_name if previous_parquet else None
                if table in kept and earlier is not None and earlier.is_file():
                    # The same table as in the previous version: the same file, linked.
                    os.link(earlier, parquet_dir / file_name)
                    continue
                copy_to_parquet(con, "pub", table, parquet_dir / file_name)
            os.chmod(parquet_dir, PUBLISHED_DIR_MODE)
        con.execute("checkpoint pub")
        con.execute("detach pub")
    return row_counts, table_hashes, months_covered, restated


def _source(schema: str, table: str, hidden: Sequence[str]) -> str:
    """The build table as published: without the ``hidden`` columns."""
    relation = f"build.{quote_ident(schema)}.{quote_ident(table)}"
    if not hidden:
        return relation
    return f"(select * exclude ({', '.join(map(quote_ident, hidden))}) from {relation})"


@dataclass(frozen=True)
class _Carried:
    """A table of the previous publication, as its log describes it."""

    change_hash: str
    rows: int
    content_hash: str


def _carried_tables(
    previous_db: Path | None, previous: list[tuple], current_layout: str
) -> dict[str, _Carried]:
    """The tables of the previous publication, by its log, when its file can be the candidate's
    start: the same layout, and the file exactly as its publisher left it (its stamp). Empty
    otherwise: everything is written from the build. A carried table must still show the
    logged row count in the copy.
    """
    if previous_db is None or not previous:
        return {}
    latest = dict(zip(PUBLICATION_LOG_NAMES, padded_log_row(previous[-1]), strict=True))
    if (
        latest["layout"] != current_layout
        or latest["change_hashes"] is None
        or not _stamped(previous_db, latest["version"])
    ):
        return {}
    counts, hashes, changes = (
        json.loads(latest[name]) for name in ("row_counts", "table_hashes", "change_hashes")
    )
    return {
        table: _Carried(changes[table], counts[table], hashes[table])
        for table in changes.keys() & counts.keys() & hashes.keys()
    }


def _stamp(published_db: Path, version: int) -> None:
    """Record the published file as the publisher left it: its version, inode, size and time.

    Read-only readers leave a file as it is; any write (a read-write connection, a file copied
    over it) changes one of these. The next publication starts from this file only when its
    stamp still matches, so a published table changed outside the pipeline is never carried
    forward (it is written from the build again). Written after the swap: a crash before it
    leaves a stamp that does not match, and the next publication writes everything."""
    staged = published_db.with_name(f".{published_db.name}.{os.getpid()}.tmp.stamp")
    staged.write_text(json.dumps(_file_state(published_db, version)), encoding="utf-8")
    os.replace(staged, _stamp_path(published_db))


def _stamped(published_db: Path, version: int) -> bool:
    """True when the published file is the one its publisher stamped as ``version``, untouched,
    with no write-ahead log beside it."""
    stamp_path = _stamp_path(published_db)
    if not stamp_path.exists() or published_db.with_name(published_db.name + ".wal").exists():
        return False
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    except ValueError:
        return False
    return stamp == _file_state(published_db, version)


def _file_state(path: Path, version: int) -> dict[str, int]:
    return {"version": version, **file_stamp(path)}


def _stamp_path(published_db: Path) -> Path:
    return published_db.with_name(published_db.name + ".stamp")


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int | None:
    """Rows of a table, None when it does not exist."""
    try:
        return con.execute(f"select count(*) from {relation}").fetchall()[0][0]
    except duckdb.CatalogException:
        return None


def _columns(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str
) -> list[tuple[str, str]]:
    """A table's column names and types in order (empty when it does not exist)."""
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()


VERSIONED_TABLES = ("closed_months", "scorecard_attainment_versions", "restatements")
