"""The rows a payout statement is made of, read from the published copy: each statement's
payouts and lines streamed in key order (one statement in memory at a time), the digests of
every statement's rows taken in DuckDB, and the check that no line is left without a payout.
Its code counts in the statements' writer version (publication/statements.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import duckdb

# Rows fetched at a time when statements are streamed: payout lines held as dicts cost about
# 2 KB each, and the large scale has millions of them (docs/BENCHMARKS.md).
BATCH_ROWS = 20_000


def streamed(
    con: duckdb.DuckDBPyConnection, sql: str, parameters: Sequence[object] = ()
) -> Iterator[dict[str, object]]:
    """The rows of ``sql`` as dicts, fetched BATCH_ROWS at a time on a cursor of their own."""
    cursor = con.cursor()
    try:
        cursor.execute(sql, parameters or None)
        names = [column[0] for column in cursor.description]
        while batch := cursor.fetchmany(BATCH_ROWS):
            for row in batch:
                yield dict(zip(names, row, strict=True))
    finally:
        cursor.close()


def records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, object]]:
    return list(streamed(con, sql))


STATEMENT_KEY = ("user_id", "plan_id", "period_start")
STATEMENT_TABLES = (
    "dim_users",
    "dim_teams",
    "dim_rep_memberships",
    "dim_date",
    "dim_payout_curves",
    "payouts",
    "payout_lines",
)
# One row per statement: the rep's name, the team of their membership in force at the period's
# end (the latest that overlaps the period), the fiscal year the period starts in, and the year
# to date up to the period's end: payouts and prorated on-target incentive of every plan period
# of the rep in the same currency that ends by then. A statement's figures depend on other
# statements' payouts (the year to date), so this row is part of its digest.
HEADERS_CTE = """
    statements as (
        select
            user_id,
            plan_id,
            period_start,
            max(period_end) as period_end,
            max(currency) as currency,
            max(prorated_incentive) as prorated_incentive,
            sum(payout_amount) as payout_total,
        from payouts
        group by user_id, plan_id, period_start
    ),

    in_years as (
        select
            statements.*,
            dim_date.fiscal_year_start,
        from statements
        left join dim_date
            on statements.period_start = dim_date.date_day
    ),

    memberships as (
        select
            in_years.user_id,
            in_years.plan_id,
            in_years.period_start,
            dim_rep_memberships.team_id,
            dim_rep_memberships.region,
            row_number() over (
                partition by in_years.user_id, in_years.plan_id, in_years.period_start
                order by dim_rep_memberships.valid_from desc, dim_rep_memberships.team_id
            ) as membership_rank,
        from in_years
        inner join dim_rep_memberships
            on in_years.user_id = dim_rep_memberships.user_id
            and dim_rep_memberships.valid_from <= in_years.period_end
            and coalesce(dim_rep_memberships.valid_to_exclusive, date '9999-12-31')
                > in_years.period_start
    ),

    year_to_date as (
        select
            this.user_id,
            this.plan_id,
            this.period_start,
            sum(earlier.payout_total) as ytd_payout,
            sum(earlier.prorated_incentive) as ytd_incentive,
        from in_years as this
        inner join in_years as earlier
            on this.user_id = earlier.user_id
            and this.currency is not distinct from earlier.currency
            and earlier.period_start >= this.fiscal_year_start
            and earlier.period_end <= this.period_end
        group by this.user_id, this.plan_id, this.period_start
    ),

    headers as (
        select
            in_years.user_id,
            in_years.plan_id,
            in_years.period_start,
            dim_users.full_name,
            memberships.team_id,
            dim_teams.team_name,
            memberships.region,
            in_years.fiscal_year_start,
            year_to_date.ytd_payout,
            year_to_date.ytd_incentive,
            round(year_to_date.ytd_payout / nullif(year_to_date.ytd_incentive, 0), 6)
                as ytd_share,
        from in_years
        left join dim_users
            on in_years.user_id = dim_users.user_id
        left join memberships
            on in_years.user_id = memberships.user_id
            and in_years.plan_id = memberships.plan_id
            and in_years.period_start = memberships.period_start
            and memberships.membership_rank = 1
        left join dim_teams
            on memberships.team_id = dim_teams.team_id
        left join year_to_date
            on in_years.user_id = year_to_date.user_id
            and in_years.plan_id = year_to_date.plan_id
            and in_years.period_start = year_to_date.period_start
    )
"""
PAYOUT_ORDER = "metric, payout_id"
LINE_ORDER = "metric, line_type desc, transaction_date, line_id"
# The statements to write, by key: three parallel lists bound as parameters (a temporary table
# would not be seen by the cursors the rows are streamed on).
CHOSEN = """
    semi join (
        select unnest(?) as user_id, unnest(?) as plan_id, unnest(?) as period_start
    ) as chosen using (user_id, plan_id, period_start)
