"""The main job: ingest, build, check, publish, in one process.

In-process and sequential on purpose: DuckDB allows one writer per file, so no two steps may hold
build.duckdb at once, and a finished step leaves no lock behind.
"""

from __future__ import annotations

import dagster as dg

scorecards_job = dg.define_asset_job(
    name="scorecards_job",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Ingest landed exports, build the warehouse with dbt, run the gate, publish.",
)
