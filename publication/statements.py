"""Payout statements for people: one XLSX per rep and plan period with a CSV twin, and a finance
workbook with the payout register and the reconciliations.

They are read from the *published* copy, after publication, so a statement can never show a
figure that did not pass the gate. Every text cell is written as text: a value that starts with
``=``, ``+``, ``-`` or ``@`` (a customer called ``=HYPERLINK(...)``) is stored as a string with
Excel's quote prefix in XLSX and behind a leading apostrophe in CSV, so no spreadsheet evaluates
it. The files are rewritten as a whole (a new folder swapped in), and their zip entries carry a
fixed timestamp, so the same publication gives the same bytes.

A statement whose content did not change since the last export is not written again: the folder
keeps a digest of each statement's inputs (``.digests.json``: its rows, the as-of stamp and this
module's code) and of the files written from them, and an unchanged statement (or finance
workbook) whose files still have those bytes (nobody edited them) is linked from the previous
folder into the new one. A run for one new month rewrites only the statements that month
touched; the same bytes either way (a test writes both ways and compares). The digests of the
rows are taken in DuckDB, so only the statements to write are read into Python: at the large
scale reading all 3.6M payout lines to digest them took over a minute and a half, the digests
in DuckDB about 8 s.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
import json
import os
import re
import shutil
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
from openpyxl import Workbook

from core.children import spawn_context
from core.settings import duckdb_memory_limit
from publication import sheets, statement_reuse
from publication.sheets import (
    HEADER_FONT,
    column_widths,
    csv_safe,
    save_workbook,
    set_cell,
    write_table,
)

MONEY_FORMAT = "#,##0.00;-#,##0.00"
RATIO_FORMAT = "0.000000"
SUMMARY_COLUMNS = (
    ("metric", None),
    ("weight", RATIO_FORMAT),
    ("target", MONEY_FORMAT),
    ("actual", MONEY_FORMAT),
    ("attainment", RATIO_FORMAT),
    ("capped_attainment", RATIO_FORMAT),
    ("payout_basis", None),
    ("payout_fraction", RATIO_FORMAT),
    ("prorated_incentive", MONEY_FORMAT),
    ("earned_amount", MONEY_FORMAT),
    ("clawback_amount", MONEY_FORMAT),
    ("payout_amount", MONEY_FORMAT),
)
LINE_COLUMNS = (
    ("metric", None),
    ("line_type", None),
    ("original_period_start", None),
    ("source_system", None),
    ("source_entity", None),
    ("document_id", None),
    ("transaction_date", None),
    ("currency", None),
    ("amount_original", MONEY_FORMAT),
    ("fx_rate", "0.00000000"),
    ("amount_base", MONEY_FORMAT),
    ("line_amount", MONEY_FORMAT),
    ("source_file", None),
    ("source_line", None),
)


@dataclass(frozen=True)
class StatementsWritten:
    """What one export wrote."""

    folder: Path
    statements: int
    lines: int
    finance_workbook: Path
    reused: int = 0  # statements unchanged since the last export, linked instead of written


def safe_file_part(value: str) -> str:
    """A user or plan id as a file-name part: anything but letters, digits, - and _ becomes _."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", value) or "_"


def period_label(period_type: str, period_start: dt.date) -> str:
    """2026-09 for a month, 2026-07_quarter for a fiscal quarter starting in July 2026."""
    label = period_start.strftime("%Y-%m")
    return label if period_type == "month" else f"{label}_{period_type}"


# Rows fetched at a time when statements are streamed: payout lines held as dicts cost about
# 2 KB each, and the large scale has millions of them (docs/BENCHMARKS.md).
BATCH_ROWS = 20_000


def _streamed(
    con: duckdb.DuckDBPyConnection, sql: str, parameters: Sequence[object] = ()
) -> Iterator[dict[str, object]]:
    """The rows of ``sql`` as dicts, fetched BATCH_ROWS at a time on a cursor of their own."""
    cursor = con.cursor()
    try:
        cursor.execute(sql, parameters or None)
        names = [column[0] for column in cursor.description]
        while batch := cursor.fetchmany(BATCH_ROWS):
            for row in batch:
                yield dict(zip(names, row, strict=True))
    finally:
        cursor.close()


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, object]]:
    return list(_streamed(con, sql))


