"""Issue 26's promise on the sample: `scorecards plan` writes a proposal that lands and publishes
through the gate unchanged (every row accepted, no check failing because of it)."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal as D

import duckdb
import pytest

from tests.conftest import copy_home
from tests.e2e.test_fixture_pipeline import published, run

pytestmark = pytest.mark.slow


def test_a_proposal_for_next_year_lands_and_publishes(sample_build, tmp_path):
    home = copy_home(sample_build, tmp_path / "home")
    planned = run(
        home,
        "plan",
        "--year",
        "2027",
        "--metric",
        "bookings",
        "--ramp",
        "25,50,75",
        "--simulate",
        "--draws",
        "50",
    )
    assert planned.returncode == 0, planned.stderr
    # What it would cost under the sample's plan in force (AE-2026: bookings 0.6, revenue 0.4;
    # the proposal sets bookings only, so revenue pays nothing): a positive spread of costs.
    with (home / "plans" / "2027" / "cost.csv").open(encoding="utf-8-sig") as handle:
        cost = {row[0]: row[2] for row in csv.reader(handle)}
    p10, p50, p90 = (D(cost[f"cost_p{p}"].replace(",", "")) for p in (10, 50, 90))
    assert D(0) < p10 <= p50 <= p90
    assert int(cost["reps_costed"]) > 10 and cost["draws"] == "50"
    proposal = home / "plans" / "2027" / "targets.csv"
    with proposal.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["metric"] for r in rows} >= {"bookings", "pipeline_created", "calls"}
    shutil.copyfile(proposal, home / "landing" / "plan" / "targets_2027.csv")
    landed = run(home, "run", "--as-of", "2026-04-15")
    assert landed.returncode == 0, landed.stderr[-3000:]
    assert published(home, "select max(version) from publication_log") == [(3,)]
    with duckdb.connect(str(home / "warehouse" / "build.duckdb"), read_only=True) as con:
        [log] = con.execute(
            "select status, rows_read, rows_accepted, rows_quarantined from audit.load_log "
            "where file_path = 'plan/targets_2027.csv'"
        ).fetchall()
        staged = con.execute(
            "select count(*) from staging.stg_plan__targets where period_start >= '2027-01-01'"
        ).fetchall()[0][0]
    assert log == ("loaded", len(rows), len(rows), 0)
    assert staged == len(rows)
