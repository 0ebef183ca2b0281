"""What a plan is made from: the published copy's history, read once (never the build database).

Per rep: where they sit now (team, region), when they joined and leave, their days as a rep in
each month, and their monthly actuals of the planned metrics (``fct_kpi_monthly``, rep scope, the
same credited figures the scorecards show). The published copy's own calendar (``dim_date``)
gives the fiscal year and the working days, so a plan uses the fiscal year the figures were
published with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from publication.report_data import publication


class PlanInputError(ValueError):
    """The published copy cannot support the plan asked for, with the reason in words."""


@dataclass(frozen=True)
class Rep:
    user_id: str
    full_name: str
    team_id: str
    region: str
    hire_date: dt.date | None
    termination_date: dt.date | None


@dataclass(frozen=True)
class History:
    as_of: dt.date
    version: int
    fiscal_year_start_month: int
    reps: tuple[Rep, ...]  # reps in a team now, by id
    actuals: dict[tuple[str, str, dt.date], Decimal]  # (user, metric, month) -> actual
    company: dict[tuple[str, dt.date], Decimal]  # (metric, month) -> the company's actual
    member_days: dict[tuple[str, dt.date], int]  # (user, month) -> days as a rep in a team
    first_month: dict[str, dt.date]  # metric -> first month with any actual (company scope)
    month_days: dict[dt.date, int]  # month -> days, for every month of the calendar
    metrics: tuple[str, ...]  # the summable result metrics the copy publishes
    # (scope type, scope id, metric, month) -> (numerator, denominator, transactions), for the
    # team and company rates a plan works backwards with (planning/backwards.py)
    sums: dict[tuple[str, str, str, dt.date], tuple[Decimal, Decimal, int]]
    activity_metrics: tuple[str, ...]  # counted process metrics (calls, visits, ...)


REPS_SQL = """
select
    memberships.user_id,
    coalesce(users.full_name, memberships.user_id) as full_name,
    memberships.team_id,
    memberships.region,
    users.hire_date,
    users.termination_date
from dim_rep_memberships as memberships
left join dim_users as users
    on memberships.user_id = users.user_id
where memberships.role = 'rep' and memberships.is_current
order by memberships.user_id
"""

MEMBER_DAYS_SQL = """
select memberships.user_id, calendar.month_start, count(*) as days
from dim_rep_memberships as memberships
inner join dim_date as calendar
    on
        calendar.date_day >= memberships.valid_from
        and (
            memberships.valid_to_exclusive is null
            or calendar.date_day < memberships.valid_to_exclusive
        )
where memberships.role = 'rep' and calendar.date_day <= ?
group by all
"""

SUMS_SQL = """
select
    scope_type,
    scope_id,
    metric,
    month_start,
    coalesce(numerator, 0),
    coalesce(denominator, 0),
    coalesce(transaction_count, 0)
from fct_kpi_monthly
where scope_type in ('team', 'company')
"""

ACTUALS_SQL = """
select scope_type, scope_id, metric, month_start, actual
from fct_kpi_monthly
where scope_type in ('rep', 'company') and actual is not null and metric in (
    select metric from dim_metrics where kind = 'result' and aggregation = 'sum'
)
"""


def read_history(published_db: Path) -> History:
    """Everything a plan needs from ``published_db``, or a PlanInputError saying what is missing."""
    if not published_db.exists():
        raise PlanInputError(
            f"nothing is published in {published_db}: run the pipeline first (a plan is made "
            "from the published history)"
        )
    with duckdb.connect(str(published_db), read_only=True) as con:
        version, as_of = publication(con)
        if version is None:
            raise PlanInputError(f"{published_db} holds no publication: run the pipeline first")
        fiscal_start = con.execute(
            "select month(fiscal_year_start) from dim_date where date_day = ?", [as_of]
        ).fetchall()[0][0]
        reps = tuple(Rep(*row) for row in con.execute(REPS_SQL).fetchall())
        member_days = {
            (user, month): days
            for user, month, days in con.execute(MEMBER_DAYS_SQL, [as_of]).fetchall()
        }
        actuals: dict[tuple[str, str, dt.date], Decimal] = {}
        company: dict[tuple[str, dt.date], Decimal] = {}
        for scope_type, scope_id, metric, month, actual in con.execute(ACTUALS_SQL).fetchall():
            if scope_type == "rep":
                actuals[scope_id, metric, month] = Decimal(actual)
            else:
                company[metric, month] = Decimal(actual)
        first_month = dict(
            con.execute(
                "select metric, min(month_start) from fct_kpi_monthly where scope_type = 'company' "
                "and actual <> 0 group by metric"
            ).fetchall()
        )
        month_days = dict(
            con.execute(
                "select month_start, any_value(days_in_month) from dim_date group by 1"
            ).fetchall()
        )
        metrics = tuple(
            row[0]
            for row in con.execute(
                "select metric from dim_metrics where kind = 'result' and aggregation = 'sum' "
                "order by display_order"
            ).fetchall()
        )
        sums = {
            (scope_type, scope_id, metric, month): (Decimal(num), Decimal(den), int(count))
            for scope_type, scope_id, metric, month, num, den, count in con.execute(
                SUMS_SQL
            ).fetchall()
        }
        activity_metrics = tuple(
            row[0]
            for row in con.execute(
                "select metric from dim_metrics where kind = 'process' and unit = 'count' "
                "and aggregation = 'sum' order by display_order"
            ).fetchall()
        )
    if not reps:
        raise PlanInputError(f"no rep is in a team in {published_db}: nobody to plan for")
    return History(
        as_of=as_of,
        version=version,
        fiscal_year_start_month=fiscal_start,
        reps=reps,
        actuals=actuals,
        company=company,
        member_days=member_days,
        first_month=first_month,
        month_days=month_days,
        metrics=metrics,
        sums=sums,
        activity_metrics=activity_metrics,
    )
