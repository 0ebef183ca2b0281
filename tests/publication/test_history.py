"""What counts as already paid: payouts whose months are all closed, carried forward."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from publication.history import snapshot_paid_history, snapshot_published_tiers

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


def test_the_last_publication_s_tiers_of_its_latest_month_are_copied_for_tier_lost(tmp_path):
    """scorecard_warnings' tier_lost compares with these: only the latest publication's (version
    2), only its latest month, and nothing at all before the first publication."""
    build, published = tmp_path / "build.duckdb", tmp_path / "published.duckdb"
    assert snapshot_published_tiers(build, published) == 0
    con = duckdb.connect(str(published))
    con.execute(
        "create table publication_log (version integer, as_of_date date);"
        "insert into publication_log values (1, '2026-02-28'), (2, '2026-03-10');"
        "create table scorecard_attainment as select * from (values "
        "('month', date '2026-02-01', date '2026-02-01', 'rep', 'R1', 'bookings', 'stretch', "
        "300.00::decimal(24, 6)), "
        "('month', date '2026-03-01', date '2026-03-01', 'rep', 'R1', 'bookings', 'target', "
        "150.00::decimal(24, 6)), "
        "('week', date '2026-03-09', date '2026-03-01', 'rep', 'R1', 'bookings', 'floor', "
        "50.00::decimal(24, 6))) as t(period_grain, period_start, period_month, scope_type, "
        "scope_id, metric, tier_reached, actual)"
    )
    con.close()
    assert snapshot_published_tiers(build, published) == 2
    with duckdb.connect(str(build), read_only=True) as con:
        rows = con.execute(
            "select period_grain, tier_reached, actual, published_version, published_as_of_date "
            "from history.published_tiers order by period_grain"
        ).fetchall()
    assert rows == [
        ("month", "target", 150, 2, dt.date(2026, 3, 10)),
        ("week", "floor", 50, 2, dt.date(2026, 3, 10)),
    ]
    published.unlink()
    assert snapshot_published_tiers(build, published) == 0
    with duckdb.connect(str(build), read_only=True) as con:
        assert not con.execute(
            "select count(*) from information_schema.tables where table_name = 'published_tiers'"
        ).fetchall()[0][0]
