"""The monthly HTML report on the fixture publication, opened in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from core.metric_registry import read_registry
from publication.report import (
    TIER_COLOURS,
    ReportError,
    write_index,
    write_report,
    write_week_report,
)
from tests.conftest import copy_home
from tests.e2e.test_fixture_pipeline import run

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


@pytest.fixture(scope="module")
def home(tmp_path_factory, fixture_build) -> Path:
    """The fixture exports, published as of 2026-03-10 (tests/conftest.py)."""
    return copy_home(fixture_build, tmp_path_factory.mktemp("report") / "home")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Chromium is missing: `make test` installs Debian's chromium package"
    return found


def open_in_chromium(page: Path, tmp_path: Path, width: int = 1200, height: int = 4200):
    """Render ``page`` headless: the DOM after rendering and a screenshot as an RGB array."""
    from matplotlib.image import imread

    common = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "shot.png"
    subprocess.run(
        [*common, f"--window-size={width},{height}", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=300,
        check=True,
    )
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    pixels = (imread(shot)[:, :, :3] * 255).round().astype(int)
    return dom, pixels


def share_of(pixels, hex_colour: str, tolerance: int = 6) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    close = (abs(pixels - rgb) <= tolerance).all(axis=2)
    return float(close.mean())


def test_the_pipeline_writes_the_reports_of_the_as_of_and_the_closed_month(home):
    reports = home / "reports"
    assert (reports / "scorecard_2026-03.html").exists()  # the as-of month, open
    assert (reports / "scorecard_2026-02.html").exists()  # the latest closed month


def test_open_month_report_renders_its_charts_and_figures(home, tmp_path):
    written = write_report(home / "warehouse" / "published.duckdb", tmp_path / "r", "2026-03")
    assert written.charts == 3  # distribution, pace, funnel
    dom, pixels = open_in_chromium(written.path, tmp_path)
    # Company bookings in March: target 250,000.00, 40,000.00 to date, expected 79,545.45,
    # pace 0.503 (tests/e2e/test_fixture_pipeline.py's docstring).
    for figure in ("Sales scorecard 2026-03", "250,000.00", "40,000.00", "79,545.45", "0.503"):
        assert figure in dom, figure
    assert "Open month, figures to date" in dom
    svgs = re.findall(r"<svg.*?</svg>", dom, flags=re.S)
    assert len(svgs) == 3
    assert all(svg.count("<path") > 10 for svg in svgs)  # axes, bars and ticks were drawn
    # The bars (#3f6fb5) and the tier colours were painted, not only present in the markup.
    assert share_of(pixels, "#3f6fb5") > 0.001
    assert share_of(pixels, TIER_COLOURS["none"]) > 0.0005
    assert share_of(pixels, "#ffffff") < 0.98  # not a blank page


def test_closed_month_report_has_tables_per_team_leaderboard_and_funnel(home, tmp_path):
    written = write_report(home / "warehouse" / "published.duckdb", tmp_path / "r", "2026-02")
    dom, pixels = open_in_chromium(written.path, tmp_path)
    # February: company bookings 200,000.00 of 250,000.00 (80.0%), revenue 86,000.00 of
    # 184,571.43 (46.6%); R2 leads the company with 113.57 points (grade A).
    for figure in ("200,000.00", "80.0%", "86,000.00", "46.6%", "113.57", "Rep Two"):
        assert figure in dom, figure
    assert "Closed month" in dom and "there is no pace" in dom
    for team in ("North One", "North Two", "South One"):
        assert f"Team {team}" in dom, team
    assert 'href="#team-T1"' in dom and 'id="team-T1"' in dom
    assert "closed_won" in dom and "prospecting" in dom  # the funnel's stages
    assert share_of(pixels, TIER_COLOURS["target"]) > 0.0002  # R2's revenue reached target


def test_metrics_are_shown_by_their_labels_in_the_registry_s_order(home, tmp_path):
    written = write_report(home / "warehouse" / "published.duckdb", tmp_path / "r", "2026-02")
    dom, _ = open_in_chromium(written.path, tmp_path)
    company = dom.split('id="company"')[1].split('id="gaps"')[0]
    month = company.split("</table>")[0]  # the month's table; QTD and YTD follow
    cells = re.findall(r"<tr><td>([^<]+)</td>", month)
    registry = [metric.label_en for metric in read_registry()]
    assert len(cells) >= 10 and set(cells) <= set(registry)
    assert cells == sorted(cells, key=registry.index)
    assert "win_rate" not in company and "Win rate" in company


def test_the_report_is_self_contained_and_the_same_bytes_twice(home, tmp_path):
    published = home / "warehouse" / "published.duckdb"
    first = write_report(published, tmp_path / "a", "2026-03").path.read_bytes()
    second = write_report(published, tmp_path / "b", "2026-03").path.read_bytes()
    assert first == second
    text = first.decode("utf-8")
    assert "<script" not in text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    assert "<link" not in text


def test_a_period_outside_the_publication_or_nothing_published_is_an_error(home, tmp_path):
    published = home / "warehouse" / "published.duckdb"
    with pytest.raises(ReportError, match="covers 2025-12 to 2026-03"):
        write_report(published, tmp_path, "2024-01")
    with pytest.raises(ReportError, match="YYYY-MM"):
        write_report(published, tmp_path, "March")
    with pytest.raises(ReportError, match="nothing is published"):
        write_report(tmp_path / "missing.duckdb", tmp_path, None)
    assert list(tmp_path.glob("scorecard_*.html")) == []


def test_the_report_command_writes_report_and_statements(home):
    statements = home / "reports" / "statements"
    shutil.rmtree(statements)
    (home / "reports" / "scorecard_2026-02.html").unlink()
    result = run(home, "report", "--period", "2026-02")
    assert result.returncode == 0, result.stderr
    assert "scorecard_2026-02.html (2 charts)" in result.stdout
    assert (home / "reports" / "scorecard_2026-02.html").exists()
    assert (statements / "2026-02" / "R2_Rep_Two_AE.xlsx").exists()
    bad = run(home, "report", "--period", "2031-01")
    assert bad.returncode != 0
    assert "not in the published scorecard" in bad.stderr


def test_the_run_writes_the_week_page_and_an_index_of_every_published_month(home):
    reports = home / "reports"
    week = (reports / "week_2026-W11.html").read_text(encoding="utf-8")  # as of 2026-03-10
    assert "Sales scorecard, week 2026-W11" in week
    assert "Mar 9, 2026 – Mar 15, 2026" in week and "Open week, figures to date" in week
    assert 'href="scorecard_2026-03.html"' in week
    index = (reports / "index.html").read_text(encoding="utf-8")
    months = re.findall(r'<tr class="month"><td>(\d{4}-\d{2})</td>', index)
    assert months == ["2026-03", "2026-02", "2026-01", "2025-12"]  # every published month
    assert 'href="scorecard_2026-03.html"' in index and 'href="scorecard_2026-02.html"' in index
    # A month whose page was not written says how to write it, never a dead link.
    assert "scorecards report --period 2026-01" in index
    assert 'href="scorecard_2026-01.html"' not in index
    assert 'href="week_2026-W11.html"' in index


def test_the_open_month_shows_gaps_changes_forecast_methods_and_revised_targets(home, tmp_path):
    written = write_report(home / "warehouse" / "published.duckdb", tmp_path / "r", "2026-03")
    html = written.path.read_text(encoding="utf-8")
    published = home / "warehouse" / "published.duckdb"
    import duckdb

    with duckdb.connect(str(published), read_only=True) as con:
        needed, per_day, change = con.execute(
            "select needed_target, needed_per_day_target, change_previous "
            "from scorecard_attainment where period_grain = 'month' "
            "and period_month = '2026-03-01' and scope_type = 'company' and metric = 'bookings'"
        ).fetchall()[0]
    # Bookings: 250,000.00 target, 40,000.00 to date: 210,000.00 still needed; February's
    # 200,000.00 makes the change -80.0 % (an open month compares its figure to date).
    assert needed == 210000 and change == Decimal("-0.8")
    assert "210,000.00" in html and f"{per_day:,.2f}" in html and "-80.0%" in html
    for label in ("Quarter to date", "Year to date", "Still needed", "Pipeline x stage win rate"):
        assert label in html, label


def open_at_width(page: Path, tmp_path: Path, width: int, height: int = 1600):
    """The page in an iframe ``width`` pixels wide (headless Chromium's window is at least 500
    wide, a phone is 390): the page's own scroll width, and a screenshot of the frame."""
    from matplotlib.image import imread

    harness = tmp_path / f"at_{width}_{page.name}"
    # The report has no script; the harness around it reads the framed page's width.
    harness.write_text(
        "<!DOCTYPE html><html><body style='margin:0'>"
        f"<iframe src='{page.as_uri()}' style='width:{width}px;height:{height}px;border:0' "
        "onload=\"document.body.setAttribute('data-scroll-width', "
        'this.contentDocument.documentElement.scrollWidth)"></iframe></body></html>',
        encoding="utf-8",
    )
    common = [
        chromium(),
        *CHROMIUM_FLAGS,
        "--allow-file-access-from-files",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--window-size={max(width, 600)},{height}",
    ]
    dom = subprocess.run(
        [*common, "--dump-dom", harness.as_uri()],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    shot = tmp_path / f"shot_{width}_{page.stem}.png"
    subprocess.run(
        [*common, f"--screenshot={shot}", harness.as_uri()],
        capture_output=True,
        timeout=300,
        check=True,
    )
    pixels = (imread(shot)[:, :width, :3] * 255).round().astype(int)
    return int(re.search(r'data-scroll-width="(\d+)"', dom).group(1)), pixels


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_reads_in_both_languages_on_a_desktop_and_a_phone(home, tmp_path, lang):
    """Every page in each language, opened at desktop and at phone width: its labels, its
    locale's formats, nothing wider than the screen (wide tables scroll inside the page)."""
    published = home / "warehouse" / "published.duckdb"
    reports = tmp_path / "reports"
    week = write_week_report(published, reports, lang)
    month = write_report(published, reports, "2026-03", lang)
    index = write_index(published, reports, lang)
    expected = {
        "en": ("Sales scorecard 2026-03", "Floor", "Stretch", "Quarter to date", "Mar 10, 2026"),
        "zh": ("销售业绩看板 2026-03", "保底", "冲刺", "季度累计", "2026年3月10日", "签约额"),
    }[lang]
    dom, _ = open_in_chromium(month.path, tmp_path)
    for label in (*expected, "250,000.00", '<meta name="viewport"'):
        assert label in dom, label
    assert f'lang="{"en" if lang == "en" else "zh-CN"}"' in dom
    for width in (1200, 390):
        for page in (month.path, week.path, index):
            scroll_width, pixels = open_at_width(page, tmp_path, width)
            assert scroll_width <= width, (page.name, width, scroll_width)
            assert share_of(pixels, "#ffffff") < 0.99, (page.name, width)  # something drawn
            if page == month.path:  # its first screen: the tier legend and coloured tables
                assert share_of(pixels, TIER_COLOURS["none"]) > 0.0001


def test_the_sample_report_shows_every_warning_the_publication_holds(sample_build):
    """Counts by grain on the page against scorecard_warnings of the as-of month."""
    import duckdb

    home = sample_build / "home"
    html = (home / "reports" / "scorecard_2026-04.html").read_text(encoding="utf-8")
    with duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True) as con:
        held = dict(
            con.execute(
                "select period_grain, count(*) from scorecard_warnings "
                "where period_month = '2026-04-01' group by period_grain"
            ).fetchall()
        )
    assert sum(held.values()) > 0
    shown = {}
    for grain, count, body in re.findall(
        r'<details class="warnings" data-grain="(\w+)" data-count="(\d+)".*?>(.*?)</details>',
        html,
        flags=re.S,
    ):
        assert body.count('<tr class="warning">') == int(count)
        shown[grain] = int(count)
    assert shown == held
