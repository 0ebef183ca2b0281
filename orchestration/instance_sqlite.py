"""Commits of the home's Dagster instance without a disk sync each, durable at the run's end.

Dagster's SQLite storage opens a new connection for every event it records (about a thousand a
run: a materialization, a check result, a step's start) and closes it after one commit. SQLite
in write-ahead-log mode syncs the log at every commit (``synchronous=FULL``, its default), and
the last connection to close checkpoints the log into the database and syncs that too: two disk
syncs per event, about 10 s of a sample run (docs/BENCHMARKS.md).

For the block, this process's connections to the instance's files commit with
``synchronous=NORMAL`` (SQLite's recommended setting in WAL mode: a process crash loses nothing,
a power cut may lose the last commits but never corrupts a file), and one extra connection per
file stays open so that a closing connection is never the last: the log is checkpointed when it
grows past SQLite's threshold and once more when the block ends, synced then. Only public hooks:
SQLAlchemy's ``connect`` event (its documented place for SQLite pragmas) and SQLite's own
connections; Dagster is not touched and never sees the difference.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextlib.contextmanager
def commits_synced_at_checkpoints(folder: Path) -> Iterator[None]:
    """SQLite databases under ``folder`` opened through SQLAlchemy in the block commit without a
    sync each; every other database is untouched. Each file is checkpointed and synced when the
    block ends."""
    folder = folder.resolve()
    keepers: dict[Path, sqlite3.Connection] = {}
    lock = threading.Lock()

    def on_connect(dbapi_connection: object, _record: object) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        path = main_database_file(dbapi_connection)
        if path is None or not path.is_relative_to(folder):
            return
        dbapi_connection.execute("pragma synchronous = normal")
        with lock:
            if path not in keepers and _in_wal_mode(dbapi_connection):
                keepers[path] = _keeper(path)

    event.listen(Engine, "connect", on_connect)
    try:
        yield
    finally:
        event.remove(Engine, "connect", on_connect)
        with lock:
            for keeper in keepers.values():
                keeper.close()  # the last connection: checkpoints the log and syncs the file
            keepers.clear()


def main_database_file(connection: sqlite3.Connection) -> Path | None:
    """The file of a connection's main database (None in memory or for a temporary one)."""
    for _seq, name, file in connection.execute("pragma database_list"):
        if name == "main" and file:
            return Path(file).resolve()
    return None


def _in_wal_mode(connection: sqlite3.Connection) -> bool:
    """A database created moments ago is switched to WAL by its creator after its first
    connection: a keeper opened before that would not count as one of the log's connections."""
    [(mode,)] = connection.execute("pragma journal_mode").fetchall()
    return str(mode).lower() == "wal"


def _keeper(path: Path) -> sqlite3.Connection:
    """A connection that only stays open: reading the schema once maps the log's shared index,
    which is what makes it one of the connections SQLite counts."""
    keeper = sqlite3.connect(path, check_same_thread=False)
    keeper.execute("pragma schema_version").fetchall()
    return keeper
