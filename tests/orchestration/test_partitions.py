"""Monthly partitions: the month plan (pure), and real partition runs on the fixture exports.

The real runs show: one partition materialised rebuilds that month only and publishes the same
tables as a full run; a new month landing rebuilds that month (and the month the as-of date
stopped cutting), not the closed ones, and publishes what a full build publishes; a late row or a
team move makes a partition run add the months it touches by itself (no stale month is
published); a stale month left by hand fails the blocking dbt test.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from core.settings import BUILD_DB_NAME, DBT_PROJECT_DIR, first_month
from orchestration.assets.dbt import (
    DOWNSTREAM_SELECTOR,
    MONTHLY_KEYS,
    UPSTREAM_SELECTOR,
    dbt_model_key,
    scorecards_dbt,
)
from orchestration.definitions import defs
from orchestration.instance import home_instance
from orchestration.manifest import seed_saved_parse
from orchestration.partitions import (
    MONTHLY_PARTITIONS,
    PARTITION_RANGE_END_TAG,
    PARTITION_RANGE_START_TAG,
    all_partitions_tags,
    covers_every_partition,
    fiscal_label,
    months_in_window,
    plan_months,
    project_fingerprint,
)
from tests.conftest import FIXTURE_LANDING, copy_home
from tests.dbt.dbt_cli import run_dbt
from tests.orchestration.dbt_log import dbt_invocations

# The slow lane (`make test`, not `make test-fast`): real partition runs of the job in process.
pytestmark = pytest.mark.slow

JAN, FEB, MAR, APR = (dt.date(2026, month, 1) for month in (1, 2, 3, 4))


# --- the month plan, without Dagster or dbt --------------------------------------------------


def test_no_partition_or_nothing_built_means_every_month():
    assert plan_months(None, [FEB], [JAN, FEB]).full
    first = plan_months([FEB], None, [])
    assert first.full and first.reason == "first build of the monthly models"


def test_requested_months_plus_stale_ones():
    plan = plan_months([MAR], [JAN], [JAN, FEB, MAR])
    assert plan.months == [JAN, MAR]
    assert plan.stale == [JAN]
    assert "changed inputs" in plan.reason
    assert plan_months([MAR, FEB, MAR], [], [JAN, FEB, MAR]).months == [FEB, MAR]


def test_every_month_stale_is_a_full_rebuild():
    plan = plan_months([MAR], [JAN, FEB, MAR], [JAN, FEB, MAR])
    assert plan.full and plan.stale == [JAN, FEB, MAR]


def test_months_in_a_window_and_fiscal_labels():
    window = dg.TimeWindow(
        dt.datetime(2025, 11, 1, tzinfo=dt.UTC), dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    )
    assert months_in_window(window) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        JAN,
        FEB,
    ]
    assert fiscal_label(MAR, 1) == "2026-03 (FY2026 P03)"
    # A fiscal year from April: March 2026 closes FY2025, April 2026 opens FY2026.
    assert fiscal_label(MAR, 4) == "2026-03 (FY2025 P12)"
    assert fiscal_label(APR, 4) == "2026-04 (FY2026 P01)"


def test_a_full_run_covers_every_partition():
    tags = all_partitions_tags()
    keys = MONTHLY_PARTITIONS.get_partition_keys()
    assert tags[PARTITION_RANGE_START_TAG] == keys[0] == first_month().strftime("%Y-%m")
    assert tags[PARTITION_RANGE_END_TAG] == keys[-1]
    assert covers_every_partition(keys)
    assert not covers_every_partition(keys[1:])


def test_project_fingerprint_follows_the_code(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR / "models", project / "models")
    shutil.copytree(DBT_PROJECT_DIR / "macros", project / "macros")
    shutil.copy(DBT_PROJECT_DIR / "dbt_project.yml", project / "dbt_project.yml")
    before = project_fingerprint(project)
    assert before == project_fingerprint(project)
    model = project / "models" / "marts" / "sales" / "fct_kpi_monthly.sql"
    model.write_text(model.read_text() + "\n")
    assert project_fingerprint(project) != before


def test_only_the_monthly_models_are_partitioned_with_single_run_backfills():
    assert scorecards_dbt.backfill_policy == dg.BackfillPolicy.single_run()
    partitioned = {
        spec.key.path[-1]: spec.partitions_def
        for spec in scorecards_dbt.specs
        if spec.partitions_def is not None
    }
    assert set(partitioned.values()) == {MONTHLY_PARTITIONS}
    assert {key.path[-1] for key in MONTHLY_KEYS} == set(partitioned)
    # Staging, dimensions and marts are not partitioned: one asset definition holds them all.
    unpartitioned = {spec.key.path[-1] for spec in scorecards_dbt.specs} - set(partitioned)
    assert {"stg_crm__users", "dim_users", "scorecard_attainment"} <= unpartitioned
    keys = set(partitioned)
    assert keys == {
        "int_transactions_credited",
        "int_ledger_months_built",
        "fct_credited_transactions",
        "fct_activities",
        "fct_kpi_monthly",
    }


# --- real partition runs ----------------------------------------------------------------------


def _run(home: Path, as_of: str, **kwargs) -> dg.ExecuteInProcessResult:
    with home_instance(home) as instance:
        return defs.resolve_job_def("scorecards_job").execute_in_process(
            run_config={
                "resources": {"scorecards": {"config": {"home": str(home), "as_of": as_of}}}
            },
            instance=instance,
            raise_on_error=False,
            **kwargs,
        )


def _monthly_metadata(result: dg.ExecuteInProcessResult) -> dict:
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key == dbt_model_key("fct_kpi_monthly"):
            return {"partition": materialization.partition, **materialization.metadata}
    raise AssertionError("fct_kpi_monthly was not materialized")


def _latest_hashes(home: Path) -> dict[str, str]:
    with duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True) as con:
        log = con.execute(
            "select table_hashes from publication_log order by version desc limit 1"
        ).fetchall()
    return json.loads(log[0][0])


def _calls(home: Path, user: str, month: str) -> list:
    with duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True) as con:
        return con.execute(
            "select actual from fct_kpi_monthly where scope_type = 'rep' and metric = 'calls' "
            "and scope_id = ? and month_start = cast(? as date)",
            [user, month],
        ).fetchall()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE_LANDING, tmp_path / "landing")
    return tmp_path


@pytest.fixture
def built(tmp_path: Path, fixture_build: Path) -> Path:
    """The fixture exports after a full run as of 2026-03-10 (tests/conftest.py): the same job,
    every monthly partition in one run, started by `scorecards run`."""
    return copy_home(fixture_build, tmp_path / "built")


def test_one_partition_rebuilds_its_month_and_publishes_what_a_full_run_does(built):
    home = built
    full_hashes = _latest_hashes(home)

    one = _run(home, "2026-03-10", partition_key="2026-02")
    assert one.success
    meta = _monthly_metadata(one)
    assert meta["partition"] == "2026-02"
    assert meta["months_rebuilt"].value == ["2026-02 (FY2026 P02)"]
    assert meta["stale_months_added"].value == 0
    assert _latest_hashes(home) == full_hashes  # the same figures, to the byte

    # A later as-of date in the same month changes only March (the month it cuts).
    later = _run(home, "2026-03-20", partition_key="2026-02")
    assert later.success
    assert _monthly_metadata(later)["months_rebuilt"].value == [
        "2026-02 (FY2026 P02)",
        "2026-03 (FY2026 P03)",
    ]


def _months(result: dg.ExecuteInProcessResult) -> object:
    return _monthly_metadata(result)["months_rebuilt"].value


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_a_new_month_rebuilds_only_what_it_touches_and_publishes_a_full_builds_figures(
    built, tmp_path_factory
):
    home = built
    # April lands: activities, an invoice, a payment of a March invoice, an FX rate, a new rep.
    landing = home / "landing"
    _write(
        landing / "crm" / "activities_2026-04.csv",
        "activity_id,owner_id,activity_type,occurred_at,account_id,opportunity_id,"
        "duration_minutes,outcome\n"
        "AC401,R1,call,2026-04-02 09:00,A1,,5,connected\n"
        "AC402,R5,visit,2026-04-03 10:00,A1,,60,completed\n",
    )
    _write(
        landing / "crm" / "users_2026-04.csv",
        "user_id,full_name,email,role,manager_id,team_id,hire_date,termination_date,"
        "snapshot_date\nR5,Rep Five,r5@example.test,rep,M1,T1,2026-04-01,,\n",
    )
    _write(
        landing / "erp" / "invoices_2026-04.csv",
        "invoice_id,invoice_date,customer_id,order_id,sales_rep_id,amount_net,tax_amount,"
        "currency,document_type,status\nI6,2026-04-07,C1,,R1,8000.00,,USD,invoice,posted\n",
    )
    _write(
        landing / "erp" / "payments_2026-04.csv",
        "payment_id,invoice_id,paid_date,amount,currency\nP401,I5,2026-04-08,7000.00,CNY\n",
    )
    _write(
        landing / "erp" / "fx_rates_2026-04.csv",
        "rate_date,currency,rate_to_base\n2026-04-01,USD,7.100000\n",
    )
    monthly = _run(home, "2026-04-10", partition_key="2026-04")
    assert monthly.success
    # March is rebuilt because the as-of date no longer cuts it; January and February are not
    # touched by anything that landed (the April rate leaves their rates in force unchanged).
    assert _months(monthly) == ["2026-03 (FY2026 P03)", "2026-04 (FY2026 P04)"]
    assert _calls(home, "R1", "2026-04-01") == [(1,)]
    incremental = _latest_hashes(home)

    # The same landing through a full build in a fresh home publishes the same tables.
    fresh = tmp_path_factory.mktemp("full")
    shutil.copytree(landing, fresh / "landing")
    assert _run(fresh, "2026-04-10", tags=all_partitions_tags()).success
    full = _latest_hashes(fresh)
    assert incremental == full


def test_an_as_of_date_that_passes_a_month_rebuilds_it(home):
    """Months after the as-of month are empty in fct_kpi_monthly; once a later as-of date passes
    them they must be rebuilt even though no export changed."""
    assert _run(home, "2026-01-20", tags=all_partitions_tags()).success
    assert _calls(home, "R1", "2026-02-01") == []
    later = _run(home, "2026-03-10", partition_key="2026-03")
    assert later.success
    assert _months(later) == [
        "2026-01 (FY2026 P01)",
        "2026-02 (FY2026 P02)",
        "2026-03 (FY2026 P03)",
    ]
    assert _calls(home, "R1", "2026-02-01") == [(3,)]


def test_a_late_row_makes_a_partition_run_rebuild_its_month(built, monkeypatch):
    home = built
    # dbt's log of this run at debug, where it says it reused its parse (runs log at info).
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")
    assert _calls(home, "R1", "2026-02-01") == [(3,)]
    # A late call of February lands; the operator refreshes March only.
    late = home / "landing" / "crm" / "activities_2026-02-late.csv"
    late.write_text(
        "activity_id,owner_id,activity_type,occurred_at,account_id,opportunity_id,"
        "duration_minutes,outcome\nAC9,R1,call,2026-02-20 09:00,A1,,5,connected\n"
    )
    target = home / "warehouse" / "dbt_target"
    before = len(dbt_invocations(target))
    result = _run(home, "2026-03-10", partition_key="2026-03")
    assert result.success
    assert _months(result) == ["2026-02 (FY2026 P02)", "2026-03 (FY2026 P03)"]
    # Two invocations: what the monthly models read, then the months and what reads them. The
    # second reuses the first's parse, because the run's settings reach dbt in its environment,
    # not in --vars (macros/run_var.sql). The first reuses the parse this home was copied with:
    # every home's profile names its build file alike (core/children.py).
    invocations = dbt_invocations(target)[before:]
    assert len(invocations) == 2
    assert "UnableToPartialParse" not in invocations[0] + invocations[1]
    assert invocations[1].count("PartialParsingSkipParsing") == 1
    assert _monthly_metadata(result)["stale_months_added"].value == 1
    # Dagster records both months as materialized: the partitions rebuilt, not only the one asked.
    fact = dbt_model_key("fct_kpi_monthly")
    recorded = {
        event.event_specific_data.materialization.partition
        for event in result.get_asset_materialization_events()
        if event.event_specific_data.materialization.asset_key == fact
    }
    assert recorded == {"2026-02", "2026-03"}
    assert _calls(home, "R1", "2026-02-01") == [(4,)]
    partition_hashes = _latest_hashes(home)
    # The same inputs through a full run publish the same tables.
    assert _run(home, "2026-03-10", tags=all_partitions_tags()).success
    assert _latest_hashes(home) == partition_hashes

    # R1's user record changes (a new users export): every month in which R1 is credited is
    # stale (who is known, which team on the date come from the user and their memberships);
    # months without R1 are not.
    _write(
        home / "landing" / "crm" / "users_update.csv",
        "user_id,full_name,email,role,manager_id,team_id,hire_date,termination_date,"
        "snapshot_date\nR1,Rep One-Renamed,r1@example.test,rep,M1,T1,2025-01-01,,\n",
    )
    moved = _run(home, "2026-03-10", partition_key="2026-03")
    assert moved.success
    months = _months(moved)
    assert isinstance(months, list)
    assert "2026-01 (FY2026 P01)" in months and "2026-02 (FY2026 P02)" in months
    moved_hashes = _latest_hashes(home)
    assert _run(home, "2026-03-10", tags=all_partitions_tags()).success
    assert _latest_hashes(home) == moved_hashes

    # A month left stale behind the orchestrator's back fails the blocking dbt test.
    build_db = home / "warehouse" / "build.duckdb"
    with duckdb.connect(str(build_db)) as con:
        con.execute(
            "update intermediate.int_ledger_months_built set input_fingerprint = 'old' "
            "where month_start = date '2026-01-01'"
        )
    env = {"SCORECARDS_BUILD_DB": str(build_db), "PATH": str(Path(sys.executable).parent)}
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "test",
            "--select",
            "assert_monthly_models_match_their_inputs",
            "--vars",
            json.dumps({"as_of_date": "2026-03-10", "project_fingerprint": project_fingerprint()}),
            # Not the project's own target folder: another worker's run copies its saved parse.
            "--target-path",
            str(home / "dbt_target_test"),
        ],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 1, completed.stdout
    assert "Got 1 result" in completed.stdout


def _dbt_ls(target: Path, *args: str) -> set[str]:
    """dbt ls in its own target folder (the project's is the parse every run starts from),
    started from a copy of the project's saved parse, as a new home's run is."""
    target.mkdir(exist_ok=True)
    seed_saved_parse(target)
    # The build file is never opened: ls reads the parse only.
    completed = run_dbt(
        DBT_PROJECT_DIR, target / BUILD_DB_NAME, "ls", "-q", "--target-path", str(target), *args
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    return set(completed.stdout.split())


def test_the_two_selectors_of_a_partition_run_split_the_project_without_overlap(tmp_path):
    """A run of some months builds in two invocations: every model, seed, data test and unit
    test belongs to exactly one of them, and none of the first needs a model of the second."""
    kinds = ("--resource-type", "model", "seed", "test", "unit_test")
    upstream, downstream = (
        _dbt_ls(tmp_path, "--selector", name, *kinds)
        for name in (UPSTREAM_SELECTOR, DOWNSTREAM_SELECTOR)
    )
    everything = _dbt_ls(tmp_path, *kinds)
    assert upstream | downstream == everything
    assert not upstream & downstream
    monthly = {key.path[-1] for key in MONTHLY_KEYS}
    assert not {name.rsplit(".", 1)[-1] for name in upstream} & monthly
    assert monthly <= {name.rsplit(".", 1)[-1] for name in downstream}
    first, second = ({name.rsplit(".", 1)[-1] for name in part} for part in (upstream, downstream))
    assert {"stg_crm__users", "int_ledger_inputs_fingerprinted"} <= first
    assert "assert_monthly_models_match_their_inputs" in second
    assert "assert_statement_lines_sum_to_payouts" in second


def test_no_test_of_the_first_invocation_needs_a_later_model(tmp_path):
    """The first invocation's tests lean only on models it builds itself."""
    from orchestration.manifest import DBT_PROJECT

    upstream = _dbt_ls(tmp_path, "--selector", UPSTREAM_SELECTOR, "--resource-type", "model")
    first = {name.rsplit(".", 1)[-1] for name in upstream}
    tests = {
        name.rsplit(".", 1)[-1]
        for name in _dbt_ls(tmp_path, "--selector", UPSTREAM_SELECTOR, "--resource-type", "test")
    }
    manifest = json.loads(DBT_PROJECT.manifest_path.read_text())
    nodes = manifest["nodes"]
    checked = 0
    for node in nodes.values():
        if node["resource_type"] != "test" or node["name"] not in tests:
            continue
        for parent in node["depends_on"]["nodes"]:
            if parent in nodes and nodes[parent]["resource_type"] == "model":
                checked += 1
                assert nodes[parent]["name"] in first, f"{node['name']} needs {parent}"
    assert checked >= 10


def test_a_dbt_process_that_died_is_named_not_a_missing_file():
    from types import SimpleNamespace

    from orchestration.dbt_results import dbt_died
    from scorecards.runner import root_cause

    assert "out-of-memory killer" in str(dbt_died(-9))
    assert "signal 11" in str(dbt_died(-11)) and "out-of-memory" not in str(dbt_died(-11))
    assert "exit code 2" in str(dbt_died(2))
    # What dbt logged last comes on the first line, where the runner looks for a full disk.
    traceback = 'Traceback (most recent call last):\n  File "x.py", line 1, in w\n    f()\n'
    full = dbt_died(2, ["Encountered an error:", traceback + "OSError: [Errno 27] File too large"])
    assert str(full).splitlines()[0].endswith(": OSError: [Errno 27] File too large")
    assert "out of disk space" in root_cause(SimpleNamespace(message=str(full), cause=None))


def test_an_errored_dbt_node_s_message_reaches_the_failure():
    """A full disk inside a dbt node is named in the step's failure, where the runner finds it."""
    from orchestration.dbt_results import first_dbt_error

    results = {
        "results": [
            {"unique_id": "test.scorecards.a", "status": "pass", "message": None},
            {
                "unique_id": "test.scorecards.b",
                "status": "error",
                "message": "IO Error: Could not write file: No space\n left on device",
            },
        ]
    }
    assert first_dbt_error(results) == (
        " (first error: IO Error: Could not write file: No space left on device)"
    )
    assert first_dbt_error({"results": [{"status": "fail", "message": "Got 3 results"}]}) == ""
