"""The gate report (reports/gate_report.md and .html): the verdict of the latest run, each failing
blocking check and each warning with its offending rows, and the faults that stopped a run."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from core.i18n import DEFAULT_LANGUAGE, Labels, labels
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


def _environment(text: Labels) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("scorecards", "templates"),
        # Markdown is not HTML: only the page escapes its cells.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["md_cell"] = lambda cell: cell.replace("|", "\\|")
    environment.globals["t"] = text
    return environment


def reserve_gate_report(home: Home, as_of: dt.date, lang: str = DEFAULT_LANGUAGE) -> None:
    """Hold the gate report's disk space from the run's start: a run that fills the disk still
    has room to say so. Each file is written "in progress" and padded to GATE_REPORT_RESERVE;
    rewriting it at the end frees that space first. Staged and renamed, so a disk already full
    stops the run here (a fault) and leaves the previous report whole."""
    home.reports.mkdir(parents=True, exist_ok=True)
    for name in GATE_REPORT_FILES:
        target = home.reports / name
        staged = target.with_name(f".{name}.tmp")
        text = labels(lang)("gate.in_progress", date=as_of) + "\n"
        padding = GATE_REPORT_RESERVE - len(text.encode("utf-8"))
        staged.write_text(text + " " * padding, encoding="utf-8")
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
    lang: str = DEFAULT_LANGUAGE,
) -> Path:
    """reports/gate_report.md and .html: the gate's verdict, each failing blocking check and each
    warning with up to 20 offending rows, in ``lang``. Written on every run, so the report in
    reports/ always belongs to the latest run."""
    text = labels(lang)
    home.reports.mkdir(parents=True, exist_ok=True)
    if published_version is not None:
        verdict = "passed"
    elif faults:
        verdict = "fault"
    else:
        verdict = "blocked"
    sections = [("blocking", check, *_cells(check)) for check in checks] + [
        ("warning", check, *_cells(check)) for check in warnings or []
    ]
    context = {
        "title": text(f"gate.title_{verdict}", version=published_version),
        "verdict": verdict,
        "as_of": as_of,
        "faults": faults or [],
        "sections": sections,
        "not_run": not_run or [],
        "errors": errors,
    }
    environment = _environment(text)
    target, page = (home.reports / name for name in GATE_REPORT_FILES)
    for path, template in ((target, "gate_report.md.j2"), (page, "gate_report.html.j2")):
        path.write_text(environment.get_template(template).render(context), encoding="utf-8")
    return target
