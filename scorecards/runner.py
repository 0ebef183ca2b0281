"""Run the Dagster job in-process and turn its events into an outcome a person can act on."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from core.faults import fault_of
from core.settings import FIRST_MONTH_ENV, Home, RunSettings
from publication.published_layout import published_version
from quality.outcome import MAX_OFFENDING_ROWS
from scorecards.gate_report import (
    FailedCheck,
    reserve_gate_report,
    write_gate_report,
)

PUBLISH_KEY = dg.AssetKey(["published_scorecards"])


class NotAPartitionError(ValueError):
    """--month names no monthly partition: a usage error, before any work."""


@dataclass
class RunOutcome:
    published: bool
    version: int | None = None
    failed_checks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    report: Path | None = None
    faults: list[str] = field(default_factory=list)  # named causes: exit 3, never a blocked gate


def run_pipeline(
    home: Home,
    as_of: dt.date,
    settings: RunSettings | None = None,
    month: str | None = None,
    engine: str = "duckdb",
    lang: str = "en",
) -> RunOutcome:
    """Ingest, build, check and publish through the same job `dagster dev` shows.

    Without ``month`` the monthly models are rebuilt for every month; with it (YYYY-MM, a
    monthly partition) only that month is, plus every month whose inputs changed since it was
    built (orchestration/partitions.py), which is what a new month landing costs. ``engine``
    is what dbt builds on (docs/ENGINES.md): the published tables are the same on either."""
    os.environ[FIRST_MONTH_ENV] = partitions_start(home, as_of)
    from orchestration.definitions import defs
    from orchestration.instance import home_instance
    from orchestration.partitions import MONTHLY_PARTITIONS, all_partitions_tags

    if month is not None and month not in MONTHLY_PARTITIONS.get_partition_keys():
        keys = MONTHLY_PARTITIONS.get_partition_keys()
        raise NotAPartitionError(
            f"{month} is not a monthly partition (they run from {keys[0]} to {keys[-1]}; "
            f"{FIRST_MONTH_ENV}=YYYY-MM starts them earlier)"
        )
    partition = {"partition_key": month} if month is not None else {"tags": all_partitions_tags()}

    settings = settings or RunSettings()
    config = {
        "home": str(home.root),
        "as_of": as_of.isoformat(),
        "base_currency": settings.base_currency,
        "fiscal_year_start_month": settings.fiscal_year_start_month,
        "engine": engine,
        "lang": lang,
    }
    job = defs.resolve_job_def("scorecards_job")
    reserve_gate_report(home, as_of, lang)
    published_before = latest_published_version(home)
    try:
        with home_instance(home.root) as instance:
            result = job.execute_in_process(
                run_config={
                    "resources": {"scorecards": {"config": config}},
                    # Every event at INFO is hundreds of lines: the terminal gets warnings,
                    # errors and one line per stage (orchestration/loggers.py).
                    "loggers": {
                        "console": {"config": {"log_level": "WARNING"}},
                        "stage_progress": {},
                    },
                },
                instance=instance,
                raise_on_error=False,
                **partition,
            )
    except Exception as exc:
        # Dagster could not record the run (its instance's database on a full disk): a fault
        # outside every step. Anything else is a bug and keeps its traceback.
        fault = fault_in_exception(exc)
        if fault is None:
            raise
        return _stopped_outside_the_steps(home, as_of, fault, published_before, lang)
    version = None
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key == PUBLISH_KEY:
            version = materialization.metadata["version"].value
    evaluated = result.get_asset_check_evaluations()
    evaluations = [e for e in evaluated if not e.passed]
    # A dbt test that errored could not run: no verdict on the data (a full disk, a lock).
    errored = [e for e in evaluations if _status(e) == "error"]
    verdicts = [e for e in evaluations if _status(e) != "error"]
    failed = [e for e in verdicts if e.severity == dg.AssetCheckSeverity.ERROR]
    warned = [_describe(e) for e in verdicts if e.severity != dg.AssetCheckSeverity.ERROR]
    step_failures = result.get_step_failure_events()
    errors = [
        f"step {event.step_key} failed: {root_cause(event.event_specific_data.error)}"
        for event in step_failures
    ]
    faults = [
        fault
        for event in step_failures
        if (fault := fault_in(event.event_specific_data.error)) is not None
    ]
    ran = {_check_name(e) for e in evaluated}
    not_run = sorted({_check_name(e) for e in errored} | (blocking_checks() - ran))
    warnings = [check.name for check in warned]
    if version is not None:
        # Published; a later step (the statements) may still have failed.
        report = write_gate_report(
            home, as_of, [], errors, warned, published_version=version, lang=lang
        )
        return RunOutcome(
            published=True,
            version=version,
            errors=errors,
            warnings=warnings,
            report=report,
            faults=faults,
        )
    checks = [_describe(evaluation) for evaluation in failed]
    named = {evaluation.check_name for evaluation in failed}
    tests = [test for test in _failed_dbt_tests(result) if test["test"] not in named]
    checks += [_describe_test(test) for test in tests]
    if errored and not faults:
        faults = [f"{len(errored)} dbt test(s) could not run (see the step errors)"]
    report = write_gate_report(
        home,
        as_of,
        checks,
        errors,
        warned,
        not_run=not_run if faults else [],
        faults=faults,
        lang=lang,
    )
    return RunOutcome(
        published=False,
        failed_checks=[check.name for check in checks],
        errors=errors or ["publish did not run"],
        warnings=warnings,
        report=report,
        faults=faults,
    )


def _stopped_outside_the_steps(
    home: Home, as_of: dt.date, fault: str, published_before: int | None, lang: str
) -> RunOutcome:
    """The outcome of a run a fault stopped outside its steps. The publication is read, not
    assumed: if the fault came after the swap, the new version is published and says so."""
    errors = ["the run stopped outside its steps (Dagster could not record it)"]
    version = latest_published_version(home)
    if version != published_before:
        report = write_gate_report(home, as_of, [], errors, published_version=version, lang=lang)
        return RunOutcome(
            published=True, version=version, errors=errors, report=report, faults=[fault]
        )
    # No verdict of any check reached the record: none of them counts as run.
    not_run = sorted(blocking_checks())
    report = write_gate_report(home, as_of, [], errors, not_run=not_run, faults=[fault], lang=lang)
    return RunOutcome(published=False, errors=errors, report=report, faults=[fault])


def latest_published_version(home: Home) -> int | None:
    """The home's published version (None before the first publication)."""
    return published_version(home.published_db)


