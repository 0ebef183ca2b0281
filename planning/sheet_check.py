"""A check of any target sheet, landed or proposed, before anyone is measured against it.

The sheet is read by ingest itself, as the pipeline would read it (aliases, Chinese headers, tier
words, any format of the contract), into a throwaway database, so a row the pipeline would
quarantine is reported here with ingest's reason. Every finding names the file and line:

- **specific**: the scope (company, a region, team or rep the published copy knows) and the
  metric (one of the registry's) exist;
- **measurable, time-bound**: the value and the period parse (ingest's quarantine reasons);
- **attainable**: for a summable metric, the target tier against the scope's actual of the same
  period a year earlier: below it is timid; growth above the 95th percentile of the published
  history's year-over-year growth of that metric and scope type is a stretch too far (only with
  at least MIN_GROWTHS such growths in the history; otherwise the finding says it was not checked);
- **coverage**: where the sheet sets a parent (the company, a region, a team) and its children
  for the same metric, period and tier, the children's sum must reach the parent's target.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import statistics
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from ingest.loader import load_landing
from planning.topdown import month_add

MIN_GROWTHS = 20
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
WINDOW = (dt.date(1900, 1, 1), dt.date(2200, 1, 1))  # any date: the sheet is read, not judged


@dataclass(frozen=True)
class Finding:
    file: str
    line: int | None
    check: str  # specific | measurable | attainable | coverage
    message: str


@dataclass(frozen=True)
class SheetRow:
    line: int
    scope_type: str
    scope_id: str
    metric: str
    period_type: str
    period_start: dt.date
    tier: str
    value: Decimal


def read_sheet(path: Path) -> tuple[list[SheetRow], list[Finding]]:
    """The sheet's rows as the pipeline reads them, and what it would refuse."""
    with tempfile.TemporaryDirectory(prefix="sheet-check-") as folder:
        landing = Path(folder) / "landing"
        (landing / "plan").mkdir(parents=True)
        shutil.copyfile(path, landing / "plan" / f"targets_check{path.suffix.lower()}")
        with duckdb.connect() as con:
            [result] = load_landing(con, landing, window=WINDOW).files
            if result.status != "loaded":
                return [], [Finding(str(path), None, "measurable", result.message)]
            rows = [
                SheetRow(line, *rest)
                for line, *rest in con.execute(
                    "select _line_number, scope_type, scope_id, metric, period_type, "
                    "period_start, coalesce(tier, 'target'), value from raw.plan_targets "
                    "order by _line_number"
                ).fetchall()
            ]
            refused = [
                Finding(str(path), line, "measurable", reason)
                for line, reason in con.execute(
                    "select line_number, reason from audit.quarantine order by line_number"
                ).fetchall()
            ]
    return rows, refused


def check_sheet(path: Path, published_db: Path) -> list[Finding]:
    """Every finding on the sheet at ``path`` against the published copy."""
    rows, findings = read_sheet(path)
    with duckdb.connect(str(published_db), read_only=True) as con:
        known = _known_scopes(con)
        metrics = dict(con.execute("select metric, aggregation from dim_metrics").fetchall())
        actuals = {
            (scope_type, scope_id, metric, month): Decimal(actual)
            for scope_type, scope_id, metric, month, actual in con.execute(
                "select scope_type, scope_id, metric, month_start, actual from fct_kpi_monthly "
                "where actual is not null"
            ).fetchall()
        }
        children = _children(con)
    file = str(path)
    for row in rows:
        if row.scope_id not in known.get(row.scope_type, set()):
            findings.append(
                Finding(file, row.line, "specific", f"unknown {row.scope_type} {row.scope_id!r}")
            )
        if row.metric not in metrics:
            findings.append(Finding(file, row.line, "specific", f"unknown metric {row.metric!r}"))
    findings += _attainable(file, rows, metrics, actuals)
    findings += _coverage(file, rows, children)
    return findings


