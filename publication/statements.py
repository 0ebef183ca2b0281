"""Payout statements for people: one XLSX per rep and plan period with a CSV twin, and a finance
workbook with the payout register and the reconciliations.

They are read from the *published* copy, after publication, so a statement can never show a
figure that did not pass the gate. Every text cell is written as text: a value that starts with
``=``, ``+``, ``-`` or ``@`` (a customer called ``=HYPERLINK(...)``) is stored as a string with
Excel's quote prefix in XLSX and behind a leading apostrophe in CSV, so no spreadsheet evaluates
it. The files are rewritten as a whole (a new folder swapped in), and their zip entries carry a
fixed timestamp, so the same publication gives the same bytes.

A statement whose content did not change since the last export is not written again: the folder
keeps a digest of each statement's inputs (``.digests.json``: its rows, the as-of stamp and the
statements' code) and of the files written from them, and an unchanged statement (or finance
workbook) whose files still have those bytes (nobody edited them) is linked from the previous
folder into the new one. A run for one new month rewrites only the statements that month
touched; the same bytes either way (a test writes both ways and compares). The digests of the
rows are taken in DuckDB, so only the statements to write are read into Python: at the large
scale reading all 3.6M payout lines to digest them took over a minute and a half, the digests
in DuckDB about 8 s.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import xlsxwriter

from core.children import spawn_context
from core.i18n import DEFAULT_LANGUAGE, LABELS_FILE, labels
from core.settings import duckdb_memory_limit
from publication import (
    finance_queries,
    finance_workbook,
    folders,
    sheets,
    statement_files,
    statement_queries,
    statement_reuse,
)
from publication.payroll import period_label, write_payroll
from publication.statement_files import statement_csv, statement_workbook
from publication.statement_queries import (
    CURVES_SQL,
    ORPHAN_LINES_SQL,
    STATEMENT_DIGESTS_SQL,
    STATEMENT_KEY,
    STATEMENT_TABLES,
    records,
    statement_rows,
    table_columns,
)

T = TypeVar("T")


@dataclass(frozen=True)
class StatementsWritten:
    """What one export wrote."""

    folder: Path
    statements: int
    lines: int
    finance_workbook: Path
    reused: int = 0  # statements unchanged since the last export, linked instead of written
    payroll: tuple[Path, ...] = ()  # reports/payroll/<pay period>.csv, approved payouts only


def safe_file_part(value: str) -> str:
    """A user or plan id as a file-name part: anything but letters, digits, - and _ becomes _."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", value) or "_"


def safe_name_part(value: str, limit: int = 40) -> str:
    """A person's name as a file-name part: letters of any script (张伟, Zoë) and digits kept,
    every run of anything else one _, at most ``limit`` characters."""
    return re.sub(r"[\W_]+", "_", value).strip("_")[:limit].strip("_")


def statement_stem(label: str, user_id: object, full_name: object, plan_id: object) -> str:
    """<period>/<user id>_<name>_<plan>: the rep's id first (unique, sorts), then their name."""
    name = safe_name_part(str(full_name or ""))
    parts = [safe_file_part(str(user_id)), *([name] if name else []), safe_file_part(str(plan_id))]
    return f"{label}/{'_'.join(parts)}"


def _writer_version() -> str:
    """What else shapes a statement's bytes: the code of this module, of the files it writes
    (publication/statement_files.py, finance_workbook.py, finance_queries.py), of the sheet writer
    (publication/sheets.py) and of the queries (publication/statement_queries.py); XlsxWriter
    and zlib."""
    digest = hashlib.sha256()
    modules = (statement_files, finance_workbook, finance_queries, sheets, statement_queries)
    for path in (__file__, *(module.__file__ for module in modules)):
        digest.update(Path(str(path)).read_bytes())
    code = digest.hexdigest()
    return f"{code}:{xlsxwriter.__version__}:{zlib.ZLIB_RUNTIME_VERSION}"


def _labels_version() -> str:
    """The label catalogue's bytes, as a digest (the registry's labels are in its tables)."""
    return hashlib.sha256(LABELS_FILE.read_bytes()).hexdigest()


def _table_shapes(con: duckdb.DuckDBPyConnection) -> str:
    """The columns (names and types) of the tables a statement is made of: the row digests see
    values as text, which a type change can leave as they were (1 as INTEGER or DECIMAL)."""
    return json.dumps([[table, table_columns(con, table)] for table in STATEMENT_TABLES])


