"""``plans/<name>/plan.html``: every number of a proposal with where it comes from.

Per planned metric: the base window, the base and its annualisation, the company's three tiers
and how each was set, the seasonal shares, and each region's, team's and rep's year (top-down
beside bottom-up, each rep's rate, how it was rated and their trend); then the rates the
activities were worked back with, and what the check found. Labels from the catalogue, numbers
in the language's formats (core/i18n.py), on the report's page style (publication/templates).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import jinja2

from core.i18n import Labels
from planning.backwards import Rates
from planning.bottomup import ReconciliationRow, rep_trend
from planning.history import History
from planning.sheet_check import Finding
from planning.topdown import MetricPlan, PlanOptions


@dataclass(frozen=True)
class ScopeYear:
    scope_type: str
    scope_id: str
    top_down: Decimal
    bottom_up: Decimal
    coverage: Decimal | None
    rate: Decimal | None = None
    rated_by: str | None = None
    trend: Decimal | None = None


def _environment(text: Labels) -> jinja2.Environment:
    environment = jinja2.Environment(
        # The page extends the report's base (its style); the proposal's own template is here.
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("planning", "templates"),
                jinja2.PackageLoader("publication", "templates"),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(number=text.number, percent=text.percent, date=text.date)
    environment.globals.update(t=text)
    return environment


def _years(
    history: History, plan: MetricPlan, year: str, reconciliation: list[ReconciliationRow]
) -> dict[str, list[ScopeYear]]:
    out: dict[str, list[ScopeYear]] = {"region": [], "team": [], "rep": []}
    for row in reconciliation:
        if row.metric != plan.metric or row.period != year or row.scope_type == "company":
            continue
        rep = row.scope_type == "rep"
        out[row.scope_type].append(
            ScopeYear(
                row.scope_type,
                row.scope_id,
                row.top_down,
                row.bottom_up,
                row.coverage,
                plan.rates.get(row.scope_id) if rep else None,
                plan.rated_by.get(row.scope_id) if rep else None,
                rep_trend(history, plan, row.scope_id) if rep else None,
            )
        )
    return out


def write_plan_page(
    path: Path,
    name: str,
    history: History,
    options: PlanOptions,
    plans: list[MetricPlan],
    reconciliation: list[ReconciliationRow],
    driver: str,
    rates: dict[str, Rates],
    findings: list[Finding],
    text: Labels,
) -> Path:
    year = str(options.year)
    metrics = [
        {
            "plan": plan,
            "years": _years(history, plan, year, reconciliation),
            "company": next(
                r
                for r in reconciliation
                if (r.scope_type, r.metric, r.period) == ("company", plan.metric, year)
            ),
        }
        for plan in plans
    ]
    html = (
        _environment(text)
        .get_template("plan.html.j2")
        .render(
            name=name,
            history=history,
            options=options,
            metrics=metrics,
            driver=driver,
            rates=rates,
            activities=sorted({m for r in rates.values() for m in r.per_opportunity}),
            findings=findings,
            findings_by_check=sorted(Counter(f.check for f in findings).items()),
            month=lambda value: dt.date(value.year, value.month, 1),
        )
    )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, path)
    return path
