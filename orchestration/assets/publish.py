"""Publish: after every blocking check passed, swap in a new published.duckdb."""

import dagster as dg

from core.faults import pause_point
from core.settings import publish_personal_data
from orchestration.assets import OWNERS
from orchestration.assets.dbt import PUBLISHED_CATALOGUE, dbt_model_key
from orchestration.resources import TRANSIENT_RETRY, ScorecardsResource
from publication import pending
from publication.closing import read_closed_months
from publication.publish import in_own_process, publish
from publication.report import write_run_reports
from publication.statements import write_statements


def _checks_in_run(context: dg.AssetExecutionContext) -> dict[str, object]:
    """Every check evaluated in this run, by name, for the publication log."""
    records = context.instance.all_logs(
        context.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
    )
    results: dict[str, bool] = {}
    for record in records:
        evaluation = record.get_dagster_event().event_specific_data
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        results[name] = bool(evaluation.passed)
    return {
        "checks_evaluated": len(results),
        "checks_failed": sorted(name for name, passed in results.items() if not passed),
    }


@dg.asset(
    key=["published_scorecards"],
    group_name="publish",
    kinds={"duckdb", "parquet"},
    owners=OWNERS,
    deps=[dbt_model_key(table) for table in PUBLISHED_CATALOGUE.names],
    retry_policy=TRANSIENT_RETRY,
    description="published.duckdb: the audited marts, written as a new file and swapped in "
    "atomically; readers never see a half-built state.",
)
def published_scorecards(
    context: dg.AssetExecutionContext, scorecards: ScorecardsResource
) -> dg.MaterializeResult:
    home = scorecards.paths
    publication = in_own_process(
        publish,
        home.build_db,
        home.published_db,
        scorecards.as_of_date,
        _checks_in_run(context),
        catalogue=PUBLISHED_CATALOGUE,
        closed_months=read_closed_months(home.warehouse),
        parquet_root=home.published_parquet,
        personal_data=publish_personal_data(),
        follow_ups=(pending.STATEMENTS, pending.REPORT),
        lang=scorecards.language,
    )
    if publication.restated_months:
        context.log.warning(
            f"version {publication.version} restates closed month(s) "
            f"{', '.join(publication.restated_months)}: see the table restatements"
        )
    context.log.info(f"published version {publication.version} to {publication.path}")
    return dg.MaterializeResult(
        metadata={
            "version": publication.version,
            "as_of_date": publication.as_of_date.isoformat(),
            "months_covered": publication.months_covered,
            "path": dg.MetadataValue.path(str(publication.path)),
            "parquet": dg.MetadataValue.path(str(publication.parquet_dir)),
            "restated_months": ", ".join(publication.restated_months),
            **{f"rows_{table}": count for table, count in publication.row_counts.items()},
        }
    )


@dg.asset(
    key=["payout_statements"],
    group_name="publish",
    kinds={"excel", "csv"},
    owners=OWNERS,
    deps=[published_scorecards],
    retry_policy=TRANSIENT_RETRY,
    description="reports/statements/<period>/: one XLSX statement per rep and plan period with a "
    "CSV twin, the finance workbook, and reports/payroll/<period>.csv of approved payouts; "
    "written from the published copy, after publication.",
)
def payout_statements(
    context: dg.AssetExecutionContext, scorecards: ScorecardsResource
) -> dg.MaterializeResult:
    home = scorecards.paths
    pause_point("statements")
    written = write_statements(home.published_db, home.reports, scorecards.language)
    pending.done(home.published_db, pending.STATEMENTS)
    context.log.info(
        f"{written.statements} statements in {written.folder} "
        f"({written.statements - written.reused} written, {written.reused} unchanged)"
    )
    return dg.MaterializeResult(
        metadata={
            "statements": written.statements,
            "statements_unchanged": written.reused,
            "lines": written.lines,
            "folder": dg.MetadataValue.path(str(written.folder)),
            "finance_workbook": dg.MetadataValue.path(str(written.finance_workbook)),
            "payroll_files": len(written.payroll),
        }
    )


@dg.asset(
    key=["scorecard_report"],
    group_name="publish",
    kinds={"html"},
    owners=OWNERS,
    deps=[published_scorecards],
    retry_policy=TRANSIENT_RETRY,
    description="reports/scorecard_<period>.html: the monthly report (company, regions and teams "
    "at month, QTD and YTD with tiers, gaps, pace, forecasts and changes; coverage; every "
    "warning; leaderboard; a section per rep) for the as-of month and the latest closed month, "
    "reports/week_<YYYY-Www>.html for the as-of week and reports/index.html; self-contained "
    "files in the run's language, from the published copy, after publication.",
)
def scorecard_report(
    context: dg.AssetExecutionContext, scorecards: ScorecardsResource
) -> dg.MaterializeResult:
    home = scorecards.paths
    written, skipped = write_run_reports(
        home.published_db, home.reports, scorecards.as_of_date, scorecards.language
    )
    pending.done(home.published_db, pending.REPORT)
    for reason in skipped:
        context.log.info(reason)
    for report in written:
        context.log.info(f"wrote {report.path} ({report.charts} charts)")
    return dg.MaterializeResult(
        metadata={
            "periods": ", ".join(report.period for report in written),
            "report": dg.MetadataValue.path(str(written[0].path)),
            "charts": sum(report.charts for report in written),
        }
    )
