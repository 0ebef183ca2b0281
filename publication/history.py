"""What was already paid: the payouts of closed months, carried from one publication to the next.

A payout that finance has paid must never be rewritten by a later run. A month is paid once it is
closed (``scorecards close --month``, ``publication/closing.py``); the published copy is the record
of what was paid. So before dbt runs, the payouts (and their statement lines) of every plan period
whose months are all closed are copied from ``published.duckdb`` into the ``history`` schema of the
build database. The dbt models republish those rows as they were and post any later difference as
clawback lines in the current period (dbt_project/macros/paid_history.sql).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

HISTORY_TABLES = ("paid_payouts", "paid_payout_lines")
# The last publication's tiers of its latest month: what scorecard_warnings' tier_lost compares.
PUBLISHED_STATE_TABLES = ("published_tiers",)


@dataclass(frozen=True)
class PaidHistory:
    """How much of the published record this run treats as paid."""

    payouts: int
    lines: int
    published_as_of: dt.date | None

    @property
    def present(self) -> bool:
        return self.payouts > 0


def _published_state(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The as-of date of the latest publication, or None when it has no payouts to carry."""
    tables = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'published'"
        ).fetchall()
    }
    if not {"payouts", "payout_lines", "publication_log"} <= tables:
        return None
    rows = con.execute(
        "select as_of_date from published.publication_log order by version desc limit 1"
    ).fetchall()
    return rows[0][0] if rows else None


def snapshot_paid_history(
    build_db: Path, published_db: Path, closed_months: list[dt.date]
) -> PaidHistory:
    """Copy the paid payouts of the published copy into ``history`` of the build database.

    A payout is paid when every month of its period is closed. The tables are dropped first, so
    a run never sees a stale snapshot; they are left absent (and the dbt var ``paid_history``
    false) when nothing is paid yet.
    """
    con = duckdb.connect(str(build_db))
    try:
        con.execute("create schema if not exists history")
        for table in HISTORY_TABLES:
            con.execute(f'drop table if exists history."{table}"')
        if not published_db.exists() or not closed_months:
            return PaidHistory(0, 0, None)
        con.execute("attach ? as published (read_only)", [str(published_db)])
        try:
            published_as_of = _published_state(con)
            if published_as_of is None:
                return PaidHistory(0, 0, None)
            con.execute(
                "create temp table closed_months as select unnest(?::date[]) as month_start",
                [sorted(closed_months)],
            )
            con.execute(
                """
                create table history.paid_payouts as
                select * exclude (as_of_date) replace (
                    'paid' as period_status,
                    coalesce(paid_as_of_date, as_of_date) as paid_as_of_date
                )
                from published.payouts as payouts
                where not exists (
                    select 1
                    from generate_series(
                        payouts.period_start, payouts.period_end, interval 1 month
                    ) as months(month_start)
                    where cast(months.month_start as date) not in (
                        select month_start from closed_months
                    )
                )
                order by payout_id
                """
            )
            con.execute(
                """
                create table history.paid_payout_lines as
                select lines.*
                from published.payout_lines as lines
                semi join history.paid_payouts as paid
                    on lines.payout_id = paid.payout_id
                order by lines.line_id
                """
            )
            payouts = con.execute("select count(*) from history.paid_payouts").fetchall()[0][0]
            lines = con.execute("select count(*) from history.paid_payout_lines").fetchall()[0][0]
            return PaidHistory(payouts, lines, published_as_of)
        finally:
            con.execute("detach published")
    finally:
        con.close()


def snapshot_published_tiers(build_db: Path, published_db: Path) -> int:
    """Copy the tiers the latest publication showed for its latest month into
    ``history.published_tiers`` of the build database; the number of rows copied.

    A tier lost since the last publication is a warning (scorecard_warnings, tier_lost), and the
    build cannot see the published copy: so, like the paid history, it is copied in before dbt
    runs. The table is dropped first and left absent when nothing is published yet.
    """
    con = duckdb.connect(str(build_db))
    try:
        con.execute("create schema if not exists history")
        con.execute('drop table if exists history."published_tiers"')
        if not published_db.exists():
            return 0
        con.execute("attach ? as published (read_only)", [str(published_db)])
        try:
            tables = {
                row[0]
                for row in con.execute(
                    "select table_name from information_schema.tables "
                    "where table_catalog = 'published'"
                ).fetchall()
            }
            if not {"scorecard_attainment", "publication_log"} <= tables:
                return 0
            con.execute(
                """
                create table history.published_tiers as
                select
                    scorecard.period_grain,
                    scorecard.period_start,
                    scorecard.period_month,
                    scorecard.scope_type,
                    scorecard.scope_id,
                    scorecard.metric,
                    scorecard.tier_reached,
                    scorecard.actual,
                    log.version as published_version,
                    log.as_of_date as published_as_of_date
                from published.scorecard_attainment as scorecard
                cross join (
                    select version, as_of_date from published.publication_log
                    order by version desc limit 1
                ) as log
                where scorecard.period_month = (
                    select max(period_month) from published.scorecard_attainment
                )
                order by all
                """
            )
            return con.execute("select count(*) from history.published_tiers").fetchall()[0][0]
        finally:
            con.execute("detach published")
    finally:
        con.close()
