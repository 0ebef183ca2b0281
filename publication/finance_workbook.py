"""Finance's workbook (publication/finance_queries.py): the payout register with approvals, the
accrual by period and cost centre, the reconciliations, the restatements and the clawbacks, each
sheet an Excel table with filters, dates as dates, ratios as percentages. Its code counts in the
statements' writer version (publication/statements.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb

from core.i18n import Labels
from publication import statement_reuse
from publication.finance_queries import FINANCE_SHEETS
from publication.sheets import Book, Column
from publication.statement_queries import records

PERCENT_COLUMNS = frozenset(
    ("weight", "attainment", "capped_attainment", "payout_fraction", "threshold", "cap")
    + ("segment_attainment_from", "segment_payout_at_from")
)
# Codes shown by their labels in the reader's language (catalogue prefix by column).
VALUE_LABELS = {"approval_status": "approval", "payout_basis": "basis", "line_type": "line_type"}
MONEY_SUFFIXES = ("amount", "total", "incentive", "difference", "target", "actual")


def kind_for(name: str, sql_type: str) -> str | None:
    """How a column of a finance sheet is shown, from its name and its type."""
    if sql_type == "DATE":
        return "date"
    if name in PERCENT_COLUMNS:
        return "percent"
    if name.endswith(MONEY_SUFFIXES):
        return "money"
    if name == "segment_slope":
        return "ratio"
    if sql_type in ("INTEGER", "BIGINT", "HUGEINT", "SMALLINT"):
        return "integer"
    return None


def finance_workbook(
    con: duckdb.DuckDBPyConnection,
    stamp: dt.datetime,
    path: Path,
    previous: Path,
    recorded: dict[str, str],
    stamps: dict[str, str],
    writer: str,
    text: Labels,
) -> dict[str, str]:
    """Write the finance workbook at ``path`` (or link the previous export's, ``previous``, when
    its inputs and bytes are as ``recorded``, or its stamp as in ``stamps``); returns what to
    record of it (``writer``: the writer's version). Its sheets' rows are digested in DuckDB
    (with their columns' names and types) and read into Python only to be written."""
    shapes = []
    for key, sql, order in FINANCE_SHEETS:
        title = text(f"finance.{key}")
        sheet = con.execute(
            f"select sha256(coalesce(string_agg(to_json(sheet), chr(10) order by {order}), '')) "
            f"from ({sql}) as sheet"
        ).fetchall()[0][0]
        described = con.execute(f"select * from ({sql}) as sheet limit 0").description
        shapes.append([title, sheet, [[column[0], str(column[1])] for column in described]])
    described = json.dumps([shapes, stamp.isoformat(), writer], sort_keys=True)
    digest = hashlib.sha256(described.encode("utf-8")).hexdigest()
    same = recorded.get("inputs") == digest
    if same and statement_reuse.reuse(
        previous.parent, path.parent, previous.name, recorded, stamps, ("",)
    ):
        return recorded  # the same inputs and, checked just now, the same bytes
    book = Book(path, stamp)
    for index, (key, sql, order) in enumerate(FINANCE_SHEETS):
        ws = book.sheet(shapes[index][0])
        columns = [
            Column(name, text(f"column.{name}"), kind_for(name, sql_type))
            for name, sql_type in shapes[index][2]
        ]
        rows = [
            {
                name: text(f"{VALUE_LABELS[name]}.{value}")
                if name in VALUE_LABELS and value is not None
                else value
                for name, value in row.items()
            }
            for row in records(con, f"select * from ({sql}) as sheet order by {order}")
        ]
        book.table(ws, 0, columns, rows, key)
        ws.freeze_panes(1, 0)
        book.widths(ws, [16] * len(columns))
    book.close()
    return statement_reuse.recorded_digests(digest, path.parent, path.name, ("",))
