"""A hand-made published copy for the planning tests: only the tables a plan reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

# (user, team, region, hire date, termination date)
REPS = [
    ("R1", "T1", "north", dt.date(2020, 3, 1), None),
    ("R2", "T1", "north", dt.date(2020, 3, 1), None),
    ("R3", "T2", "south", dt.date(2020, 3, 1), None),
    ("R4", "T2", "south", dt.date(2026, 1, 5), None),
]


def make_published(
    path: Path,
    as_of: dt.date,
    company: dict[dt.date, str],
    reps: dict[tuple[str, dt.date], str],
    people: list[tuple[str, str, str, dt.date, dt.date | None]] = REPS,
    sums: dict[tuple[str, str, str, dt.date], tuple[str, str, int]] | None = None,
) -> Path:
    """``company`` and ``reps`` are the monthly revenue actuals (as text, decimals); ``sums`` the
    team and company rows of other metrics: (scope type, id, metric, month) -> (numerator,
    denominator, transactions)."""
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table publication_log as select 1 as version, cast(? as date) as as_of_date",
            [as_of],
        )
        con.execute(
            "create table dim_date as select cast(d as date) as date_day, "
            "cast(date_trunc('month', d) as date) as month_start, "
            "cast(date_trunc('year', d) as date) as fiscal_year_start, "
            "day(last_day(d)) as days_in_month "
            "from range(date '2018-01-01', date '2031-01-01', interval 1 day) as t(d)"
        )
        con.execute(
            "create table dim_metrics (metric varchar, kind varchar, aggregation varchar, "
            "unit varchar, display_order int)"
        )
        con.execute(
            "insert into dim_metrics values ('revenue', 'result', 'sum', 'currency', 1), "
            "('bookings', 'result', 'sum', 'currency', 2), "
            "('win_rate', 'process', 'ratio', 'ratio', 3), "
            "('pipeline_created', 'process', 'sum', 'currency', 4), "
            "('calls', 'process', 'sum', 'count', 5), ('visits', 'process', 'sum', 'count', 6)"
        )
        con.execute(
            "create table dim_users (user_id varchar, full_name varchar, hire_date date, "
            "termination_date date)"
        )
        con.execute(
            "create table dim_rep_memberships (user_id varchar, team_id varchar, region varchar, "
            "role varchar, valid_from date, valid_to_exclusive date, is_current boolean)"
        )
        for user, team, region, hired, left in people:
            con.execute(
                "insert into dim_users values (?, ?, ?, ?)", [user, f"Rep {user}", hired, left]
            )
            con.execute(
                "insert into dim_rep_memberships values (?, ?, ?, 'rep', ?, ?, true)",
                [user, team, region, hired, left],
            )
        con.execute(
            "create table dim_teams as select * from (values ('T1', 'north'), ('T2', 'south')) "
            "as t(team_id, region)"
        )
        con.execute(
            "create table fct_kpi_monthly (scope_type varchar, scope_id varchar, "
            "month_start date, metric varchar, actual decimal(24, 6), numerator decimal(24, 2), "
            "denominator decimal(24, 2), transaction_count bigint)"
        )
        insert = "insert into fct_kpi_monthly values (?, ?, ?, ?, ?, ?, ?, ?)"
        for month, actual in company.items():
            con.execute(insert, ["company", "company", month, "revenue", actual, actual, None, 1])
        for (user, month), actual in reps.items():
            con.execute(insert, ["rep", user, month, "revenue", actual, actual, None, 1])
        for (scope_type, scope_id, metric, month), (num, den, count) in (sums or {}).items():
            con.execute(insert, [scope_type, scope_id, month, metric, None, num, den, count])
    return path
