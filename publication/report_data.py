"""What the report shows, read from the published copy: plain rows the templates lay out.

Every figure is a column of a published table (each section's caption names it), so a figure on
the page traces to its row. Names come from the dimensions (dim_users, dim_teams), metric and
reason labels from the catalogue (core/i18n.py), never an id where a person reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

GRAINS = ("month", "qtd", "ytd")
SCOPES = ("company", "region", "team", "rep")

_SCORECARD_SQL = """
select
    scorecard.*,
    teams.team_name,
    users.full_name,
    parent_teams.team_name as parent_team_name,
    metrics.kind as metric_kind,
    metrics.source as metric_source,
    metrics.display_order as metric_order
from scorecard_attainment as scorecard
inner join dim_metrics as metrics
    on scorecard.metric = metrics.metric
left join dim_teams as teams
    on scorecard.scope_type = 'team' and scorecard.scope_id = teams.team_id
left join dim_users as users
    on scorecard.scope_type = 'rep' and scorecard.scope_id = users.user_id
left join dim_teams as parent_teams
    on scorecard.parent_scope_type = 'team' and scorecard.parent_scope_id = parent_teams.team_id
where {where}
order by scorecard.period_grain, scorecard.scope_type, scorecard.scope_id,
    metrics.display_order, scorecard.metric
"""

_WARNINGS_SQL = """
select
    warnings.*,
    coalesce(users.full_name, teams.team_name, warnings.scope_id) as scope_name,
    reasons.display_order as reason_order
from scorecard_warnings as warnings
inner join dim_reasons as reasons
    on warnings.reason_code = reasons.reason_code
left join dim_users as users
    on warnings.scope_type = 'rep' and warnings.scope_id = users.user_id
left join dim_teams as teams
    on warnings.scope_type = 'team' and warnings.scope_id = teams.team_id
where {where}
order by warnings.period_grain, reasons.display_order, warnings.scope_type, warnings.scope_id,
    warnings.metric, warnings.warning_id
"""

_LEADERBOARD_SQL = """
select
    performance.rank_in_company,
    performance.user_id,
    coalesce(users.full_name, performance.user_id) as full_name,
    coalesce(teams.team_name, performance.team_id) as team_name,
    performance.team_id,
    performance.score,
    performance.grade,
    performance.is_provisional,
    performance.missing_components
from scorecard_performance as performance
left join dim_users as users
    on performance.user_id = users.user_id
left join dim_teams as teams
    on performance.team_id = teams.team_id
where performance.month_start = ?
order by performance.rank_in_company, performance.user_id
"""

# Payout earned from the start of the fiscal year through the month, per rep (payouts).
_PAYOUTS_SQL = """
select
    user_id,
    currency,
    sum(earned_amount) as earned_amount,
    sum(payout_amount) as payout_amount
from payouts
where period_start >= ? and period_start <= ?
group by user_id, currency
order by user_id, currency
"""

_FUNNEL_SQL = """
select
    stage,
    sum(entered) as entered,
    sum(advanced) as advanced,
    case when sum(entered) > 0 then sum(advanced) / sum(entered) end as conversion
