"""Read one landed file into a DuckDB table of text columns, whatever its format.

Every reader produces the same shape: a table whose columns are the file's headers (as text) plus
``__line``, the record's line in the file, so that typing and quarantine are one code path for all
formats. DuckDB's own readers do the heavy lifting for CSV and Parquet; XLSX goes through openpyxl
and JSON Lines through the standard library so that one broken line is quarantined, not fatal.
"""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd

from core.sql import quote_ident
from ingest.text_files import FileRejected as FileRejected
from ingest.text_files import profile_text, sniff_delimiter, utf8_text

LINE_COLUMN = "__line"
_BROKEN_LINE_COLUMN = "__broken"
RAW_LINE_COLUMN = "__raw_text"  # the text of a line that could not be parsed (JSON Lines)


def _create_from_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Stage a frame that already carries ``__line`` (XLSX, JSON Lines) as rows plus a view."""
    rows = quote_ident(table + "_rows")
    con.register("__frame", frame)
    try:
        con.execute(f"create or replace temp table {rows} as select * from __frame")
    finally:
        con.unregister("__frame")
    con.execute(f"create or replace temp view {quote_ident(table)} as select * from {rows}")


def drop_stage(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Free what staging one file held (the view first, then its tables)."""
    con.execute(f"drop view if exists {quote_ident(table)}")
    for suffix in ("_numbered", "_rows"):
        con.execute(f"drop table if exists {quote_ident(table + suffix)}")


