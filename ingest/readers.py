"""Read one landed file into a DuckDB table of text columns, whatever its format.

Every reader produces the same shape: a table whose columns are the file's headers (as text) plus
``__line``, the record's line in the file, so that typing and quarantine are one code path for all
formats. DuckDB's own readers do the heavy lifting for CSV and Parquet; XLSX goes through openpyxl
and JSON Lines through the standard library so that one broken line is quarantined, not fatal.
"""

from __future__ import annotations

import codecs
import csv
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

LINE_COLUMN = "__line"
_BROKEN_LINE_COLUMN = "__broken"
_SNIFF_BYTES = 1 << 16


class FileRejected(Exception):
    """The whole file cannot be taken; the message names the reason (the loader adds the file)."""


def quote_ident(name: str) -> str:
    """Quote an identifier for DuckDB: a header can never become SQL."""
    return '"' + name.replace('"', '""') + '"'


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or GB18030 (a superset of GBK, as Chinese Excel saves CSV).

    The whole file is decoded incrementally, so a stray byte at the end is found, not guessed.
    """
    with path.open("rb") as handle:
        head = handle.read(3)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise FileRejected("unreadable encoding: the file is neither UTF-8 nor GBK/GB18030")


@contextmanager
def utf8_copy(path: Path, encoding: str) -> Iterator[Path]:
    """Yield a UTF-8 (no BOM) path with the file's text: the file itself when already UTF-8."""
    if encoding == "utf-8":
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="scorecards-") as tmp:
        target = Path(tmp) / (path.stem + ".utf8.csv")
        with (
            path.open("r", encoding=encoding, newline="") as src,
            target.open("w", encoding="utf-8", newline="") as dst,
        ):
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        yield target


def sniff_delimiter(path: Path) -> str:
    """Pick the delimiter by counting candidates on the header line (outside quotes)."""
    with path.open("r", encoding="utf-8", newline="") as handle:
        header = handle.readline()
    counts = {delim: 0 for delim in (",", ";", "\t", "|")}
    in_quotes = False
    for char in header:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda delim: counts[delim])
    return best if counts[best] > 0 else ","


def _create_from_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.register("__frame", frame)
    try:
        con.execute(f"create or replace temp table {quote_ident(table)} as select * from __frame")
    finally:
        con.unregister("__frame")


def read_header(path: Path, delim: str) -> list[str]:
    """The header record (it may itself contain quoted newlines), checked for duplicates."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
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
            raise FileRejected(f"duplicate header {name.strip()!r}")
        seen.add(name.strip())


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
    if path.stat().st_size == 0:
        raise FileRejected("empty file")
    encoding = detect_encoding(path)
    with utf8_copy(path, encoding) as text_path:
        delim = sniff_delimiter(text_path)
        raw_header = [name.strip() for name in read_header(text_path, delim)]
        columns = {name: "VARCHAR" for name in _unique(raw_header)}
        try:
            # Columns are ours, not the sniffer's (it types money as DOUBLE and can mistake a
            # ragged row for the header); strict_mode rejects ragged rows and broken quoting.
            # The header is read as a record too (header = false): with header = true DuckDB
            # silently returned no rows at all for a header with broken quoting.
            con.execute(
                f"create or replace temp table {quote_ident(table)} as "
                "select * from read_csv(?, header = false, columns = ?, delim = ?, "
                "quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
                "auto_detect = false)",
                [str(text_path), columns, delim],
            )
        except duckdb.Error as exc:
            message = str(exc).splitlines()[0]
            raise FileRejected(f"broken CSV structure: {message}") from exc
    _number_lines(con, table, first_data_line=1)
    _drop_header_record(con, table, raw_header)


def _drop_header_record(con: duckdb.DuckDBPyConnection, table: str, header: list[str]) -> None:
    """Remove line 1 after checking that DuckDB read the same header as the csv module did."""
    name = quote_ident(table)
    first = con.execute(f"select * exclude ({LINE_COLUMN}) from {name} where {LINE_COLUMN} = 1")
    row = first.fetchone()
    read = [(value or "").strip() for value in row] if row is not None else []
    if read != header:
        raise FileRejected("broken CSV structure: the header line could not be read consistently")
    con.execute(f"delete from {name} where {LINE_COLUMN} = 1")


def read_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, header_hint: set[str]
) -> None:
    """First sheet only; the header row is the first row naming at least two known columns."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FileRejected(f"unreadable XLSX workbook: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    from ingest.contract import normalise_header

    header_index = None
    for index, row in enumerate(rows[:20]):
        names = {normalise_header(str(v)) for v in row if v is not None}
        if len(names & header_hint) >= 2:
            header_index = index
            break
    if header_index is None:
        raise FileRejected("no header row found in the first 20 rows of the first sheet")
    header = [str(v).strip() if v is not None else "" for v in rows[header_index]]
    while header and header[-1] == "":
        header.pop()
    check_unique_headers(header)
    records = []
    lines = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
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
    encoding = detect_encoding(path)
    records: list[dict[str, object]] = []
    with path.open("r", encoding=encoding) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("not a JSON object")
            except ValueError as exc:
                records.append({LINE_COLUMN: number, _BROKEN_LINE_COLUMN: f"broken JSON: {exc}"})
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
        con.execute(
            f"create or replace temp table {quote_ident(table)} as "
            f"select {select} from read_parquet(?)",
            [str(path)],
        )
    except duckdb.Error as exc:
        raise FileRejected(f"unreadable Parquet file: {str(exc).splitlines()[0]}") from exc
    _number_lines(con, table, first_data_line=1)


def _number_lines(con: duckdb.DuckDBPyConnection, table: str, first_data_line: int) -> None:
    """Add ``__line`` from insertion order (DuckDB preserves it on CREATE TABLE AS).

    Temp-table row ids start at an offset, so the first row's id is subtracted. For a CSV whose
    quoted fields span lines this is the record's number (header = line 1), not its physical line.
    """
    name = quote_ident(table)
    con.execute(
        f"create or replace temp table {name} as "
        f"select rowid - (select min(rowid) from {name}) + ? as {LINE_COLUMN}, * from {name}",
        [first_data_line],
    )


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
