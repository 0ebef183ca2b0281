"""Gate checks on what was landed, in SQL over the audit tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from quality.outcome import MAX_OFFENDING_ROWS, CheckOutcome


def rejected_files_check(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
    """Blocks while any file in the landing folder is, in its current content, rejected.

    A rejected file's rows are missing from the build, so publishing would report wrong totals.
    Fixing the file (a new version) or removing it retires the rejected load and clears the check.
    """
    rows = con.execute(
        "select file_path, message from audit.load_log "
        "where status = 'rejected' and retired_at is null order by file_path"
    ).fetchall()
    offending = [{"file_path": path, "message": message} for path, message in rows]
    return CheckOutcome(
        name="no_rejected_files",
        passed=not offending,
        description="Every file in the landing folder was read (none rejected as a whole).",
        failures=[f"{row['file_path']}: {row['message']}" for row in offending],
        offending_rows=offending[:MAX_OFFENDING_ROWS],
        counts={"rejected_files": len(offending)},
    )


def quarantine_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Quarantined rows per entity (a warning in reports, never silent)."""
    return dict(
        con.execute(
            "select quarantine.entity, count(*) from audit.quarantine as quarantine "
            "inner join audit.load_log as loads on quarantine.load_id = loads.load_id "
            "where loads.retired_at is null group by quarantine.entity order by quarantine.entity"
        ).fetchall()
    )


def required_entities_check(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
    """Blocks until every required entity of the export contract has a file in force.

    Without, say, fx_rates or targets the pipeline would still build, with every foreign amount
    or every attainment missing; completeness is a precondition, not a result.
    """
    from ingest.contract import ENTITIES

    present = {
        row[0]
        for row in con.execute(
            "select distinct entity from audit.load_log "
            "where status <> 'rejected' and retired_at is null and entity is not null"
        ).fetchall()
    }
    missing = [e.qualified for e in ENTITIES if not e.optional and e.qualified not in present]
    return CheckOutcome(
        name="required_entities_landed",
        passed=not missing,
        description="Every required entity of the export contract has at least one file in force.",
        failures=[f"no file for {name} (land landing/{name}*)" for name in missing],
        offending_rows=[{"entity": name} for name in missing][:MAX_OFFENDING_ROWS],
        counts={"missing_entities": len(missing)},
    )


# The plan (targets, comp plans, curve, assignments, KPI weights, reviews) is all or nothing: a
# payout computed on half a plan is worse than no payout. CRM and ERP rows may be quarantined
# within the configured share and the rest of the file is used.
PLAN_SOURCE = "plan"


def _quarantined(con: duckdb.DuckDBPyConnection, plan: bool) -> tuple[dict[str, int], list[tuple]]:
    """Quarantined rows of files in force, of the plan's entities or of the others: counts per
    entity and the first rows (file, line, reason)."""
    in_force = (
        "from audit.quarantine as quarantine inner join audit.load_log as loads "
        "on quarantine.load_id = loads.load_id where loads.retired_at is null "
        "and starts_with(quarantine.entity, ?) = ?"
    )
    prefix = [f"{PLAN_SOURCE}/", plan]
    counts = dict(
        con.execute(
            f"select quarantine.entity, count(*) {in_force} "
            "group by quarantine.entity order by quarantine.entity",
            prefix,
        ).fetchall()
    )
    rows = con.execute(
        "select quarantine.entity, quarantine.file_path, quarantine.line_number, "
        f"quarantine.reason {in_force} "
        "order by quarantine.file_path, quarantine.line_number limit ?",
        [*prefix, MAX_OFFENDING_ROWS],
    ).fetchall()
    return counts, rows


def _quarantine_outcome(
    name: str, description: str, counts: dict[str, int], rows: list[tuple], detail: bool
) -> CheckOutcome:
    failures = [f"{entity}: {count} row(s) quarantined" for entity, count in counts.items()]
    if detail:
        failures = [f"{path} line {line}: {reason}" for _, path, line, reason in rows] + failures[
            len(rows) :
        ]
    return CheckOutcome(
        name=name,
        passed=not counts,
        description=description,
        failures=failures,
        offending_rows=[
            {"entity": entity, "file_path": path, "line": line, "reason": reason}
            for entity, path, line, reason in rows
        ],
        counts={"quarantined_rows": sum(counts.values())},
    )


def quarantine_check(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
    """A warning while CRM or ERP rows of files in force sit in quarantine, with counts and
    examples (plan rows block instead: plan_rows_check)."""
    counts, rows = _quarantined(con, plan=False)
    return _quarantine_outcome(
        "quarantined_rows",
        "No CRM or ERP row is in quarantine (a warning: the rest of the file was used).",
        counts,
        rows,
        detail=False,
    )


def plan_rows_check(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
    """Blocks while any row of a plan file in force (targets, comp plans, payout curve, plan
    assignments, KPI weights, manager reviews, phasing) is quarantined, naming file and line:
    the plan is used whole or not at all."""
    counts, rows = _quarantined(con, plan=True)
    return _quarantine_outcome(
        "plan_rows_complete",
        "Every row of every plan file was accepted (a quarantined target, comp plan, curve, "
        "assignment, KPI weight or review blocks publication: the plan is all or nothing).",
        counts,
        rows,
        detail=True,
    )


def stale_entities_check(
    con: duckdb.DuckDBPyConnection, landing: Path, as_of: dt.date, max_age_days: int
) -> CheckOutcome:
    """A warning for each entity whose newest file in force was last modified long before the
    as-of date: the export may have stopped."""
    newest: dict[str, dt.date] = {}
    for entity, file_path in con.execute(
        "select entity, file_path from audit.load_log "
        "where status <> 'rejected' and retired_at is null and entity is not null"
    ).fetchall():
        path = landing / file_path
        if not path.exists():
            continue
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).date()
        newest[entity] = max(newest.get(entity, modified), modified)
    stale = {
        entity: (as_of - date).days
        for entity, date in sorted(newest.items())
        if (as_of - date).days > max_age_days
    }
    return CheckOutcome(
        name="stale_entities",
        passed=not stale,
        description=f"Every entity's newest file is at most {max_age_days} days older than the "
        "as-of date (a warning).",
        failures=[f"{entity}: newest file {days} days old" for entity, days in stale.items()],
        offending_rows=[{"entity": entity, "age_days": days} for entity, days in stale.items()][
            :MAX_OFFENDING_ROWS
        ],
        counts={"stale_entities": len(stale)},
    )