STATEMENT_KEY = ("user_id", "plan_id", "period_start")
STATEMENT_TABLES = ("dim_users", "payouts", "payout_lines")
PAYOUT_ORDER = "metric, payout_id"
LINE_ORDER = "metric, line_type desc, transaction_date, line_id"
# The statements to write, by key: three parallel lists bound as parameters (a temporary table
# would not be seen by the cursors the rows are streamed on).
CHOSEN = """
    semi join (
        select unnest(?) as user_id, unnest(?) as plan_id, unnest(?) as period_start
    ) as chosen using (user_id, plan_id, period_start)
"""
PAYOUTS_SQL = (
    f"select * from payouts {CHOSEN} order by user_id, plan_id, period_start, {PAYOUT_ORDER}"
)
LINES_SQL = (
    f"select * from payout_lines {CHOSEN} order by user_id, plan_id, period_start, {LINE_ORDER}"
)
# One row per statement, in key order: its folder's period type, its number of lines and the
# digests of its rows (every column, as JSON text: decimals keep their scale), of its payouts
# and of its lines each in the order the statement shows them, and its user's row. Each row is
# digested first and the statement's digests joined: joining the rows' text held three times
# the memory in DuckDB at the large scale, and took longer (docs/BENCHMARKS.md).
STATEMENT_DIGESTS_SQL = f"""
    with payout_digests as (
        select
            user_id,
            plan_id,
            period_start,
            first(period_type order by {PAYOUT_ORDER}) as period_type,
            sha256(string_agg(sha256(to_json(payouts)), '' order by {PAYOUT_ORDER})) as payouts,
        from payouts
        group by user_id, plan_id, period_start
    ),

    line_digests as (
        select
            user_id,
            plan_id,
            period_start,
            count(*) as line_count,
            sha256(
                string_agg(sha256(to_json(payout_lines)), '' order by {LINE_ORDER})
            ) as lines,
        from payout_lines
        group by user_id, plan_id, period_start
    ),

    user_rows as (
        select
            user_id,
            to_json(dim_users) as user_row,
        from dim_users
    )

    select
        payout_digests.user_id,
        payout_digests.plan_id,
        payout_digests.period_start,
        payout_digests.period_type,
        coalesce(line_digests.line_count, 0) as line_count,
        payout_digests.payouts,
        line_digests.lines,
        user_rows.user_row,
    from payout_digests
    left join line_digests
        on payout_digests.user_id is not distinct from line_digests.user_id
        and payout_digests.plan_id is not distinct from line_digests.plan_id
        and payout_digests.period_start is not distinct from line_digests.period_start
    left join user_rows
        on payout_digests.user_id = user_rows.user_id
    order by payout_digests.user_id, payout_digests.plan_id, payout_digests.period_start
"""
# A line whose key has no payout would be in no statement: it stops the export.
ORPHAN_LINES_SQL = """
    select line_id, user_id, plan_id, period_start
    from payout_lines
    where not exists (
        select 1
        from payouts
        where payouts.user_id is not distinct from payout_lines.user_id
            and payouts.plan_id is not distinct from payout_lines.plan_id
            and payouts.period_start is not distinct from payout_lines.period_start
    )
    order by line_id
    limit 1
"""


