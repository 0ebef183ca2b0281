"""The dbt project as assets: staging, intermediate, marts and scorecards, with dbt tests as checks.

dbt tests of error severity become blocking asset checks, so a failing test stops publication.
"""

import json
import os
from collections.abc import Iterator, Mapping, Sequence
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

from core.children import BUILD_DB_ENV, PARENT_PID_ENV
from core.environment import environment as temporary_environment
from core.faults import pause_point
from orchestration.assets import OWNERS
from orchestration.dbt_metadata import failing_rows, with_build_metadata
from orchestration.dbt_results import (
    dbt_died,
    dbt_errors,
    failed_dbt_nodes,
    failed_dbt_tests,
    failing_rows_queries,
    first_dbt_error,
)
from orchestration.engines import (
    built_relations,
    dbt_target,
    engine_environment,
    export_paid_history,
    mirror_spark_tables,
)
from orchestration.manifest import DBT_PROJECT, ensure_manifest, seed_saved_parse
from orchestration.partitions import (
    MONTHLY_PARTITIONS,
    MONTHLY_TAG,
    MonthPlan,
    covers_every_partition,
    fiscal_label,
    months_in_window,
    partitions_rebuilt_beyond_the_run,
    plan_months,
    project_fingerprint,
    read_month_states,
    record_first_month,
)
from orchestration.resources import TRANSIENT_RETRY, ScorecardsResource
from publication.catalogue import read_catalogue
from publication.closing import read_closed_months
from publication.history import snapshot_paid_history, snapshot_published_tiers
from quality.gx_suites import import_great_expectations_meanwhile
from quality.outcome import MAX_OFFENDING_ROWS

ensure_manifest()
# What is published, as the dbt project declares it (meta.published; the source `published`).
PUBLISHED_CATALOGUE = read_catalogue(DBT_PROJECT.manifest_path)


class ScorecardsTranslator(DagsterDbtTranslator):
    """Groups read like the data's walk: staging, intermediate, marts, scorecards; every model
    owned by the warehouse's team; the per-month models (tag ``monthly``) partitioned by month.

    One asset definition holds every model, so a run builds them in one dbt invocation; only the
    monthly models carry partitions (Dagster allows a multi-asset whose specs differ in them).
    """

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props.get("resource_type") == "model" and MONTHLY_TAG in props.get("tags", []):
            return spec.replace_attributes(partitions_def=MONTHLY_PARTITIONS)
        return spec

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> Sequence[str] | None:
        return OWNERS

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if len(fqn) > 2 and fqn[1] == "marts" and fqn[2] == "scorecards":
            return "scorecards"
        return fqn[1] if len(fqn) > 2 else "reference"


DBT_ASSET_ARGS: dict[str, Any] = {
    "manifest": DBT_PROJECT.manifest_path,
    "project": DBT_PROJECT,
    "dagster_dbt_translator": ScorecardsTranslator(),
    "retry_policy": TRANSIENT_RETRY,
}
# A run of some months builds in two invocations (dbt_project/selectors.yml): which months to
# rebuild depends on the inputs' fingerprints, which the first builds from this run's exports.
UPSTREAM_SELECTOR = "scorecards_upstream"
DOWNSTREAM_SELECTOR = "scorecards_downstream"


DBT_VARS_ENV = "SCORECARDS_DBT_VARS"


def dbt_target_path(build_db: Path, engine: str = "duckdb") -> Path:
    """dbt's target folder of a home (artifacts, logs, the saved parse), beside build.duckdb.

    One folder per home (and engine): a run's artifacts and logs stay with its home, and each
    step reuses the parse its previous step saved (a new home's starts from the project's,
    seed_saved_parse)."""
    return build_db.parent / ("dbt_target" if engine == "duckdb" else f"dbt_target_{engine}")


def _dbt_run_vars(scorecards: ScorecardsResource) -> dict[str, Any]:
    """The run's vars, with which copies of the published state the build holds."""
    build_db = scorecards.paths.build_db
    return {
        **scorecards.dbt_vars(),
        "paid_history": _history_landed(build_db, "paid_payouts"),
        "published_tiers": _history_landed(build_db, "published_tiers"),
        "project_fingerprint": project_fingerprint(),
    }


