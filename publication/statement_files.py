"""The files of a payout statement and of the finance workbook: a rep's XLSX (summary and
lines, money and ratios as real numbers with their formats) and its CSV twin, and finance's
payout register with the reconciliations. Their code counts in the statements' writer version
(publication/statements.py)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import duckdb
from openpyxl import Workbook

from core.i18n import Labels
from publication import statement_reuse
from publication.sheets import (
    HEADER_FONT,
    column_widths,
    csv_safe,
    save_workbook,
    set_cell,
    write_table,
)
from publication.statement_queries import records, table_columns

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


def statement_workbook(
    user: dict[str, object],
    payouts: list[dict[str, object]],
    lines: list[dict[str, object]],
    stamp: dt.datetime,
    path: Path,
    text: Labels,
) -> None:
    first = payouts[0]
    workbook = Workbook()
    ws = workbook.active
    ws.title = text("statement.sheet")
    status = str(first["period_status"])
    period_type = str(first["period_type"])
    facts = (
        (text("statement.title"), text(f"statement.status_{status}")),
        (text("statement.rep"), f"{first['user_id']} {user.get('full_name') or ''}".strip()),
        (text("statement.plan"), first["plan_id"]),
        (
            text("statement.period"),
            text(
                "statement.period_range",
                start=first["period_start"],
                end=first["period_end"],
                type=text(f"period_type.{period_type}"),
            ),
        ),
        (text("statement.currency"), first["currency"] or ""),
        (text("statement.as_of"), first["as_of_date"]),
    )
    for row, (label, value) in enumerate(facts, start=1):
        set_cell(ws, row, 1, label).font = HEADER_FONT
        set_cell(ws, row, 2, value)
    # Metrics by their names in the reader's language (the metric registry's labels).
    payouts = [{**payout, "metric": text.metric(str(payout["metric"]))} for payout in payouts]
    lines = [{**line, "metric": text.metric(str(line["metric"]))} for line in lines]
    row = write_table(ws, len(facts) + 2, SUMMARY_COLUMNS, payouts, text)
    set_cell(ws, row, 1, text("statement.total")).font = HEADER_FONT
    total = sum((Decimal(p["payout_amount"]) for p in payouts), Decimal("0.00"))
    set_cell(ws, row, len(SUMMARY_COLUMNS), total, MONEY_FORMAT).font = HEADER_FONT
    lines_header = row + 2
    write_table(ws, lines_header, LINE_COLUMNS, lines, text)
    ws.freeze_panes = ws.cell(row=lines_header + 1, column=1)
    column_widths(ws, max(len(SUMMARY_COLUMNS), len(LINE_COLUMNS)))
    save_workbook(workbook, path, stamp)


def statement_csv(lines: list[dict[str, object]], payout_keys: dict[str, object], path: Path):
    names = ["user_id", "plan_id", "period_start"] + [name for name, _ in LINE_COLUMNS]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        for line in lines:
            record = {**payout_keys, **line}
            writer.writerow(["" if record.get(n) is None else csv_safe(record[n]) for n in names])


# The finance workbook's sheets (titled by the catalogue's finance.<table>) and their row order.
FINANCE_SHEETS = (
    ("payouts", "period_start, user_id, plan_id, metric, payout_id"),
    ("reconciliation_monthly", "month_start, metric"),
    ("reconciliation_payouts", "payout_id"),
)


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
    record of it (``writer``: the writer's version). Every payout is a row of it: at 30,000
    payouts openpyxl takes over half a minute, which a run that changed no payout need not
    spend. Its sheets' rows are digested in DuckDB (with their columns' names
    and types) and read into Python only to be written."""
    shapes = []
    for table, order in FINANCE_SHEETS:
        title = text(f"finance.{table}")
        sheet = con.execute(
            f"select sha256(coalesce(string_agg(to_json(sheet), chr(10) order by {order}), '')) "
            f'from "{table}" as sheet'
        ).fetchall()[0][0]
        shapes.append([title, sheet, table_columns(con, table)])
    described = json.dumps([shapes, stamp.isoformat(), writer], sort_keys=True)
    digest = hashlib.sha256(described.encode("utf-8")).hexdigest()
    same = recorded.get("inputs") == digest
    if same and statement_reuse.reuse(
        previous.parent, path.parent, previous.name, recorded, stamps, ("",)
    ):
        return recorded  # the same inputs and, checked just now, the same bytes
    workbook = Workbook()
    for index, (table, order) in enumerate(FINANCE_SHEETS):
        ws = workbook.active if index == 0 else workbook.create_sheet()
        ws.title = shapes[index][0]
        sql = f'select * from "{table}" order by {order}'
        columns = [(name, format_for(name)) for name, _ in shapes[index][2]]
        write_table(ws, 1, columns, records(con, sql), text)
        ws.freeze_panes = "A2"
        column_widths(ws, len(columns))
    save_workbook(workbook, path, stamp)
    return statement_reuse.recorded_digests(digest, path.parent, path.name, ("",))


def format_for(name: str) -> str | None:
    if name.endswith(("amount", "total", "incentive", "difference", "target", "actual")):
        return MONEY_FORMAT
    if name in ("weight", "attainment", "capped_attainment", "payout_fraction", "threshold", "cap"):
        return RATIO_FORMAT
    return None