def _statements(
    con: duckdb.DuckDBPyConnection, chosen: Sequence[tuple]
) -> Iterator[tuple[tuple, list[dict[str, object]], list[dict[str, object]]]]:
    """The ``chosen`` statements' keys, payouts and lines, in key order, read in step from two
    sorted streams so that one statement's rows are in memory at a time. Both are sorted on the
    key first, so a statement's lines follow each other and come in its turn; a line left over
    (out of order) stops the export instead of going missing."""
    if not chosen:
        return
    keys = [list(column) for column in zip(*chosen, strict=True)]
    lines = _streamed(con, LINES_SQL, keys)
    line = next(lines, None)
    for key, group in itertools.groupby(
        _streamed(con, PAYOUTS_SQL, keys),
        key=lambda row: tuple(row[name] for name in STATEMENT_KEY),
    ):
        payouts = list(group)
        own: list[dict[str, object]] = []
        while line is not None and tuple(line[name] for name in STATEMENT_KEY) == key:
            own.append(line)
            line = next(lines, None)
        yield key, payouts, own
    if line is not None:
        raise RuntimeError(
            "a payout line has no payout to go with (or the lines are out of order): "
            f"{line.get('line_id')} for {tuple(line[name] for name in STATEMENT_KEY)}"
        )


def _statement_workbook(
    user: dict[str, object],
    payouts: list[dict[str, object]],
    lines: list[dict[str, object]],
    stamp: dt.datetime,
    path: Path,
) -> None:
    first = payouts[0]
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Statement"
    status = str(first["period_status"])
    headings = {
        "open": "PROVISIONAL (period open)",
        "ended": "ENDED (month not closed yet)",
        "paid": "PAID (month closed)",
    }
    facts = (
        ("Payout statement", headings.get(status, status.upper())),
        ("Rep", f"{first['user_id']} {user.get('full_name') or ''}".strip()),
        ("Plan", first["plan_id"]),
        ("Period", f"{first['period_start']} to {first['period_end']} ({first['period_type']})"),
        ("Currency", first["currency"] or ""),
        ("As of", first["as_of_date"]),
    )
    for row, (label, value) in enumerate(facts, start=1):
        set_cell(ws, row, 1, label).font = HEADER_FONT
        set_cell(ws, row, 2, value)
    row = write_table(ws, len(facts) + 2, SUMMARY_COLUMNS, payouts)
    set_cell(ws, row, 1, "Total").font = HEADER_FONT
    total = sum((Decimal(p["payout_amount"]) for p in payouts), Decimal("0.00"))
    set_cell(ws, row, len(SUMMARY_COLUMNS), total, MONEY_FORMAT).font = HEADER_FONT
    lines_header = row + 2
    write_table(ws, lines_header, LINE_COLUMNS, lines)
    ws.freeze_panes = ws.cell(row=lines_header + 1, column=1)
    column_widths(ws, max(len(SUMMARY_COLUMNS), len(LINE_COLUMNS)))
    save_workbook(workbook, path, stamp)


def _statement_csv(lines: list[dict[str, object]], payout_keys: dict[str, object], path: Path):
    names = ["user_id", "plan_id", "period_start"] + [name for name, _ in LINE_COLUMNS]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        for line in lines:
            record = {**payout_keys, **line}
            writer.writerow(["" if record.get(n) is None else csv_safe(record[n]) for n in names])


FINANCE_SHEETS = (
    ("Payout register", "payouts", "period_start, user_id, plan_id, metric, payout_id"),
    ("Reconciliation", "reconciliation_monthly", "month_start, metric"),
    ("Statement check", "reconciliation_payouts", "payout_id"),
)