def statement_digest(row: Sequence[object], stamp: dt.datetime, writer: str) -> str:
    """A digest of everything a statement's two files are made of: equal digests, equal bytes.

    ``row`` is the statement's row of STATEMENT_DIGESTS_SQL (its key, period type, line count,
    the digests of its payouts and lines and its user's row); ``writer`` names the code and the
    tables' columns."""
    text = json.dumps([list(row), stamp.isoformat(), writer], default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _reader(published_db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published copy; the build's memory limit (DuckDB's default
    is most of the machine) and no progress bar (it would go into the run's log)."""
    con = duckdb.connect(str(published_db), read_only=True)
    con.execute("set enable_progress_bar = false")
    con.execute("set memory_limit = ?", [duckdb_memory_limit()])
    return con


def _write_chosen(
    con: duckdb.DuckDBPyConnection,
    chosen: Sequence[tuple[tuple, Path]],
    stamp: dt.datetime,
    lang: str,
) -> int:
    """Write the ``chosen`` statements (key, file stem without suffix), their rows read on
    ``con`` one statement at a time; returns how many."""
    stems = dict(chosen)
    curves: dict[object, list[dict[str, object]]] = {}
    for segment in records(con, CURVES_SQL):
        curves.setdefault(segment["plan_id"], []).append(segment)
    text = labels(lang)
    written = 0
    for key, header, payouts, own in statement_rows(con, list(stems)):
        stem = stems[key]
        keys = dict(zip(STATEMENT_KEY, key, strict=True))
        statement_workbook(
            header,
            payouts,
            own,
            curves.get(keys["plan_id"], []),
            stamp,
            stem.with_name(stem.name + ".xlsx"),
            text,
        )
        statement_csv(own, keys, stem.with_name(stem.name + ".csv"))
        written += 1
    return written


def _write_slice(
    published_db: Path, chosen: Sequence[tuple[tuple, Path]], stamp: dt.datetime, lang: str
) -> int:
    """A worker's share: it reads its statements' rows itself, on a read-only connection of its
    own. Handing every row over from the parent cost more than writing them at the large scale
    (reading 3.6M lines into dicts and pickling them, in one process; docs/BENCHMARKS.md)."""
    con = _reader(published_db)
    try:
        return _write_chosen(con, chosen, stamp, lang)
    finally:
        con.close()


# Below this many statements one process writes them all (starting workers costs more).
PARALLEL_FROM = 400
# Each worker's share is cut into a few slices of at least SLICE statements, so that a worker
# done early takes another: each slice costs one scan of the lines (about a second at large).
SLICE = 200
SLICES_PER_WORKER = 4


def statement_workers(count: int, cpus: int | None = None) -> int:
    """How many processes write ``count`` statements: one per CPU for a large set, else one.

    XlsxWriter writes cell by cell XML in pure Python, so a year of a large sales force's
    statements is minutes on one core (docs/BENCHMARKS.md); the files are independent, so the
    work splits across processes with the same bytes as a single writer."""
    cpus = cpus if cpus is not None else (os.cpu_count() or 1)
    return 1 if count < PARALLEL_FROM else max(1, min(cpus, count // (PARALLEL_FROM // 2)))


def slices(items: Sequence[T], workers: int) -> list[Sequence[T]]:
    """``items`` cut in order into up to SLICES_PER_WORKER slices per worker of at least SLICE
    items each (the last may be shorter)."""
    if not items:
        return []
    count = max(1, min(workers * SLICES_PER_WORKER, len(items) // max(1, SLICE)))
    size = -(-len(items) // count)
    return [items[start : start + size] for start in range(0, len(items), size)]


def _write_all(
    con: duckdb.DuckDBPyConnection,
    published_db: Path,
    chosen: Sequence[tuple[tuple, Path]],
    stamp: dt.datetime,
    lang: str,
    meanwhile: Callable[[], None],
) -> int:
    """Write the ``chosen`` statements (in key order); returns how many. ``meanwhile`` (the
    finance workbook) runs in this process while the workers write.

    Fewer than PARALLEL_FROM are written here, on ``con``. Otherwise spawned workers (as many as
    statement_workers gives, bound to this process: they die with the run) take slices of
    them, each reading its slice's rows from the published copy: memory holds one statement
    per process whatever the number of statements."""
    workers = statement_workers(len(chosen))
    if workers == 1:
        written = _write_chosen(con, chosen, stamp, lang)
        meanwhile()
        return written
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn_context()) as pool:
        futures = [
            pool.submit(_write_slice, published_db, part, stamp, lang)
            for part in slices(chosen, workers)
        ]
        try:
            meanwhile()
            return sum(future.result() for future in futures)
        finally:
            for future in futures:
                future.cancel()


def write_statements(
    published_db: Path, reports_dir: Path, lang: str = DEFAULT_LANGUAGE
) -> StatementsWritten:
    """Write every statement and the finance workbook from the published copy, in ``lang``.

    The new set is written into a sibling folder and swapped in whole, so a reader never finds a
    mix of two runs and statements of periods that no longer exist do not linger.
    """
    target = reports_dir / "statements"
    staging = reports_dir / ".statements.tmp"
    folders.fresh(staging)
    con = _reader(published_db)
    try:
        as_of = con.execute("select max(as_of_date) from payouts").fetchall()[0][0]
        stamp = dt.datetime.combine(as_of or dt.date(1980, 1, 1), dt.time())
        previous = statement_reuse.read_digests(target)
        stamps = statement_reuse.read_stamps(target)
        # The language and its catalogue shape the bytes too (core/labels.yml, core/i18n.py).
        # Every statement shows its plan's curve: the curves' rows count for all of them.
        curve_rows = con.execute(
            "select sha256(coalesce(string_agg(to_json(curves), chr(10) "
            "order by plan_id, attainment_from), '')) from dim_payout_curves as curves"
        ).fetchall()[0][0]
        writer = f"{_writer_version()}:{_table_shapes(con)}:{curve_rows}:{lang}:{_labels_version()}"
        orphan = con.execute(ORPHAN_LINES_SQL).fetchall()
        if orphan:
            line_id, *key = orphan[0]
            raise RuntimeError(f"a payout line has no payout to go with: {line_id} for {key}")
        inputs: dict[str, str] = {}
        digests: dict[str, dict[str, str]] = {}  # what the new folder's .digests.json keeps
        names: dict[tuple, str] = {}  # the statements to write, by key
        made_by: dict[str, tuple[object, object]] = {}
        lines = 0
        for row in con.execute(STATEMENT_DIGESTS_SQL).fetchall():
            user_id, plan_id, period_start, period_type, line_count = row[:5]
            lines += line_count
            label = period_label(str(period_type), period_start)
            header = json.loads(row[-1]) if row[-1] else {}
            name = statement_stem(label, user_id, header.get("full_name"), plan_id)
            if name in made_by:
                raise RuntimeError(
                    f"the statements of {made_by[name]} and of {(user_id, plan_id)} would "
                    f"both be written to {name}: ids that differ only in characters a file "
                    "name cannot hold; rename one of them"
                )
            made_by[name] = (user_id, plan_id)
            inputs[name] = statement_digest(row, stamp, writer)
            (staging / label).mkdir(exist_ok=True)
            recorded = previous.get(name, {})
            if recorded.get("inputs") == inputs[name] and statement_reuse.reuse(
                target, staging, name, recorded, stamps
            ):
                digests[name] = recorded
            else:
                names[(user_id, plan_id, period_start)] = name

        finance = "finance_workbook.xlsx"

        def write_finance() -> None:
            digests[finance] = finance_workbook.finance_workbook(
                con,
                stamp,
                staging / finance,
                target / finance,
                previous.get(finance, {}),
                stamps,
                f"{_writer_version()}:{lang}:{_labels_version()}",
                labels(lang),
            )

        written_now = set(names.values())
        chosen = [(key, staging / name) for key, name in names.items()]
        written = _write_all(con, published_db, chosen, stamp, lang, write_finance)
        if written != len(written_now):
            raise RuntimeError(f"wrote {written} of {len(written_now)} statements")
        # A linked statement has its record (its bytes were checked against it); a written
        # one is hashed once, here.
        for name in written_now:
            digests[name] = statement_reuse.recorded_digests(
                inputs[name], staging, name, statement_reuse.STATEMENT_FILES
            )
        (staging / statement_reuse.DIGESTS).write_text(
            json.dumps(digests, indent=0, sort_keys=True), encoding="utf-8"
        )
        files = [f"{name}{suffix}" for name in inputs for suffix in statement_reuse.STATEMENT_FILES]
        statement_reuse.write_stamps(staging, [*files, finance])
        payroll = write_payroll(con, reports_dir)
    finally:
        con.close()
    folders.swap_in(staging, target)
    return StatementsWritten(
        folder=target,
        statements=len(inputs),
        lines=lines,
        finance_workbook=target / "finance_workbook.xlsx",
        reused=len(inputs) - len(written_now),
        payroll=tuple(payroll),
    )
