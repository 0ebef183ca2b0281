"""The check of a target sheet: each finding names its line, on the hand-made history."""

from __future__ import annotations

import datetime as dt

import pytest

from planning.sheet_check import check_sheet
from scorecards.cli import EXIT_OK, EXIT_USAGE, main
from tests.planning.published_history import make_published
from tests.planning.test_topdown import COMPANY, rep_actuals

SHEET = (
    "scope_type,scope_id,metric,period_type,period_start,tier,value\n"
    "company,company,revenue,year,2026-01-01,target,1000\n"  # 2: below 2025's 1,200
    "region,north,revenue,year,2026-01-01,target,300\n"  # 3
    "region,south,revenue,year,2026-01-01,target,200\n"  # 4: north + south 500 < 1,000
    "team,T9,revenue,month,2026-01-01,target,10\n"  # 5: no such team
    "rep,R1,revnue,month,2026-01-01,target,10\n"  # 6: no such metric
    "rep,R1,revenue,month,2026-01-01,target,abc\n"  # 7: not a number
    "rep,R2,revenue,month,2026-13-01,target,10\n"  # 8: not a date
    "rep,R3,revenue,month,2026-02-01,理想,25\n"  # 9: fine (20 a year before)
)


@pytest.fixture
def published(tmp_path):
    return make_published(tmp_path / "p.duckdb", dt.date(2026, 1, 15), COMPANY, rep_actuals())


def test_each_kind_of_finding_names_its_line(tmp_path, published):
    sheet = tmp_path / "targets_2026.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    found = {(f.line, f.check): f.message for f in check_sheet(sheet, published)}
    assert found[2, "attainable"] == (
        "1,000.00 is below last year's actual 1,200.00 (-16.7%) for company company revenue"
    )
    assert found[2, "coverage"].startswith(
        "the 2 region target(s) under company company sum to 500.00, short of its 1,000.00 (50.0%)"
    )
    assert found[5, "specific"] == "unknown team 'T9'"
    assert found[6, "specific"] == "unknown metric 'revnue'"
    assert found[7, "measurable"] and found[8, "measurable"]
    assert not [key for key in found if key[0] in (3, 4, 9)]


def test_growth_beyond_the_history_s_95th_percentile(tmp_path):
    """Two years of flat history (every rep 50 a month in 2024 and 2025): 36 growths of 0 %, so
    a 10 % rise for R1 is beyond the 95th percentile; R2 at last year's figure is not."""
    months = [dt.date(y, m, 1) for y in (2024, 2025) for m in range(1, 13)]
    reps = {(u, m): "50" for u in ("R1", "R2", "R3") for m in months}
    db = make_published(tmp_path / "p.duckdb", dt.date(2026, 1, 15), {}, reps)
    sheet = tmp_path / "t.csv"
    sheet.write_text(
        "scope_type,scope_id,metric,period_type,period_start,tier,value\n"
        "rep,R1,revenue,quarter,2026-01-01,target,165\n"
        "rep,R2,revenue,quarter,2026-01-01,target,150\n",
        encoding="utf-8",
    )
    [finding] = check_sheet(sheet, db)
    assert (finding.line, finding.check) == (2, "attainable")
    assert finding.message == (
        "growth +10.0% over last year is above the history's 95th percentile (+0.0%) "
        "for rep R1 revenue"
    )


def test_the_command_prints_and_writes_the_findings(tmp_path, capsys):
    (tmp_path / "warehouse").mkdir()
    make_published(
        tmp_path / "warehouse" / "published.duckdb", dt.date(2026, 1, 15), COMPANY, rep_actuals()
    )
    sheet = tmp_path / "targets_2026.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    assert main(["plan", "--home", str(tmp_path), "--check", str(sheet)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "line 5: specific: unknown team 'T9'" in out
    report = (tmp_path / "plans" / "checks" / "targets_2026.csv").read_text(encoding="utf-8-sig")
    assert report.startswith("file,line,check,message\n") and "unknown metric 'revnue'" in report


def test_a_missing_sheet_or_no_year_is_a_usage_error(tmp_path, capsys):
    assert main(["plan", "--home", str(tmp_path), "--check", str(tmp_path / "x.csv")]) == 1
    assert "no such target sheet" in capsys.readouterr().err
    assert main(["plan", "--home", str(tmp_path)]) == EXIT_USAGE
    assert "needs --year" in capsys.readouterr().err
