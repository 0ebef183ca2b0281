"""Cells and workbooks a person can trust: text is never a formula (in XLSX or CSV), and equal
content saves as equal bytes (fixed document and zip timestamps)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.i18n import Labels

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def is_formula_like(value: str) -> bool:
    """True for text a spreadsheet would evaluate (or that OWASP lists as CSV injection)."""
    return value.startswith(FORMULA_PREFIXES)


def csv_safe(value: object) -> object:
    """A CSV cell that no spreadsheet evaluates: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def set_cell(ws: Worksheet, row: int, column: int, value: object, number_format: str | None = None):
    """Write one cell; text is always stored as text, never as a formula."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        cell = ws.cell(row=row, column=column, value=value)
        if number_format:
            cell.number_format = number_format
        return cell
    if isinstance(value, dt.date):
        cell = ws.cell(row=row, column=column, value=value.isoformat())
    else:
        cell = ws.cell(row=row, column=column, value=None if value is None else str(value))
    if cell.value is not None:
        cell.data_type = "s"
        if is_formula_like(cell.value):
            cell.quotePrefix = True
    return cell


def header_row(ws: Worksheet, row: int, names: Iterable[str]) -> None:
    for column, name in enumerate(names, start=1):
        cell = set_cell(ws, row, column, name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL


def write_table(
    ws: Worksheet,
    first_row: int,
    columns: Sequence[tuple[str, str | None]],
    rows: Sequence[dict[str, object]],
    text: Labels,
) -> int:
    """A header (each column's label in the catalogue) and its rows from first_row; returns the
    next free row."""
    header_row(ws, first_row, [text(f"column.{name}") for name, _ in columns])
    for offset, record in enumerate(rows, start=1):
        for column, (name, number_format) in enumerate(columns, start=1):
            set_cell(ws, first_row + offset, column, record.get(name), number_format)
    return first_row + len(rows) + 1


def column_widths(ws: Worksheet, count: int, width: int = 16) -> None:
    for column in range(1, count + 1):
        ws.column_dimensions[get_column_letter(column)].width = width


def save_workbook(workbook: Workbook, path: Path, stamp: dt.datetime) -> None:
    """Save with fixed document and zip timestamps, so equal content gives equal bytes."""
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    date_time = (stamp.year, stamp.month, stamp.day, 0, 0, 0)
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time into dcterms:modified whatever was set before.
                data = MODIFIED.sub(
                    rb"\g<1>" + stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", data
                )
            target.writestr(entry, data)
