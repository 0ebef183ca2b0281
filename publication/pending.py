"""The pieces of a publication still to follow its swap: they move together or are completed.

A publication is more than ``published.duckdb``: its Parquet copies, the payout statements and
the monthly report are written from it after the swap. A run killed in between would leave the
published copy at the new version and the rest at the previous one. So, just before the swap,
the publisher writes ``published.duckdb.pending`` (the new version, its as-of date and the
pieces to follow); each piece is struck off when written, and the file goes with the last one.
The next run, before doing anything else, completes what a journal still names
(publication/completion.py); a journal whose version was never swapped in is simply dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

PARQUET, STATEMENTS, REPORT = "parquet", "statements", "report"


@dataclass(frozen=True)
class Pending:
    version: int
    as_of: dt.date
    pieces: tuple[str, ...]
    lang: str = "en"  # the language the run writes its statements and report in


def journal_path(published_db: Path) -> Path:
    return published_db.with_name(published_db.name + ".pending")


def begin(
    published_db: Path, version: int, as_of: dt.date, pieces: tuple[str, ...], lang: str = "en"
) -> None:
    """Record, durably, the pieces that must follow the swap of ``version`` (written in
    ``lang``)."""
    if pieces:
        _write(published_db, Pending(version, as_of, pieces, lang))


def read(published_db: Path) -> Pending | None:
    path = journal_path(published_db)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return Pending(
        data["version"],
        dt.date.fromisoformat(data["as_of"]),
        tuple(data["pieces"]),
        data.get("lang", "en"),
    )


def done(published_db: Path, piece: str) -> None:
    """Strike ``piece`` off the journal; the journal goes with its last piece."""
    pending = read(published_db)
    if pending is None or piece not in pending.pieces:
        return
    rest = tuple(p for p in pending.pieces if p != piece)
    if rest:
        _write(published_db, Pending(pending.version, pending.as_of, rest, pending.lang))
    else:
        drop(published_db)


def drop(published_db: Path) -> None:
    journal_path(published_db).unlink(missing_ok=True)
    fsync_path(published_db.parent)


def _write(published_db: Path, pending: Pending) -> None:
    path = journal_path(published_db)
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    text = json.dumps(
        {
            "version": pending.version,
            "as_of": pending.as_of.isoformat(),
            "pieces": pending.pieces,
            "lang": pending.lang,
        }
    )
    with staged.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(staged, path)
    fsync_path(path.parent)


def fsync_path(path: Path) -> None:
    """Flush a file or a folder (a rename in it) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
