"""Land files into ``raw.*`` tables with a complete audit trail.

For each file under ``landing/<source>/``: find its entity by name prefix, read it as text, map its
headers through the alias table, type every value, and split the rows into accepted (appended to
``raw.<source>_<entity>``) and quarantined (``audit.quarantine`` with file, line and reason). The
per-file invariant rows_read = rows_accepted + rows_quarantined is checked before commit. A file
whose content hash was loaded before is skipped, so loading twice changes nothing.

The raw tables always hold exactly the files that are in the landing folder now: a changed file
with the same name is a new version that retires the previous one (its rows leave raw), and a file
removed from landing is retired too. Retired loads stay in ``audit.load_log`` with when and why,
so a bad file is undone by fixing or removing it. Across different files of one entity, the
staging models keep the latest version of each record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from core.sql import quote_ident
from ingest.audit import (
    FileResult,
    LoadSummary,
    ensure_schema,
    log_load,
    next_id,
    retire_stale_loads,
    window_text,
)
from ingest.contract import (
    CURRENCY_ALIASES,
    ENUMS,
    Entity,
    alias_map,
    date_window,
    entity_for_file,
    normalise_header,
)
from ingest.readers import (
    BROKEN_LINE_COLUMN,
    LINE_COLUMN,
    RAW_LINE_COLUMN,
    FileRejected,
    drop_stage,
    read_any,
)
from ingest.typing_sql import parse_expr, problem_expr

SOURCES = ("crm", "erp", "plan")
_STAGE = "__stage"
_TYPED = "__typed"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def landed_files(landing: Path) -> list[Path]:
    """Every file below ``landing/<source>/`` in a stable order (source, then path)."""
    files: list[Path] = []
    for source in SOURCES:
        folder = landing / source
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink())
    return files


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve(strict=True).relative_to(root.resolve())
        return True
    except (ValueError, FileNotFoundError, OSError):
        return False


def _register_aliases(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create or replace temp table __enum_aliases (enum varchar, alias varchar, value varchar)"
    )
    rows = [
        (enum, alias.lower(), value)
        for enum, values in ENUMS.items()
        for value, aliases in values.items()
        for alias in (value, *aliases)
    ]
    con.executemany("insert into __enum_aliases values (?, ?, ?)", rows)
    con.execute("create or replace temp table __currency_aliases (alias varchar, code varchar)")
    con.executemany("insert into __currency_aliases values (?, ?)", list(CURRENCY_ALIASES.items()))


def _stage_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [column[0] for column in con.execute(f"select * from {_STAGE} limit 0").description]


def _map_headers(
    con: duckdb.DuckDBPyConnection, entity: Entity
) -> tuple[dict[str, str], list[str]]:
    """Canonical column → file header; plus the headers that match nothing (reported, kept raw)."""
    headers = [
        name
        for name in _stage_columns(con)
        if name not in (LINE_COLUMN, BROKEN_LINE_COLUMN, RAW_LINE_COLUMN)
    ]
    aliases = alias_map(entity)
    mapping: dict[str, str] = {}
    extra: list[str] = []
    for header in headers:
        canonical = aliases.get(normalise_header(header))
        if canonical is None:
            extra.append(header)
        elif canonical in mapping:
            raise FileRejected(
                f"ambiguous headers: {mapping[canonical]!r} and {header!r} both mean {canonical} "
                "(header line)"
            )
        else:
            mapping[canonical] = header
    missing = [c.name for c in entity.columns if c.required and c.name not in mapping]
    if missing:
        raise FileRejected(f"missing required column(s): {', '.join(missing)} (header line)")
    return mapping, extra


def _json_object(names: list[str], prefix: str) -> tuple[str, dict[str, str]]:
    """SQL for a JSON object of stage columns, keys bound as parameters (headers are input)."""
    if not names:
        return "cast(null as varchar)", {}
    params = {f"{prefix}{i}": name for i, name in enumerate(names)}
    pairs = ", ".join(f"${prefix}{i}, stage.{quote_ident(name)}" for i, name in enumerate(names))
    return f"cast(json_object({pairs}) as varchar)", params


def _type_rows(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    mapping: dict[str, str],
    extra: list[str],
    window: tuple[dt.date, dt.date],
) -> None:
    """Build ``__typed``: typed canonical columns, the line, unknown columns and the reason."""
    has_broken = BROKEN_LINE_COLUMN in _stage_columns(con)
    selects: list[str] = []
    problems: list[str] = []
    for col in entity.columns:
        header = mapping.get(col.name)
        if header is None:
            if col.default is not None:
                value = f"cast('{col.default}' as {col.sql_type})"
            else:
                value = f"cast(null as {col.sql_type})"
            selects.append(f"{value} as {quote_ident(col.name)}")
            continue
        ref = f"stage.{quote_ident(header)}"
        parsed = parse_expr(col, ref)
        if col.default is not None:
            # The default fills an empty cell only: a value that does not parse (an unknown tier
            # word) stays null here, so the row is quarantined with its reason, never defaulted.
            empty = f"nullif(trim({ref}), '') is null"
            parsed = (
                f"(case when {empty} then cast('{col.default}' as {col.sql_type}) "
                f"else {parsed} end)"
            )
        selects.append(f"{parsed} as {quote_ident(col.name)}")
        problems.append(problem_expr(col, ref, parsed))
    reason = f"concat_ws('; ', {', '.join(problems)})" if problems else "''"
    # A header line repeated inside the data (concatenated exports) gets one clear reason.
    header_params = {f"header_{i}": header for i, header in enumerate(mapping.values())}
    repeated = " and ".join(
        f"trim(stage.{quote_ident(header)}) is not distinct from $header_{i}"
        for i, header in enumerate(mapping.values())
    )
    if repeated:
        reason = f"(case when {repeated} then 'repeated header line' else {reason} end)"
    if has_broken:
        # A line that is not JSON has one reason, not a list of the fields it could not give.
        broken = f"stage.{quote_ident(BROKEN_LINE_COLUMN)}"
        reason = f"coalesce({broken}, {reason})"
    extra_json, extra_params = _json_object(extra, "extra_")
    sql = f"""
        create or replace temp table {_TYPED} as
        with typed as (
            select
                stage.{LINE_COLUMN} as __line,
                {reason} as __reason,
                {extra_json} as __extra,
                {", ".join(selects) if selects else "null as __none"}
            from {_STAGE} as stage
        )
        select * from typed
        """
    dates = {"date_min": window[0], "date_max": window[1]} if "$date_min" in sql else {}
    con.execute(sql, {**header_params, **extra_params, **dates})
    for col in entity.columns:
        if col.default_from is not None and col.name not in mapping:
            con.execute(
                f"update {_TYPED} set {quote_ident(col.name)} = {quote_ident(col.default_from)}"
            )
        elif col.default_from is not None:
            con.execute(
                f"update {_TYPED} set {quote_ident(col.name)} = {quote_ident(col.default_from)} "
                f"where {quote_ident(col.name)} is null"
            )
    # A key seen twice in one file is not guessed: every copy is quarantined.
    key = ", ".join(quote_ident(k) for k in entity.key)
    key_match = " and ".join(
        f"typed.{quote_ident(k)} is not distinct from dup.{quote_ident(k)}" for k in entity.key
    )
    con.execute(
        f"""
        update {_TYPED} as typed set __reason = 'duplicate key within file: ' || dup.key_text
        from (
            select {key}, concat_ws('|', {key}) as key_text
            from {_TYPED}
            where __reason = ''
            group by {key}
            having count(*) > 1
        ) as dup
        where typed.__reason = ''
            and {key_match}
        """
    )


def _load_one(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    rel: str,
    entity: Entity,
    load_id: int,
    window: tuple[dt.date, dt.date],
) -> FileResult:
    hint = set(alias_map(entity))
    read_any(con, path, _STAGE, hint)
    mapping, extra = _map_headers(con, entity)
    _type_rows(con, entity, mapping, extra, window)
    rows_read = con.execute(f"select count(*) from {_STAGE}").fetchone()[0]
    columns = ", ".join(quote_ident(c.name) for c in entity.columns)
    con.execute(
        f"insert into raw.{quote_ident(entity.raw_table)} ({columns}, _load_id, _file_path, "
        f"_line_number, _extra_columns) select {columns}, ?, ?, __line, __extra from {_TYPED} "
        "where __reason = '' order by __line",
        [load_id, rel],
    )
    # The raw record (every column of the file, as text) is built for quarantined rows only.
    headers = [
        name
        for name in _stage_columns(con)
        if name not in (LINE_COLUMN, BROKEN_LINE_COLUMN, RAW_LINE_COLUMN)
    ]
    raw_json, raw_params = _json_object(headers, "raw_")
    if RAW_LINE_COLUMN in _stage_columns(con):
        raw_json = f"coalesce(stage.{quote_ident(RAW_LINE_COLUMN)}, {raw_json})"
    con.execute(
        f"""
        insert into audit.quarantine
        select $load_id, $file_path, typed.__line, $entity, typed.__reason, {raw_json}
        from {_TYPED} as typed
        inner join {_STAGE} as stage on stage.{LINE_COLUMN} = typed.__line
        where typed.__reason <> ''
        order by typed.__line
        """,
        {**raw_params, "load_id": load_id, "file_path": rel, "entity": entity.qualified},
    )
    accepted, quarantined = con.execute(
        f"select count(*) filter (where __reason = ''), count(*) filter (where __reason <> '') "
        f"from {_TYPED}"
    ).fetchone()
    if rows_read != accepted + quarantined:
        raise RuntimeError(
            f"{rel}: rows read {rows_read} != accepted {accepted} + quarantined {quarantined}"
        )
    message = "header only: no data rows" if rows_read == 0 else ""
    if extra:
        message = (message + "; " if message else "") + (
            "unknown columns kept in _extra_columns: " + ", ".join(extra)
        )
    return FileResult(rel, entity.qualified, "loaded", rows_read, accepted, quarantined, message)


def load_landing(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    progress: Callable[[str], None] | None = None,
    window: tuple[dt.date, dt.date] | None = None,
) -> LoadSummary:
    """Load every new file under ``landing``; returns what happened to each file.

    ``window`` is the plausible dates (ingest.contract.date_window; by default as of today):
    a date outside is quarantined. A load checked against another window is done again."""
    window = window or date_window(dt.date.today())
    ensure_schema(con)
    _register_aliases(con)
    summary = LoadSummary()
    files = landed_files(landing)
    # A path that escapes the landing folder is never opened: it is keyed by "-" instead of a hash.
    current = {
        path.relative_to(landing).as_posix(): file_sha256(path) if _inside(path, landing) else "-"
        for path in files
    }
    retire_stale_loads(con, current, window_text(window))
    total_rows = 0
    for number, path in enumerate(files, start=1):
        rel = path.relative_to(landing).as_posix()
        source = rel.split("/", 1)[0]
        sha = current[rel]
        seen = con.execute(
            "select status from audit.load_log where file_path = ? and file_sha256 = ? "
            "and retired_at is null",
            [rel, sha],
        ).fetchone()
        if seen is not None:
            summary.files.append(FileResult(rel, None, "skipped", message=f"already {seen[0]}"))
            continue
        if sha == "-":
            result = FileResult(rel, None, "rejected", message="path escapes the landing folder")
            log_load(con, result, sha, next_id(con), window)
            summary.files.append(result)
            continue
        entity = entity_for_file(source, path.name)
        load_id = next_id(con)
        con.execute("begin transaction")
        try:
            if entity is None:
                raise FileRejected(f"unknown entity: no {source} entity matches the file name")
            result = _load_one(con, path, rel, entity, load_id, window)
        except FileRejected as exc:
            con.execute("rollback")
            con.execute("begin transaction")
            result = FileResult(
                rel, entity.qualified if entity else None, "rejected", message=str(exc)
            )
        except Exception:
            con.execute("rollback")
            raise
        finally:
            drop_stage(con, _STAGE)
            con.execute(f"drop table if exists {_TYPED}")
        log_load(con, result, sha, load_id, window)
        con.execute("commit")
        summary.files.append(result)
        total_rows += result.rows_read
        if progress is not None:
            progress(
                f"[{number}/{len(files)}] {rel}: {result.status} "
                f"read={result.rows_read} accepted={result.rows_accepted} "
                f"quarantined={result.rows_quarantined} (total rows {total_rows})"
                + (f" - {result.message}" if result.message else "")
            )
    return summary


def print_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
