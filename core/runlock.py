"""One run per home: an OS file lock taken before any work.

Two runs on one home (a schedule and an operator, say) would race on DuckDB's single writer and
on the publication's version number. Every writer of a home (``scorecards run``, ``close`` and
``report``, and every run Dagster launches, through its resource) takes the lock on
``warehouse/run.lock`` first; a second one is refused at once, naming the holder, or waits with
``--wait``. The lock is ``flock``: the kernel drops it when its holder dies, so a ``kill -9``
never leaves a stale lock behind. The file's text (pid, start time, command) only names the
holder for the message; it proves nothing by itself.

The lock is re-entrant within a process: ``scorecards run`` takes it before the job starts, and
the job's resource, in the same process, takes it again without blocking on itself.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "run.lock"


class HomeLocked(RuntimeError):
    """Another process holds the home's run lock."""


# Held locks of this process: lock path → [file descriptor, depth].
_held: dict[Path, list[int]] = {}
_guard = threading.Lock()


def lock_path(warehouse: Path) -> Path:
    return warehouse / LOCK_NAME


def holder(warehouse: Path) -> str:
    """Who holds (or last held) the lock, as the holder wrote it: pid, start and command."""
    try:
        info = json.loads(lock_path(warehouse).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "an unknown process"
    return f"pid {info.get('pid', '?')}, started {info.get('started', '?')} ({info.get('command')})"


@contextmanager
def run_lock(warehouse: Path, wait: bool = False, command: str = "") -> Iterator[None]:
    """Hold the home's run lock for the block; raises HomeLocked when another process holds it
    (with ``wait``, waits for it instead)."""
    path = lock_path(warehouse).resolve()
    with _guard:
        entry = _held.get(path)
        if entry is not None:
            entry[1] += 1
    if entry is None:
        fd = _acquire(path, wait, command or " ".join(sys.argv[:2]))
        with _guard:
            _held[path] = [fd, 1]
    try:
        yield
    finally:
        with _guard:
            entry = _held[path]
            entry[1] -= 1
            if entry[1] == 0:
                del _held[path]
                fcntl.flock(entry[0], fcntl.LOCK_UN)
                os.close(entry[0])


def is_locked(warehouse: Path) -> bool:
    """True while another process holds the home's run lock (a schedule or sensor skips then)."""
    path = lock_path(warehouse)
    if not path.exists():
        return False
    if path.resolve() in _held:
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _acquire(path: Path, wait: bool, command: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not truncated on open: the text names the current holder until the lock is ours.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o640)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise HomeLocked(
                    f"another run holds {path} ({holder(path.parent)}); "
                    "wait for it or rerun with --wait"
                ) from None
            print(f"waiting for the run holding {path} ({holder(path.parent)})", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        info = {
            "pid": os.getpid(),
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": command,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
    except BaseException:
        os.close(fd)
        raise
    return fd
