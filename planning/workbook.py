"""The proposal for review: ``plans/<name>/proposal.xlsx``, the CSV files as Excel tables.

The same rows as targets.csv, reconciliation.csv, activity_plan.csv and check.csv, with labels
from the catalogue (English or Chinese), months as date cells, money and coverage in their
formats and a filter on every list, on publication's XlsxWriter book (publication/sheets.py):
the bytes are the same for the same history and options (the creation date is the history's
as-of date).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.i18n import Labels
from planning.backwards import Need
from planning.bottomup import ReconciliationRow
from planning.sheet_check import Finding
from planning.topdown import TargetRow
from publication.sheets import Book, Column


def _month(period: str) -> dt.date | str:
    """A reconciliation period as a date cell when it is a month (YYYY-MM), else the year."""
    return dt.date.fromisoformat(f"{period}-01") if len(period) == 7 else period


def write_workbook(
    path: Path,
    facts: list[tuple[str, object]],
    target_rows: list[TargetRow],
    reconciliation: list[ReconciliationRow],
    needs: list[Need],
    findings: list[Finding],
    text: Labels,
    stamp: dt.datetime,
) -> Path:
    book = Book(path, stamp)
    ws = book.sheet(text("plan.targets"))
    row = book.facts(ws, 0, [(text(key), value, None) for key, value in facts]) + 1
    book.table(
        ws,
        row,
        [
            Column("scope_type", text("column.scope_type")),
            Column("scope_id", text("column.scope_id")),
            Column("metric", text("column.metric")),
            Column("period_start", text("column.period_start"), "date"),
            Column("tier", text("column.tier")),
            Column("value", text("column.value"), "money"),
        ],
        [
            {
                "scope_type": text(f"scope.{r.scope_type}"),
                "scope_id": r.scope_id,
                "metric": text.metric(r.metric),
                "period_start": r.period_start,
                "tier": text.tier(r.tier),
                "value": r.value,
            }
            for r in target_rows
        ],
        "Targets",
    )
    book.widths(ws, [18, 14, 22, 14, 10, 16])
    ws = book.sheet(text("plan.reconciliation"))
    book.table(
        ws,
        0,
        [
            Column("scope_type", text("column.scope_type")),
            Column("scope_id", text("column.scope_id")),
            Column("metric", text("column.metric")),
            Column("period", text("column.period"), "date"),
            Column("top_down", text("column.top_down"), "money"),
            Column("bottom_up", text("column.bottom_up"), "money"),
            Column("difference", text("column.difference"), "money"),
            Column("coverage", text("column.coverage"), "percent"),
        ],
        [
            {
                "scope_type": text(f"scope.{r.scope_type}"),
                "scope_id": r.scope_id,
                "metric": text.metric(r.metric),
                "period": _month(r.period),
                "top_down": r.top_down,
                "bottom_up": r.bottom_up,
                "difference": r.difference,
                "coverage": r.coverage,
            }
            for r in reconciliation
        ],
        "Reconciliation",
    )
    book.widths(ws, [12, 14, 22, 12, 16, 16, 16, 10])
    activities = sorted({metric for need in needs for metric in need.activities})
    ws = book.sheet(text("plan.activity_plan"))
    book.table(
        ws,
        0,
        [
            Column("user_id", text("column.user_id")),
            Column("tier", text("column.tier")),
            Column("closing", text("column.closing_month"), "date"),
            Column("create_in", text("column.create_in"), "date"),
            Column("due", text("column.due_before_the_year")),
            Column("target", text("column.result_target"), "money"),
            Column("deals", text("column.deals"), "money"),
            Column("opportunities", text("column.opportunities"), "integer"),
            Column("leads", text("column.leads"), "integer"),
            Column("pipeline", text("column.pipeline"), "money"),
            *(Column(metric, text.metric(metric), "integer") for metric in activities),
        ],
        [
            {
                "user_id": n.user_id,
                "tier": text.tier(n.tier),
                "closing": n.closing,
                "create_in": n.create_in,
                "due": n.due_before_the_year,
                "target": n.target,
                "deals": n.deals,
                "opportunities": n.opportunities,
                "leads": n.leads,
                "pipeline": n.pipeline,
                **n.activities,
            }
            for n in needs
        ],
        "ActivityPlan",
    )
    ws = book.sheet(text("plan.check"))
    book.table(
        ws,
        0,
        [
            Column("line", text("column.line"), "integer"),
            Column("check", text("column.check")),
            Column("message", text("column.message")),
        ],
        [{"line": f.line, "check": f.check, "message": f.message} for f in findings],
        "Check",
    )
    book.widths(ws, [8, 12, 100])
    book.close()
    return path
