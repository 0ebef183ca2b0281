"""`scorecards plan` end to end on a hand-made published copy: the files, the bytes, the errors."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from decimal import Decimal

import duckdb
import pytest

from ingest.loader import load_landing
from scorecards.cli import EXIT_OK, EXIT_USAGE, main


@pytest.fixture
def home(planned_home):
    return planned_home


def plan(home, *extra):
    return main(["plan", "--home", str(home), "--year", "2026", *extra])


def test_the_proposal_is_a_targets_export_the_warehouse_reads(home, capsys, tmp_path_factory):
    assert plan(home, "--ramp", "50") == EXIT_OK
    out = capsys.readouterr().out
    assert "company target 1,320.00 (floor 1,188.00, stretch 1,584.00)" in out
    path = home / "plans" / "2026" / "targets.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    # 12 months x 3 tiers x (company + 2 regions + 2 teams + 4 reps), for revenue and the
    # three metrics worked back from it (pipeline created, calls, visits).
    assert len(rows) == 12 * 3 * 9 * 4
    assert {r["metric"] for r in rows} == {"revenue", "pipeline_created", "calls", "visits"}
    with (home / "plans" / "2026" / "activity_plan.csv").open(encoding="utf-8-sig") as handle:
        needs = list(csv.DictReader(handle))
    assert len(needs) == 4 * 12 * 3  # reps x closing months x tiers
    assert {"opportunities", "leads", "pipeline", "calls", "visits"} <= set(needs[0])
    assert {r["note"] for r in rows} == {"proposal 2026 from version 1 (as of 2026-01-15)"}
    with (home / "plans" / "2026" / "reconciliation.csv").open(encoding="utf-8-sig") as handle:
        reconciliation = list(csv.DictReader(handle))
    assert len(reconciliation) == 9 * 13  # scopes x (months + the year)
    [company] = [r for r in reconciliation if (r["scope_id"], r["period"]) == ("company", "2026")]
    assert company["top_down"] == "1320.00"
    assert f"bottom-up {Decimal(company['bottom_up']):,.2f}" in out
    landing = tmp_path_factory.mktemp("landing")
    (landing / "plan").mkdir()
    shutil.copyfile(path, landing / "plan" / "targets_2026.csv")
    with duckdb.connect() as con:
        [result] = load_landing(
            con, landing, window=(dt.date(2020, 1, 1), dt.date(2030, 1, 1))
        ).files
    assert (result.entity, result.status) == ("plan/targets", "loaded")
    assert (result.rows_read, result.rows_accepted, result.rows_quarantined) == (1296, 1296, 0)


def test_same_history_and_options_give_the_same_bytes(home):
    assert plan(home, "--name", "a") == EXIT_OK == plan(home, "--name", "b")
    first = (home / "plans" / "a" / "targets.csv").read_text(encoding="utf-8-sig")
    second = (home / "plans" / "b" / "targets.csv").read_text(encoding="utf-8-sig")
    assert first == second.replace("proposal b", "proposal a")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--metric", "revenue", "--metric", "bookings", "--amount", "5"], "one --metric"),
        (["--metric", "win_rate"], "cannot plan win_rate: a plan sets summable result metrics"),
        (["--base", "fy", "--year", "2031"], "no complete month of revenue history in the fy"),
    ],
)
def test_plans_that_cannot_be_made_say_why(home, capsys, extra, message):
    assert main(["plan", "--home", str(home), "--year", "2026", *extra]) == EXIT_USAGE
    assert message in capsys.readouterr().err
    assert not (home / "plans").exists()


def test_nothing_published_is_a_usage_error(tmp_path, capsys):
    assert plan(tmp_path) == EXIT_USAGE
    assert "cannot plan: nothing is published in" in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra", [["--ramp", "50,abc"], ["--ramp", "150"], ["--growth", "-0.1"], ["--year", "26"]]
)
def test_bad_plan_options_are_usage_errors(home, capsys, extra):
    with pytest.raises(SystemExit) as exc:
        plan(home, *extra)
    assert exc.value.code == EXIT_USAGE
    assert "error:" in capsys.readouterr().err


def test_the_review_workbook_reads_back_with_dates_money_and_labels(home):
    import openpyxl

    from tests.publication.statement_cells import table_rows

    assert plan(home, "--ramp", "50", "--lang", "zh") == EXIT_OK
    path = home / "plans" / "2026" / "proposal.xlsx"
    first = path.read_bytes()
    assert plan(home, "--ramp", "50", "--lang", "zh") == EXIT_OK
    assert path.read_bytes() == first
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["目标", "自上而下与自下而上", "过程目标倒推", "检查"]
    rows, formats = table_rows(book["目标"], "Targets")
    assert len(rows) == 12 * 3 * 9 * 4
    company = [r for r in rows if r["范围类型"] == "公司" and r["档位"] == "理想"]
    assert {r["指标"] for r in company} >= {"电话数"}
    assert isinstance(rows[0]["期间开始"], dt.datetime)
    assert formats[3] == "yyyy-mm-dd" and formats[5] == "#,##0.00;-#,##0.00"
    recon, recon_formats = table_rows(book["自上而下与自下而上"], "Reconciliation")
    assert recon_formats[7] == "0.00%" and isinstance(recon[0]["期间"], dt.datetime)
