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
STATEMENT_TABLES = ("dim_users", "payouts", "payout_lines")
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
# One row per statement, in key order: its folder's period type, its number of lines and the
# digests of its rows (every column, as JSON text: decimals keep their scale), of its payouts
# and of its lines each in the order the statement shows them, and its user's row. Each row is
# digested first and the statement's digests joined: joining the rows' text held three times
# the memory in DuckDB at the large scale, and took longer (docs/BENCHMARKS.md).
STATEMENT_DIGESTS_SQL = f"""
    with payout_digests as (
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

    user_rows as (
        select
            user_id,
            to_json(dim_users) as user_row,
        from dim_users
    )

    select
        payout_digests.user_id,
        payout_digests.plan_id,
        payout_digests.period_start,
        payout_digests.period_type,
        coalesce(line_digests.line_count, 0) as line_count,
        payout_digests.payouts,
        line_digests.lines,
        user_rows.user_row,
    from payout_digests
    left join line_digests
        on payout_digests.user_id is not distinct from line_digests.user_id
        and payout_digests.plan_id is not distinct from line_digests.plan_id
        and payout_digests.period_start is not distinct from line_digests.period_start
    left join user_rows
        on payout_digests.user_id = user_rows.user_id
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
) -> Iterator[tuple[tuple, list[dict[str, object]], list[dict[str, object]]]]:
    """The ``chosen`` statements' keys, payouts and lines, in key order, read in step from two
    sorted streams so that one statement's rows are in memory at a time. Both are sorted on the
    key first, so a statement's lines follow each other and come in its turn; a line left over
    (out of order) stops the export instead of going missing."""
    if not chosen:
        return
    keys = [list(column) for column in zip(*chosen, strict=True)]
    lines = streamed(con, LINES_SQL, keys)
    line = next(lines, None)
    for key, group in itertools.groupby(
        streamed(con, PAYOUTS_SQL, keys),
        key=lambda row: tuple(row[name] for name in STATEMENT_KEY),
    ):
        payouts = list(group)
        own: list[dict[str, object]] = []
        while line is not None and tuple(line[name] for name in STATEMENT_KEY) == key:
            own.append(line)
            line = next(lines, None)
        yield key, payouts, own
    if line is not None:
        raise RuntimeError(
            "a payout line has no payout to go with (or the lines are out of order): "
            f"{line.get('line_id')} for {tuple(line[name] for name in STATEMENT_KEY)}"
        )


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[list[str]]:
    """A table's column names and types, in order."""
    description = con.execute(f'select * from "{table}" limit 0').description
    return [[column[0], str(column[1])] for column in description]
