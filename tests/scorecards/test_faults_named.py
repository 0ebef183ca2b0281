"""Faults are named as faults (core/faults.py, the runner, the CLI): exit 3, the cause in
one line, never a blocked gate."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from core.faults import fault_of
from scorecards.runner import root_cause
from tests.conftest import scorecards_command


@pytest.mark.parametrize(
    ("message", "named"),
    [
        ("IO Error: No space left on device", "out of disk space"),
        ("OSError: [Errno 27] File too large", "out of disk space"),
        ("(sqlite3.OperationalError) database or disk is full", "out of disk space"),
        ("(sqlite3.OperationalError) disk I/O error", "out of disk space"),
        ("PermissionError: [Errno 13] Permission denied: '/h/warehouse'", "permission denied"),
        ("OSError: [Errno 30] Read-only file system", "permission denied"),
        ("Out of Memory Error: failed to allocate data of size 2.0 GiB", "out of memory"),
        ("dbt was killed by signal 9 (SIGKILL: most often the out-of-memory killer)", "memory"),
        ("dbt was killed by signal 11; no results written", "a child process was killed"),
        (
            'IO Error: Could not set lock on file "/h/build.duckdb": Conflicting lock',
            "a file is locked by another process",
        ),
    ],
)
def test_each_fault_is_named_with_its_message(message, named):
    text = fault_of(message)
    assert text is not None and text.startswith(named) or named in text
    assert message[:40] in text  # the original message stays, for the details


def test_a_data_error_is_no_fault():
    assert fault_of("Binder Error: column revenue not found") is None
    assert root_cause(SimpleNamespace(message="dbt build failed: 2 node(s)", cause=None)) == (
        "dbt build failed: 2 node(s)"
    )


def test_the_fault_is_found_at_any_depth_of_the_error_chain():
    inner = SimpleNamespace(message="OSError: [Errno 28] No space left on device", cause=None)
    outer = SimpleNamespace(message="Error occurred while executing the step", cause=inner)
    assert root_cause(outer).startswith("out of disk space")


def test_a_read_only_home_exits_3_with_the_cause_in_one_line(tmp_path: Path):
    """No traceback: the operator reads what is wrong and what to do."""
    home = tmp_path / "home"
    (home / "landing" / "crm").mkdir(parents=True)
    (home / "landing" / "crm" / "teams.csv").write_text("team_id\n", encoding="utf-8")
    (home / "warehouse").mkdir()
    command = [*scorecards_command(), "run", "--as-of", "2026-03-10", "--home", str(home)]
    if os.geteuid() == 0:
        # Root writes through permission bits: mount the home read-only in a mount namespace
        # of the run's own (the machine's mounts are untouched).
        remount = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
        command = ["unshare", "-m", "sh", "-c", remount, str(home), *command]
    else:
        for folder in (home, home / "landing", home / "warehouse"):
            folder.chmod(0o555)
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [text for text in result.stderr.splitlines() if text.strip()]
    assert line.startswith("RUN FAILED: permission denied: the home must be writable")


def test_the_gate_report_s_space_is_held_from_the_run_s_start(tmp_path: Path):
    """A run that fills the disk still has room to write its gate report: the space is held
    from the start ("in progress"), and the report written over it frees it first."""
    import datetime as dt

    from core.settings import Home
    from scorecards.gate_report import (
        GATE_REPORT_FILES,
        GATE_REPORT_RESERVE,
        reserve_gate_report,
        write_gate_report,
    )

    home = Home(tmp_path)
    reserve_gate_report(home, dt.date(2026, 3, 10))
    for name in GATE_REPORT_FILES:
        held = home.reports / name
        assert held.stat().st_size == GATE_REPORT_RESERVE
        assert held.read_text(encoding="utf-8").startswith(
            "Gate report: a run as of 2026-03-10 is in progress."
        )
    written = write_gate_report(
        home, dt.date(2026, 3, 10), [], ["step x failed"], faults=["out of disk space"]
    )
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# Gate report: the run failed (a fault, not the data)")
    assert written.stat().st_size < 2000
    assert [p.name for p in home.reports.iterdir() if p.name.startswith(".")] == []


def test_a_fault_raised_outside_the_steps_is_found_through_the_exception_chain():
    """Dagster's instance failing to record an event raises out of the run itself: the fault
    (SQLite's "disk I/O error" under SQLAlchemy's wrapper) is found however deep it is."""
    from scorecards.runner import fault_in_exception

    try:
        try:
            raise OSError("(sqlite3.OperationalError) database or disk is full")
        except OSError as inner:
            raise RuntimeError("could not store the event") from inner
    except RuntimeError as outer:
        assert (fault_in_exception(outer) or "").startswith("out of disk space")
    assert fault_in_exception(KeyError("published_scorecards")) is None
