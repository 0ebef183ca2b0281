"""The run's summary on the terminal: company attainment of the latest closed month, in the
reader's language (labels and number formats from core/i18n.py)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import duckdb

from core.i18n import Labels

_LATEST_CLOSED_SQL = """
select
    scorecard.period_month,
    scorecard.metric,
    scorecard.unit,
    scorecard.target,
    scorecard.actual,
    scorecard.attainment,
    scorecard.tier_reached
from scorecard_attainment as scorecard
inner join dim_metrics as metrics
    on scorecard.metric = metrics.metric
where scorecard.scope_type = 'company' and scorecard.period_grain = 'month'
    and scorecard.period_month = (
        select max(period_month) from scorecard_attainment
        where period_grain = 'month' and not is_open
    )
order by metrics.display_order, scorecard.metric
"""


def display_width(text: str) -> int:
    """Columns a terminal gives the text: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(width - display_width(text), 0)
    return space + text if right else text + space


def summary_table(published_db: Path, text: Labels) -> str:
    """Company attainment per metric for the latest closed month, as a plain-text table."""
    with duckdb.connect(str(published_db), read_only=True) as con:
        rows = con.execute(_LATEST_CLOSED_SQL).fetchall()
    if not rows:
        return text("cli.no_closed_month")
    header = [
        text("word.metric"),
        text("column.target"),
        text("word.actual"),
        text("word.attainment"),
        text("word.tier"),
    ]
    body = [
        [
            text.metric(metric),
            text.figure(target, unit),
            text.figure(actual, unit),
            text.percent(attainment),
            text.tier(tier) if attainment is not None else "",
        ]
        for _, metric, unit, target, actual, attainment, tier in rows
    ]
    widths = [max(display_width(row[i]) for row in [header, *body]) for i in range(5)]
    lines = [text("cli.summary_title", month=f"{rows[0][0]:%Y-%m}")]
    for row in [header, *body]:
        cells = [_pad(row[0], widths[0])]
        cells += [_pad(cell, widths[i], right=True) for i, cell in enumerate(row[1:4], start=1)]
        cells.append(row[4])
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
