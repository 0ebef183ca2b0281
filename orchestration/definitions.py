"""Dagster definitions: the same graph for `dagster dev` and `scorecards run`."""

from __future__ import annotations

import dagster as dg

from orchestration.assets.dbt import DBT_ASSETS
from orchestration.assets.ingest import landed_exports
from orchestration.assets.publish import (
    payout_statements,
    published_scorecards,
    scorecard_report,
)
from orchestration.checks import GX_CHECKS
from orchestration.jobs import scorecards_job
from orchestration.loggers import stage_progress
from orchestration.resources import ScorecardsResource, dbt_resource
from orchestration.schedules import daily_refresh, monthly_close
from orchestration.sensors import landing_files

defs = dg.Definitions(
    assets=[landed_exports, *DBT_ASSETS, published_scorecards, payout_statements, scorecard_report],
    asset_checks=GX_CHECKS,
    jobs=[scorecards_job],
    schedules=[daily_refresh, monthly_close],
    sensors=[landing_files],
    resources={"scorecards": ScorecardsResource(), "dbt": dbt_resource()},
    executor=dg.in_process_executor,
    loggers={"console": dg.colored_console_logger, "stage_progress": stage_progress},
)
