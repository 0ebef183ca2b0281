"""Schedules and the landing sensor, evaluated with Dagster's test helpers."""

from __future__ import annotations

import datetime as dt
import json
import os

import dagster as dg

from orchestration.partitions import MONTHLY_PARTITIONS
from orchestration.schedules import daily_refresh, monthly_close
from orchestration.sensors import landing_files, scan_landing

FIRST = MONTHLY_PARTITIONS.get_first_partition_key()


def test_daily_refresh_pins_the_as_of_date_to_the_tick():
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC)
    )
    request = daily_refresh(context)
    assert request.run_key == "daily-2026-11-24"
    assert request.run_config == {"resources": {"scorecards": {"config": {"as_of": "2026-11-24"}}}}
    # The open month's partition: the monthly models rebuild November (and stale months).
    assert request.partition_key == "2026-11"
    # Before the first partition month there is no such partition: every month instead.
    old = daily_refresh(
        dg.build_schedule_context(
            scheduled_execution_time=dt.datetime(2019, 5, 2, 6, 0, tzinfo=dt.UTC)
        )
    )
    assert old.partition_key is None
    assert old.tags["dagster/asset_partition_range_start"] == FIRST


def test_monthly_close_runs_for_the_month_that_ended():
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2026, 12, 3, 7, 0, tzinfo=dt.UTC)
    )
    request = monthly_close(context)
    assert request.run_key == "close-2026-11"
    assert request.tags["month"] == "2026-11"
    assert request.run_config["resources"]["scorecards"]["config"]["as_of"] == "2026-12-03"
    assert request.tags["dagster/asset_partition_range_start"] == FIRST  # every month
    january = monthly_close(
        dg.build_schedule_context(
            scheduled_execution_time=dt.datetime(2027, 1, 3, 7, 0, tzinfo=dt.UTC)
        )
    )
    assert january.run_key == "close-2026-12"


def evaluate(cursor: str | None):
    context = dg.build_sensor_context(cursor=cursor)
    result = landing_files(context)
    return result, context.cursor


def test_a_new_file_triggers_once_and_the_same_file_does_not(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARDS_HOME", str(tmp_path))
    (tmp_path / "landing" / "crm").mkdir(parents=True)
    first, cursor = evaluate(None)
    assert isinstance(first, dg.SkipReason)

    teams = tmp_path / "landing" / "crm" / "teams.csv"
    teams.write_text("team_id,team_name,region\nT1,One,north\n")
    request, cursor = evaluate(cursor)
    assert isinstance(request, dg.RunRequest)
    assert request.tags["scorecards/changed_files"] == "1"
    # New inputs make every month stale: the run covers every partition.
    assert request.tags["dagster/asset_partition_range_start"] == FIRST

    again, cursor = evaluate(cursor)
    assert isinstance(again, dg.SkipReason)

    # Touched, or rewritten with the same bytes: no new run.
    os.utime(teams, None)
    teams.write_text("team_id,team_name,region\nT1,One,north\n")
    touched, cursor = evaluate(cursor)
    assert isinstance(touched, dg.SkipReason)

    # Changed content: a new run, with a different run key.
    teams.write_text("team_id,team_name,region\nT1,One,north\nT2,Two,south\n")
    changed, cursor = evaluate(cursor)
    assert isinstance(changed, dg.RunRequest) and changed.run_key != request.run_key
    assert json.loads(cursor)["crm/teams.csv"][0] == teams.stat().st_size


def test_scan_reads_a_file_only_when_its_size_or_time_changed(tmp_path):
    (tmp_path / "erp").mkdir()
    path = tmp_path / "erp" / "payments.csv"
    path.write_text("a\n")
    state, changed = scan_landing(tmp_path, {})
    assert changed == ["erp/payments.csv"]
    # A stale cursor entry with the same size and time is trusted without reading the file.
    stat = path.stat()
    fake = {"erp/payments.csv": [stat.st_size, stat.st_mtime_ns, "cafe"]}
    state, changed = scan_landing(tmp_path, fake)
    assert changed == [] and state == fake
