"""The audit trail of ingest in the build database: the log of every load (kept when a load is
retired, with when and why), the quarantine, the raw tables' schema, and the counts per entity
the run reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from core.sql import quote_ident
from ingest.contract import ENTITIES

META_COLUMNS = (
    ("_load_id", "BIGINT"),
    ("_file_path", "VARCHAR"),
    ("_line_number", "BIGINT"),
    ("_extra_columns", "VARCHAR"),  # JSON of the file's columns the contract does not know
)


@dataclass
class FileResult:
    file_path: str
    entity: str | None
    status: str  # loaded | rejected | skipped
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    message: str = ""


@dataclass
class LoadSummary:
    files: list[FileResult] = field(default_factory=list)

    @property
    def rejected(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "rejected"]


def entity_counts(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    """Per entity, over the files in force: files, rows read, accepted and quarantined."""
    counts = {
        e.qualified: {"files": 0, "rows_read": 0, "rows_accepted": 0, "rows_quarantined": 0}
        for e in ENTITIES
    }
    rows = con.execute(
        "select entity, count(*), sum(rows_read), sum(rows_accepted), sum(rows_quarantined) "
        "from audit.load_log where retired_at is null and status = 'loaded' group by entity"
    ).fetchall()
    for entity, files, read, accepted, quarantined in rows:
        counts[entity] = {
            "files": files,
            "rows_read": int(read),
            "rows_accepted": int(accepted),
            "rows_quarantined": int(quarantined),
        }
    return counts


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the audit tables and one raw table per entity (empty until a file lands)."""
    con.execute("create schema if not exists audit")
    con.execute("create schema if not exists raw")
    con.execute("create sequence if not exists audit.load_id_seq start 1")
    con.execute(
        """
        create table if not exists audit.load_log (
            load_id bigint primary key,
            file_path varchar not null,
            entity varchar,
            file_sha256 varchar not null,
            rows_read bigint not null,
            rows_accepted bigint not null,
            rows_quarantined bigint not null,
            status varchar not null,
            message varchar,
            loaded_at timestamp not null,
            retired_at timestamp,
            retired_reason varchar,
            date_window varchar
        )
        """
    )
    # A build database from an earlier version: its loads were checked against no window, so
    # they are loaded again once.
    con.execute("alter table audit.load_log add column if not exists date_window varchar")
    con.execute(
        """
        create table if not exists audit.quarantine (
            load_id bigint not null,
            file_path varchar not null,
            line_number bigint,
            entity varchar not null,
            reason varchar not null,
            raw_record varchar
        )
        """
    )
    for entity in ENTITIES:
        columns = [f"{quote_ident(col.name)} {col.sql_type}" for col in entity.columns]
        columns += [f"{quote_ident(name)} {type_}" for name, type_ in META_COLUMNS]
        table = f"raw.{quote_ident(entity.raw_table)}"
        con.execute(f"create table if not exists {table} ({', '.join(columns)})")
        # A build database from an earlier version gains the columns added since.
        for name, type_ in META_COLUMNS:
            con.execute(f"alter table {table} add column if not exists {quote_ident(name)} {type_}")


def retire_stale_loads(
    con: duckdb.DuckDBPyConnection, current: dict[str, str], window: str | None = None
) -> list[str]:
    """Retire loads whose file left the landing folder or changed, or (with ``window``) whose
    dates were checked against another plausible window; returns their file paths."""
    active = con.execute(
        "select load_id, file_path, entity, file_sha256, date_window from audit.load_log "
        "where retired_at is null order by load_id"
    ).fetchall()
    retired = []
    by_name = {entity.qualified: entity for entity in ENTITIES}
    for load_id, path, entity_name, sha, checked_window in active:
        if current.get(path) == sha and (window is None or checked_window == window):
            continue
        if path not in current:
            reason = "file removed from landing"
        elif current[path] != sha:
            reason = "replaced by a new version"
        else:
            reason = f"dates checked against {checked_window}, now {window}"
        con.execute("begin transaction")
        entity = by_name.get(entity_name or "")
        if entity is not None:
            con.execute(
                f"delete from raw.{quote_ident(entity.raw_table)} where _load_id = ?", [load_id]
            )
        con.execute(
            "update audit.load_log set retired_at = ?, retired_reason = ? where load_id = ?",
            [now(), reason, load_id],
        )
        con.execute("commit")
        retired.append(path)
    return retired


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def next_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select nextval('audit.load_id_seq')").fetchone()[0]


def window_text(window: tuple[dt.date, dt.date]) -> str:
    return f"{window[0]}..{window[1]}"


def log_load(
    con: duckdb.DuckDBPyConnection,
    result: FileResult,
    sha: str,
    load_id: int,
    window: tuple[dt.date, dt.date],
) -> None:
    con.execute(
        "insert into audit.load_log (load_id, file_path, entity, file_sha256, rows_read, "
        "rows_accepted, rows_quarantined, status, message, loaded_at, date_window) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id,
            result.file_path,
            result.entity,
            sha,
            result.rows_read,
            result.rows_accepted,
            result.rows_quarantined,
            result.status,
            result.message,
            now(),
            window_text(window),
        ],
    )
