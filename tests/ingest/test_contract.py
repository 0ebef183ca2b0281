from pathlib import Path

import pytest
import yaml

from core.metric_registry import metric_names, read_registry
from ingest.contract import (
    ENTITIES,
    ENUMS,
    alias_map,
    entity_for_file,
    enum_map,
    normalise_header,
)
from ingest.vocabulary import FIELD_ALIASES

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("source", "filename", "expected"),
    [
        ("crm", "opportunities_2026-10.csv", "crm/opportunities"),
        ("crm", "opportunities.xlsx", "crm/opportunities"),
        ("crm", "opportunities_delta_07.jsonl", "crm/opportunities"),
        ("crm", "opportunity_stage_history_07.csv", "crm/opportunity_stage_history"),
        ("crm", "opportunity_splits.csv", "crm/opportunity_splits"),
        ("erp", "invoice_lines_2026.csv", "erp/invoice_lines"),
        ("erp", "invoices.csv", "erp/invoices"),
        ("erp", "INVOICES-2026.CSV", "erp/invoices"),
        ("plan", "targets.parquet", "plan/targets"),
    ],
)
def test_entity_by_longest_prefix_at_a_word_boundary(source, filename, expected):
    assert entity_for_file(source, filename).qualified == expected


@pytest.mark.parametrize(
    ("source", "filename"),
    [
        ("crm", "opportunitiesX.csv"),  # no word boundary after the prefix
        ("crm", "invoices.csv"),  # an ERP entity in the CRM folder
        ("erp", "notes.csv"),
        ("plan", "readme.txt"),
    ],
)
def test_unknown_entities_are_none(source, filename):
    assert entity_for_file(source, filename) is None


def test_headers_fold_spaces_dashes_case_and_bom():
    assert normalise_header("\ufeff Opportunity-ID ") == "opportunity_id"
    assert normalise_header("Close  Date") == "close_date"


@pytest.mark.parametrize(
    ("entity", "header", "canonical"),
    [
        ("crm/opportunities", "商机编号", "opportunity_id"),
        ("crm/opportunities", "金额", "amount"),
        ("crm/opportunities", "负责人", "owner_id"),
        ("erp/payments", "回款金额", "amount"),
        ("erp/customers", "CRM客户编号", "crm_account_id"),
        ("crm/activities", "Activity Date", "occurred_at"),
        ("erp/invoices", "Net Amount", "amount_net"),
        # From the field vocabulary, in every entity carrying the field.
        ("plan/plan_assignments", "工号", "user_id"),
        ("plan/manager_reviews", "Employee ID", "user_id"),
        ("erp/payments", "发票号码", "invoice_id"),
        ("erp/invoice_lines", "Invoice No", "invoice_id"),
        ("erp/invoices", "customer no", "customer_id"),
        ("erp/invoices", "订单号", "order_id"),
        ("plan/plan_assignments", "货币", "currency"),
    ],
)
def test_aliases_map_english_variants_and_chinese_labels(entity, header, canonical):
    entity_def = next(e for e in ENTITIES if e.qualified == entity)
    assert alias_map(entity_def)[normalise_header(header)] == canonical


def test_no_alias_means_two_columns_of_one_entity():
    for entity in ENTITIES:
        seen: dict[str, str] = {}
        for column in entity.columns:
            for name in {normalise_header(n) for n in (column.name, *column.aliases)}:
                assert seen.setdefault(name, column.name) == column.name, (
                    f"{entity.qualified}: {name!r} means both {seen[name]} and {column.name}"
                )


def test_a_field_is_known_by_the_same_aliases_in_every_entity_carrying_it():
    """One vocabulary (ingest/vocabulary.py): an employee or invoice number, a currency ... read
    the same wherever it appears."""
    carried = 0
    for entity in ENTITIES:
        mapping = alias_map(entity)
        for column in entity.columns:
            for alias in FIELD_ALIASES.get(column.name, ()):
                assert mapping[normalise_header(alias)] == column.name, (entity.qualified, alias)
                carried += 1
    assert carried > 100


def test_keys_are_columns_and_always_filled():
    for entity in ENTITIES:
        for key in entity.key:
            column = entity.column(key)
            assert column.required or column.default or column.default_from, (entity, key)


def test_enum_aliases_are_unambiguous():
    for enum in ENUMS:
        mapping = enum_map(enum)
        assert mapping["赢单" if enum == "stage" else next(iter(ENUMS[enum]))]


def test_dbt_sources_match_the_contract():
    """The dbt sources declare exactly the contract's columns (plus lineage), table by table."""
    declared: dict[str, list[str]] = {}
    for source in ("crm", "erp", "plan"):
        path = REPO / "dbt_project" / "models" / "staging" / source / f"_{source}__sources.yml"
        for table in yaml.safe_load(path.read_text())["sources"][0]["tables"]:
            declared[f"{source}/{table['name']}"] = [c["name"] for c in table["columns"]]
            assert table["identifier"] == f"{source}_{table['name']}"
    expected = {
        e.qualified: [c.name for c in e.columns]
        + ["_load_id", "_file_path", "_line_number", "_extra_columns"]
        for e in ENTITIES
    }
    assert declared == expected


def test_every_entity_has_a_staging_model():
    for entity in ENTITIES:
        model = (
            REPO
            / "dbt_project"
            / "models"
            / "staging"
            / entity.source
            / f"stg_{entity.source}__{entity.name}.sql"
        )
        assert model.exists(), model
        assert f"source('{entity.source}', '{entity.name}')" in model.read_text()


def test_no_metric_name_means_two_metrics():
    registry = read_registry()
    seen: dict[str, str] = {}
    for metric, names in metric_names(registry).items():
        for name in (metric, *names):
            assert seen.setdefault(name.lower(), metric) == metric, (name, metric)
    assert enum_map("metric")["销售额"] == "revenue"
