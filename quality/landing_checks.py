"""Gate checks on what was landed, in SQL over the audit tables."""

from __future__ import annotations

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
