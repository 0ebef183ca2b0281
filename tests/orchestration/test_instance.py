"""The home's Dagster instance: persistent, where `make dagster-dev` looks, and a run over every
partition planned once per asset and check (orchestration/instance.py)."""

from __future__ import annotations

import os

import dagster as dg

from orchestration.definitions import defs
from orchestration.instance import (
    DAGSTER_HOME_ENV,
    PLANNED_RANGE_ENV,
    home_instance,
    instance_dir,
)
from orchestration.partitions import MONTHLY_PARTITIONS, all_partitions_tags


def _planned(instance: dg.DagsterInstance, run_id: str) -> dict[str, int]:
    counts = {"assets": 0, "checks": 0}
    for entry in instance.all_logs(run_id):
        if entry.dagster_event_type == dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED:
            counts["assets"] += 1
        elif entry.dagster_event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED:
            counts["checks"] += 1
    return counts


def _config(home) -> dict:
    return {"resources": {"scorecards": {"config": {"home": str(home), "as_of": ""}}}}


def test_a_run_over_every_partition_is_planned_once_per_asset_and_check(tmp_path, monkeypatch):
    monkeypatch.delenv(DAGSTER_HOME_ENV, raising=False)
    monkeypatch.delenv(PLANNED_RANGE_ENV, raising=False)
    job = defs.resolve_job_def("scorecards_job")
    with home_instance(tmp_path) as instance:
        run = instance.create_run_for_job(
            job_def=job, run_config=_config(tmp_path), tags=all_partitions_tags()
        )
        assets = len(job.asset_layer.executable_asset_keys)
        checks = len(job.asset_layer.asset_graph.asset_check_keys)
        assert _planned(instance, run.run_id) == {"assets": assets, "checks": checks}
        # The range is kept whole in each planned event, not dropped.
        subsets = [
            entry.dagster_event.event_specific_data.partitions_subset
            for entry in instance.all_logs(run.run_id)
            if entry.dagster_event_type == dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
        ]
        every = set(MONTHLY_PARTITIONS.get_partition_keys())
        assert [s for s in subsets if s is not None]
        assert all(set(s.get_partition_keys()) == every for s in subsets if s is not None)
    # Persistent: a second opening (the UI's) finds the run; the environment is as it was.
    assert DAGSTER_HOME_ENV not in os.environ and PLANNED_RANGE_ENV not in os.environ
    with home_instance(tmp_path) as again:
        assert [r.run_id for r in again.get_runs()] == [run.run_id]


def test_the_instance_lives_in_the_home_unless_dagster_home_says_otherwise(tmp_path, monkeypatch):
    monkeypatch.delenv(DAGSTER_HOME_ENV, raising=False)
    assert instance_dir(tmp_path) == tmp_path / "dagster"
    with home_instance(tmp_path) as instance:
        assert instance.is_persistent
        assert os.environ[DAGSTER_HOME_ENV] == str((tmp_path / "dagster").resolve())
    settings = (tmp_path / "dagster" / "dagster.yaml").read_text(encoding="utf-8")
    assert "enabled: false" in settings  # no telemetry: no network at run time
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv(DAGSTER_HOME_ENV, str(elsewhere))
    assert instance_dir(tmp_path) == elsewhere
    with home_instance(tmp_path):
        pass
    assert (elsewhere / "dagster.yaml").exists()
    assert os.environ[DAGSTER_HOME_ENV] == str(elsewhere)


def test_one_partition_is_planned_as_dagster_plans_it(tmp_path):
    """A single partition (the daily refresh, `scorecards run --month`) keeps Dagster's path."""
    job = defs.resolve_job_def("scorecards_job")
    tags = {"dagster/partition": "2026-02"}
    with home_instance(tmp_path) as ours:
        mine = ours.create_run_for_job(job_def=job, run_config=_config(tmp_path), tags=tags)
        planned = _planned(ours, mine.run_id)
    theirs = dg.DagsterInstance.ephemeral()
    reference = theirs.create_run_for_job(job_def=job, run_config=_config(tmp_path), tags=tags)
    assert planned == _planned(theirs, reference.run_id)


def test_the_data_s_first_month_is_recorded_for_the_next_run(tmp_path):
    """The monthly step records the earliest month of the KPI fact; the home reads it back, and
    anything but a month there counts as nothing recorded."""
    import duckdb

    from core.settings import Home
    from orchestration.partitions import record_first_month

    home = Home.resolve(tmp_path)
    home.warehouse.mkdir(parents=True)
    assert record_first_month(home) is None and home.recorded_first_month() is None
    with duckdb.connect(str(home.build_db)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_kpi_monthly (month_start date)")
    assert record_first_month(home) is None  # built, but empty
    with duckdb.connect(str(home.build_db)) as con:
        con.execute("insert into marts.fct_kpi_monthly values ('2025-11-01'), ('2024-03-01')")
    assert record_first_month(home) == "2024-03"
    assert home.recorded_first_month() == "2024-03"
    home.first_month_file.write_text("March\n", encoding="utf-8")
    assert home.recorded_first_month() is None
