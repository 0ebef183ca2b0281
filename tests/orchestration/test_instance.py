"""The in-process instance records a planned run over every partition once per asset and check."""

from __future__ import annotations

import dagster as dg

from orchestration.definitions import defs
from orchestration.instance import run_instance
from orchestration.partitions import MONTHLY_PARTITIONS, all_partitions_tags


def _planned(instance: dg.DagsterInstance, run_id: str) -> dict[str, int]:
    counts = {"assets": 0, "checks": 0}
    for entry in instance.all_logs(run_id):
        if entry.dagster_event_type == dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED:
            counts["assets"] += 1
        elif entry.dagster_event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED:
            counts["checks"] += 1
    return counts


def test_a_run_over_every_partition_is_planned_once_per_asset_and_check(tmp_path):
    job = defs.resolve_job_def("scorecards_job")
    config = {"resources": {"scorecards": {"config": {"home": str(tmp_path), "as_of": ""}}}}
    instance = run_instance()
    run = instance.create_run_for_job(job_def=job, run_config=config, tags=all_partitions_tags())
    assets = len(job.asset_layer.executable_asset_keys)
    checks = len(job.asset_layer.asset_graph.asset_check_keys)
    assert _planned(instance, run.run_id) == {"assets": assets, "checks": checks}
    # The range is kept whole in each planned event, not dropped.
    planned = [
        entry.dagster_event.event_specific_data
        for entry in instance.all_logs(run.run_id)
        if entry.dagster_event_type == dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
    ]
    subsets = [data.partitions_subset for data in planned if data.partitions_subset is not None]
    assert subsets
    every = set(MONTHLY_PARTITIONS.get_partition_keys())
    assert all(set(subset.get_partition_keys()) == every for subset in subsets)


def test_one_partition_is_planned_as_dagster_plans_it(tmp_path):
    """A single partition (the daily refresh, `scorecards run --month`) keeps Dagster's own path."""
    job = defs.resolve_job_def("scorecards_job")
    config = {"resources": {"scorecards": {"config": {"home": str(tmp_path), "as_of": ""}}}}
    ours, theirs = run_instance(), dg.DagsterInstance.ephemeral()
    tags = {"dagster/partition": "2026-02"}
    mine = ours.create_run_for_job(job_def=job, run_config=config, tags=tags)
    reference = theirs.create_run_for_job(job_def=job, run_config=config, tags=tags)
    assert _planned(ours, mine.run_id) == _planned(theirs, reference.run_id)
