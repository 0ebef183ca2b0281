"""The instance's SQLite files commit without a sync each during a run, and are whole after it
(orchestration/instance_sqlite.py). Plain SQLAlchemy and SQLite: no Dagster here."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from orchestration.instance_sqlite import commits_synced_at_checkpoints, main_database_file

FULL, NORMAL = 2, 1


def _wal_database(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as con:
        con.execute("pragma journal_mode = wal")
        con.execute("create table events (id integer primary key, body text)")
    return path


def _engine(path: Path) -> sa.Engine:
    # What Dagster's SQLite storage does: a new connection for every operation.
    return sa.create_engine(f"sqlite:///{path}", poolclass=NullPool)


def _synchronous(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("pragma synchronous").scalar_one()


def _record(engine: sa.Engine, body: str) -> None:
    with engine.connect() as conn, conn.begin():
        conn.exec_driver_sql("insert into events (body) values (?)", (body,))


def test_files_under_the_folder_commit_without_a_sync_and_are_checkpointed_at_the_end(tmp_path):
    instance = tmp_path / "dagster"
    inside = _wal_database(instance / "history" / "runs.db")
    outside = _wal_database(tmp_path / "elsewhere.db")
    wal = inside.with_name(inside.name + "-wal")
    with commits_synced_at_checkpoints(instance):
        assert _synchronous(_engine(inside)) == NORMAL
        assert _synchronous(_engine(outside)) == FULL  # any other database is untouched
        for number in range(5):
            _record(_engine(inside), f"event {number}")
        # Each connection closed after its commit, yet none was the last: the log is still
        # there, not checkpointed (and synced) once per event.
        assert wal.exists() and wal.stat().st_size > 0
    assert not wal.exists()  # the keeper, closing last, checkpointed it into the database
    with closing(sqlite3.connect(inside)) as con:
        assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
        assert con.execute("select count(*) from events").fetchall() == [(5,)]
    # After the block, SQLite's defaults again.
    assert _synchronous(_engine(inside)) == FULL


def test_a_database_not_in_wal_mode_is_left_in_its_mode(tmp_path):
    path = tmp_path / "dagster" / "plain.db"
    path.parent.mkdir()
    with closing(sqlite3.connect(path)) as con:
        con.execute("create table t (x integer)")
    with commits_synced_at_checkpoints(tmp_path / "dagster"):
        engine = _engine(path)
        with engine.connect() as conn, conn.begin():
            conn.exec_driver_sql("insert into t values (1)")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("pragma journal_mode").scalar_one() == "delete"
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("select x from t").fetchall() == [(1,)]


def test_the_main_database_file_of_a_connection(tmp_path):
    path = _wal_database(tmp_path / "a.db")
    with closing(sqlite3.connect(path)) as con:
        assert main_database_file(con) == path.resolve()
    with closing(sqlite3.connect(":memory:")) as memory:
        assert main_database_file(memory) is None
    # An in-memory database opened through SQLAlchemy in the block is simply left alone.
    with commits_synced_at_checkpoints(tmp_path):
        assert _synchronous(sa.create_engine("sqlite://", poolclass=NullPool)) == FULL
