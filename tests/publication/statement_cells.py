"""Read a payout statement back with openpyxl and redo its payouts from its cells alone, the way
a rep with a calculator would (docs: the statement's steps)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl

from core.i18n import labels

CENT = Decimal("0.01")
MILLIONTH = Decimal("0.000001")


def number(value: object) -> Decimal:
    """A cell's number as the decimal it was written from (XlsxWriter stores doubles; the
    published values have at most 8 decimals, which a double's shortest repr keeps)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def table_rows(ws, name: str) -> tuple[list[dict[str, object]], list[str]]:
    """The rows of the Excel table whose name starts with ``name`` (headers as keys), and the
    number formats of its first data row."""
    (ref,) = [ref for key, ref in ws.tables.items() if key.startswith(name)]
    cells = list(ws[ref])
    header = [cell.value for cell in cells[0]]
    rows = [dict(zip(header, (cell.value for cell in row), strict=True)) for row in cells[1:]]
    formats = [cell.number_format for cell in cells[1]] if len(cells) > 1 else []
    return rows, formats


def facts(ws) -> dict[str, object]:
    """Label → value of the two-column facts (first label wins)."""
    found: dict[str, object] = {}
    for label, value, *_ in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if isinstance(label, str) and label not in found:
            found[label] = value
    return found


def recompute(path: Path, lang: str = "en") -> dict[str, Decimal]:
    """Every metric's payout of the statement at ``path``, redone from its cells: prorated
    incentive from the on-target incentive and the days, the fraction from the capped attainment
    and the curve segment the statement names (checked against its curve table), the earned
    amount, the payout. Returns metric → payout; asserts each step against the cell shown."""
    text = labels(lang)
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    shown = facts(ws)
    if shown[text("column.on_target_incentive")] is None:
        # Clawbacks only (no plan in the period): no terms, nothing earned.
        prorated = number(shown[text("column.prorated_incentive")] or 0)
        assert prorated == 0, path
    else:
        incentive = number(shown[text("column.on_target_incentive")])
        days = number(shown[text("column.period_days")])
        covered = number(shown[text("column.covered_days")])
        prorated = number(shown[text("column.prorated_incentive")])
        assert prorated == (incentive * covered / days).quantize(CENT, ROUND_HALF_UP), path
    curve, _ = table_rows(ws, "Curve")
    terms, _ = table_rows(ws, "Terms")
    terms_by_metric = {row[text("column.metric")]: row for row in terms}
    rows, _ = table_rows(ws, "Computation")
    payouts: dict[str, Decimal] = {}
    for row in rows:
        metric = row[text("column.metric")]
        term = terms_by_metric[metric]
        weight = number(term[text("column.weight")] or 0)
        threshold = number(term[text("column.threshold")] or 0)
        cap = number(term[text("column.cap")] or 0)
        attainment = row[text("column.attainment")]
        fraction = Decimal("0")
        if attainment is not None and number(attainment) >= threshold:
            capped = min(number(attainment), cap)
            assert capped == number(row[text("column.capped_attainment")]), (path, metric)
            # The segment: the one with the greatest start at or below the capped attainment.
            starts = [number(s[text("column.attainment_from")]) for s in curve]
            below = [i for i, start in enumerate(starts) if start <= capped]
            if below:
                segment = curve[below[-1]]
                start = number(segment[text("column.attainment_from")])
                at_start = number(segment[text("column.payout_at_from")])
                rate = number(segment[text("column.slope")])
                assert start == number(row[text("column.segment_attainment_from")]), path
                fraction = (at_start + rate * (capped - start)).quantize(MILLIONTH, ROUND_HALF_UP)
        assert fraction == number(row[text("column.payout_fraction")]), (path, metric)
        assert prorated == number(row[text("column.prorated_incentive")] or 0), (path, metric)
        earned = (prorated * weight * fraction).quantize(CENT, ROUND_HALF_UP)
        assert earned == number(row[text("column.earned_amount")]), (path, metric)
        payout = earned + number(row[text("column.clawback_amount")] or 0)
        assert payout == number(row[text("column.payout_amount")]), (path, metric)
        payouts[metric] = payout
    return payouts


def is_date_cell(cell) -> bool:
    return isinstance(cell.value, dt.datetime) and cell.is_date
