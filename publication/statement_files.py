"""The files of a payout statement: a rep's XLSX, from which the payout can be redone by hand
(the plan's terms, its curve, each step of the computation, the year to date, every credited
line), and its CSV twin of the lines. Their code counts in the statements' writer version
(publication/statements.py)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from core.i18n import Labels
from publication.sheets import Book, Column, csv_safe

# Attainments and payout fractions carry six decimals: shown as percentages with four, every
# digit the computation used is on the page.
TERMS_COLUMNS = (
    ("metric", None),
    ("weight", "exact_percent"),
    ("threshold", "exact_percent"),
    ("cap", "exact_percent"),
)
CURVE_COLUMNS = (
    ("attainment_from", "exact_percent"),
    ("attainment_to", "exact_percent"),
    ("payout_at_from", "exact_percent"),
    ("slope", "ratio"),
)
COMPUTATION_COLUMNS = (
    ("metric", None),
    ("target", "money"),
    ("actual", "money"),
    ("attainment", "exact_percent"),
    ("capped_attainment", "exact_percent"),
    ("payout_basis", None),
    ("segment_attainment_from", "exact_percent"),
    ("segment_payout_at_from", "exact_percent"),
    ("segment_slope", "ratio"),
    ("payout_fraction", "exact_percent"),
    ("prorated_incentive", "money"),
    ("weight", "exact_percent"),
    ("earned_amount", "money"),
    ("clawback_amount", "money"),
    ("payout_amount", "money"),
)
LINE_COLUMNS = (
    ("metric", None),
    ("line_type", None),
    ("original_period_start", "date"),
    ("source_system", None),
    ("source_entity", None),
    ("document_id", None),
    ("transaction_date", "date"),
    ("currency", None),
    ("amount_original", "money"),
    ("fx_rate", "rate"),
    ("amount_base", "money"),
    ("line_amount", "money"),
    ("source_file", None),
    ("source_line", "integer"),
)
# The steps of the computation, in the reader's language, under its table.
STEPS = (
    "statement.step_cap",
    "statement.step_fraction",
    "statement.step_earned",
    "statement.step_payout",
)


def columns(spec: tuple[tuple[str, str | None], ...], text: Labels) -> list[Column]:
    return [Column(name, text(f"column.{name}"), kind) for name, kind in spec]


def statement_workbook(
    header: dict[str, object],
    payouts: list[dict[str, object]],
    lines: list[dict[str, object]],
    curve: list[dict[str, object]],
    stamp: dt.datetime,
    path: Path,
    text: Labels,
) -> None:
    """The statement of one rep and plan period: ``header`` is its row of the statement headers
    (rep, team, year to date), ``curve`` its plan's payout curve."""
    first = payouts[0]
    book = Book(path, stamp)
    ws = book.sheet(text("statement.sheet"))
    status = str(first["period_status"])
    heading = text(
        "statement.heading",
        title=text("statement.title"),
        status=text(f"statement.status_{status}"),
    )
    ws.write_string(0, 0, heading, book.title)
    team = f"{header.get('team_name') or ''} ({header['team_id']})" if header.get("team_id") else ""
    row = book.facts(
        ws,
        2,
        (
            (text("statement.rep"), header.get("full_name") or "", None),
            (text("column.user_id"), first["user_id"], None),
            (text("statement.team"), team, None),
            (text("statement.region"), header.get("region") or "", None),
            (text("statement.plan"), first["plan_id"], None),
            (text("column.period_start"), first["period_start"], "date"),
            (text("column.period_end"), first["period_end"], "date"),
            (text("column.period_type"), text(f"period_type.{first['period_type']}"), None),
            (text("statement.currency"), first["currency"] or "", None),
            (text("statement.as_of"), first["as_of_date"], "date"),
        ),
    )
    ws.write_string(row + 1, 0, text("statement.terms"), book.title)
    row = book.facts(
        ws,
        row + 2,
        (
            (text("column.on_target_incentive"), first["on_target_incentive"], "money"),
            (text("column.period_days"), first["period_days"], "integer"),
            (text("column.covered_days"), first["covered_days"], "integer"),
            (text("column.prorated_incentive"), first["prorated_incentive"], "money"),
        ),
    )
    ws.write_string(row, 0, text("statement.step_prorate"), book.note)
    # Metrics by their names in the reader's language (the metric registry's labels).
    named = [
        {
            **payout,
            "metric": text.metric(str(payout["metric"])),
            "payout_basis": text(f"basis.{payout['payout_basis']}"),
        }
        for payout in payouts
    ]
    row = book.table(ws, row + 2, columns(TERMS_COLUMNS, text), named, "Terms")
    ws.write_string(row + 1, 0, text("statement.curve"), book.title)
    row = book.table(ws, row + 2, columns(CURVE_COLUMNS, text), curve, "Curve")
    ws.write_string(row + 1, 0, text("statement.computation"), book.title)
    row = book.table(ws, row + 2, columns(COMPUTATION_COLUMNS, text), named, "Computation")
    total = sum((Decimal(p["payout_amount"]) for p in payouts), Decimal("0.00"))
    book.cell(ws, row, 0, text("statement.total"), bold=True)
    book.cell(ws, row, len(COMPUTATION_COLUMNS) - 1, total, "money", bold=True)
    for offset, step in enumerate(STEPS, start=1):
        ws.write_string(row + offset, 0, text(step), book.note)
    row += len(STEPS) + 2
    ws.write_string(row, 0, text("statement.year_to_date"), book.title)
    book.facts(
        ws,
        row + 1,
        (
            (text("statement.fiscal_year_start"), header.get("fiscal_year_start"), "date"),
            (text("statement.ytd_payout"), header.get("ytd_payout"), "money"),
            (text("statement.ytd_incentive"), header.get("ytd_incentive"), "money"),
            (text("statement.ytd_share"), header.get("ytd_share"), "percent"),
        ),
    )
    book.widths(ws, [26] + [15] * (len(COMPUTATION_COLUMNS) - 1))
    ws.freeze_panes(1, 0)
    lines_sheet = book.sheet(text("statement.lines"))
    lines = [
        {
            **line,
            "metric": text.metric(str(line["metric"])),
            "line_type": text(f"line_type.{line['line_type']}"),
        }
        for line in lines
    ]
    book.table(lines_sheet, 0, columns(LINE_COLUMNS, text), lines, "Lines")
    lines_sheet.freeze_panes(1, 0)
    book.widths(lines_sheet, [14] * len(LINE_COLUMNS))
    book.close()


def statement_csv(lines: list[dict[str, object]], payout_keys: dict[str, object], path: Path):
    """The lines for machines (column names as headers), in UTF-8 with a byte-order mark so that
    Excel on a Chinese-locale Windows opens it as UTF-8."""
    names = ["user_id", "plan_id", "period_start"] + [name for name, _ in LINE_COLUMNS]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        for line in lines:
            record = {**payout_keys, **line}
            writer.writerow(["" if record.get(n) is None else csv_safe(record[n]) for n in names])