def _run_dbt(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    scorecards: ScorecardsResource,
    dbt_vars: Mapping[str, Any],
    extra_args: list[str] | None = None,
    selector: str | None = None,
) -> Iterator[Any]:
    """One `dbt build` (of a selector's part of the project, dbt_project/selectors.yml, or of
    all of it), its events with row counts, then the verdict."""
    os.environ[BUILD_DB_ENV] = str(scorecards.paths.build_db)
    engine = scorecards.engine_name
    target = dbt_target_path(scorecards.paths.build_db, engine)
    target.mkdir(parents=True, exist_ok=True)
    if engine == "duckdb" and seed_saved_parse(target):  # Spark's profile is another
        context.log.info("dbt starts from the project's saved parse (this home had none)")
    # The steps share the folder: never read the run results of the step before.
    (target / "run_results.json").unlink(missing_ok=True)
    # DuckDB is the profile's default target: named only for another engine, so that a DuckDB
    # step's command line (and with it dbt's saved parse) is what it always was.
    args = ["build"] if engine == "duckdb" else ["build", "--target", dbt_target(engine)]
    if selector and not context.is_subset:
        # dbt takes the YAML selector over the --select/--exclude dagster-dbt adds; a subset (a
        # few assets picked in the UI) keeps dagster-dbt's own selection.
        args += ["--selector", selector]
    # dbt's unit tests check the models' logic on fixed inputs: they run in `make test-fast`
    # and CI (tests/dbt), not again on every run's data, as dbt's own guide advises.
    args += ["--exclude-resource-type", "unit_test"]
    # The run's settings go to dbt in its environment (macros/run_var.sql), not in --vars, so
    # that dbt reuses the parse it saved in the home's target folder: same project, same
    # profile, same parse. Set only while dbt starts: an in-process run leaves none behind.
    environment = {
        DBT_VARS_ENV: json.dumps(dbt_vars, sort_keys=True),
        **engine_environment(scorecards.paths, engine),
        # dbt's launcher exits at once if this process died before dbt started (children.py).
        PARENT_PID_ENV: str(os.getpid()),
        # dbt.log at info (errors, warnings, each node's result), not dbt's default debug,
        # which writes every statement's SQL and slows the build (docs/BENCHMARKS.md).
        # DBT_LOG_LEVEL_FILE=debug in the environment brings it back.
        "DBT_LOG_LEVEL_FILE": os.environ.get("DBT_LOG_LEVEL_FILE", "info"),
    }
    with temporary_environment(environment):
        invocation = dbt.cli(
            [*args, *(extra_args or [])], context=context, raise_on_error=False, target_path=target
        )
    # While dbt works, this process only reads its output: the checks after it import Great
    # Expectations meanwhile, done before this process records anything.
    importing = import_great_expectations_meanwhile()
    # Events are held until dbt exits: only then may this process open build.duckdb (DuckDB lets
    # no reader in while dbt writes) to add each model's row count to its materialization.
    events = []
    try:
        for number, event in enumerate(invocation.stream()):
            events.append(event)
            if number == 20:
                pause_point("dbt")  # a fault test may kill the run here, dbt half way through
    finally:
        importing.join()  # also when reading dbt's output failed: Dagster records that next
    try:
        run_results = invocation.get_artifact("run_results.json")
    except (FileNotFoundError, ValueError):  # missing, or cut short (a full disk)
        run_results = None
    if engine != "duckdb" and run_results is not None:  # dbt died: the step fails below
        _mirror(context, scorecards, run_results)
    build_db = scorecards.paths.build_db
    failing = failing_rows(
        build_db, failing_rows_queries(run_results or {}, engine, MAX_OFFENDING_ROWS)
    )
    yield from with_build_metadata(
        context, build_db, events, dbt_model_key("scorecard_attainment"), failing
    )
    if not invocation.is_successful():
        if run_results is None:
            raise dbt_died(invocation.process.returncode, dbt_errors(invocation))
        failed = failed_dbt_nodes(run_results)
        raise dg.Failure(
            description=f"dbt build failed: {len(failed)} node(s) failed or errored: "
            + "; ".join(failed[:10])
            + first_dbt_error(run_results),
            metadata={
                "failed_nodes": dg.MetadataValue.json(failed),
                # Tests that are no Dagster asset checks (a singular test over several models
                # without a `dagster.ref`) are named by the runner from here.
                "failed_tests": dg.MetadataValue.json(
                    [
                        {**test, "offending_rows": failing.get(test["test"], [])}
                        for test in failed_dbt_tests(run_results)
                    ]
                ),
            },
            allow_retries=False,  # a failed test is a verdict, not a hiccup
        )


def _mirror(
    context: dg.AssetExecutionContext,
    scorecards: ScorecardsResource,
    run_results: Mapping[str, Any],
) -> None:
    """Copy what this step built on Spark into build.duckdb (orchestration/engines.py), where the
    checks, publication and the next steps' planning read it."""
    relations = built_relations(run_results)
    copied = mirror_spark_tables(scorecards.paths.build_db, scorecards.paths.spark_dir, relations)
    context.log.info(
        f"Copied {len(copied)} table(s) built on Spark into build.duckdb "
        f"({sum(copied.values())} rows)"
    )


def _history_landed(build_db: Path, table: str) -> bool:
    """Whether the staging step copied this table of the published state into build.duckdb
    (see publication.history)."""
    if not build_db.exists():
        return False
    with duckdb.connect(str(build_db), read_only=True) as con:
        return bool(
            con.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = 'history' and table_name = ?",
                [table],
            ).fetchall()[0][0]
        )