def _known_scopes(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    teams = con.execute("select team_id, region from dim_teams").fetchall()
    users = con.execute("select user_id from dim_users").fetchall()
    return {
        "company": {"company"},
        "region": {region for _, region in teams if region},
        "team": {team for team, _ in teams},
        "rep": {user for (user,) in users},
    }


def _children(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """Each parent scope's direct children: regions of the company, teams of a region, the
    reps who were ever in a team."""
    out: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for team, region in con.execute("select team_id, region from dim_teams").fetchall():
        if region:
            out["company", "company"].add(("region", region))
            out["region", region].add(("team", team))
    for user, team in con.execute(
        "select distinct user_id, team_id from dim_rep_memberships where role = 'rep'"
    ).fetchall():
        out["team", team].add(("rep", user))
    return out


def _period_actual(actuals, row: SheetRow, shift: int) -> Decimal | None:
    months = [month_add(row.period_start, shift + i) for i in range(PERIOD_MONTHS[row.period_type])]
    found = [actuals.get((row.scope_type, row.scope_id, row.metric, m)) for m in months]
    return None if any(value is None for value in found) else sum(found, Decimal(0))


def _attainable(file: str, rows: list[SheetRow], metrics, actuals) -> list[Finding]:
    growths: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for (scope_type, scope_id, metric, month), actual in actuals.items():
        before = actuals.get((scope_type, scope_id, metric, month_add(month, -12)))
        if metrics.get(metric) == "sum" and before and before > 0:
            growths[scope_type, metric].append(actual / before - 1)
    findings = []
    for row in rows:
        if row.tier != "target" or metrics.get(row.metric) != "sum":
            continue
        last_year = _period_actual(actuals, row, -12)
        if last_year is None or last_year <= 0:
            continue
        growth = row.value / last_year - 1
        if row.value < last_year:
            findings.append(
                Finding(
                    file,
                    row.line,
                    "attainable",
                    f"{row.value:,.2f} is below last year's actual {last_year:,.2f} "
                    f"({growth:+.1%}) for {row.scope_type} {row.scope_id} {row.metric}",
                )
            )
            continue
        history = growths[row.scope_type, row.metric]
        if len(history) < MIN_GROWTHS:
            continue
        ceiling = Decimal(statistics.quantiles(history, n=20, method="inclusive")[-1])
        if growth > ceiling:
            findings.append(
                Finding(
                    file,
                    row.line,
                    "attainable",
                    f"growth {growth:+.1%} over last year is above the history's 95th percentile "
                    f"({ceiling:+.1%}) for {row.scope_type} {row.scope_id} {row.metric}",
                )
            )
    return findings


def _coverage(file: str, rows: list[SheetRow], children) -> list[Finding]:
    by_key = {
        (r.scope_type, r.scope_id, r.metric, r.period_type, r.period_start, r.tier): r for r in rows
    }
    findings = []
    for (scope_type, scope_id, *rest), parent in by_key.items():
        kids = [
            by_key.get((*child, *rest))
            for child in sorted(children.get((scope_type, scope_id), ()))
        ]
        set_kids = [kid for kid in kids if kid is not None]
        if scope_type == "rep" or not set_kids:
            continue
        total = sum((kid.value for kid in set_kids), Decimal(0))
        if total < parent.value:
            findings.append(
                Finding(
                    file,
                    parent.line,
                    "coverage",
                    f"the {len(set_kids)} {set_kids[0].scope_type} target(s) under "
                    f"{scope_type} {scope_id} sum to {total:,.2f}, short of its "
                    f"{parent.value:,.2f} ({total / parent.value:.1%}) for {parent.metric} "
                    f"{parent.period_type} {parent.period_start} {parent.tier}",
                )
            )
    return findings


def write_findings(path: Path, findings: list[Finding]) -> Path:
    """The findings as CSV (UTF-8 with a byte-order mark), replaced whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("file", "line", "check", "message"))
        for finding in findings:
            writer.writerow((finding.file, finding.line or "", finding.check, finding.message))
    os.replace(tmp, path)
    return path
