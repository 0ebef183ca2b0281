"""The sample's building blocks: its options and scales, the state every part draws from,
and the exports kept as numbers that DuckDB turns into text (Deferred)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from core.sql import quote_ident

REGIONS = ("north", "east", "south")
STAGES = ("prospecting", "qualification", "proposal", "negotiation")
OPPORTUNITY_STAGES = (*STAGES, "closed_won", "closed_lost")
OPPORTUNITY_TYPES = ("new_business", "expansion", "renewal")
ACTIVITY_TYPES = ("call", "email", "meeting", "visit", "demo")
ACTIVITY_P = (0.45, 0.25, 0.15, 0.1, 0.05)
OUTCOMES = ("connected", "no_answer", "follow_up")
LEAD_STATUSES = ("new", "working", "qualified", "disqualified", "converted")
LEAD_SOURCES = ("web", "event", "referral", "outbound")
PRODUCT_LINES = ("platform", "analytics", "services")
TIERS = (("floor", 0.8), ("target", 1.0), ("stretch", 1.2))  # target tiers and their factors
SECONDS = "'%Y-%m-%d %H:%M:%S'"  # a DuckDB strftime format, as a SQL literal
SEASONALITY = (0.7, 0.8, 1.0, 0.9, 1.0, 1.1, 0.8, 0.9, 1.1, 1.1, 1.2, 1.4)


@dataclass(frozen=True)
class SampleOptions:
    seed: int = 7
    reps: int = 60
    months: int = 12
    start: str = "2026-01"
    # How busy each rep is: opportunities created per month (Poisson, by seasonality) and
    # activities per working day (Poisson); invoices per won deal (monthly installments).
    opportunities_per_rep_month: float = 4.0
    activities_per_rep_day: float = 3.0
    installments: int = 1


# The --scale ladder. `small` is the bundled sample; `large` is about 2,000 reps over 36 months
# with ~20M activities, ~2M opportunities, ~5M stage changes, ~3M invoices with ~6M lines and
# ~3M payments (benchmarks/README in docs/BENCHMARKS.md).
SCALES: dict[str, SampleOptions] = {
    "small": SampleOptions(),
    "medium": SampleOptions(
        reps=400,
        months=24,
        opportunities_per_rep_month=10.0,
        activities_per_rep_day=6.0,
        installments=2,
    ),
    "large": SampleOptions(
        reps=2000,
        months=36,
        opportunities_per_rep_month=28.0,
        activities_per_rep_day=13.0,
        installments=3,
    ),
}


def money(cents: np.ndarray | pd.Series) -> pd.Series:
    """Integer cents → '1234.56' text, exactly (no float on the way)."""
    values = pd.Series(np.asarray(cents, dtype=np.int64))
    sign = np.where(values < 0, "-", "")
    absolute = values.abs()
    return (
        pd.Series(sign)
        + (absolute // 100).astype(str)
        + "."
        + (absolute % 100).astype(str).str.zfill(2)
    )


def month_starts(start: str, months: int) -> list[dt.date]:
    year, month = (int(part) for part in start.split("-"))
    out = []
    for _ in range(months):
        out.append(dt.date(year, month, 1))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def fmt_dates(values: pd.Series, fmt: str = "%Y-%m-%d") -> pd.Series:
    return pd.to_datetime(values).dt.strftime(fmt)


@dataclass
class Deferred:
    """An export kept in numbers, codes and datetimes; DuckDB makes its text while it writes.

    Formatting tens of millions of dates and amounts in pandas or numpy runs at about a million
    values a second on one core; DuckDB's strftime and string functions run in parallel and
    several times faster, and the frame it scans (numeric columns) costs nothing to hand over.
    ``columns`` maps each output column, in order, to a SQL expression over the frame's
    columns; ``params`` are the lookup lists the expressions name ($name). ``tail`` holds a few
    rows already in text, written after the frame's. The text is the same pandas would write
    (tests/sample_exports/test_sample.py)."""

    frame: pd.DataFrame
    columns: dict[str, str]
    params: dict[str, list[str]]
    tail: pd.DataFrame | None = None

    def __len__(self) -> int:
        return len(self.frame) + (0 if self.tail is None else len(self.tail))


Export = pd.DataFrame | Deferred


def deferred_text(deferred: Deferred, rows: list[int] | np.ndarray) -> pd.DataFrame:
    """The text of some of a Deferred export's rows (positions in its frame), as its file holds
    them: what a few hand-made rows are built from (the credit note, the delta file)."""
    columns = ", ".join(
        f"{expression} as {quote_ident(name)}" for name, expression in deferred.columns.items()
    )
    with duckdb.connect() as con:
        con.register("frame", deferred.frame.iloc[np.asarray(rows)].reset_index(drop=True))
        return con.execute(f"select {columns} from frame", deferred.params).df()


def sql_id(prefix: str, column: str, width: int) -> str:
    """prefix + the number zero-padded to width (longer numbers kept whole, like f"{n:06d}")."""
    text = f"cast({column} as varchar)"
    return (
        f"'{prefix}' || case when length({text}) < {width} "
        f"then lpad({text}, {width}, '0') else {text} end"
    )


def sql_money(cents: str) -> str:
    """Integer cents as '1234.56' text, like money()."""
    return (
        f"case when {cents} < 0 then '-' else '' end || cast(abs({cents}) // 100 as varchar) "
        f"|| '.' || lpad(cast(abs({cents}) % 100 as varchar), 2, '0')"
    )


def sql_pick(codes: str, values: str) -> str:
    """The text of a 0-based code from the lookup list $values."""
    return f"list_extract(${values}, {codes} + 1)"


class SampleState:
    """What every part of the sample draws from: the options, the one random generator (drawn
    from in a fixed order, so the same seed gives the same files) and the calendar."""

    def __init__(self, options: SampleOptions) -> None:
        self.o = options
        self.rng = np.random.default_rng(options.seed)
        self.months = month_starts(options.start, options.months)
        self.first = pd.Timestamp(self.months[0])
        last = self.months[-1]
        self.end = pd.Timestamp(dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1))
        self.days = pd.date_range(self.first, self.end - pd.Timedelta(days=1), freq="D")
