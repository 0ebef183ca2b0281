"""The dbt project as assets: staging, intermediate, marts and scorecards, with dbt tests as checks.

dbt tests of error severity become blocking asset checks, so a failing test stops publication.
"""

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import (
    DagsterDbtTranslator,
    DbtCliResource,
    DbtProject,
    dbt_assets,
    get_asset_key_for_model,
)

from ingest.readers import quote_ident
from orchestration.resources import TRANSIENT_RETRY, ScorecardsResource, dbt_resource
from scorecards.closing import read_closed_months
from scorecards.faults import pause_point
from scorecards.history import snapshot_paid_history
from scorecards.settings import DBT_PROJECT_DIR

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
_DBT_SOURCES = ("models", "macros", "tests", "seeds", "dbt_project.yml")


def manifest_is_stale(project: DbtProject) -> bool:
    """True when manifest.json is missing or older than any file of the dbt project."""
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    for name in _DBT_SOURCES:
        path = DBT_PROJECT_DIR / name
        files = [path] if path.is_file() else path.rglob("*")
        if any(f.is_file() and f.stat().st_mtime > built for f in files):
            return True
    return False


def ensure_manifest(project: DbtProject = DBT_PROJECT) -> None:
    """Parse the dbt project when its manifest is missing or stale (a fresh clone has none)."""
    if manifest_is_stale(project):
        # Our own resource, not project.preparer: the preparer looks dbt up on PATH, and the
        # virtualenv need not be activated.
        os.environ.setdefault("SCORECARDS_BUILD_DB", "build.duckdb")
        dbt_resource().cli(["parse", "--quiet"], target_path=project.manifest_path.parent).wait()


ensure_manifest()


class ScorecardsTranslator(DagsterDbtTranslator):
    """Groups read like the data's walk: staging, intermediate, marts, scorecards, reference."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "seed":
            return "reference"
        if len(fqn) > 2 and fqn[1] == "marts" and fqn[2] == "scorecards":
            return "scorecards"
        return fqn[1] if len(fqn) > 2 else "reference"


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=ScorecardsTranslator(),
    retry_policy=TRANSIENT_RETRY,
)
def scorecards_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, scorecards: ScorecardsResource
):
    """dbt build (models, seeds and tests) against build.duckdb with the run's as-of date."""
    # The dbt subprocess inherits the environment; the profile reads the database path from it.
    os.environ["SCORECARDS_BUILD_DB"] = str(scorecards.paths.build_db)
    paths = scorecards.paths
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    closed = [month.month_start for month in read_closed_months(paths.warehouse)]
    paid = snapshot_paid_history(paths.build_db, paths.published_db, closed)
    context.log.info(
        f"Paid history: {paid.payouts} payouts and {paid.lines} statement lines already paid "
        f"({len(closed)} closed month(s); latest publication as of {paid.published_as_of})"
    )
    dbt_vars = {**scorecards.dbt_vars(), "paid_history": paid.present}
    args = ["build", "--vars", json.dumps(dbt_vars)]
    invocation = dbt.cli(args, context=context, raise_on_error=False)
    # Events are held until dbt exits: only then may this process open build.duckdb (DuckDB lets
    # no reader in while dbt writes) to add each model's row count to its materialization.
    events = []
    for number, event in enumerate(invocation.stream()):
        events.append(event)
        if number == 20:
            pause_point("dbt")  # a fault test may kill the run here, dbt half way through
    yield from with_row_counts(context, paths.build_db, events)
    if not invocation.is_successful():
        failed = failed_dbt_nodes(invocation.get_artifact("run_results.json"))
        raise dg.Failure(
            description=f"dbt build failed: {len(failed)} node(s) failed or errored: "
            + "; ".join(failed[:10]),
            metadata={"failed_nodes": dg.MetadataValue.json(failed)},
            allow_retries=False,  # a failed test is a verdict, not a hiccup
        )


def with_row_counts(
    context: dg.AssetExecutionContext, build_db: Path, events: list[Any]
) -> Iterator[Any]:
    """The dbt events, each model's Output with ``dagster/row_count`` in its metadata."""
    keys = {
        event.output_name: context.asset_key_for_output(event.output_name)
        for event in events
        if isinstance(event, dg.Output)
    }
    counts: dict[str, int] = {}
    if keys and build_db.exists():
        with duckdb.connect(str(build_db), read_only=True) as con:
            for output_name, key in keys.items():
                relation = ".".join(quote_ident(part) for part in key.path[-2:])
                try:
                    counts[output_name] = con.execute(
                        f"select count(*) from {relation}"
                    ).fetchall()[0][0]
                except duckdb.Error:
                    continue  # a model that failed to build has no relation to count
        extra = _scorecard_distribution(build_db) if counts else {}
    for event in events:
        if isinstance(event, dg.Output) and event.output_name in counts:
            metadata = {**event.metadata, "dagster/row_count": counts[event.output_name]}
            if keys[event.output_name] == dbt_model_key("scorecard_attainment"):
                metadata.update(extra)
            event = event.with_metadata(metadata)
        yield event


LATEST_CLOSED_REP_MONTH = """
    from marts.scorecard_attainment
    where period_grain = 'month' and scope_type = 'rep' and attainment is not null
        and period_month = (
            select max(period_month) from marts.scorecard_attainment
            where not is_open and period_grain = 'month'
        )
"""


def _scorecard_distribution(build_db: Path) -> dict[str, Any]:
    """Where reps stand in the latest closed month, per metric: reps by tier reached and the
    attainment's min, median and max, for the asset's page in the UI."""
    try:
        with duckdb.connect(str(build_db), read_only=True) as con:
            tiers = con.execute(
                f"select metric, tier_reached, count(*) {LATEST_CLOSED_REP_MONTH} "
                "group by all order by all"
            ).fetchall()
            spread = con.execute(
                f"select metric, min(attainment), quantile_disc(attainment, 0.5), "
                f"max(attainment) {LATEST_CLOSED_REP_MONTH} group by all order by all"
            ).fetchall()
    except duckdb.Error:
        return {}
    by_tier: dict[str, dict[str, int]] = {}
    for metric, tier, count in tiers:
        by_tier.setdefault(metric, {})[tier] = count
    return {
        "reps_by_tier_latest_closed_month": dg.MetadataValue.json(by_tier),
        "attainment_min_median_max": dg.MetadataValue.json(
            {metric: [str(low), str(mid), str(high)] for metric, low, mid, high in spread}
        ),
    }


def failed_dbt_nodes(run_results: Mapping[str, Any]) -> list[str]:
    """'name (status)' for every dbt node that failed or errored, from run_results.json."""
    return [
        f"{result['unique_id'].split('.')[2]} ({result['status']})"
        for result in run_results.get("results", [])
        if result.get("status") in ("error", "fail", "runtime error")
    ]


def dbt_model_key(model_name: str) -> dg.AssetKey:
    """The asset key dagster-dbt gives a model (schema-prefixed), looked up, never spelled out."""
    return get_asset_key_for_model([scorecards_dbt_models], model_name)
