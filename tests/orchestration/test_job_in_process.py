"""The job in process on the fixture exports: metadata an operator reads in the UI."""

from __future__ import annotations

import os
import shutil

import dagster as dg
import pytest

from orchestration.assets.dbt import dbt_model_key
from orchestration.definitions import defs
from orchestration.instance import home_instance
from orchestration.partitions import all_partitions_tags
from quality.outcome import MAX_OFFENDING_ROWS
from tests.conftest import FIXTURE_LANDING
from tests.orchestration.dbt_log import dbt_invocations

# The slow lane (`make test`, not `make test-fast`): the whole job in process.
pytestmark = pytest.mark.slow


def test_materializations_report_row_counts_and_checks_their_rows(tmp_path):
    shutil.copytree(FIXTURE_LANDING, tmp_path / "landing")
    with home_instance(tmp_path) as instance:
        result = defs.resolve_job_def("scorecards_job").execute_in_process(
            run_config={
                "resources": {
                    "scorecards": {"config": {"home": str(tmp_path), "as_of": "2026-03-10"}}
                }
            },
            instance=instance,
            tags=all_partitions_tags(),  # a full run: every monthly partition in one run
            raise_on_error=False,
        )
    assert result.success
    metadata = {
        event.event_specific_data.materialization.asset_key: (
            event.event_specific_data.materialization.metadata
        )
        for event in result.get_asset_materialization_events()
    }
    counts = {
        key: meta["dagster/row_count"].value
        for key, meta in metadata.items()
        if "dagster/row_count" in meta
    }
    assert counts[dbt_model_key("payouts")] == 7  # R1, R2, R3 x 2 metrics on AE + R2 on CY
    assert counts[dbt_model_key("stg_crm__users")] == 5
    # A run of every partition rebuilds every month of the monthly models.
    monthly = metadata[dbt_model_key("fct_kpi_monthly")]
    assert monthly["months_rebuilt"].value == "all"
    assert all(count >= 0 for count in counts.values())
    # February is the latest closed month as of 2026-03-10: R1 revenue -0.111111 (none), R2
    # 1.285714 (target), R3 0 (none).
    scorecard = metadata[dbt_model_key("scorecard_attainment")]
    assert scorecard["reps_by_tier_latest_closed_month"].value["revenue"] == {
        "none": 2,
        "target": 1,
    }
    assert scorecard["attainment_min_median_max"].value["revenue"] == [
        "-0.111111",
        "0.000000",
        "1.285714",
    ]
    # Raw tables report rows read / accepted / quarantined; the audit asset the totals.
    activities = metadata[dg.AssetKey(["crm", "activities"])]
    assert activities["rows_quarantined"].value == 1
    load_log = metadata[dg.AssetKey(["audit", "load_log"])]
    assert load_log["rows_quarantined_total"].value >= 1
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert checks["quarantined_rows"].passed is False  # a warning, with its rows
    assert checks["quarantined_rows"].metadata["offending_rows"].value
    assert checks["required_entities_landed"].passed

    # dbt's warned tests carry their failing rows, as every other check does (the gate report).
    warned = [e for e in checks.values() if "dagster_dbt/failed_row_count" in e.metadata]
    warned = [e for e in warned if not e.passed]
    assert [e.check_name for e in warned] == ["warn_quota_coverage_outside_range"]
    assert len(warned[0].metadata["offending_rows"].value) == min(
        warned[0].metadata["dagster_dbt/failed_row_count"].value, MAX_OFFENDING_ROWS
    )

    # A run of every month is one dbt invocation (orchestration/assets/dbt.py), its log at info:
    # each test's result, not each statement's SQL.
    [invocation] = dbt_invocations(tmp_path / "warehouse" / "dbt_target")
    assert "LogTestResult" in invocation and "SQLQuery" not in invocation
    assert "SCORECARDS_DBT_VARS" not in os.environ  # set only while dbt starts
