"""Adding a metric is one entry in the metric registry (dbt_project.yml, vars.metric_registry).

In a copy of the dbt project on a copy of the fixture build, one new entry (lost deals, a count
from the opportunities' ledger rows) appears in dim_metrics, the credit ledger, fct_kpi_monthly,
scorecard_attainment and the month fingerprints, with no other edit; and a mistyped entry stops
dbt with the metric's name instead of becoming an empty metric."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from core.settings import DBT_PROJECT_DIR
from tests.conftest import FIXTURE_AS_OF, copy_home
from tests.dbt.dbt_cli import run_dbt

LOST_DEALS = """    - metric: deals_lost
      label_en: Deals lost
      label_zh: 输单数
      description: Opportunities lost, by close date
      unit: count
      direction: lower_is_better
      kind: process
      source: opportunities
      rows: closed
      where: not is_won
      numerator: one
"""
MARKER = "  metric_registry:\n"


def _project_with(tmp_path: Path, entry: str) -> Path:
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    settings = project / "dbt_project.yml"
    text = settings.read_text(encoding="utf-8")
    assert MARKER in text
    settings.write_text(text.replace(MARKER, MARKER + entry), encoding="utf-8")
    return project


def _dbt(project: Path, build_db: Path, *args: str) -> subprocess.CompletedProcess:
    return run_dbt(project, build_db, *args, "--vars", f"as_of_date: {FIXTURE_AS_OF}")


def test_one_registry_entry_adds_a_metric_everywhere(fixture_build, tmp_path):
    home = copy_home(fixture_build, tmp_path / "home")
    build_db = home / "warehouse" / "build.duckdb"
    with duckdb.connect(str(build_db), read_only=True) as con:
        before = dict(
            con.execute(
                "select month_start, input_fingerprint "
                "from intermediate.int_ledger_inputs_fingerprinted"
            ).fetchall()
        )
    project = _project_with(tmp_path, LOST_DEALS)
    done = _dbt(
        project, build_db, "run", "--full-refresh", "--quiet",
        "--select", "+scorecard_attainment", "+int_ledger_inputs_fingerprinted",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    with duckdb.connect(str(build_db), read_only=True) as con:
        # What the metric should count, straight from the staged opportunities.
        expected = dict(
            con.execute(
                "select date_trunc('month', close_date)::date, count(*)::decimal(24, 6) "
                "from staging.stg_crm__opportunities where is_closed and not is_won "
                "and close_date <= ? group by 1",
                [FIXTURE_AS_OF],
            ).fetchall()
        )
        company = dict(
            con.execute(
                "select month_start, actual from marts.fct_kpi_monthly "
                "where metric = 'deals_lost' and scope_type = 'company'"
            ).fetchall()
        )
        label = con.execute(
            "select label_zh, direction, aggregation from marts.dim_metrics "
            "where metric = 'deals_lost'"
        ).fetchall()
        credits, lost = con.execute(
            "select (select count(*) from intermediate.int_transactions_credited "
            "where metric = 'deals_lost' and source_entity = 'opportunity'), "
            "(select count(*) from staging.stg_crm__opportunities where is_closed and not is_won)"
        ).fetchall()[0]
        scorecard = con.execute(
            "select distinct scope_type from marts.scorecard_attainment where metric = 'deals_lost'"
        ).fetchall()
        after = dict(
            con.execute(
                "select month_start, input_fingerprint "
                "from intermediate.int_ledger_inputs_fingerprinted"
            ).fetchall()
        )
    assert expected and company == expected
    assert label == [("输单数", "lower_is_better", "sum")]
    assert credits == lost > 0  # one ledger row per lost opportunity, on its close date
    # Every level, and the fixture's product line with a target (platform lost O5).
    assert {row[0] for row in scorecard} == {"rep", "team", "region", "company", "product_line"}
    # The registry is part of every month's inputs: each month is rebuilt with the new metric.
    assert after.keys() == before.keys() and all(after[m] != before[m] for m in before)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("      numerator: one\n", ""), "deals_lost has no 'numerator'"),
        (("unit: count", "unit: pieces"), "deals_lost has unit 'pieces'"),
        (
            ("      numerator: one\n", "      numerator: one\n      weight: 2\n"),
            "unknown field 'weight'",
        ),
        (("metric: deals_lost", "metric: bookings"), "'bookings' must be a new"),
    ],
)
def test_a_mistyped_entry_stops_dbt_naming_the_metric(tmp_path, change, message):
    project = _project_with(tmp_path, LOST_DEALS.replace(*change))
    done = _dbt(project, tmp_path / "unused.duckdb", "compile", "--select", "dim_metrics")
    assert done.returncode != 0
    assert message in done.stdout + done.stderr
