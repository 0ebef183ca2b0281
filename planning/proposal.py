"""A proposal on disk: ``<home>/plans/<name>/targets.csv``, in the export contract's format,
``reconciliation.csv``, top-down beside bottom-up per scope and period, and ``activity_plan.csv``,
what each rep's monthly target asks of opportunities, leads, pipeline and activities.

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

from ingest.contract import ENTITY_BY_NAME
from planning.backwards import Need
from planning.bottomup import ReconciliationRow
from planning.topdown import TargetRow

# The contract's plan/targets columns, in its order: the proposal is what a planner would land.
COLUMNS = tuple(column.name for column in ENTITY_BY_NAME["plan/targets"].columns)


RECONCILIATION_COLUMNS = (
    "scope_type",
    "scope_id",
    "metric",
    "period",
    "top_down",
    "bottom_up",
    "difference",
    "coverage",
)


@dataclass(frozen=True)
class WrittenProposal:
    folder: Path
    targets: Path
    rows: int
    reconciliation: Path
    activity_plan: Path


def _activity_header(activities: list[str]) -> tuple[str, ...]:
    return (
        "user_id",
        "tier",
        "closing_month",
        "create_in",
        "due_before_the_year",
        "result_target",
        "deals",
        "opportunities",
        "leads",
        "pipeline",
        *activities,
    )


def _write_csv(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """UTF-8 with a byte-order mark; replaced whole, never half-written."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(tmp, path)


def write_proposal(
    folder: Path,
    target_rows: list[TargetRow],
    reconciliation: list[ReconciliationRow],
    needs: list[Need],
    note: str,
    effective: dt.date | None = None,
) -> WrittenProposal:
    """Write the proposal's files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    records = (
        {
            "scope_type": row.scope_type,
            "scope_id": row.scope_id,
            "metric": row.metric,
            "period_type": "month",
            "period_start": row.period_start.isoformat(),
            "tier": row.tier,
            "value": f"{row.value:.2f}",
            "effective_date": effective.isoformat() if effective else "",
            "note": note,
        }
        for row in target_rows
    )
    targets = [tuple(record[name] for name in COLUMNS) for record in records]
    _write_csv(folder / "targets.csv", COLUMNS, targets)
    _write_csv(
        folder / "reconciliation.csv",
        RECONCILIATION_COLUMNS,
        [
            (
                row.scope_type,
                row.scope_id,
                row.metric,
                row.period,
                f"{row.top_down:.2f}",
                f"{row.bottom_up:.2f}",
                f"{row.difference:.2f}",
                "" if row.coverage is None else f"{row.coverage:.4f}",
            )
            for row in reconciliation
        ],
    )
    activities = sorted({metric for need in needs for metric in need.activities})
    _write_csv(
        folder / "activity_plan.csv",
        _activity_header(activities),
        [
            (
                need.user_id,
                need.tier,
                f"{need.closing:%Y-%m}",
                f"{need.create_in:%Y-%m}",
                "yes" if need.due_before_the_year else "no",
                f"{need.target:.2f}",
                f"{need.deals:.2f}",
                str(need.opportunities),
                "" if need.leads is None else str(need.leads),
                f"{need.pipeline:.2f}",
                *(str(need.activities[metric]) for metric in activities),
            )
            for need in needs
        ],
    )
    return WrittenProposal(
        folder,
        folder / "targets.csv",
        len(targets),
        folder / "reconciliation.csv",
        folder / "activity_plan.csv",
    )