def _finance_workbook(
    con: duckdb.DuckDBPyConnection,
    stamp: dt.datetime,
    path: Path,
    previous: Path,
    recorded: dict[str, str],
    stamps: dict[str, str],
) -> dict[str, str]:
    """Write the finance workbook at ``path`` (or link the previous export's, ``previous``, when
    its inputs and bytes are as ``recorded``, or its stamp as in ``stamps``); returns what to
    record of it. Every payout is a
    row of it: at 30,000 payouts openpyxl takes over half a minute, which a run that changed no
    payout need not spend. Its sheets' rows are digested in DuckDB (with their columns' names
    and types) and read into Python only to be written."""
    shapes = []
    for title, table, order in FINANCE_SHEETS:
        sheet = con.execute(
            f"select sha256(coalesce(string_agg(to_json(sheet), chr(10) order by {order}), '')) "
            f'from "{table}" as sheet'
        ).fetchall()[0][0]
        shapes.append([title, sheet, _columns(con, table)])
    text = json.dumps([shapes, stamp.isoformat(), _writer_version()], sort_keys=True)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    same = recorded.get("inputs") == digest
    if same and statement_reuse.reuse(
        previous.parent, path.parent, previous.name, recorded, stamps, ("",)
    ):
        return recorded  # the same inputs and, checked just now, the same bytes
    workbook = Workbook()
    for index, (title, table, order) in enumerate(FINANCE_SHEETS):
        ws = workbook.active if index == 0 else workbook.create_sheet()
        ws.title = title
        sql = f'select * from "{table}" order by {order}'
        columns = [(name, _format_for(name)) for name, _ in shapes[index][2]]
        write_table(ws, 1, columns, _records(con, sql))
        ws.freeze_panes = "A2"
        column_widths(ws, len(columns))
    save_workbook(workbook, path, stamp)
    return statement_reuse.recorded_digests(digest, path.parent, path.name, ("",))


def _format_for(name: str) -> str | None:
    if name.endswith(("amount", "total", "incentive", "difference", "target", "actual")):
        return MONEY_FORMAT
    if name in ("weight", "attainment", "capped_attainment", "payout_fraction", "threshold", "cap"):
        return RATIO_FORMAT
    return None


@dataclass(frozen=True)
class _StatementJob:
    """One rep's statement for one plan period: its XLSX and CSV twin (``stem`` + suffix)."""

    user: dict[str, object]
    payouts: list[dict[str, object]]
    lines: list[dict[str, object]]
    keys: dict[str, object]
    stem: Path


def _writer_version() -> str:
    """What else shapes a statement's bytes: this module's code and the sheet writer's
    (publication/sheets.py), openpyxl and zlib."""
    digest = hashlib.sha256()
    for module in (Path(__file__), Path(sheets.__file__)):
        digest.update(module.read_bytes())
    code = digest.hexdigest()
    return f"{code}:{openpyxl.__version__}:{zlib.ZLIB_RUNTIME_VERSION}"


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[list[str]]:
    """A table's column names and types, in order."""
    description = con.execute(f'select * from "{table}" limit 0').description
    return [[column[0], str(column[1])] for column in description]


def _table_shapes(con: duckdb.DuckDBPyConnection) -> str:
    """The columns (names and types) of the tables a statement is made of: the row digests see
    values as text, which a type change can leave as they were (1 as INTEGER or DECIMAL)."""
    return json.dumps([[table, _columns(con, table)] for table in STATEMENT_TABLES])