def read_header(path: Path, delim: str, skip: int = 0) -> list[str]:
    """The header record (it may itself contain quoted newlines), checked for duplicates."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        for _ in range(skip):
            handle.readline()
        try:
            header = next(csv.reader(handle, delimiter=delim))
        except StopIteration:
            header = []
        except csv.Error as exc:
            raise FileRejected(f"broken CSV structure in the header: {exc}") from exc
    if not any(name.strip() for name in header):
        raise FileRejected("empty file: no header line")
    check_unique_headers(header)
    return header


def check_unique_headers(header: list[str]) -> None:
    seen: set[str] = set()
    for name in header:
        if name.strip() and name.strip() in seen:
            raise FileRejected(f"duplicate header {name.strip()!r} (header line)")
        seen.add(name.strip())


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
    if path.stat().st_size == 0:
        raise FileRejected("empty file")
    profile = profile_text(path)
    with utf8_text(path, profile) as (text_path, physical_lines):
        delim, skip = sniff_delimiter(text_path)
        raw_header = [name.strip() for name in read_header(text_path, delim, skip)]
        columns = {name: "VARCHAR" for name in _unique(raw_header)}
        rows = quote_ident(table + "_rows")
        try:
            # Columns are ours, not the sniffer's (it types money as DOUBLE and can mistake a
            # ragged row for the header); strict_mode rejects ragged rows and broken quoting.
            # The header is read as a record too (header = false): with header = true DuckDB
            # silently returned no rows at all for a header with broken quoting.
            con.execute(
                f"create or replace temp table {rows} as "
                "select * from read_csv(?, header = false, columns = ?, delim = ?, skip = ?, "
                "quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
                "auto_detect = false)",
                [str(text_path), columns, delim, skip],
            )
        except duckdb.Error as exc:
            message = str(exc).splitlines()[0]
            raise FileRejected(f"broken CSV structure: {message}") from exc
        [(first_rowid, records)] = con.execute(
            f"select min(rowid), count(*) from {rows}"
        ).fetchall()
        _drop_header_record(con, rows, first_rowid, raw_header)
        if records + skip == physical_lines:
            # One record per line: the line is the row's position (header = line 1 + skip).
            _line_view(con, table, rows, f"rowid - {int(first_rowid)} + {1 + skip}")
            return
        # Blank lines (which DuckDB skips) or quoted newlines: take each record's first line
        # from the csv module so that quarantine points at the right line.
        starts = _record_start_lines(text_path, delim, skip, records)
    frame = pd.DataFrame({"ordinal": range(records), "line": starts})
    numbered = quote_ident(table + "_numbered")
    con.register("__line_map", frame)
    try:
        con.execute(
            f"create or replace temp table {numbered} as "
            f"select line_map.line as {LINE_COLUMN}, source.* from {rows} as source "
            f"inner join __line_map as line_map "
            f"on source.rowid - {int(first_rowid)} = line_map.ordinal"
        )
    finally:
        con.unregister("__line_map")
    con.execute(f"create or replace temp view {quote_ident(table)} as select * from {numbered}")


def _line_view(con: duckdb.DuckDBPyConnection, table: str, rows: str, line_expr: str) -> None:
    """The staged rows as a view that adds ``__line`` without copying them."""
    con.execute(
        f"create or replace temp view {quote_ident(table)} as "
        f"select {line_expr} as {LINE_COLUMN}, * from {rows}"
    )


def _record_start_lines(path: Path, delim: str, skip: int, records: int) -> list[int]:
    """The physical line on which each record (header included) starts, by the csv module."""
    starts: list[int] = []
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        for _ in range(skip):
            handle.readline()
        reader = csv.reader(handle, delimiter=delim, strict=True)
        previous_end = skip
        try:
            for record in reader:
                if record:
                    starts.append(previous_end + 1)
                previous_end = reader.line_num + skip
        except csv.Error as exc:
            raise FileRejected(f"broken CSV structure: {exc}") from exc
    if len(starts) != records:
        raise FileRejected(
            f"broken CSV structure: {records} records read but {len(starts)} found line by line"
        )
    return starts


def _drop_header_record(
    con: duckdb.DuckDBPyConnection, rows: str, first_rowid: int, header: list[str]
) -> None:
    """Remove the header record after checking DuckDB read the same header as the csv module."""
    row = con.execute(f"select * from {rows} where rowid = ?", [first_rowid]).fetchone()
    read = [(value or "").strip() for value in row] if row is not None else []
    if read != header:
        raise FileRejected("broken CSV structure: the header line could not be read consistently")
    con.execute(f"delete from {rows} where rowid = ?", [first_rowid])


# Limits that keep memory bounded whatever a file declares or contains; past one, the file is
# rejected as a whole, naming the limit. Excel's own sheet limits, and a line of an export is
# never near a mebibyte.
MAX_XLSX_ROWS = 1_048_576
MAX_XLSX_COLUMNS = 1_024
MAX_CELL_CHARS = 32_767
MAX_XLSX_UNCOMPRESSED = 1 << 30  # bytes of XML inside the workbook
MAX_LINE_BYTES = 1 << 20  # a CSV or JSON Lines line


def _check_xlsx_size(path: Path) -> None:
    """Reject a workbook whose parts inflate past MAX_XLSX_UNCOMPRESSED (a zip bomb), before
    any XML is parsed."""
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRejected(f"unreadable XLSX workbook: {exc}") from exc
    if inflated > MAX_XLSX_UNCOMPRESSED:
        raise FileRejected(
            f"XLSX workbook too large: {inflated:,} bytes uncompressed "
            f"(at most {MAX_XLSX_UNCOMPRESSED:,})"
        )


def _xlsx_rows(path: Path) -> Iterator[tuple[object, ...]]:
    """The first sheet's rows as they are in the file, one at a time, within the limits.

    openpyxl's read-only mode streams the XML, but pads every row to the sheet's *declared*
    dimension (a small file declaring A1:XFD1048576 took gigabytes): the declared dimension is
    dropped (``reset_dimensions``), so a row is as wide as its last cell. openpyxl rather than
    python-calamine: calamine builds the whole sheet as one dense range, as large as the
    distance between its first and last cell, so it needs the same guards and more memory."""
    from openpyxl import load_workbook

    _check_xlsx_size(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FileRejected(f"unreadable XLSX workbook: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_XLSX_ROWS:
                raise FileRejected(f"more than {MAX_XLSX_ROWS:,} rows in the first sheet")
            while row and row[-1] is None:
                row = row[:-1]
            if len(row) > MAX_XLSX_COLUMNS:
                raise FileRejected(
                    f"row {number} has cells beyond column {MAX_XLSX_COLUMNS:,} ({len(row):,})"
                )
            for column, value in enumerate(row, start=1):
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    raise FileRejected(
                        f"row {number}, column {column}: a cell of {len(value):,} characters "
                        f"(at most {MAX_CELL_CHARS:,})"
                    )
            yield row
    finally:
        workbook.close()


def read_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, header_hint: set[str]
) -> None:
    """First sheet only; the header row is the first row naming at least two known columns."""
    from ingest.contract import normalise_header

    rows = _xlsx_rows(path)
    header: list[str] | None = None
    header_line = 0
    for number, row in enumerate(rows, start=1):
        names = {normalise_header(str(v)) for v in row if v is not None}
        if len(names & header_hint) >= 2:
            header = [str(v).strip() if v is not None else "" for v in row]
            header_line = number
            break
        if number >= 20:
            break
    if header is None:
        raise FileRejected("no header row found in the first 20 rows of the first sheet")
    while header and header[-1] == "":
        header.pop()
    check_unique_headers(header)
    records = []
    lines = []
    for offset, row in enumerate(rows, start=header_line + 1):
        values = [_cell_text(v) for v in row[: len(header)]]
        if all(v is None for v in values):
            continue
        values += [None] * (len(header) - len(values))
        records.append(values)
        lines.append(offset)
    frame = pd.DataFrame(records, columns=_unique(header), dtype="object")
    frame[LINE_COLUMN] = pd.Series(lines, dtype="int64")
    _create_from_frame(con, table, frame)


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        name = name or "column"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def read_jsonl(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
    """One JSON object per line; a broken line becomes a quarantined record, not a lost one."""
    profile = profile_text(path)
    encoding = "utf-16" if profile.encoding == "utf-16" else profile.encoding
    records: list[dict[str, object]] = []
    with path.open("r", encoding=encoding) as handle:
        for number, line in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 1), ""), 1):
            if len(line) > MAX_LINE_BYTES:
                raise FileRejected(f"line {number} is longer than {MAX_LINE_BYTES:,} characters")
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("not a JSON object")
            except ValueError as exc:
                records.append(
                    {
                        LINE_COLUMN: number,
                        _BROKEN_LINE_COLUMN: f"broken JSON: {exc}",
                        RAW_LINE_COLUMN: line.rstrip("\r\n"),
                    }
                )
                continue
            row: dict[str, object] = {
                k: (
                    None if v is None else (json.dumps(v) if isinstance(v, dict | list) else str(v))
                )
                for k, v in obj.items()
            }
            row[LINE_COLUMN] = number
            records.append(row)
    if not records:
        raise FileRejected("empty file: no JSON records")
    frame = pd.DataFrame.from_records(records).astype("object")
    frame[LINE_COLUMN] = frame[LINE_COLUMN].astype("int64")
    _create_from_frame(con, table, frame)


def read_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
    try:
        columns = [
            row[0]
            for row in con.execute(
                "select name from parquet_schema(?) where num_children is null", [str(path)]
            ).fetchall()
        ]
        select = ", ".join(
            f"cast({quote_ident(n)} as varchar) as {quote_ident(n)}" for n in columns
        )
        rows = quote_ident(table + "_rows")
        con.execute(
            f"create or replace temp table {rows} as select {select} from read_parquet(?)",
            [str(path)],
        )
    except duckdb.Error as exc:
        raise FileRejected(f"unreadable Parquet file: {str(exc).splitlines()[0]}") from exc
    [(first_rowid,)] = con.execute(f"select coalesce(min(rowid), 0) from {rows}").fetchall()
    _line_view(con, table, rows, f"rowid - {int(first_rowid)} + 1")


BROKEN_LINE_COLUMN = _BROKEN_LINE_COLUMN


def read_any(con: duckdb.DuckDBPyConnection, path: Path, table: str, header_hint: set[str]) -> None:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        read_csv(con, path, table)
    elif suffix in (".xlsx", ".xlsm"):
        read_xlsx(con, path, table, header_hint)
    elif suffix in (".jsonl", ".ndjson", ".json"):
        read_jsonl(con, path, table)
    elif suffix == ".parquet":
        read_parquet(con, path, table)
    else:
        raise FileRejected(f"unsupported file format {suffix or '(none)'}")
