"""What counts as already paid: payouts whose months are all closed, carried forward."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from publication.history import snapshot_paid_history

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def make_published(path: Path, as_of: str, rows: list[tuple]) -> Path:
    """rows: (payout_id, period_start, period_end, period_status, paid_as_of_date)."""
    con = duckdb.connect(str(path))
    con.execute(
        "create table publication_log (version integer, as_of_date date);"
        "create table payouts (payout_id varchar, period_start date, period_end date, "
        "period_status varchar, paid_as_of_date date, earned_amount decimal(18, 2), "
        "as_of_date date);"
        "create table payout_lines (line_id varchar, payout_id varchar)"
    )
    con.execute("insert into publication_log values (1, ?)", [as_of])
    for payout_id, start, end, status, paid_as_of in rows:
        con.execute(
            "insert into payouts values (?, ?, ?, ?, ?, 1.00, ?)",
            [payout_id, start, end, status, paid_as_of, as_of],
        )
        con.execute("insert into payout_lines values (?, ?)", [payout_id + "|line", payout_id])
    con.close()
    return path


def paid_rows(build: Path) -> list[tuple]:
    with duckdb.connect(str(build), read_only=True) as con:
        return con.execute(
            "select payout_id, period_status, paid_as_of_date from history.paid_payouts order by 1"
        ).fetchall()


ROWS = [
    ("JAN", "2026-01-01", "2026-01-31", "paid", "2026-02-05"),
    ("FEB", "2026-02-01", "2026-02-28", "ended", None),
    ("MAR", "2026-03-01", "2026-03-31", "open", None),
    ("Q1", "2026-01-01", "2026-03-31", "open", None),
]


def test_nothing_published_or_closed_means_no_history(tmp_path):
    build = tmp_path / "build.duckdb"
    assert not snapshot_paid_history(build, tmp_path / "none.duckdb", [JAN]).present
    published = make_published(tmp_path / "pub.duckdb", "2026-03-10", ROWS)
    assert not snapshot_paid_history(build, published, []).present
    with duckdb.connect(str(build)) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'history'"
        ).fetchall()
    assert tables == []


def test_closed_months_freeze_their_payouts(tmp_path):
    published = make_published(tmp_path / "pub.duckdb", "2026-03-10", ROWS)
    build = tmp_path / "build.duckdb"
    paid = snapshot_paid_history(build, published, [JAN, FEB])
    assert (paid.payouts, paid.lines, paid.published_as_of) == (2, 2, dt.date(2026, 3, 10))
    # Frozen once, a payout keeps the date it was paid on; newly frozen ones take the
    # publication's as-of date.
    assert paid_rows(build) == [
        ("FEB", "paid", dt.date(2026, 3, 10)),
        ("JAN", "paid", dt.date(2026, 2, 5)),
    ]


def test_a_quarter_is_paid_only_when_all_its_months_are_closed(tmp_path):
    published = make_published(tmp_path / "pub.duckdb", "2026-04-10", ROWS)
    build = tmp_path / "build.duckdb"
    snapshot_paid_history(build, published, [JAN, FEB])
    assert "Q1" not in [row[0] for row in paid_rows(build)]
    snapshot_paid_history(build, published, [JAN, FEB, MAR])
    assert [row[0] for row in paid_rows(build)] == ["FEB", "JAN", "MAR", "Q1"]


def test_a_stale_snapshot_is_dropped(tmp_path):
    published = make_published(tmp_path / "pub.duckdb", "2026-03-10", ROWS)
    build = tmp_path / "build.duckdb"
    snapshot_paid_history(build, published, [JAN])
    published.unlink()
    assert not snapshot_paid_history(build, published, [JAN]).present
    with duckdb.connect(str(build)) as con:
        assert con.execute(
            "select count(*) from information_schema.tables where table_schema = 'history'"
        ).fetchall() == [(0,)]
