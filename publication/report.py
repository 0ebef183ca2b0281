"""The scorecard report: a page per month, a page for the as-of week and an index, from the
published copy, in the reader's language.

Managers look before they read, so each page leads with tables coloured by tier and charts;
every figure is a row of a published table (the caption under each section names it), so
finance can trace it like any other number. Pages are Jinja2 templates (publication/templates)
with labels from one catalogue and the locale's number and date formats (core/i18n.py). Charts
are inline SVG (publication/report_charts.py): a page needs no network, no script and no CDN,
reads on a 390 px phone, and the same publication gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jinja2

from core.i18n import DEFAULT_LANGUAGE, Labels, labels
from publication import report_data
from publication.report_charts import (
    TIER_COLOURS,
    TIER_ORDER,
    distribution_chart,
    funnel_chart,
    pace_chart,
)

INDEX_FILE = "index.html"


class ReportError(ValueError):
    """The report cannot be made for this period (nothing published, or no such month)."""


@dataclass(frozen=True)
class ReportWritten:
    path: Path
    period: str
    charts: int


def report_path(reports_dir: Path, period: str) -> Path:
    return reports_dir / f"scorecard_{period}.html"


def week_label(week_start: dt.date) -> str:
    year, week, _ = week_start.isocalendar()
    return f"{year}-W{week:02d}"


def week_path(reports_dir: Path, week_start: dt.date) -> Path:
    return reports_dir / f"week_{week_label(week_start)}.html"


def _environment(text: Labels) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("publication", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        number=text.number,
        percent=text.percent,
        change=text.change,
        date=text.date,
        figure=text.figure,
    )
    environment.globals.update(t=text, colours=TIER_COLOURS, tier_order=TIER_ORDER)
    return environment


def _write(path: Path, html: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(html, encoding="utf-8")
    temporary.replace(path)


def _connect(published_db: Path) -> duckdb.DuckDBPyConnection:
    if not published_db.exists():
        raise ReportError(f"nothing is published yet ({published_db} does not exist)")
    return duckdb.connect(str(published_db), read_only=True)


def _month(months: list[dt.date], period: str | None) -> dt.date:
    if not months:
        raise ReportError("the published scorecard is empty")
    if period is None:
        return months[-1]
    try:
        month = dt.datetime.strptime(period, "%Y-%m").date()
    except ValueError as exc:
        raise ReportError(f"period must be YYYY-MM, got {period!r}") from exc
    if month not in months:
        raise ReportError(
            f"{period} is not in the published scorecard "
            f"(it covers {months[0]:%Y-%m} to {months[-1]:%Y-%m})"
        )
    return month


def write_report(
    published_db: Path,
    reports_dir: Path,
    period: str | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> ReportWritten:
    """Write reports/scorecard_<period>.html for ``period`` (YYYY-MM; default: the latest
    published month) in ``lang``. Raises ReportError when nothing is published or the period
    has no scorecard rows."""
    con = _connect(published_db)
    try:
        month = _month(report_data.published_months(con), period)
        label = f"{month:%Y-%m}"
        html = _render_month(con, month, label, labels(lang), reports_dir)
    finally:
        con.close()
    path = report_path(reports_dir, label)
    _write(path, html)
    return ReportWritten(path=path, period=label, charts=html.count("<svg"))


def _teams(scorecard: report_data.Scorecard, payouts: dict[str, list[dict]]) -> list[dict]:
    """Each team of the month with its reps: their rows with a target, results apart from
    activities, and their payouts to date."""
    reps = scorecard.of("month", "rep")
    teams = []
    for team_id, team_name in scorecard.scopes("month", "team"):
        members = [row for row in reps if row["parent_scope_id"] == team_id]
        member_reps = []
        for rep_id, rep_name in scorecard.scopes("month", "rep"):
            own = [row for row in members if row["scope_id"] == rep_id]
            if not own:
                continue
            targeted = [row for row in own if row["target"] is not None]
            member_reps.append(
                {
                    "id": rep_id,
                    "name": rep_name,
                    "scope": (rep_id, rep_name),
                    "results": [r for r in targeted if r["metric_source"] != "activities"],
                    "activities": [r for r in targeted if r["metric_source"] == "activities"],
                    "payouts": payouts.get(rep_id, []),
                }
            )
        teams.append({"id": team_id, "name": team_name, "rows": members, "reps": member_reps})
    return teams


def _render_month(
    con: duckdb.DuckDBPyConnection, month: dt.date, label: str, text: Labels, reports_dir: Path
) -> str:
    scorecard = report_data.month_scorecard(con, month)
    version, as_of = report_data.publication(con)
    company = scorecard.of("month", "company")
    windows = {
        grain: " – ".join(
            text.date(day) for day in (rows[0]["period_start"], rows[0]["period_end"])
        )
        for grain in report_data.GRAINS
        if (rows := scorecard.of(grain, "company"))
    }
    targeted = {metric: text.metric(metric) for metric in scorecard.metrics("month")}
    reps = scorecard.of("month", "rep")
    stages = report_data.funnel(con, month)
    charts = {
        "distribution": distribution_chart(reps, targeted, text)
        if targeted and any(row["attainment"] is not None for row in reps)
        else "",
        "pace": pace_chart(company, text)
        if scorecard.is_open and any(row["expected_to_date"] is not None for row in company)
        else "",
        "funnel": funnel_chart(stages, text) if stages else "",
    }
    warnings = report_data.month_warnings(con, month)
    ytd = scorecard.of("ytd", "company")
    year_start = ytd[0]["period_start"] if ytd else month
    week = report_data.latest_week(con)
    week_page = (
        week_path(reports_dir, week).name
        if week is not None and week_path(reports_dir, week).exists()
        else ""
    )
    return (
        _environment(text)
        .get_template("scorecard_month.html.j2")
        .render(
            period=label,
            is_open=scorecard.is_open,
            as_of=as_of,
            version=version,
            week_page=week_page,
            grains=report_data.GRAINS,
            windows=windows,
            scorecard=scorecard,
            coverage=[w for w in warnings if w["reason_code"].startswith("coverage_")],
            warnings=warnings,
            board=report_data.leaderboard(con, month),
            overlay=report_data.overlay_credits(con, month),
            charts=charts,
            stages=stages,
            teams=_teams(scorecard, report_data.payouts_to_date(con, year_start, month)),
        )
    )


def write_week_report(
    published_db: Path, reports_dir: Path, lang: str = DEFAULT_LANGUAGE
) -> ReportWritten | None:
    """Write reports/week_<YYYY-Www>.html for the as-of week (None when no week is published)."""
    text = labels(lang)
    con = _connect(published_db)
    try:
        week = report_data.latest_week(con)
        if week is None:
            return None
        scorecard = report_data.week_scorecard(con, week)
        version, as_of = report_data.publication(con)
        company = scorecard.of("week", "company")
        month = company[0]["period_month"] if company else week
        html = (
            _environment(text)
            .get_template("scorecard_week.html.j2")
            .render(
                week_label=week_label(week),
                week_start=week,
                week_end=week + dt.timedelta(days=6),
                is_open=any(row["is_open"] for row in company),
                as_of=as_of,
                version=version,
                month_page=report_path(reports_dir, f"{month:%Y-%m}").name,
                scorecard=scorecard,
                warnings=report_data.week_warnings(con, week),
            )
        )
    finally:
        con.close()
    path = week_path(reports_dir, week)
    _write(path, html)
    return ReportWritten(path=path, period=week_label(week), charts=0)


def write_index(published_db: Path, reports_dir: Path, lang: str = DEFAULT_LANGUAGE) -> Path:
    """Write reports/index.html: every published month, linked where its page is written."""
    text = labels(lang)
    con = _connect(published_db)
    try:
        months = report_data.published_months(con)
        open_months = {
            row[0]
            for row in con.execute(
                "select distinct period_month from scorecard_attainment "
                "where period_grain = 'month' and is_open"
            ).fetchall()
        }
        version, as_of = report_data.publication(con)
        week = report_data.latest_week(con)
    finally:
        con.close()
    listed = []
    for month in reversed(months):
        page = report_path(reports_dir, f"{month:%Y-%m}")
        listed.append(
            {
                "label": f"{month:%Y-%m}",
                "file": page.name,
                "written": page.exists(),
                "is_open": month in open_months,
            }
        )
    week_entry = None
    if week is not None and week_path(reports_dir, week).exists():
        week_entry = {"label": week_label(week), "file": week_path(reports_dir, week).name}
    html = (
        _environment(text)
        .get_template("index.html.j2")
        .render(months=listed, week=week_entry, as_of=as_of, version=version)
    )
    path = reports_dir / INDEX_FILE
    _write(path, html)
    return path


def write_run_reports(
    published_db: Path, reports_dir: Path, as_of: dt.date, lang: str = DEFAULT_LANGUAGE
) -> tuple[list[ReportWritten], list[str]]:
    """The reports a run writes: the as-of week's, the as-of month's and the latest closed
    month's, then the index. Returns the reports and why any was not written (the data may
    start in the as-of month)."""
    closed = (as_of.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    week = write_week_report(published_db, reports_dir, lang)
    written = [write_report(published_db, reports_dir, as_of.strftime("%Y-%m"), lang)]
    skipped: list[str] = []
    if written[0].period != closed:
        try:
            written.append(write_report(published_db, reports_dir, closed, lang))
        except ReportError as error:
            skipped.append(f"no report for {closed}: {error}")
    if week is not None:
        written.append(week)
    write_index(published_db, reports_dir, lang)
    return written, skipped
