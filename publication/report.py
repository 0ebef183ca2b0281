"""The monthly scorecard report: one self-contained HTML file per period, from the published copy.

Managers and BI users look before they read, so the report leads with tables coloured by tier
and charts; every figure on it is a row of a published table (the caption under each section
names it), so finance can trace it like any other number. Charts are drawn by matplotlib into
inline SVG: the file needs no network, no script and no CDN when it is opened, and the same
publication gives the same bytes (fixed SVG ids, no creation date).
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from html import escape
from pathlib import Path

import duckdb

from publication.report_charts import (
    TIER_COLOURS,
    TIER_ORDER,
    distribution_chart,
    funnel_chart,
    pace_chart,
)


class ReportError(ValueError):
    """The report cannot be made for this period (nothing published, or no such month)."""


@dataclass(frozen=True)
class ReportWritten:
    path: Path
    period: str
    charts: int


def report_path(reports_dir: Path, period: str) -> Path:
    return reports_dir / f"scorecard_{period}.html"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> list[dict]:
    result = con.execute(sql, params)
    names = [column[0] for column in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _number(value: object, places: int = 2) -> str:
    if value is None:
        return "–"
    amount = decimal.Decimal(str(value)).quantize(decimal.Decimal(1).scaleb(-places))
    return f"{amount:,}"


def _percent(value: object) -> str:
    if value is None:
        return "–"
    return f"{decimal.Decimal(str(value)) * 100:.1f}%"


def _tier_cell(row: dict) -> str:
    if row["attainment"] is None:
        reason = row["reason_label"] or "No target"
        return f'<td class="tier tier-missing" title="{escape(reason)}">–</td>'
    tier = row["tier_reached"] or "none"
    title = (
        f"actual {_number(row['actual'])} / target {_number(row['target'])}"
        if row["target"] is not None
        else (row["reason_label"] or "No target")
    )
    return (
        f'<td class="tier tier-{escape(tier)}" style="background:{TIER_COLOURS[tier]}" '
        f'title="{escape(title)}">{_percent(row["attainment"])}</td>'
    )


def _table(headers: list[str], body: list[str], caption: str) -> str:
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f'<p class="source">{escape(caption)}</p>'
    )


def _metric_rows(rows: list[dict], is_open: bool) -> list[str]:
    body = []
    for row in rows:
        tier = (row["tier_reached"] or "none") if row["attainment"] is not None else ""
        cells = [
            f"<td>{escape(row['metric_label'])}</td>",
            f"<td class='num'>{_number(row['target'])}</td>",
            f"<td class='num'>{_number(row['actual'])}</td>",
            _tier_cell(row),
            f"<td>{escape(tier)}</td>",
        ]
        if is_open:
            cells.append(f"<td class='num'>{_number(row['expected_to_date'])}</td>")
            cells.append(f"<td class='num'>{_number(row['pace_index'], 3)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return body


def _pivot(
    rows: list[dict], scopes: list[tuple[str, str]], metrics: dict[str, str], link: bool
) -> str:
    """Attainment of each scope (row) and metric (column, in the registry's order, by label)."""
    by_key = {(row["scope_id"], row["metric"]): row for row in rows}
    body = []
    for scope_id, label in scopes:
        name = f'<a href="#team-{escape(scope_id)}">{escape(label)}</a>' if link else escape(label)
        cells = [f"<td>{name}</td>"]
        for metric in metrics:
            row = by_key.get((scope_id, metric))
            cells.append(_tier_cell(row) if row else "<td>–</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    caption = "scorecard_attainment, month grain: attainment by tier"
    return _table(["", *metrics.values()], body, caption)


STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 24px; color: #1d2733; }
h1 { margin-bottom: 0; } h2 { margin-top: 32px; border-bottom: 1px solid #d5dbe3; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #d5dbe3; padding: 4px 8px; font-size: 13px; }
th { background: #eef2f7; text-align: left; } td.num { text-align: right; }
td.tier { text-align: right; font-weight: bold; }
.source { color: #6b7785; font-size: 11px; margin: 2px 0 12px; }
.legend span { display: inline-block; padding: 2px 8px; margin-right: 6px; border-radius: 3px; }
.chart svg { max-width: 100%; height: auto; }
nav a { margin-right: 12px; }
"""


def write_report(published_db: Path, reports_dir: Path, period: str | None = None) -> ReportWritten:
    """Write reports/scorecard_<period>.html for ``period`` (YYYY-MM; default: the as-of month).

    Raises ReportError when nothing is published or the period has no scorecard rows."""
    if not published_db.exists():
        raise ReportError(f"nothing is published yet ({published_db} does not exist)")
    con = duckdb.connect(str(published_db), read_only=True)
    try:
        months = [
            row[0]
            for row in con.execute(
                "select distinct period_month from scorecard_attainment "
                "where period_grain = 'month' order by 1"
            ).fetchall()
        ]
        if not months:
            raise ReportError("the published scorecard is empty")
        if period is None:
            month = months[-1]
        else:
            try:
                month = dt.datetime.strptime(period, "%Y-%m").date()
            except ValueError as exc:
                raise ReportError(f"period must be YYYY-MM, got {period!r}") from exc
            if month not in months:
                raise ReportError(
                    f"{period} is not in the published scorecard "
                    f"(it covers {months[0]:%Y-%m} to {months[-1]:%Y-%m})"
                )
        label = f"{month:%Y-%m}"
        html = _render(con, month, label)
    finally:
        con.close()
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = report_path(reports_dir, label)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(html, encoding="utf-8")
    temporary.replace(path)
    return ReportWritten(path=path, period=label, charts=html.count("<svg"))


def _render(con: duckdb.DuckDBPyConnection, month: dt.date, label: str) -> str:
    scorecard = _rows(
        con,
        # Metrics in the registry's order and by its labels (dim_metrics).
        "select scorecard.*, teams.team_name, users.full_name, "
        "coalesce(metrics.label_en, scorecard.metric) as metric_label, "
        "metrics.display_order as metric_order, reasons.label_en as reason_label "
        "from scorecard_attainment as scorecard "
        "left join dim_teams as teams on scorecard.scope_type = 'team' and "
        "teams.team_id = scorecard.scope_id left join dim_users as users on "
        "scorecard.scope_type = 'rep' and users.user_id = scorecard.scope_id "
        "left join dim_metrics as metrics on metrics.metric = scorecard.metric "
        "left join dim_reasons as reasons "
        "on reasons.reason_code = scorecard.attainment_null_reason "
        "where period_grain = 'month' and period_month = ? "
        "order by scope_type, scope_id, metrics.display_order, scorecard.metric",
        [month],
    )
    log = con.execute(
        "select version, as_of_date from publication_log order by version desc limit 1"
    ).fetchall()
    version, as_of = log[0] if log else (None, None)
    by_scope: dict[str, list[dict]] = {}
    for row in scorecard:
        by_scope.setdefault(row["scope_type"], []).append(row)
    company = by_scope.get("company", [])
    is_open = any(row["is_open"] for row in company)
    targeted = {
        row["metric"]: row["metric_label"]
        for row in sorted(scorecard, key=lambda row: (row["metric_order"] or 0, row["metric"]))
        if row["target"] is not None
    }
    reps = by_scope.get("rep", [])
    teams = sorted(
        {(row["scope_id"], row["team_name"] or row["scope_id"]) for row in by_scope.get("team", [])}
    )
    regions = sorted({(row["scope_id"], row["scope_id"]) for row in by_scope.get("region", [])})

    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Sales scorecard {label}</title><style>{STYLE}</style></head><body>",
        f"<h1>Sales scorecard {label}</h1>",
        f"<p>{'Open month, figures to date' if is_open else 'Closed month'}; as of "
        f"{as_of or '–'}; published version {version or '–'}.</p>",
        "<nav><a href='#company'>Company</a><a href='#regions'>Regions</a>"
        "<a href='#teams'>Teams</a><a href='#distribution'>Distribution</a>"
        "<a href='#pace'>Pace</a><a href='#leaderboard'>Leaderboard</a>"
        "<a href='#warnings'>Warnings</a><a href='#funnel'>Funnel</a></nav>",
        "<p class='legend'>"
        + "".join(
            f"<span style='background:{TIER_COLOURS[tier]}'>{tier}</span>" for tier in TIER_ORDER
        )
        + "</p>",
    ]

    headers = ["metric", "target", "actual", "attainment", "tier"]
    if is_open:
        headers += ["expected to date", "pace index"]
    parts.append("<h2 id='company'>Company</h2>")
    parts.append(
        _table(headers, _metric_rows(company, is_open), "scorecard_attainment, scope company")
    )
    parts.append("<h2 id='regions'>Regions</h2>")
    parts.append(_pivot(by_scope.get("region", []), regions, targeted, link=False))
    parts.append("<h2 id='teams'>Teams</h2>")
    parts.append(_pivot(by_scope.get("team", []), teams, targeted, link=True))

    parts.append("<h2 id='distribution'>Attainment distribution</h2>")
    if targeted and any(row["attainment"] is not None for row in reps):
        parts.append(f"<div class='chart'>{distribution_chart(reps, targeted)}</div>")
        parts.append("<p class='source'>scorecard_attainment, scope rep: attainment</p>")
    else:
        parts.append("<p>No rep has a target this month.</p>")

    parts.append("<h2 id='pace'>Pace</h2>")
    if is_open and any(row["expected_to_date"] is not None for row in company):
        parts.append(f"<div class='chart'>{pace_chart(company)}</div>")
        parts.append(
            "<p class='source'>scorecard_attainment, scope company: actual and "
            "expected_to_date (target x share of working days elapsed), over target</p>"
        )
    else:
        parts.append("<p>The month is closed: its figures are final, there is no pace.</p>")

    parts.append("<h2 id='leaderboard'>Leaderboard</h2>")
    board = _rows(
        con,
        "select performance.rank_in_company, performance.user_id, users.full_name, "
        "performance.team_id, performance.score, performance.grade, "
        "performance.missing_components from scorecard_performance as performance "
        "left join dim_users as users on users.user_id = performance.user_id "
        "where performance.month_start = ? order by performance.rank_in_company, "
        "performance.user_id",
        [month],
    )
    parts.append(
        _table(
            ["rank", "rep", "team", "score", "grade", "missing"],
            [
                f"<tr><td class='num'>{row['rank_in_company']}</td>"
                f"<td>{escape(row['full_name'] or row['user_id'])}</td>"
                f"<td>{escape(row['team_id'] or '')}</td>"
                f"<td class='num'>{_number(row['score'])}</td><td>{escape(row['grade'])}</td>"
                f"<td>{escape(row['missing_components'] or '')}</td></tr>"
                for row in board
            ],
            "scorecard_performance: score, grade and rank in the company",
        )
    )

    parts.append("<h2 id='warnings'>Warnings</h2>")
    flagged = [row for row in reps if row["behind_pace"] or row["low_activity"]]
    if flagged:
        parts.append(
            _table(
                ["rep", "metric", "behind pace", "low activity", "pace index"],
                [
                    f"<tr><td>{escape(row['full_name'] or row['scope_id'])}</td>"
                    f"<td>{escape(row['metric_label'])}</td>"
                    f"<td>{'yes' if row['behind_pace'] else ''}</td>"
                    f"<td>{'yes' if row['low_activity'] else ''}</td>"
                    f"<td class='num'>{_number(row['pace_index'], 3)}</td></tr>"
                    for row in flagged
                ],
                "scorecard_attainment, scope rep: behind_pace and low_activity flags",
            )
        )
    else:
        parts.append("<p>No rep is behind pace or below the activity threshold.</p>")

    parts.append("<h2 id='funnel'>Funnel by stage</h2>")
    stages = _rows(
        con,
        "select stage, sum(entered) as entered, sum(advanced) as advanced, "
        "case when sum(entered) > 0 then sum(advanced) / sum(entered) end as conversion "
        "from fct_stage_conversion where cohort_month <= ? group by stage "
        "order by sum(entered) desc, stage",
        [month],
    )
    if stages:
        parts.append(f"<div class='chart'>{funnel_chart(stages)}</div>")
        parts.append(
            _table(
                ["stage", "entered", "advanced", "conversion"],
                [
                    f"<tr><td>{escape(row['stage'])}</td><td class='num'>{row['entered']}</td>"
                    f"<td class='num'>{row['advanced']}</td>"
                    f"<td class='num'>{_percent(row['conversion'])}</td></tr>"
                    for row in stages
                ],
                f"fct_stage_conversion, cohorts up to {label}",
            )
        )
    else:
        parts.append("<p>No opportunity entered a stage up to this month.</p>")

    for team_id, team_name in teams:
        members = [row for row in reps if row["parent_scope_id"] == team_id]
        names = sorted({(row["scope_id"], row["full_name"] or row["scope_id"]) for row in members})
        parts.append(f"<h2 id='team-{escape(team_id)}'>Team {escape(team_name)}</h2>")
        if names and targeted:
            parts.append(_pivot(members, names, targeted, link=False))
        else:
            parts.append("<p>No rep of this team has a target this month.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_run_reports(
    published_db: Path, reports_dir: Path, as_of: dt.date
) -> tuple[list[ReportWritten], list[str]]:
    """The reports a run writes: the as-of month's and the latest closed month's. Returns the
    reports and why any was not written (the data may start in the as-of month)."""
    closed = (as_of.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    written = [write_report(published_db, reports_dir, as_of.strftime("%Y-%m"))]
    skipped: list[str] = []
    if written[0].period != closed:
        try:
            written.append(write_report(published_db, reports_dir, closed))
        except ReportError as error:
            skipped.append(f"no report for {closed}: {error}")
    return written, skipped