@dbt_assets(
    # A range of months is one run (delete the months, insert them), not one run per month.
    backfill_policy=dg.BackfillPolicy.single_run(),
    **DBT_ASSET_ARGS,
)
def scorecards_dbt(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, scorecards: ScorecardsResource
):
    """dbt build of the whole project: staging, dimensions and fingerprints; the per-month models
    (the credit ledger, activities, KPIs), incremental by month; targets, scorecards, payouts and
    reconciliations; with every data test (the gate's dbt checks).

    A run of every month (``scorecards run``) is one invocation that rebuilds all months. A run
    of some months builds what the monthly models read first, then those months plus every month
    whose inputs changed since it was built, and what reads them."""
    paths = scorecards.paths
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    _snapshot_published_state(context, scorecards)
    requested = None  # no partition, or every partition: a full rebuild
    # On Spark every month is rebuilt: its Parquet tables take no delete (docs/ENGINES.md).
    if scorecards.engine_name == "duckdb" and (
        context.has_partition_key or context.has_partition_key_range
    ):
        if not covers_every_partition(context.partition_keys):
            requested = months_in_window(context.partition_time_window)
    if requested is not None and not context.is_subset:
        yield from _run_dbt(
            context, dbt, scorecards, _dbt_run_vars(scorecards), selector=UPSTREAM_SELECTOR
        )
    stale, known = read_month_states(paths.build_db) if requested is not None else (None, [])
    plan = plan_months(requested, stale, known)
    fiscal_start = scorecards.dbt_vars()["fiscal_year_start_month"]
    context.log.info(
        "Monthly models: "
        + (
            "every month"
            if plan.full
            else ", ".join(fiscal_label(month, fiscal_start) for month in plan.months or [])
        )
        + f" ({plan.reason})"
    )
    dbt_vars = _dbt_run_vars(scorecards)
    extra = ["--full-refresh"] if plan.full else []
    if not plan.full:
        dbt_vars["partition_months"] = [month.isoformat() for month in plan.months or []]
    selector = DOWNSTREAM_SELECTOR if requested is not None else None
    for event in _run_dbt(context, dbt, scorecards, dbt_vars, extra, selector):
        if isinstance(event, dg.Output) and _is_monthly(context, event.output_name):
            event = event.with_metadata({**event.metadata, **_month_metadata(plan, fiscal_start)})
        yield event
    if context.has_partition_key or context.has_partition_key_range:
        monthly = sorted(key for key in context.selected_asset_keys if key in MONTHLY_KEYS)
        for partition in partitions_rebuilt_beyond_the_run(plan, context.partition_keys):
            for key in monthly:
                yield dg.AssetMaterialization(
                    asset_key=key,
                    partition=partition,
                    description="rebuilt with the run's partitions: " + plan.reason,
                )
    record_first_month(paths)


DBT_ASSETS = (scorecards_dbt,)
# The per-month models, partitioned by month (ScorecardsTranslator).
MONTHLY_KEYS = frozenset(
    spec.key for spec in scorecards_dbt.specs if spec.partitions_def is not None
)


def _snapshot_published_state(
    context: dg.AssetExecutionContext, scorecards: ScorecardsResource
) -> None:
    """Copy the paid history and the published tiers from the published copy into build.duckdb,
    where the models read them (publication.history)."""
    paths = scorecards.paths
    closed = [month.month_start for month in read_closed_months(paths.warehouse)]
    paid = snapshot_paid_history(paths.build_db, paths.published_db, closed)
    context.log.info(
        f"Paid history: {paid.payouts} payouts and {paid.lines} statement lines already paid "
        f"({len(closed)} closed month(s); latest publication as of {paid.published_as_of})"
    )
    tiers = snapshot_published_tiers(paths.build_db, paths.published_db)
    context.log.info(f"Tiers of the latest publication's latest month: {tiers} rows")
    if scorecards.engine_name == "spark":
        export_paid_history(paths.build_db, paths.history_parquet)


def _is_monthly(context: dg.AssetExecutionContext, output_name: str) -> bool:
    return context.asset_key_for_output(output_name) in MONTHLY_KEYS


def _month_metadata(plan: MonthPlan, fiscal_start: int) -> dict[str, Any]:
    """What a monthly model's materialization says about the months it rebuilt and why."""
    return {
        "months_rebuilt": dg.MetadataValue.json(
            "all" if plan.full else [fiscal_label(m, fiscal_start) for m in plan.months or []]
        ),
        "stale_months_added": len(plan.stale) if not plan.full else 0,
        "rebuild_reason": plan.reason,
    }


def dbt_model_key(model_name: str) -> dg.AssetKey:
    """The asset key dagster-dbt gives a model (schema-prefixed), looked up, never spelled out."""
    return get_asset_key_for_model([scorecards_dbt], model_name)
