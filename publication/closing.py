"""Closing a month: finance's word that a month's published figures are final.

``scorecards close --month 2026-02`` records the month in ``warehouse/closed_months.json`` with the
published version it closes. From then on:

- its payouts are *paid*: every later run republishes them as they were and posts any difference
  as clawback lines in the open period (``publication/history.py``);
- a later run whose scorecard figures for it differ publishes a *restatement*: the new version
  carries a diff (``restatements``) and every version of the month stays queryable
  (``scorecard_attainment_versions``), see ``publication/publish.py``.

The registry is a small JSON file rather than a table in ``published.duckdb`` because that file is
only ever replaced whole by a run; closing must not need a build. It is rewritten atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

REGISTRY_NAME = "closed_months.json"
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class CloseError(ValueError):
    """A month that cannot be closed, with the reason in words."""


@dataclass(frozen=True)
class ClosedMonth:
    month: str  # YYYY-MM
    closed_in_version: int
    as_of_date: str  # of the publication that was closed
    closed_at: str  # UTC timestamp, for the record

    @property
    def month_start(self) -> dt.date:
        return parse_month(self.month)


def parse_month(value: str) -> dt.date:
    """YYYY-MM to the first day of that month; anything else is a clear error."""
    match = MONTH_PATTERN.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CloseError(f"--month must be a month as YYYY-MM, got {value!r}")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_end(month_start: dt.date) -> dt.date:
    following = dt.date(month_start.year + month_start.month // 12, month_start.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def read_closed_months(warehouse: Path) -> list[ClosedMonth]:
    """The closed months, oldest first (empty when none was closed)."""
    path = warehouse / REGISTRY_NAME
    if not path.exists():
        return []
    records = json.loads(path.read_text(encoding="utf-8"))
    return sorted((ClosedMonth(**record) for record in records), key=lambda c: c.month)


def _write_registry(warehouse: Path, closed: list[ClosedMonth]) -> None:
    path = warehouse / REGISTRY_NAME
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    records = [asdict(c) for c in sorted(closed, key=lambda c: c.month)]
    tmp.write_text(json.dumps(records, indent=2) + "\n", encoding="utf-8")
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def close_month(warehouse: Path, published_db: Path, month: str) -> ClosedMonth:
    """Close ``month`` on the latest publication, after checking that it can be closed.

    The latest publication must cover the whole month (its as-of date after the month's last
    day) and the month must not be closed already.
    """
    start = parse_month(month)
    label = f"{start:%Y-%m}"
    closed = read_closed_months(warehouse)
    for existing in closed:
        if existing.month == label:
            raise CloseError(
                f"{label} is already closed (on version {existing.closed_in_version}, "
                f"as of {existing.as_of_date})"
            )
    if not published_db.exists():
        raise CloseError(f"nothing is published yet in {published_db}: run the pipeline first")
    with duckdb.connect(str(published_db), read_only=True) as con:
        version, as_of = con.execute(
            "select version, as_of_date from publication_log order by version desc limit 1"
        ).fetchall()[0]
        covered = con.execute(
            "select count(*) from scorecard_attainment where period_month = ?", [start]
        ).fetchall()[0][0]
    if not covered:
        raise CloseError(f"{label} is not in the published copy (version {version})")
    if as_of <= month_end(start):
        raise CloseError(
            f"{label} is still open in the published copy (version {version} is as of {as_of}): "
            f"run the pipeline with an as-of date after {month_end(start)} first"
        )
    record = ClosedMonth(
        month=label,
        closed_in_version=version,
        as_of_date=as_of.isoformat(),
        closed_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    )
    _write_registry(warehouse, [*closed, record])
    return record
