"""Closed months in a candidate publication: their figures kept per version, and every later
change to them listed, cell by cell, as a restatement (old and new value)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb

from publication.closing import ClosedMonth

# Scorecard columns whose change in a closed month is listed in `restatements`.
RESTATED_COLUMNS = (
    "target_floor",
    "target",
    "target_stretch",
    "target_original",
    "actual",
    "attainment",
    "attainment_null_reason",
    "tier_reached",
    "gap_to_target",
    "rank_in_parent",
)
SCORECARD_KEY = ("period_grain", "period_start", "period_month", "scope_type", "scope_id", "metric")


def record_closed_months(
    con: duckdb.DuckDBPyConnection,
    has_previous: bool,
    version: int,
    closed_months: Sequence[ClosedMonth],
) -> list[str]:
    """closed_months, scorecard_attainment_versions and restatements in the candidate.

    A closed month's figures are kept, per version, in scorecard_attainment_versions: first as
    they were when it was closed, then each time a later run changes them. A change is a
    restatement: its old and new values, column by column, go to restatements. Both tables are
    carried forward from the previous publication, so every earlier version stays queryable.
    """
    con.execute(
        "create table pub.main.closed_months (month_start date, closed_in_version integer, "
        "as_of_date date, closed_at timestamp)"
    )
    for month in closed_months:
        con.execute(
            "insert into pub.main.closed_months values (?, ?, ?, ?)",
            [month.month_start, month.closed_in_version, month.as_of_date, month.closed_at],
        )
    previous_tables = set()
    if has_previous:
        previous_tables = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_catalog = 'prev'"
            ).fetchall()
        }
    if "scorecard_attainment_versions" in previous_tables:
        con.execute(
            "create table pub.main.scorecard_attainment_versions as "
            "select * from prev.main.scorecard_attainment_versions"
        )
    else:
        con.execute(
            "create table pub.main.scorecard_attainment_versions as select "
            "cast(null as integer) as version, * exclude (as_of_date) "
            "from pub.main.scorecard_attainment where false"
        )
    diff_columns = (
        "version integer, month_start date, period_grain varchar, period_start date, "
        "scope_type varchar, scope_id varchar, metric varchar, column_name varchar, "
        "old_value varchar, new_value varchar"
    )
    con.execute(f"create table pub.main.restatements ({diff_columns})")
    if "restatements" in previous_tables:
        # By name: a publication from before the week grain has no period_start (null there).
        con.execute(
            "insert into pub.main.restatements by name select * from prev.main.restatements"
        )
    restated: list[str] = []
    for month in closed_months:
        start = month.month_start
        has_baseline = con.execute(
            "select count(*) from pub.main.scorecard_attainment_versions where period_month = ?",
            [start],
        ).fetchall()[0][0]
        if not has_baseline and "scorecard_attainment" in previous_tables:
            con.execute(
                "insert into pub.main.scorecard_attainment_versions "
                "select ?, * exclude (as_of_date) from prev.main.scorecard_attainment "
                "where period_month = ?",
                [month.closed_in_version, start],
            )
        if _month_differs(con, start):
            restated.append(f"{start:%Y-%m}")
            _insert_diff(con, version, start)
            con.execute(
                "insert into pub.main.scorecard_attainment_versions "
                "select ?, * exclude (as_of_date) from pub.main.scorecard_attainment "
                "where period_month = ?",
                [version, start],
            )
    # Same content, same layout: the carried tables are rewritten sorted.
    for table in ("scorecard_attainment_versions", "restatements"):
        con.execute(
            f"create or replace table pub.main.{table} as select * from pub.main.{table} "
            "order by all"
        )
    return restated


LATEST_VERSION_OF_MONTH = (
    "select * exclude (version) from pub.main.scorecard_attainment_versions "
    "where period_month = $month and version = (select max(version) from "
    "pub.main.scorecard_attainment_versions where period_month = $month)"
)
CURRENT_OF_MONTH = (
    "select * exclude (as_of_date) from pub.main.scorecard_attainment where period_month = $month"
)


def _month_differs(con: duckdb.DuckDBPyConnection, month: dt.date) -> bool:
    """True when the month's figures differ from its latest kept version (none kept: False)."""
    kept = con.execute(
        "select count(*) from pub.main.scorecard_attainment_versions where period_month = ?",
        [month],
    ).fetchall()[0][0]
    if not kept:
        return False
    changed = con.execute(
        f"select count(*) from (({LATEST_VERSION_OF_MONTH}) except all ({CURRENT_OF_MONTH})) "
        f"union all select count(*) from (({CURRENT_OF_MONTH}) except all "
        f"({LATEST_VERSION_OF_MONTH}))",
        {"month": month},
    ).fetchall()
    return any(row[0] for row in changed)


def _insert_diff(con: duckdb.DuckDBPyConnection, version: int, month: dt.date) -> None:
    """Old and new value of every changed scorecard cell of a closed month, row by row; a row
    that appears or disappears is one line of its own."""
    key = " and ".join(f"old.{c} is not distinct from new.{c}" for c in SCORECARD_KEY)
    pick = ", ".join(f"coalesce(old.{c}, new.{c}) as {c}" for c in SCORECARD_KEY)
    values = ", ".join(f"old.{c} as old_{c}, new.{c} as new_{c}" for c in RESTATED_COLUMNS)
    head = "select $version, period_month, period_grain, period_start, scope_type, scope_id, metric"
    parts = [
        f"{head}, '{c}', cast(old_{c} as varchar), cast(new_{c} as varchar) from paired "
        f"where not added and not removed and old_{c} is distinct from new_{c}"
        for c in RESTATED_COLUMNS
    ]
    parts.append(f"{head}, '(row added)', null, null from paired where added")
    parts.append(f"{head}, '(row removed)', null, null from paired where removed")
    con.execute(
        f"""
        insert into pub.main.restatements
        with old as ({LATEST_VERSION_OF_MONTH}),
        new as ({CURRENT_OF_MONTH}),
        paired as (
            select
                {pick}, {values},
                old.period_grain is null as added,
                new.period_grain is null as removed
            from old full outer join new on {key}
        )
        {" union all ".join(parts)}
        """,
        {"month": month, "version": version},
    )
