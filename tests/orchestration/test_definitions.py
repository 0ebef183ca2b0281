from pathlib import Path

import dagster as dg

from orchestration.assets.dbt import dbt_model_key
from orchestration.dbt_results import failed_dbt_nodes
from orchestration.definitions import defs


def test_definitions_load_and_validate():
    dg.Definitions.validate_loadable(defs)


def graph():
    return defs.resolve_asset_graph()


def test_groups_read_like_the_data_walk():
    groups = {
        key.to_user_string(): graph().get(key).group_name for key in graph().get_all_asset_keys()
    }
    assert groups["crm/opportunities"] == "ingest"
    assert groups["audit/load_log"] == "ingest"
    assert groups["staging/stg_crm__opportunities"] == "staging"
    assert groups["intermediate/int_transactions_credited"] == "intermediate"
    assert groups["marts/fct_kpi_monthly"] == "marts"
    assert groups["marts/scorecard_attainment"] == "scorecards"
    assert groups["marts/dim_metrics"] == "marts"
    assert groups["published_scorecards"] == "publish"


def test_dbt_sources_are_the_ingest_assets():
    staging = graph().get(dbt_model_key("stg_crm__opportunities"))
    assert dg.AssetKey(["crm", "opportunities"]) in staging.parent_keys


def test_publish_waits_for_the_scorecard_and_its_blocking_checks():
    publish = graph().get(dg.AssetKey(["published_scorecards"]))
    assert dbt_model_key("scorecard_attainment") in publish.parent_keys
    checks = {key.name: key for key in graph().asset_check_keys}
    assert "gx_scorecard_attainment" in checks
    assert "no_rejected_files" in checks
    assert "assert_revenue_reconciles_to_erp" in checks
    assert "assert_targets_reference_known_scopes" in checks
    for name in (
        "gx_scorecard_attainment",
        "no_rejected_files",
        "assert_revenue_reconciles_to_erp",
    ):
        assert graph().get_check_spec(checks[name]).blocking, name


def test_every_asset_is_described():
    for key in graph().get_all_asset_keys():
        node = graph().get(key)
        if node.is_materializable:
            assert node.description, key


def test_the_job_runs_in_one_process():
    job = defs.resolve_job_def("scorecards_job")
    assert job.executor_def.name == "in_process"


def test_failed_dbt_nodes_are_named():
    results = {
        "results": [
            {"unique_id": "model.scorecards.fct_targets", "status": "success"},
            {"unique_id": "test.scorecards.assert_x.abc", "status": "fail"},
            {"unique_id": "model.scorecards.dim_date", "status": "error"},
        ]
    }
    assert failed_dbt_nodes(results) == ["assert_x (fail)", "dim_date (error)"]


def test_statements_and_report_are_written_only_after_publication():
    for key in ("payout_statements", "scorecard_report"):
        after = graph().get(dg.AssetKey([key]))
        assert after.parent_keys == {dg.AssetKey(["published_scorecards"])}, key
    publish = graph().get(dg.AssetKey(["published_scorecards"]))
    for model in ("payouts", "payout_lines", "scorecard_performance", "reconciliation_monthly"):
        assert dbt_model_key(model) in publish.parent_keys, model
    checks = {key.name for key in graph().asset_check_keys}
    assert {"assert_statement_lines_sum_to_payouts", "assert_kpi_weights_sum_to_one"} <= checks


def test_io_steps_retry_and_a_gate_failure_does_not():
    from orchestration.resources import TRANSIENT_RETRY

    for key in (
        dg.AssetKey(["audit", "load_log"]),
        dbt_model_key("scorecard_attainment"),
        dg.AssetKey(["published_scorecards"]),
        dg.AssetKey(["payout_statements"]),
        dg.AssetKey(["scorecard_report"]),
    ):
        assert defs.resolve_assets_def(key).op.retry_policy == TRANSIENT_RETRY, key
    source = (Path(__file__).resolve().parents[2] / "orchestration/assets/dbt.py").read_text()
    assert "allow_retries=False" in source


def test_schedules_and_sensor_are_registered():
    for name in ("daily_refresh", "monthly_close"):
        assert defs.resolve_schedule_def(name).job_name == "scorecards_job"
    assert defs.resolve_sensor_def("landing_files").job_name == "scorecards_job"


def test_every_asset_has_kinds_an_owner_and_a_description():
    """What the UI shows of each asset: its kinds, who answers for it, what it is."""
    missing = []
    for key in graph().get_all_asset_keys():
        node = graph().get(key)
        if not node.is_materializable:
            continue
        spec = {"kinds": node.kinds, "owners": node.owners, "description": node.description}
        missing += [f"{key.to_user_string()}: {name}" for name, value in spec.items() if not value]
    assert missing == []


def test_raw_tables_carry_the_export_contract_s_column_schema():
    from ingest.contract import ENTITIES

    for entity in ENTITIES:
        node = graph().get(dg.AssetKey([entity.source, entity.name]))
        schema = node.metadata["dagster/column_schema"]
        assert [column.name for column in schema.columns] == [c.name for c in entity.columns]
        required = {c.name for c in entity.columns if c.required}
        assert {c.name for c in schema.columns if not c.constraints.nullable} == required


def test_a_run_s_settings_are_resolved_once(tmp_path, monkeypatch):
    """ "Today" and the environment's defaults are decided once per run: a step that reads them
    after midnight, or after the environment changed, sees what the run started with."""
    import datetime as dt

    import core.settings as settings
    from orchestration.resources import ScorecardsResource

    resource = ScorecardsResource(home=str(tmp_path))
    monkeypatch.setenv("SCORECARDS_BASE_CURRENCY", "USD")
    first = resource.as_of_date
    assert resource.dbt_vars()["base_currency"] == "USD"

    class Tomorrow(dt.date):
        @classmethod
        def today(cls):
            return first + dt.timedelta(days=1)

    monkeypatch.setattr(settings.dt, "date", Tomorrow)
    monkeypatch.setenv("SCORECARDS_BASE_CURRENCY", "EUR")
    assert resource.as_of_date == first
    assert resource.dbt_vars() == {
        "as_of_date": first.isoformat(),
        "base_currency": "USD",
        "fiscal_year_start_month": 1,
        "max_unassigned_share": resource.values.max_unassigned_share,
    }
    assert resource.paths.root == tmp_path.resolve()
