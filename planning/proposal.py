"""A proposal on disk: ``<home>/plans/<name>/targets.csv``, in the export contract's format.

Approving a plan is landing this file (``landing/plan/targets_<name>.csv``): the columns are the
contract's ``plan/targets`` columns, every target monthly at every level, so the warehouse reads it
as it reads a planner's sheet and the children cover their parents exactly. UTF-8 with a byte-order
mark, so Excel on a Chinese-locale Windows opens it as it is; same history and options, same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from planning.topdown import MetricPlan

COLUMNS = (
    "scope_type",
    "scope_id",
    "metric",
    "period_type",
    "period_start",
    "tier",
    "value",
    "effective_date",
    "note",
)


@dataclass(frozen=True)
class WrittenProposal:
    folder: Path
    targets: Path
    rows: int


def write_proposal(
    folder: Path, plans: list[MetricPlan], note: str, effective: dt.date | None = None
) -> WrittenProposal:
    """Write the proposal's targets.csv into ``folder`` (replaced whole, never half-written)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "targets.csv"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    rows = 0
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for plan in plans:
            for row in plan.rows:
                writer.writerow(
                    (
                        row.scope_type,
                        row.scope_id,
                        row.metric,
                        "month",
                        row.period_start.isoformat(),
                        row.tier,
                        f"{row.value:.2f}",
                        effective.isoformat() if effective else "",
                        note,
                    )
                )
                rows += 1
    os.replace(tmp, path)
    return WrittenProposal(folder=folder, targets=path, rows=rows)
