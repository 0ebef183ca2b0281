"""Monthly partitions of the per-month models (dbt tag ``monthly``).

Fiscal months are calendar months (the fiscal year start only regroups them into quarters and
years), so one partition per calendar month, keyed ``YYYY-MM``, is one fiscal period; each run's
metadata names the fiscal year and period of the months it rebuilt.

A partition run rebuilds the requested months of the monthly models, plus every month whose
inputs changed since it was built (int_ledger_inputs_fingerprinted against
int_ledger_months_built). When that is every month, or the tables do not exist yet, it is a full
rebuild. A run without a partition (``scorecards run``) is always a full rebuild.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from core.settings import DBT_PROJECT_DIR, Home, first_month

MONTHLY_TAG = "monthly"
PARTITION_FORMAT = "%Y-%m"

MONTHLY_PARTITIONS = dg.MonthlyPartitionsDefinition(
    start_date=first_month().strftime(PARTITION_FORMAT),
    fmt=PARTITION_FORMAT,
    # The month in progress is a partition too: the daily refresh rebuilds it.
    end_offset=1,
)

# The run tags of a single-run backfill (Dagster exports them only from a private module).
PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"

# What the code of the dbt project is: a change to any of these may change any month.
_PROJECT_PARTS = ("models", "macros", "seeds", "dbt_project.yml")


@dataclass(frozen=True)
class MonthPlan:
    """The months a run of the monthly models rebuilds. ``months`` is None for a full rebuild."""

    months: list[dt.date] | None
    requested: list[dt.date]
    stale: list[dt.date]
    reason: str

    @property
    def full(self) -> bool:
        return self.months is None


def partitions_rebuilt_beyond_the_run(plan: MonthPlan, run_keys: Iterable[str]) -> list[str]:
    """The monthly partitions a run rebuilt that it was not asked for: the months whose inputs
    changed, added to a partition run, or every partition when the plan became a full rebuild.
    Their materializations are recorded too, so the partitions Dagster shows as materialized are
    the months that were built."""
    every = MONTHLY_PARTITIONS.get_partition_keys()
    if plan.full:
        rebuilt = set(every)
    else:
        rebuilt = {month.strftime(PARTITION_FORMAT) for month in plan.months or []}
    asked = set(run_keys)
    return [key for key in every if key in rebuilt and key not in asked]


def all_partitions_tags() -> dict[str, str]:
    """Run tags for a single run over every monthly partition: the full rebuild that
    ``scorecards run`` and the monthly close make (Dagster's own form of a one-run backfill).

    Dagster cannot run a partitioned asset with checks outside a partition, so a full run is a run
    of all partitions, not a run without one."""
    return {
        PARTITION_RANGE_START_TAG: MONTHLY_PARTITIONS.get_first_partition_key(),
        PARTITION_RANGE_END_TAG: MONTHLY_PARTITIONS.get_last_partition_key(),
    }


def covers_every_partition(keys: Iterable[str]) -> bool:
    return set(MONTHLY_PARTITIONS.get_partition_keys()) <= set(keys)


def months_in_window(window: dg.TimeWindow) -> list[dt.date]:
    """First days of the months in a partition time window (end exclusive)."""
    month = window.start.date().replace(day=1)
    end = window.end.date()
    months = []
    while month < end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def plan_months(
    requested: Iterable[dt.date] | None,
    stale: Iterable[dt.date] | None,
    known: Iterable[dt.date],
) -> MonthPlan:
    """Which months to rebuild, given the requested partitions (None: no partition), the stale
    months (None: nothing was built yet) and every month the fingerprints know."""
    requested_months = sorted(set(requested or []))
    stale_months = sorted(set(stale or []))
    if requested is None:
        return MonthPlan(None, [], stale_months, "no partition: every month")
    if stale is None:
        return MonthPlan(None, requested_months, [], "first build of the monthly models")
    everything = set(known)
    if everything and everything <= set(stale_months):
        return MonthPlan(
            None, requested_months, stale_months, "inputs, code or settings changed: every month"
        )
    months = sorted(set(requested_months) | set(stale_months))
    reason = "requested months" + (" and months with changed inputs" if stale_months else "")
    return MonthPlan(months, requested_months, stale_months, reason)


STALE_MONTHS_SQL = """
    select coalesce(current_inputs.month_start, built.month_start) as month_start,
        current_inputs.input_fingerprint is distinct from built.input_fingerprint as stale
    from intermediate.int_ledger_inputs_fingerprinted as current_inputs
    full outer join intermediate.int_ledger_months_built as built
        on current_inputs.month_start = built.month_start
    order by 1
"""


def read_month_states(build_db: Path) -> tuple[list[dt.date] | None, list[dt.date]]:
    """(stale months or None when nothing was built yet, every known month) from build.duckdb.

    Read before dbt starts, while the build file is free. The fingerprints are those of the
    run's staging step (the upstream dbt assets), which ran on this run's inputs and settings.
    """
    if not build_db.exists():
        return None, []
    with duckdb.connect(str(build_db), read_only=True) as con:
        try:
            rows = con.execute(STALE_MONTHS_SQL).fetchall()
        except duckdb.CatalogException:
            return None, []
    return [month for month, stale in rows if stale], [month for month, _ in rows]


def record_first_month(paths: Home) -> str | None:
    """Write the data's first month (the earliest month of the monthly KPI fact) to the home,
    where the next run's partitions start (Home.recorded_first_month); None when none built."""
    if not paths.build_db.exists():
        return None
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        try:
            rows = con.execute("select min(month_start) from marts.fct_kpi_monthly").fetchall()
        except duckdb.CatalogException:
            return None
    if not rows or rows[0][0] is None:
        return None
    month = rows[0][0].strftime(PARTITION_FORMAT)
    scratch = paths.first_month_file.with_name(f".{paths.first_month_file.name}.{os.getpid()}")
    scratch.write_text(month + "\n", encoding="utf-8")
    os.replace(scratch, paths.first_month_file)
    return month


def project_fingerprint(
    project_dir: Path = DBT_PROJECT_DIR, parts: Iterable[str] = _PROJECT_PARTS
) -> str:
    """sha256 over the named parts of a dbt project (by default its models, macros, seeds and
    settings): paths and contents."""
    digest = hashlib.sha256()
    for file in project_files(project_dir, parts):
        digest.update(file.relative_to(project_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def project_files(project_dir: Path, parts: Iterable[str]) -> list[Path]:
    """The files of the named parts of a dbt project (a file, or a folder walked), in order;
    a part that does not exist has none."""
    files: list[Path] = []
    for part in parts:
        path = project_dir / part
        files += [path] if path.is_file() else sorted(f for f in path.rglob("*") if f.is_file())
    return files


def fiscal_label(month: dt.date, fiscal_year_start_month: int) -> str:
    """'2026-03 (FY2026 P03)': the fiscal year is named after the calendar year it starts in,
    as dim_date does."""
    period = (month.month - fiscal_year_start_month) % 12 + 1
    year = month.year if month.month >= fiscal_year_start_month else month.year - 1
    return f"{month.strftime(PARTITION_FORMAT)} (FY{year} P{period:02d})"
