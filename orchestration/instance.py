"""The Dagster instance of an in-process run (`scorecards run`, the tests).

A full run is a single run over every monthly partition (84 from 2020-01). Before the first step,
Dagster records a "planned" event for every asset and asset check of the run; Dagster's own
in-memory event log writes one planned event per asset *per partition*, and one row per check
per partition, each with the whole partition range serialised in it: about 8,000 events and
1,600 rows, 30 s on this project's 2-core machines before any work started (70 s under a
profiler). Dagster's production storages can record a planned range as one event
(``supports_partition_subset_in_asset_materialization_planned_events``); this storage does the
same, and records a planned check over a range as one row. Nothing reads these records of an
ephemeral run but Dagster itself while the run lasts (the runner reads the run's own events).
tests/orchestration/test_instance.py shows the planned events are one per asset and check.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
from dagster._core.instance import InstanceType
from dagster._core.launcher.sync_in_memory_run_launcher import SyncInMemoryRunLauncher
from dagster._core.run_coordinator import DefaultRunCoordinator
from dagster._core.storage.event_log import InMemoryEventLogStorage
from dagster._core.storage.noop_compute_log_manager import NoOpComputeLogManager
from dagster._core.storage.root import TemporaryLocalArtifactStorage
from dagster._core.storage.runs import InMemoryRunStorage


class RangeEventLogStorage(InMemoryEventLogStorage):
    """Dagster's in-memory event log, recording a planned partition range once."""

    @property
    def supports_partition_subset_in_asset_materialization_planned_events(self) -> bool:
        return True

    def _store_asset_check_evaluation_planned(self, event: Any, event_id: int | None) -> None:
        planned = event.dagster_event.event_specific_data
        if planned.partitions_subset is None:
            super()._store_asset_check_evaluation_planned(event, event_id)
            return
        # One row for the range; the evaluation updates it, or inserts its own row when its
        # partition differs (Dagster's own fallback in _update_asset_check_evaluation).
        from dagster._core.storage.asset_check_execution_record import (
            AssetCheckExecutionRecordStatus,
        )
        from dagster._core.storage.event_log.schema import AssetCheckExecutionsTable
        from dagster._serdes import serialize_value

        with self.index_connection() as conn:
            conn.execute(
                AssetCheckExecutionsTable.insert().values(
                    asset_key=planned.asset_key.to_string(),
                    check_name=planned.check_name,
                    partition=None,
                    run_id=event.run_id,
                    execution_status=AssetCheckExecutionRecordStatus.PLANNED.value,
                    evaluation_event=serialize_value(event),
                    evaluation_event_timestamp=self._event_insert_timestamp(event),
                    evaluation_event_storage_id=event_id,
                )
            )


def run_instance() -> dg.DagsterInstance:
    """An ephemeral instance, as ``DagsterInstance.ephemeral()``, with the range-aware log."""
    return dg.DagsterInstance(
        instance_type=InstanceType.EPHEMERAL,
        local_artifact_storage=TemporaryLocalArtifactStorage(),
        run_storage=InMemoryRunStorage(),
        event_storage=RangeEventLogStorage(),
        compute_log_manager=NoOpComputeLogManager(),
        run_coordinator=DefaultRunCoordinator(),
        run_launcher=SyncInMemoryRunLauncher(),
    )