"""
PAYOUTS_SQL = (
    f"select * from payouts {CHOSEN} order by user_id, plan_id, period_start, {PAYOUT_ORDER}"
)
LINES_SQL = (
    f"select * from payout_lines {CHOSEN} order by user_id, plan_id, period_start, {LINE_ORDER}"
)
HEADERS_SQL = (
    f"with {HEADERS_CTE} select * from headers {CHOSEN} order by user_id, plan_id, period_start"
)
CURVES_SQL = "select * from dim_payout_curves order by plan_id, attainment_from"
# One row per statement, in key order: its folder's period type, its number of lines and the
# digests of its rows (every column, as JSON text: decimals keep their scale), of its payouts
# and of its lines each in the order the statement shows them, and its header row. Each row is
# digested first and the statement's digests joined: joining the rows' text held three times
# the memory in DuckDB at the large scale, and took longer (docs/BENCHMARKS.md).
STATEMENT_DIGESTS_SQL = f"""
    with {HEADERS_CTE},

    payout_digests as (
        select
            user_id,
            plan_id,
            period_start,
            first(period_type order by {PAYOUT_ORDER}) as period_type,
            sha256(string_agg(sha256(to_json(payouts)), '' order by {PAYOUT_ORDER})) as payouts,
        from payouts
        group by user_id, plan_id, period_start
    ),

    line_digests as (
        select
            user_id,
            plan_id,
            period_start,
            count(*) as line_count,
            sha256(
                string_agg(sha256(to_json(payout_lines)), '' order by {LINE_ORDER})
            ) as lines,
        from payout_lines
        group by user_id, plan_id, period_start
    ),

    header_rows as (
        select
            user_id,
            plan_id,
            period_start,
            to_json(headers) as header_row,
        from headers
    )

    select
        payout_digests.user_id,
        payout_digests.plan_id,
        payout_digests.period_start,
        payout_digests.period_type,
        coalesce(line_digests.line_count, 0) as line_count,
        payout_digests.payouts,
        line_digests.lines,
        header_rows.header_row,
    from payout_digests
    left join line_digests
        on payout_digests.user_id is not distinct from line_digests.user_id
        and payout_digests.plan_id is not distinct from line_digests.plan_id
        and payout_digests.period_start is not distinct from line_digests.period_start
    left join header_rows
        on payout_digests.user_id is not distinct from header_rows.user_id
        and payout_digests.plan_id is not distinct from header_rows.plan_id
        and payout_digests.period_start is not distinct from header_rows.period_start
    order by payout_digests.user_id, payout_digests.plan_id, payout_digests.period_start
"""
# A line whose key has no payout would be in no statement: it stops the export.
ORPHAN_LINES_SQL = """
    select line_id, user_id, plan_id, period_start
    from payout_lines
    where not exists (
        select 1
        from payouts
        where payouts.user_id is not distinct from payout_lines.user_id
            and payouts.plan_id is not distinct from payout_lines.plan_id
            and payouts.period_start is not distinct from payout_lines.period_start
    )
    order by line_id
    limit 1
"""


def statement_rows(
    con: duckdb.DuckDBPyConnection, chosen: Sequence[tuple]
) -> Iterator[tuple[tuple, dict[str, object], list[dict[str, object]], list[dict[str, object]]]]:
    """The ``chosen`` statements' keys, header rows, payouts and lines, in key order, read in
    step from sorted streams so that one statement's rows are in memory at a time. All are
    sorted on the key first, so a statement's lines follow each other and come in its turn; a
    line left over (out of order) stops the export instead of going missing."""
    if not chosen:
        return
    keys = [list(column) for column in zip(*chosen, strict=True)]
    lines = streamed(con, LINES_SQL, keys)
    headers = streamed(con, HEADERS_SQL, keys)
    line = next(lines, None)
    for key, group in itertools.groupby(
        streamed(con, PAYOUTS_SQL, keys),
        key=lambda row: tuple(row[name] for name in STATEMENT_KEY),
    ):
        payouts = list(group)
        header = next(headers, None)
        if header is None or tuple(header[name] for name in STATEMENT_KEY) != key:
            raise RuntimeError(f"the statement {key} has no header row in its turn")
        own: list[dict[str, object]] = []
        while line is not None and tuple(line[name] for name in STATEMENT_KEY) == key:
            own.append(line)
            line = next(lines, None)
        yield key, header, payouts, own
    if line is not None:
        raise RuntimeError(
            "a payout line has no payout to go with (or the lines are out of order): "
            f"{line.get('line_id')} for {tuple(line[name] for name in STATEMENT_KEY)}"
        )


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[list[str]]:
    """A table's column names and types, in order."""
    description = con.execute(f'select * from "{table}" limit 0').description
    return [[column[0], str(column[1])] for column in description]