from fct_stage_conversion
where cohort_month <= ?
group by stage
order by sum(entered) desc, stage
"""


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> list[dict]:
    result = con.execute(sql, params)
    names = [column[0] for column in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


@dataclass
class Scorecard:
    """One period's scorecard rows, grouped by grain and scope type."""

    rows: list[dict]
    by: dict[tuple[str, str], list[dict]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.rows:
            self.by.setdefault((row["period_grain"], row["scope_type"]), []).append(row)

    def of(self, grain: str, scope_type: str) -> list[dict]:
        return self.by.get((grain, scope_type), [])

    def scopes(self, grain: str, scope_type: str) -> list[tuple[str, str]]:
        """(id, name) of the scopes of a type, by name."""
        named = {
            (row["scope_id"], row["full_name"] or row["team_name"] or row["scope_id"])
            for row in self.of(grain, scope_type)
        }
        return sorted(named, key=lambda scope: (scope[1], scope[0]))

    def metrics(self, grain: str) -> list[str]:
        """The metrics with a target at some scope of the grain, in the registry's order."""
        targeted = {
            (row["metric_order"], row["metric"])
            for row in self.rows
            if row["period_grain"] == grain and row["target"] is not None
        }
        return [metric for _, metric in sorted(targeted)]

    @property
    def is_open(self) -> bool:
        return any(row["is_open"] for row in self.of("month", "company"))


def published_months(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    return [
        row[0]
        for row in con.execute(
            "select distinct period_month from scorecard_attainment "
            "where period_grain = 'month' order by 1"
        ).fetchall()
    ]


def publication(con: duckdb.DuckDBPyConnection) -> tuple[int | None, dt.date | None]:
    """The latest publication's version and as-of date."""
    log = con.execute(
        "select version, as_of_date from publication_log order by version desc limit 1"
    ).fetchall()
    return log[0] if log else (None, None)


def month_scorecard(con: duckdb.DuckDBPyConnection, month: dt.date) -> Scorecard:
    where = "scorecard.period_grain in ('month', 'qtd', 'ytd') and scorecard.period_month = ?"
    return Scorecard(rows(con, _SCORECARD_SQL.format(where=where), [month]))


def week_scorecard(con: duckdb.DuckDBPyConnection, week_start: dt.date) -> Scorecard:
    where = "scorecard.period_grain = 'week' and scorecard.period_start = ?"
    return Scorecard(rows(con, _SCORECARD_SQL.format(where=where), [week_start]))


def month_warnings(con: duckdb.DuckDBPyConnection, month: dt.date) -> list[dict]:
    """Every warning the publication holds for the month, at every grain (its weeks too)."""
    return rows(con, _WARNINGS_SQL.format(where="warnings.period_month = ?"), [month])


def week_warnings(con: duckdb.DuckDBPyConnection, week_start: dt.date) -> list[dict]:
    where = "warnings.period_grain = 'week' and warnings.period_start = ?"
    return rows(con, _WARNINGS_SQL.format(where=where), [week_start])


def leaderboard(con: duckdb.DuckDBPyConnection, month: dt.date) -> list[dict]:
    """The month's ranking, each rep's missing components as (KPI, reason code) pairs."""
    board = rows(con, _LEADERBOARD_SQL, [month])
    for row in board:
        listed = row["missing_components"] or ""
        row["missing"] = [tuple(item.split(":", 1)) for item in listed.split(", ") if ":" in item]
    return board


def payouts_to_date(
    con: duckdb.DuckDBPyConnection, year_start: dt.date, month: dt.date
) -> dict[str, list[dict]]:
    """Each rep's payouts of the periods starting in the fiscal year up to the month, by
    currency."""
    earned: dict[str, list[dict]] = {}
    for row in rows(con, _PAYOUTS_SQL, [year_start, month]):
        earned.setdefault(row["user_id"], []).append(row)
    return earned


_OVERLAY_SQL = """
    select
        overlay.user_id,
        coalesce(users.full_name, overlay.user_id) as full_name,
        overlay.metric,
        count(*) as opportunities,
        sum(overlay.amount_base) as amount_base,
    from fct_overlay_credits as overlay
    left join dim_users as users
        on overlay.user_id = users.user_id
    where overlay.month_start = ?
    group by all
    order by amount_base desc, overlay.user_id, overlay.metric
"""


def overlay_credits(con: duckdb.DuckDBPyConnection, month: dt.date) -> list[dict]:
    """The month's overlay credit per overlay user and metric: reported apart, in no total."""
    return rows(con, _OVERLAY_SQL, [month])


def funnel(con: duckdb.DuckDBPyConnection, month: dt.date) -> list[dict]:
    return rows(con, _FUNNEL_SQL, [month])


def latest_week(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The Monday of the latest published week (the as-of week)."""
    found = con.execute(
        "select max(period_start) from scorecard_attainment where period_grain = 'week'"
    ).fetchall()
    return found[0][0] if found else None
