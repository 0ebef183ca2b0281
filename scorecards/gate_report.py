"""The gate report (reports/gate_report.md and .html): the verdict of the latest run, each failing
blocking check and each warning with its offending rows, and the faults that stopped a run."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from core.settings import Home


@dataclass
class FailedCheck:
    name: str
    description: str
    offending_rows: list[dict[str, object]] = field(default_factory=list)


def _cells(check: FailedCheck) -> tuple[list[str], list[list[str]]]:
    """The offending rows of a check as a header and text cells."""
    if not check.offending_rows:
        return [], []
    columns = list(check.offending_rows[0])
    rows = [
        [json.dumps(row.get(column), default=str).strip('"') for column in columns]
        for row in check.offending_rows
    ]
    return columns, rows


GATE_REPORT_RESERVE = 256 * 1024  # bytes held for each gate report file while the run lasts
GATE_REPORT_FILES = ("gate_report.md", "gate_report.html")


def reserve_gate_report(home: Home, as_of: dt.date) -> None:
    """Hold the gate report's disk space from the run's start: a run that fills the disk still
    has room to say so. Each file is written "in progress" and padded to GATE_REPORT_RESERVE;
    rewriting it at the end frees that space first. Staged and renamed, so a disk already full
    stops the run here (a fault) and leaves the previous report whole."""
    home.reports.mkdir(parents=True, exist_ok=True)
    for name in GATE_REPORT_FILES:
        target = home.reports / name
        staged = target.with_name(f".{name}.tmp")
        text = f"Gate report: a run as of {as_of} is in progress.\n"
        staged.write_text(text + " " * (GATE_REPORT_RESERVE - len(text)), encoding="utf-8")
        staged.replace(target)


def write_gate_report(
    home: Home,
    as_of: dt.date,
    checks: list[FailedCheck],
    errors: list[str],
    warnings: list[FailedCheck] | None = None,
    published_version: int | None = None,
    not_run: list[str] | None = None,
    faults: list[str] | None = None,
) -> Path:
    """reports/gate_report.md and .html: the gate's verdict, each failing blocking check and each
    warning with up to 20 offending rows. Written on every run, so the report in reports/ always
    belongs to the latest run."""
    warnings = warnings or []
    home.reports.mkdir(parents=True, exist_ok=True)
    if published_version is not None:
        title = f"Gate report: passed, published version {published_version}"
        verdict = f"As of {as_of}. Every blocking check passed."
    elif faults:
        title = "Gate report: the run failed (a fault, not the data)"
        verdict = (
            f"As of {as_of}. Nothing was published; the previous publication is unchanged. "
            f"Cause: {'; '.join(faults)}"
        )
    else:
        title = "Gate report: publication blocked"
        verdict = f"As of {as_of}. Nothing was published; the previous publication is unchanged."
    sections = [("Blocking check failed", check) for check in checks] + [
        ("Warning", check) for check in warnings
    ]
    lines = [f"# {title}", "", verdict, ""]
    html = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #bbb;padding:2px 6px;font-size:90%}"
        "h2.blocking{color:#a00}h2.warning{color:#a60}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(verdict)}</p>",
    ]
    if not sections:
        lines += ["No check failed and no warning was raised.", ""]
        html.append("<p>No check failed and no warning was raised.</p>")
    for kind, check in sections:
        lines += [f"## {kind}: {check.name}", "", check.description, ""]
        css = "blocking" if kind.startswith("Blocking") else "warning"
        html += [
            f'<h2 class="{css}">{escape(kind)}: {escape(check.name)}</h2>',
            f"<p>{escape(check.description)}</p>",
        ]
        columns, rows = _cells(check)
        if columns:
            lines.append("| " + " | ".join(columns) + " |")
            lines.append("|" + "---|" * len(columns))
            for cells in rows:
                lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
            lines.append("")
            html.append("<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in columns) + "</tr>")
            for cells in rows:
                html.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
            html.append("</table>")
    if not_run:
        lines += ["## Not run (a fault stopped the run first)", ""]
        lines += [f"- {name}: not run" for name in not_run] + [""]
        html += ["<h2>Not run (a fault stopped the run first)</h2><ul>"]
        html += [f"<li>{escape(name)}: not run</li>" for name in not_run]
        html += ["</ul>"]
    if errors:
        lines += ["## Step errors", ""] + [f"- {error}" for error in errors] + [""]
        html += ["<h2>Step errors</h2><ul>"]
        html += [f"<li>{escape(error)}</li>" for error in errors]
        html += ["</ul>"]
    html.append("</body></html>")
    target, page = (home.reports / name for name in GATE_REPORT_FILES)
    target.write_text("\n".join(lines), encoding="utf-8")
    page.write_text("\n".join(html), encoding="utf-8")
    return target
