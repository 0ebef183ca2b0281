"""What counts as already paid: closed periods of an earlier publication, carried forward."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from scorecards.history import snapshot_paid_history


def make_published(path: Path, as_of: str, rows: list[tuple[str, str, str | None]]) -> Path:
    """rows: (payout_id, period_status, paid_as_of_date)."""
    con = duckdb.connect(str(path))
    con.execute(
        "create table publication_log (version integer, as_of_date date);"
        "create table payouts (payout_id varchar, period_status varchar, "
        "paid_as_of_date date, earned_amount decimal(18, 2), as_of_date date);"
        "create table payout_lines (line_id varchar, payout_id varchar)"
    )
    con.execute("insert into publication_log values (1, ?)", [as_of])
    for payout_id, status, paid_as_of in rows:
        con.execute(
            "insert into payouts values (?, ?, ?, 1.00, ?)", [payout_id, status, paid_as_of, as_of]
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
    ("JAN", "paid", "2026-02-05"),
    ("FEB", "closed", None),
    ("MAR", "open", None),
]


def test_nothing_published_means_no_history(tmp_path):
    paid = snapshot_paid_history(
        tmp_path / "build.duckdb", tmp_path / "none.duckdb", dt.date(2026, 4, 5)
    )
    assert not paid.present
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'history'"
        ).fetchall()
    assert tables == []


def test_a_later_run_freezes_what_the_earlier_one_closed(tmp_path):
    published = make_published(tmp_path / "pub.duckdb", "2026-03-10", ROWS)
    build = tmp_path / "build.duckdb"
    paid = snapshot_paid_history(build, published, dt.date(2026, 4, 5))
    assert (paid.payouts, paid.lines, paid.published_as_of) == (2, 2, dt.date(2026, 3, 10))
    assert paid_rows(build) == [
        ("FEB", "paid", dt.date(2026, 3, 10)),
        ("JAN", "paid", dt.date(2026, 2, 5)),
    ]


def test_the_same_as_of_recomputes_its_own_closed_periods(tmp_path):
    published = make_published(tmp_path / "pub.duckdb", "2026-03-10", ROWS)
    build = tmp_path / "build.duckdb"
    snapshot_paid_history(build, published, dt.date(2026, 3, 10))
    assert paid_rows(build) == [("JAN", "paid", dt.date(2026, 2, 5))]


def test_an_earlier_as_of_does_not_freeze_later_payments(tmp_path):
    published = make_published(tmp_path / "pub.duckdb", "2026-03-10", ROWS)
    build = tmp_path / "build.duckdb"
    paid = snapshot_paid_history(build, published, dt.date(2026, 2, 1))
    assert not paid.present


def test_a_stale_snapshot_is_dropped(tmp_path):
    published = make_published(tmp_path / "pub.duckdb", "2026-03-10", ROWS)
    build = tmp_path / "build.duckdb"
    snapshot_paid_history(build, published, dt.date(2026, 4, 5))
    published.unlink()
    paid = snapshot_paid_history(build, published, dt.date(2026, 4, 5))
    assert not paid.present
    with duckdb.connect(str(build)) as con:
        assert con.execute(
            "select count(*) from information_schema.tables where table_schema = 'history'"
        ).fetchall() == [(0,)]
