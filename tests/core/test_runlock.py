"""One run per home: the lock refuses a second writer at once, names the holder, dies with it."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import dagster as dg
import pytest

from core.runlock import HomeLocked, is_locked, run_lock
from orchestration.schedules import daily_refresh, monthly_close
from orchestration.sensors import landing_files
from scorecards.cli import EXIT_LOCKED, main

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from core.runlock import run_lock

    with run_lock(Path(sys.argv[1]), command="test holder"):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def hold(warehouse: Path, seconds: float = 60) -> subprocess.Popen:
    """Another process holding the home's lock (returns once it holds it)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(warehouse), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "landing" / "crm").mkdir(parents=True)
    (tmp_path / "landing" / "crm" / "teams.csv").write_text("team_id\n", encoding="utf-8")
    return tmp_path


def test_a_second_writer_is_refused_at_once_naming_the_holder(home):
    holder = hold(home / "warehouse")
    try:
        started = time.monotonic()
        with pytest.raises(HomeLocked, match=f"pid {holder.pid}, started 20.*test holder"):
            with run_lock(home / "warehouse"):
                pass
        assert time.monotonic() - started < 1
        assert is_locked(home / "warehouse")
    finally:
        holder.kill()
        holder.wait()


def test_a_kill_9_never_leaves_a_stale_lock(home):
    holder = hold(home / "warehouse")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert not is_locked(home / "warehouse")
    with run_lock(home / "warehouse"):
        assert not is_locked(home / "warehouse")  # ours: not "another process"


def test_wait_waits_for_the_holder(home):
    holder = hold(home / "warehouse", seconds=1.5)
    try:
        started = time.monotonic()
        with run_lock(home / "warehouse", wait=True):
            waited = time.monotonic() - started
        assert waited > 0.5
    finally:
        holder.wait(timeout=30)


def test_the_lock_is_re_entrant_within_a_process_and_released_after(home):
    warehouse = home / "warehouse"
    with run_lock(warehouse), run_lock(warehouse):
        # A thread of the same process (Dagster's step) takes it again without blocking.
        entered = []

        def step() -> None:
            with run_lock(warehouse):
                entered.append(True)

        inner = threading.Thread(target=step)
        inner.start()
        inner.join(timeout=5)
        assert entered == [True]
    probe = subprocess.run(
        [sys.executable, "-c", HOLD, str(warehouse), "0"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr


@pytest.mark.parametrize(
    "command", [["run", "--as-of", "2026-03-10"], ["close", "--month", "2026-02"], ["report"]]
)
def test_the_cli_refuses_with_its_own_exit_code(home, capsys, command):
    holder = hold(home / "warehouse")
    try:
        code = main([*command, "--home", str(home)])
    finally:
        holder.kill()
        holder.wait()
    assert code == EXIT_LOCKED == 4
    error = capsys.readouterr().err
    assert (
        f"refused: another run holds {home / 'warehouse' / 'run.lock'} (pid {holder.pid}" in error
    )
    assert "--wait" in error


def test_schedules_and_the_sensor_skip_while_the_home_is_held(home, monkeypatch):
    monkeypatch.setenv("SCORECARDS_HOME", str(home))
    tick = dt.datetime(2026, 12, 3, 7, 0, tzinfo=dt.UTC)
    holder = hold(home / "warehouse")
    try:
        for schedule in (daily_refresh, monthly_close):
            skipped = schedule(dg.build_schedule_context(scheduled_execution_time=tick))
            assert isinstance(skipped, dg.SkipReason)
            assert f"pid {holder.pid}" in skipped.skip_message
        sensed = landing_files(dg.build_sensor_context(cursor=None))
        assert isinstance(sensed, dg.SkipReason) and f"pid {holder.pid}" in sensed.skip_message
    finally:
        holder.kill()
        holder.wait()
    assert isinstance(
        daily_refresh(dg.build_schedule_context(scheduled_execution_time=tick)), dg.RunRequest
    )


def test_a_run_dagster_launches_on_a_held_home_fails_before_any_work(home):
    """The job's resource takes the lock: a run started from the UI or the daemon while
    another holds the home stops at its first step, and ingest never touched build.duckdb."""
    from orchestration.definitions import defs

    holder = hold(home / "warehouse")
    try:
        result = defs.resolve_job_def("scorecards_job").execute_in_process(
            run_config={"resources": {"scorecards": {"config": {"home": str(home)}}}},
            instance=dg.DagsterInstance.ephemeral(),
            partition_key=f"{dt.date.today():%Y-%m}",
            raise_on_error=False,
        )
    finally:
        holder.kill()
        holder.wait()
    assert not result.success
    failures = [
        str(event.event_specific_data.error) for event in result.all_events if event.is_failure
    ]
    assert any("another run holds" in text for text in failures), failures
    assert not (home / "warehouse" / "build.duckdb").exists()
