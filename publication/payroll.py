"""The payroll export: ``reports/payroll/<pay period>.csv``, one row per rep, pay period and
currency, for approved payouts of ended periods only (publication/finance_queries.PAYROLL_SQL).
A disputed or held payout, or one nobody decided on, is not in it. Written as a whole folder
swapped in, like the statements, so a payroll system never reads a half-written file."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from pathlib import Path

import duckdb

from publication import folders
from publication.finance_queries import PAYROLL_SQL
from publication.sheets import csv_safe

# Machine headers: payroll systems import these files by column name.
PAYROLL_COLUMNS = (
    "employee_id",
    "full_name",
    "cost_centre",
    "region",
    "period_type",
    "period_start",
    "period_end",
    "currency",
    "amount",
    "publication_version",
)


def period_label(period_type: str, period_start: dt.date) -> str:
    """2026-09 for a month, 2026-07_quarter for a fiscal quarter starting in July 2026: the
    name of a pay period's payroll file and of its statements' folder."""
    label = period_start.strftime("%Y-%m")
    return label if period_type == "month" else f"{label}_{period_type}"


def write_payroll(con: duckdb.DuckDBPyConnection, reports_dir: Path) -> list[Path]:
    """Write one CSV per pay period with approved payouts; returns the files written."""
    version = con.execute("select max(version) from publication_log").fetchall()[0][0]
    rows = con.execute(PAYROLL_SQL, [version]).fetchall()
    target = reports_dir / "payroll"
    staging = reports_dir / ".payroll.tmp"
    folders.fresh(staging)
    written = []
    period_of = PAYROLL_COLUMNS.index("period_start")
    type_of = PAYROLL_COLUMNS.index("period_type")
    for (period_type, period_start), group in itertools.groupby(
        rows, key=lambda row: (row[type_of], row[period_of])
    ):
        path = staging / f"{period_label(str(period_type), period_start)}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(PAYROLL_COLUMNS)
            for row in group:
                writer.writerow(["" if value is None else csv_safe(value) for value in row])
        written.append(target / path.name)
    folders.swap_in(staging, target)
    return written
