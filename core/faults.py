"""Named pause points for fault tests: the kill -9 tests stop a real run at a known moment.

With ``SCORECARDS_PAUSE_AT=<point>`` a run that reaches that point writes the marker file
``$SCORECARDS_PAUSE_DIR/paused_at_<point>`` and sleeps, so a test can kill the process group
exactly there. Without the variable (every real run) a pause point does nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_AT_ENV = "SCORECARDS_PAUSE_AT"
PAUSE_DIR_ENV = "SCORECARDS_PAUSE_DIR"
PAUSE_SECONDS = 300
POINTS = (
    "ingest",
    "dbt",
    "checks",
    "publish_write",
    "before_swap",
    "after_swap",
    "statements",
)


def pause_point(name: str) -> None:
    """Stop here for a while when a fault test asked for this point."""
    if os.environ.get(PAUSE_AT_ENV) != name:
        return
    folder = Path(os.environ.get(PAUSE_DIR_ENV, "."))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"paused_at_{name}").write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(PAUSE_SECONDS)


# What a fault looks like in an error message, and the cause named to the operator. A fault is
# the machine's or the environment's, not the data's: the run stops with exit 3 and the cause
# in one line, never as a blocked gate.
FAULTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("No space left on device", "Disk quota exceeded", "File too large"),
        "out of disk space (or a file size limit): free space and rerun",
    ),
    (
        # SQLite's words (the Dagster instance's run records) for a write the disk refused.
        ("database or disk is full", "disk I/O error"),
        "out of disk space or a failing disk (a database write was refused): free space, "
        "check the disk and rerun",
    ),
    (
        ("Permission denied", "Read-only file system", "Operation not permitted"),
        "permission denied: the home must be writable by the user running the pipeline",
    ),
    (
        ("Out of Memory", "MemoryError", "Cannot allocate memory", "out-of-memory"),
        "out of memory: lower SCORECARDS_DUCKDB_MEMORY_LIMIT or free memory and rerun",
    ),
    (
        ("killed by signal", "was killed"),
        "a child process was killed: rerun (see the cause above)",
    ),
    (
        ("Could not set lock on file", "Conflicting lock", "database is locked"),
        "a file is locked by another process (a tool holding a database open for writing)",
    ),
)


def fault_of(message: str) -> str | None:
    """``message`` with the fault it shows named first (one line), or None when it shows none."""
    for markers, cause in FAULTS:
        if any(marker.lower() in message.lower() for marker in markers):
            return f"{cause} [{message.strip().splitlines()[0][:300]}]"
    return None
