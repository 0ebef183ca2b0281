"""Ingest: every landed file into the raw tables of build.duckdb, with audit and quarantine."""

import dagster as dg
import duckdb

from core.faults import pause_point
from core.settings import duckdb_memory_limit, max_file_age_days
from ingest.audit import entity_counts
from ingest.contract import ENTITIES, Entity, date_window
from ingest.loader import load_landing, print_progress
from ingest.parquet import sync_raw_parquet
from ingest.report import write_ingest_report
from orchestration.assets import OWNERS
from orchestration.check_results import to_check_result
from orchestration.resources import TRANSIENT_RETRY, ScorecardsResource
from quality.landing_checks import (
    plan_rows_check,
    quarantine_check,
    rejected_files_check,
    required_entities_check,
    stale_entities_check,
)

LOAD_LOG_KEY = dg.AssetKey(["audit", "load_log"])


def raw_table_schema(entity: Entity) -> dg.TableSchema:
    """The columns of a raw table as the export contract declares them (ingest/contract.py)."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=column.name,
                type=column.sql_type,
                description="; ".join(
                    part
                    for part in (
                        (
                            f"one of {column.enum}"
                            if column.type == "enum"
                            else f"{column.enum} names read under their aliases"
                        )
                        if column.enum
                        else "",
                        f"headers also read: {', '.join(column.aliases)}" if column.aliases else "",
                    )
                    if part
                )
                or None,
                constraints=dg.TableColumnConstraints(nullable=not column.required),
            )
            for column in entity.columns
        ]
    )


RAW_KEYS = {entity.qualified: dg.AssetKey([entity.source, entity.name]) for entity in ENTITIES}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            LOAD_LOG_KEY,
            group_name="ingest",
            description="audit.load_log and audit.quarantine: what happened to every landed file.",
            kinds={"duckdb", "python"},
            owners=OWNERS,
        ),
        *[
            dg.AssetSpec(
                RAW_KEYS[entity.qualified],
                group_name="ingest",
                description=f"raw.{entity.raw_table}: accepted rows of "
                f"landing/{entity.qualified}* files.",
                kinds={"duckdb", "python"},
                owners=OWNERS,
                metadata={"dagster/column_schema": raw_table_schema(entity)},
            )
            for entity in ENTITIES
        ],
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "no_rejected_files",
            asset=LOAD_LOG_KEY,
            blocking=True,
            description="Blocks publication while a landed file is rejected as a whole.",
        ),
        dg.AssetCheckSpec(
            "required_entities_landed",
            asset=LOAD_LOG_KEY,
            blocking=True,
            description="Blocks publication until every required entity has a file in force.",
        ),
        dg.AssetCheckSpec(
            "plan_rows_complete",
            asset=LOAD_LOG_KEY,
            blocking=True,
            description="Blocks publication while any row of a plan file (targets, comp plans, "
            "payout curve, assignments, KPI weights, reviews) is quarantined: the plan is all or "
            "nothing. Names each file and line.",
        ),
        dg.AssetCheckSpec(
            "quarantined_rows",
            asset=LOAD_LOG_KEY,
            description="Warns while CRM or ERP rows of files in force are quarantined "
            "(counts, examples).",
        ),
        dg.AssetCheckSpec(
            "stale_entities",
            asset=LOAD_LOG_KEY,
            description="Warns when an entity's newest file is older than "
            "SCORECARDS_MAX_FILE_AGE_DAYS (45) before the as-of date.",
        ),
    ],
    can_subset=False,
    retry_policy=TRANSIENT_RETRY,
)
def landed_exports(context: dg.AssetExecutionContext, scorecards: ScorecardsResource):
    """Load new files (by content hash) from landing/{crm,erp,plan} into build.duckdb."""
    home = scorecards.paths
    home.ensure()
    with duckdb.connect(str(home.build_db), config={"memory_limit": duckdb_memory_limit()}) as con:
        summary = load_landing(
            con, home.landing, progress=_progress, window=date_window(scorecards.as_of_date)
        )
        parquet = sync_raw_parquet(con, home.raw_parquet)
        report = write_ingest_report(con, home.reports, summary)
        blocking = [
            rejected_files_check(con),
            required_entities_check(con),
            plan_rows_check(con),
        ]
        warnings = [
            quarantine_check(con),
            stale_entities_check(con, home.landing, scorecards.as_of_date, max_file_age_days()),
        ]
        per_entity = entity_counts(con)
        totals = con.execute(
            "select count(*), coalesce(sum(rows_read), 0), coalesce(sum(rows_quarantined), 0) "
            "from audit.load_log"
        ).fetchone()
    files_this_run = [f for f in summary.files if f.status != "skipped"]
    context.log.info(
        f"ingest: {len(files_this_run)} new file(s), {len(summary.rejected)} rejected, "
        f"{len(summary.files) - len(files_this_run)} already loaded; report {report}; "
        f"Parquet: {len(parquet.written)} load file(s) written ({parquet.rows_written} rows), "
        f"{len(parquet.removed)} removed under {home.raw_parquet}"
    )
    yield dg.MaterializeResult(
        asset_key=LOAD_LOG_KEY,
        metadata={
            "files_loaded_total": totals[0],
            "rows_read_total": totals[1],
            "rows_quarantined_total": totals[2],
            "files_this_run": len(files_this_run),
            "files_rejected_this_run": len(summary.rejected),
            "report": dg.MetadataValue.path(str(report)),
            "parquet_files_written": len(parquet.written),
            "parquet_rows_written": parquet.rows_written,
            "parquet_files_removed": len(parquet.removed),
            "parquet_root": dg.MetadataValue.path(str(home.raw_parquet)),
        },
    )
    for name, counts in per_entity.items():
        yield dg.MaterializeResult(
            asset_key=RAW_KEYS[name],
            metadata={key: dg.MetadataValue.int(value) for key, value in counts.items()},
        )
    for outcome in blocking:
        yield to_check_result(outcome, dg.AssetCheckSeverity.ERROR, LOAD_LOG_KEY)
    for outcome in warnings:
        yield to_check_result(outcome, dg.AssetCheckSeverity.WARN, LOAD_LOG_KEY)


def _progress(line: str) -> None:
    """Progress on the console; a fault test may stop the run here, between two files."""
    print_progress(line)
    pause_point("ingest")
