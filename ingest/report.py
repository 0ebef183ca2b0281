"""A readable ingest report: what this run did with each file, then every file in force.

Written to ``reports/ingest_report.md`` after every ingest, so whoever closes the month can see at
a glance which files were read, which were refused and why, and the top quarantine reasons.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest.audit import LoadSummary

TOP_REASONS = 3


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _top_reasons(con: duckdb.DuckDBPyConnection) -> dict[int, list[str]]:
    rows = con.execute(
        """
        select load_id, reason, count(*) as n
        from audit.quarantine
        group by load_id, reason
        qualify row_number() over (partition by load_id order by count(*) desc, reason) <= ?
        order by load_id, n desc, reason
        """,
        [TOP_REASONS],
    ).fetchall()
    top: dict[int, list[str]] = {}
    for load_id, reason, count in rows:
        top.setdefault(load_id, []).append(f"{reason} ({count})")
    return top


def write_ingest_report(
    con: duckdb.DuckDBPyConnection, reports: Path, summary: LoadSummary | None = None
) -> Path:
    """Write ``reports/ingest_report.md``; returns its path."""
    reports.mkdir(parents=True, exist_ok=True)
    top = _top_reasons(con)
    lines = ["# Ingest report", ""]
    if summary is not None:
        new = [f for f in summary.files if f.status != "skipped"]
        skipped = len(summary.files) - len(new)
        lines += [
            "## This run",
            "",
            f"{len(new)} new or changed file(s): "
            f"{sum(f.status == 'loaded' for f in new)} loaded, {len(summary.rejected)} rejected; "
            f"{skipped} already loaded (unchanged). "
            f"Rows read {sum(f.rows_read for f in new)}, accepted "
            f"{sum(f.rows_accepted for f in new)}, quarantined "
            f"{sum(f.rows_quarantined for f in new)}.",
            "",
        ]
        if new:
            lines += [
                "| file | entity | status | read | accepted | quarantined | message |",
                "|---|---|---|---:|---:|---:|---|",
            ]
            for f in new:
                lines.append(
                    f"| {_cell(f.file_path)} | {f.entity or '-'} | {f.status} | {f.rows_read} | "
                    f"{f.rows_accepted} | {f.rows_quarantined} | {_cell(f.message)} |"
                )
            lines.append("")
    active = con.execute(
        "select load_id, file_path, coalesce(entity, '-'), status, rows_read, rows_accepted, "
        "rows_quarantined, coalesce(message, '') from audit.load_log "
        "where retired_at is null order by file_path"
    ).fetchall()
    lines += [
        "## Files in force",
        "",
        "Every file in the landing folder now. rows read = rows accepted + rows quarantined.",
        "",
        "| file | entity | status | read | accepted | quarantined | top reasons / message |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for load_id, path, entity, status, read, accepted, quarantined, message in active:
        detail = "; ".join(top.get(load_id, [])) or message
        lines.append(
            f"| {_cell(path)} | {entity} | {status} | {read} | {accepted} | {quarantined} "
            f"| {_cell(detail)} |"
        )
    retired = con.execute(
        "select file_path, status, rows_read, retired_reason, retired_at from audit.load_log "
        "where retired_at is not null order by retired_at desc, file_path limit 50"
    ).fetchall()
    if retired:
        lines += [
            "",
            "## Retired file versions (latest 50)",
            "",
            "| file | status | read | why | when (UTC) |",
            "|---|---|---:|---|---|",
        ]
        for path, status, read, reason, when in retired:
            lines.append(
                f"| {_cell(path)} | {status} | {read} | {reason} | {when:%Y-%m-%d %H:%M} |"
            )
    target = reports / "ingest_report.md"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target
