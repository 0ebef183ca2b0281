"""Cells and workbooks a person can trust, written with XlsxWriter: text is never a formula (in
XLSX or CSV), dates are date cells, ratios are percentages, every list is an Excel table with
filters, and equal content saves as equal bytes (XlsxWriter stamps its zip entries 1980-01-01;
the document's creation date is the publication's as-of date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Number formats by kind of value (Excel's own codes: shown in the reader's Excel locale).
FORMATS = {
    "money": "#,##0.00;-#,##0.00",
    "percent": "0.00%",
    # Six-decimal ratios (attainment, payout fraction) to every digit the computation used.
    "exact_percent": "0.0000%",
    "ratio": "0.000000",
    "rate": "0.00000000",
    "date": "yyyy-mm-dd",
    "integer": "0",
}
HEADER = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}


def is_formula_like(value: str) -> bool:
    """True for text a spreadsheet would evaluate (or that OWASP lists as CSV injection)."""
    return value.startswith(FORMULA_PREFIXES)


def csv_safe(value: object) -> object:
    """A CSV cell that no spreadsheet evaluates: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """One column of a list: the row's field, its header and its kind (a key of FORMATS, or
    None for text)."""

    name: str
    header: str
    kind: str | None = None


class Book:
    """One workbook being written: its formats made once, its tables named uniquely."""

    def __init__(self, path: Path, stamp: dt.datetime) -> None:
        # No string is ever turned into a formula, number or link: text stays text.
        self.workbook: Workbook = xlsxwriter.Workbook(
            str(path),
            {
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "in_memory": True,
            },
        )
        self.workbook.set_properties({"created": stamp})
        self._formats: dict[tuple[str, bool], Format] = {}
        self.bold_text = self.workbook.add_format({"bold": True})
        self.title = self.workbook.add_format({"bold": True, "font_size": 14})
        self.header = self.workbook.add_format(HEADER)
        self.quoted = self.workbook.add_format({"quote_prefix": True})
        self.note = self.workbook.add_format({"italic": True, "font_color": "#555555"})
        self._tables = 0

    def sheet(self, title: str) -> Worksheet:
        # Excel's limit on a sheet name; no character of ours is one it forbids.
        return self.workbook.add_worksheet(title[:31])

    def number_format(self, kind: str, bold: bool = False) -> Format:
        """The format of a kind of value (a key of FORMATS), made when a cell first needs it: a
        statement uses few of them, and XlsxWriter writes only the formats cells use (the same
        bytes as making them all up front)."""
        made = self._formats.get((kind, bold))
        if made is None:
            properties = {"num_format": FORMATS[kind], **({"bold": True} if bold else {})}
            made = self._formats[(kind, bold)] = self.workbook.add_format(properties)
        return made

    def cell(
        self,
        ws: Worksheet,
        row: int,
        column: int,
        value: object,
        kind: str | None = None,
        bold: bool = False,
    ) -> None:
        """Write one cell (0-based): numbers and dates as such, text always as text."""
        if value is None:
            return
        if isinstance(value, str):
            if is_formula_like(value):
                ws.write_string(row, column, value, self.quoted)
            else:
                ws.write_string(row, column, value, self.bold_text if bold else None)
        elif isinstance(value, bool):
            ws.write_string(row, column, str(value).lower())
        elif isinstance(value, Decimal | int | float):
            number = self.number_format(kind, bold) if kind in FORMATS else None
            ws.write_number(row, column, float(value), number)
        elif isinstance(value, dt.datetime | dt.date):
            day = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
            ws.write_datetime(row, column, day, self.number_format("date", bold))
        else:
            self.cell(ws, row, column, str(value), kind, bold)

    def facts(
        self, ws: Worksheet, first_row: int, facts: Sequence[tuple[str, object, str | None]]
    ) -> int:
        """Label / value pairs, one per row; returns the next free row."""
        for offset, (label, value, kind) in enumerate(facts):
            ws.write_string(first_row + offset, 0, label, self.bold_text)
            self.cell(ws, first_row + offset, 1, value, kind)
        return first_row + len(facts)

    def table(
        self,
        ws: Worksheet,
        first_row: int,
        columns: Sequence[Column],
        rows: Sequence[dict[str, object]],
        name: str,
    ) -> int:
        """A list as an Excel table with filters (header only, with a filter, when it is empty);
        returns the next free row."""
        for offset, record in enumerate(rows, start=1):
            for index, column in enumerate(columns):
                self.cell(ws, first_row + offset, index, record.get(column.name), column.kind)
        last = len(columns) - 1
        if rows:
            self._tables += 1
            ws.add_table(
                first_row,
                0,
                first_row + len(rows),
                last,
                {
                    "name": f"{name}_{self._tables}",
                    "style": "Table Style Light 9",
                    "columns": [{"header": column.header} for column in columns],
                },
            )
        else:
            for index, column in enumerate(columns):
                ws.write_string(first_row, index, column.header, self.header)
            ws.autofilter(first_row, 0, first_row, last)
        return first_row + len(rows) + 1

    def widths(self, ws: Worksheet, widths: Sequence[int]) -> None:
        for index, width in enumerate(widths):
            ws.set_column(index, index, width)

    def close(self) -> None:
        self.workbook.close()