def statement_digest(row: Sequence[object], stamp: dt.datetime, writer: str) -> str:
    """A digest of everything a statement's two files are made of: equal digests, equal bytes.

    ``row`` is the statement's row of STATEMENT_DIGESTS_SQL (its key, period type, line count,
    the digests of its payouts and lines and its user's row); ``writer`` names the code and the
    tables' columns."""
    text = json.dumps([list(row), stamp.isoformat(), writer], default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_jobs(jobs: Sequence[_StatementJob], stamp: dt.datetime) -> int:
    for job in jobs:
        _statement_workbook(
            job.user, job.payouts, job.lines, stamp, job.stem.with_name(job.stem.name + ".xlsx")
        )
        _statement_csv(job.lines, job.keys, job.stem.with_name(job.stem.name + ".csv"))
    return len(jobs)


# Below this many statements one process writes them all (starting workers costs more); above
# it, chunks of this many go to the workers.
PARALLEL_FROM = 400
CHUNK = 200


def statement_workers(count: int, cpus: int | None = None) -> int:
    """How many processes write ``count`` statements: one per CPU for a large set, else one.

    openpyxl writes cell by cell XML in pure Python, so a year of a large sales force's
    statements is minutes on one core (docs/BENCHMARKS.md); the files are independent, so the
    work splits across processes with the same bytes as a single writer."""
    cpus = cpus if cpus is not None else (os.cpu_count() or 1)
    return 1 if count < PARALLEL_FROM else max(1, min(cpus, count // (PARALLEL_FROM // 2)))


def _write_all(
    jobs: Iterable[_StatementJob],
    expected: int,
    stamp: dt.datetime,
    meanwhile: Callable[[], None],
) -> int:
    """Write every statement of ``jobs`` as they come; returns how many. ``meanwhile`` (the
    finance workbook) runs in this process once every job is handed out, while the workers
    write the last ones.

    The first PARALLEL_FROM jobs are held; if there are that many, spawned workers (as many as
    statement_workers gives for the ``expected`` number of statements; they start as chunks
    arrive) take them in chunks of CHUNK, at most two chunks per worker in flight, so memory
    holds a few chunks whatever the number of statements. Fewer are written here."""
    held: list[_StatementJob] = []
    in_flight: deque[Future[int]] = deque()
    written = 0
    pool: ProcessPoolExecutor | None = None
    workers = 1
    try:
        for job in jobs:
            held.append(job)
            if pool is None and len(held) >= PARALLEL_FROM:
                workers = statement_workers(max(expected, len(held)))
                if workers > 1:
                    # Spawned, bound to this process (they die with the run).
                    pool = ProcessPoolExecutor(max_workers=workers, mp_context=spawn_context())
            while pool is not None and len(held) >= CHUNK:
                in_flight.append(pool.submit(_write_jobs, held[:CHUNK], stamp))
                held = held[CHUNK:]
                while len(in_flight) > 2 * workers:
                    written += in_flight.popleft().result()
        if pool is not None and held:
            in_flight.append(pool.submit(_write_jobs, held, stamp))
        elif pool is None:
            written += _write_jobs(held, stamp)
        meanwhile()
        while in_flight:
            written += in_flight.popleft().result()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return written


def write_statements(published_db: Path, reports_dir: Path) -> StatementsWritten:
    """Write every statement and the finance workbook from the published copy.

    The new set is written into a sibling folder and swapped in whole, so a reader never finds a
    mix of two runs and statements of periods that no longer exist do not linger.
    """
    target = reports_dir / "statements"
    staging = reports_dir / ".statements.tmp"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    con = duckdb.connect(str(published_db), read_only=True)
    try:
        # No progress bar: the digests take seconds at scale, and it would go into the run's log.
        # The build's memory limit: DuckDB's default is most of the machine.
        con.execute("set enable_progress_bar = false")
        con.execute("set memory_limit = ?", [duckdb_memory_limit()])
        as_of = con.execute("select max(as_of_date) from payouts").fetchall()[0][0]
        stamp = dt.datetime.combine(as_of or dt.date(1980, 1, 1), dt.time())
        users = {u["user_id"]: u for u in _records(con, "select * from dim_users")}
        previous = statement_reuse.read_digests(target)
        stamps = statement_reuse.read_stamps(target)
        writer = f"{_writer_version()}:{_table_shapes(con)}"
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
            name = f"{label}/{safe_file_part(str(user_id))}_{safe_file_part(str(plan_id))}"
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

        def to_write() -> Iterator[_StatementJob]:
            """The statements whose files cannot be linked from the last export."""
            for key, payouts, own in _statements(con, list(names)):
                user_id, plan_id, period_start = key
                yield _StatementJob(
                    users.get(user_id, {}),
                    payouts,
                    own,
                    {"user_id": user_id, "plan_id": plan_id, "period_start": period_start},
                    staging / names[key],
                )

        finance = "finance_workbook.xlsx"

        def finance_workbook() -> None:
            digests[finance] = _finance_workbook(
                con, stamp, staging / finance, target / finance, previous.get(finance, {}), stamps
            )

        written_now = set(names.values())
        written = _write_all(to_write(), len(names), stamp, finance_workbook)
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
    finally:
        con.close()
    old = reports_dir / ".statements.old"
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        shutil.rmtree(old)
    return StatementsWritten(
        folder=target,
        statements=len(inputs),
        lines=lines,
        finance_workbook=target / "finance_workbook.xlsx",
        reused=len(inputs) - len(written_now),
    )
