"""Each blocking check, made to fail on purpose with a real run: exit 2, the check named, the gate
report (Markdown and HTML) showing the offending rows, and published.duckdb byte-identical."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import copy_home
from tests.e2e.test_fixture_pipeline import run

# The slow lane (`make test`, not `make test-fast`): real runs that the gate blocks.
pytestmark = pytest.mark.slow

AS_OF = "2026-03-10"
INVOICE_HEADER = (
    "invoice_id,invoice_date,customer_id,order_id,sales_rep_id,amount_net,tax_amount,currency,"
    "document_type,status\n"
)


@pytest.fixture(scope="module")
def home(tmp_path_factory, fixture_build) -> Path:
    """The fixture exports, published as of 2026-03-10 (tests/conftest.py)."""
    return copy_home(fixture_build, tmp_path_factory.mktemp("gate") / "home")


def assert_blocked(home: Path, checks: tuple[str, ...], *report_needles: str) -> None:
    published = home / "warehouse" / "published.duckdb"
    before = published.read_bytes()
    blocked = run(home, "run", "--as-of", AS_OF)
    assert blocked.returncode == 2, blocked.stderr[-3000:]
    assert "failing check: " in blocked.stderr
    assert published.read_bytes() == before
    markdown = (home / "reports" / "gate_report.md").read_text(encoding="utf-8")
    html = (home / "reports" / "gate_report.html").read_text(encoding="utf-8")
    assert "publication blocked" in markdown
    for check in checks:
        assert check in blocked.stderr and check in markdown and check in html, check
    for needle in report_needles:
        assert needle in markdown, needle
        assert needle in html, needle


BAD_INPUTS = {
    case[2]: case
    for case in (
        (
            "plan/plan_assignments_r4.csv",
            "user_id,plan_id,valid_from,valid_to,on_target_incentive,currency\n"
            "R4,AE,2026-02-01,2026-02-28,10000.00,CNY\n",
            "assert_reps_on_a_plan_have_targets",
            ("R4", "2026-02-01", "no_target"),
        ),
        (
            "plan/payout_approvals_typo.csv",
            "user_id,period_start,status,approver_id,decided_at\n"
            "R1,2026-05-01,approved,F1,2026-03-05\n",
            "assert_approvals_name_a_payout",
            ("R1", "2026-05-01", "plan/payout_approvals_typo.csv"),
        ),
        (
            "erp/invoices_walkin.csv",
            INVOICE_HEADER + "W9,2026-02-20,C404,,,20000.00,,CNY,invoice,posted\n",
            "assert_unassigned_within_share",
            ("revenue", "23000.00"),
        ),
        (
            "crm/opportunity_splits_extra.csv",
            "opportunity_id,user_id,split_type,percent\nO4,R3,revenue,10\n",
            "assert_revenue_splits_sum_to_100_percent",
            ("O4", "110", "crm/opportunity_splits_extra.csv line 2"),
        ),
        (
            "erp/invoices_eur.csv",
            INVOICE_HEADER + "E1,2026-02-10,C1,,R1,500.00,,EUR,invoice,posted\n",
            "assert_fx_rate_for_every_foreign_amount",
            ("E1", "EUR"),
        ),
        (
            "plan/targets_unknown_team.csv",
            "scope_type,scope_id,metric,period_type,period_start,tier,value\n"
            "team,T404,bookings,month,2026-02-01,target,1000.00\n",
            "assert_targets_reference_known_scopes",
            ("T404", "plan/targets_unknown_team.csv"),
        ),
        (
            "plan/kpi_weights_more.csv",
            "role,kpi,weight,direction\nrep,calls,0.2,higher_is_better\n",
            "assert_kpi_weights_sum_to_one",
            ("1.2", "plan/kpi_weights_more.csv line 2"),
        ),
        (
            "plan/comp_plans_quarterly.csv",
            "plan_id,metric,weight,period_type,threshold,cap\nAE,collections,0.2,quarter,0.5,2\n",
            "assert_comp_plans_are_consistent",
            ("several period types", "plan/comp_plans_quarterly.csv line 2"),
        ),
    )
}

# Bad inputs of one group fail together in one run: a failed test skips only the models
# downstream of the model it tests, which no other check of the group reads, so each check still
# runs and must be named with its rows. A check of a model downstream of a failed test would not
# run at all (dbt skips it), hence one run per layer the checks test.
GROUPS = {
    "staging-and-plans": (
        "assert_revenue_splits_sum_to_100_percent",
        "assert_targets_reference_known_scopes",
        "assert_kpi_weights_sum_to_one",
        "assert_comp_plans_are_consistent",
    ),
    "monthly-models": ("assert_fx_rate_for_every_foreign_amount",),
    "targets-and-payouts": ("assert_reps_on_a_plan_have_targets", "assert_unassigned_within_share"),
    # Its own run: a plan without targets fails int_payouts_earned, which skips the payouts the
    # approvals are checked against.
    "approvals": ("assert_approvals_name_a_payout",),
}


@pytest.mark.parametrize("group", GROUPS.values(), ids=GROUPS.keys())
def test_bad_inputs_block_and_nothing_is_published(home, group):
    files = []
    try:
        for check in group:
            path, text, _, _ = BAD_INPUTS[check]
            files.append(home / "landing" / path)
            files[-1].write_text(text, encoding="utf-8")
        needles = [needle for check in group for needle in BAD_INPUTS[check][3]]
        assert_blocked(home, group, *needles)
    finally:
        for bad in files:
            bad.unlink()


def test_every_bad_input_belongs_to_one_group():
    grouped = [check for group in GROUPS.values() for check in group]
    assert sorted(grouped) == sorted(BAD_INPUTS)


def test_a_missing_required_entity_blocks(home):
    kept = home / "kept_kpi_weights.csv"
    shutil.move(home / "landing" / "plan" / "kpi_weights.csv", kept)
    try:
        assert_blocked(home, ("required_entities_landed",), "plan/kpi_weights")
    finally:
        shutil.move(kept, home / "landing" / "plan" / "kpi_weights.csv")


def test_the_unassigned_share_is_a_setting(home):
    walkin = home / "landing" / "erp" / "invoices_walkin.csv"
    walkin.write_text(INVOICE_HEADER + "W9,2026-02-20,C404,,,20000.00,,CNY,invoice,posted\n")
    try:
        env = {**os.environ, "SCORECARDS_MAX_UNASSIGNED_SHARE": "0.5"}
        script = Path(sys.executable).with_name("scorecards")
        result = subprocess.run(
            [str(script), "run", "--as-of", AS_OF, "--home", str(home)],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
    finally:
        walkin.unlink()


def test_the_reconciliation_tests_bite(home):
    """The reconciliation is an invariant no input can break, so break the build instead: one
    cent moved in the reconciliation table makes the dbt test fail, naming the month."""
    build = home / "warehouse" / "build.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute(
            "update marts.reconciliation_monthly set credited_total = credited_total + 0.01, "
            "difference = difference + 0.01 where metric = 'revenue' and month_start = '2026-02-01'"
        )
        con.execute(
            "update marts.reconciliation_payouts set difference = 0.01 "
            "where payout_id = 'R2|AE|2026-02-01|revenue'"
        )
    dbt = Path(sys.executable).with_name("dbt")
    project = Path(__file__).resolve().parents[2] / "dbt_project"
    result = subprocess.run(
        [
            str(dbt),
            "test",
            "--select",
            "assert_revenue_reconciles_to_erp assert_statement_lines_sum_to_payouts",
            "--vars",
            f'{{"as_of_date": "{AS_OF}"}}',
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            # Not the project's own target folder: its manifest and saved parse are what every
            # worker's runs start from.
            "--target-path",
            str(home / "dbt_target_test"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "SCORECARDS_BUILD_DB": str(build)},
        timeout=600,
        check=False,
    )
    assert result.returncode == 1, result.stdout[-3000:]
    assert "FAIL 1 assert_revenue_reconciles_to_erp" in result.stdout
    assert "FAIL 1 assert_statement_lines_sum_to_payouts" in result.stdout


ABC_TARGETS = (
    "scope_type,scope_id,metric,period_type,period_start,tier,value\n"
    "rep,R1,calls,month,2026-02-01,理想,30\n"
    "rep,R1,calls,month,2026-02-01,冲刺,40\n"
)


def test_a_quarantined_plan_row_blocks_naming_file_and_line(home):
    """The plan is all or nothing: an unknown tier word is quarantined (never made 'target'),
    and one quarantined plan row blocks publication, named by file and line."""
    bad = home / "landing" / "plan" / "targets_abc.csv"
    bad.write_text(ABC_TARGETS + "rep,R1,calls,month,2026-02-01,gold,50\n", encoding="utf-8")
    try:
        assert_blocked(
            home,
            ("plan_rows_complete",),
            "plan/targets_abc.csv",
            "unparseable enum in tier: gold",
        )
        markdown = (home / "reports" / "gate_report.md").read_text(encoding="utf-8")
        assert "| plan/targets | plan/targets_abc.csv | 4 |" in markdown
    finally:
        bad.unlink()


def test_abc_tier_words_load_and_an_implausible_date_is_quarantined(home):
    """理想 and 冲刺 are the target and stretch tiers; an invoice dated 9999-12-31 is quarantined
    at ingest with its file, line and column, and the rest publishes (it once blocked the whole
    publication from the calendar without naming its source)."""
    targets = home / "landing" / "plan" / "targets_abc.csv"
    targets.write_text(ABC_TARGETS, encoding="utf-8")
    invoice = home / "landing" / "erp" / "invoices_typo.csv"
    invoice.write_text(INVOICE_HEADER + "Z1,9999-12-31,C1,,R1,10.00,,CNY,invoice,posted\n")
    try:
        result = run(home, "run", "--as-of", AS_OF)
        assert result.returncode == 0, result.stderr[-3000:]
        with duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True) as con:
            tiers = con.execute(
                "select tier, sum(target_value) from fct_targets where user_id = 'R1' "
                "and metric = 'calls' and month_start = '2026-02-01' group by tier order by tier"
            ).fetchall()
        assert [tier for tier, _ in tiers] == ["stretch", "target"]
        markdown = (home / "reports" / "gate_report.md").read_text(encoding="utf-8")
        assert (
            "| erp/invoices | erp/invoices_typo.csv | 2 | invoice_date outside the plausible "
            "dates (2000-01-01 to 2028-12-31): 9999-12-31 |"
        ) in markdown
    finally:
        targets.unlink()
        invoice.unlink()