def fault_in_exception(exc: BaseException) -> str | None:
    """The fault an exception or any exception it was raised from shows, named; else None."""
    seen: BaseException | None = exc
    while seen is not None:
        if (fault := fault_of(f"{type(seen).__name__}: {seen}")) is not None:
            return fault
        seen = seen.__cause__ or seen.__context__
    return None


def partitions_start(home: Home, as_of: dt.date) -> str:
    """Where the monthly partitions start (YYYY-MM): ``SCORECARDS_FIRST_MONTH`` when set, else
    the data's first month as the last run recorded it, else (a new home) January of the year
    before the as-of date.

    A full run is a run over every partition, and Dagster records each check once per partition
    in the home's instance: the range follows the data rather than a fixed 2020-01. Months before
    the first partition are still built by a full run; they only cannot be picked alone."""
    return os.environ.get(FIRST_MONTH_ENV) or home.recorded_first_month() or f"{as_of.year - 1}-01"


def _status(evaluation: dg.AssetCheckEvaluation) -> str | None:
    """dbt's status of a test's evaluation (pass, fail, warn, error); None for other checks."""
    status = evaluation.metadata.get("status")
    return str(status.value) if status is not None else None


def _check_name(evaluation: dg.AssetCheckEvaluation) -> str:
    return f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"


def blocking_checks() -> set[str]:
    """Every blocking check of the job, as asset:check (from the definitions' check specs)."""
    from orchestration.definitions import defs

    return {
        f"{spec.asset_key.to_user_string()}:{spec.name}"
        for definition in [*defs.assets, *defs.asset_checks]
        for spec in getattr(definition, "check_specs", ())
        if spec.blocking
    }


def root_cause(error: object) -> str:
    """The innermost cause of a step failure in one line; a fault (full disk, permission, memory,
    a killed child, a lock) named first, whichever layer's message shows it.

    Dagster wraps the real error (an OSError deep in DuckDB or dbt) in its own; the operator needs
    the real one first.
    """
    return fault_in(error) or _chain(error)[-1]


def fault_in(error: object) -> str | None:
    """The fault a step failure shows at any layer (innermost first), named; else None."""
    for message in reversed(_chain(error)):
        if (fault := fault_of(message)) is not None:
            return fault
    return None


def _chain(error: object) -> list[str]:
    """The first line of each error in a chain, outermost first (never empty)."""
    messages = []
    while error is not None:
        messages.append(_first_line(getattr(error, "message", "") or ""))
        error = getattr(error, "cause", None) or getattr(error, "context", None)
    return messages or ["(no message)"]


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text and text.strip() else "(no message)"


def _describe(evaluation: dg.AssetCheckEvaluation) -> FailedCheck:
    name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
    metadata = evaluation.metadata
    rows = metadata.get("offending_rows")  # every check puts them there, dbt's tests too
    offending = list(rows.value) if rows is not None else []
    description = evaluation.description or ""
    if not description:
        count = metadata.get("dagster_dbt/failed_row_count")
        description = f"{count.value} failing row(s)" if count is not None else "failed"
    return FailedCheck(name, description, offending[:MAX_OFFENDING_ROWS])


def _failed_dbt_tests(result: dg.ExecuteInProcessResult) -> list[dict[str, object]]:
    """Failed dbt tests reported by the dbt steps' failures (see orchestration/assets/dbt.py)."""
    tests: list[dict[str, object]] = []
    for event in result.get_step_failure_events():
        data = event.event_specific_data.user_failure_data
        entry = data.metadata.get("failed_tests") if data is not None else None
        if entry is not None:
            tests.extend(entry.value)
    return tests


def _describe_test(test: dict[str, object]) -> FailedCheck:
    name = str(test["test"])
    failures = test.get("failures")
    description = f"{failures} failing row(s)" if failures is not None else "failed"
    rows = test.get("offending_rows") or []
    return FailedCheck(f"dbt test {name}", description, list(rows)[:MAX_OFFENDING_ROWS])
