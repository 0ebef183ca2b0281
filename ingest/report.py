"""A readable ingest report: per file, the counts and the top quarantine reasons."""

from __future__ import annotations

from pathlib import Path

import duckdb


def write_ingest_report(con: duckdb.DuckDBPyConnection, reports: Path) -> Path:
    """Write ``reports/ingest_report.md`` from the audit tables (all loads, newest first)."""
    reports.mkdir(parents=True, exist_ok=True)
    files = con.execute(
        "select load_id, file_path, coalesce(entity, '-'), status, rows_read, rows_accepted, "
        "rows_quarantined, coalesce(message, '') from audit.load_log order by load_id desc"
    ).fetchall()
    reasons = con.execute(
        """
        select load_id, reason, count(*) as n
        from audit.quarantine
        group by load_id, reason
        qualify row_number() over (partition by load_id order by count(*) desc, reason) <= 3
        order by load_id, n desc, reason
        """
    ).fetchall()
    top: dict[int, list[str]] = {}
    for load_id, reason, count in reasons:
        top.setdefault(load_id, []).append(f"{reason} ({count})")
    lines = [
        "# Ingest report",
        "",
        "Every landed file, newest load first. rows read = rows accepted + rows quarantined.",
        "",
        "| load | file | entity | status | read | accepted | quarantined | top quarantine reasons"
        " / message |",
        "|---:|---|---|---|---:|---:|---:|---|",
    ]
    for load_id, path, entity, status, read, accepted, quarantined, message in files:
        detail = "; ".join(top.get(load_id, [])) or message
        detail = detail.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {load_id} | {path} | {entity} | {status} | {read} | {accepted} | {quarantined} "
            f"| {detail} |"
        )
    target = reports / "ingest_report.md"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target
