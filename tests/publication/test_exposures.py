"""The dbt exposures name what each reader of the published copy really reads: the report's and
the statements' SQL, the finance workbook's sheets and the BI example queries
(dbt_project/models/published/_published__exposures.yml)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from orchestration.manifest import DBT_PROJECT, ensure_manifest
from publication.catalogue import read_catalogue
from publication.finance_queries import FINANCE_SHEETS, PAYROLL_SQL
from tests.publication.test_bi_queries import example_queries

ROOT = Path(__file__).parents[2]
ensure_manifest()
MANIFEST = json.loads(DBT_PROJECT.manifest_path.read_text(encoding="utf-8"))
CATALOGUE = read_catalogue(DBT_PROJECT.manifest_path)
PUBLISHED = {*CATALOGUE.names, *(table.name for table in CATALOGUE.written)}


def exposure_reads(name: str) -> set[str]:
    exposure = MANIFEST["exposures"][f"exposure.scorecards.{name}"]
    nodes = {**MANIFEST["nodes"], **MANIFEST["sources"]}
    return {nodes[unique_id]["name"] for unique_id in exposure["depends_on"]["nodes"]}


def tables_in_sql(text: str) -> set[str]:
    """The published tables a text's SQL selects from or joins (its CTEs are not tables)."""
    return set(re.findall(r'(?:from|join)\s+"?([a-z_]+)', text, flags=re.I)) & PUBLISHED


@pytest.mark.parametrize(
    ("exposure", "modules"),
    [
        ("scorecard_report", ["publication/report_data.py", "publication/report.py"]),
        ("payout_statements", ["publication/statement_queries.py", "publication/statements.py"]),
    ],
)
def test_an_exposure_lists_what_its_code_reads(exposure, modules):
    read = set().union(*(tables_in_sql((ROOT / m).read_text(encoding="utf-8")) for m in modules))
    assert read and exposure_reads(exposure) == read


def test_the_finance_workbook_exposure_lists_its_sheets():
    read = set().union(*(tables_in_sql(sql) for _, sql, _ in FINANCE_SHEETS))
    assert {"payouts", "payout_approvals", "restatements", "dim_teams"} <= read
    assert exposure_reads("finance_workbook") == read


def test_the_payroll_exposure_lists_what_the_payroll_export_reads():
    read = tables_in_sql(PAYROLL_SQL) | tables_in_sql((ROOT / "publication/payroll.py").read_text())
    assert exposure_reads("payroll_export") == read


def test_the_bi_exposure_lists_what_the_example_queries_read():
    read = set().union(*(tables_in_sql(sql) for _, sql in example_queries()))
    assert exposure_reads("bi_example_queries") == read


def test_every_exposure_is_owned_and_described():
    exposures = [e for e in MANIFEST["exposures"].values() if e["package_name"] == "scorecards"]
    assert len(exposures) == 5
    for exposure in exposures:
        assert exposure["owner"]["name"] and exposure["description"], exposure["name"]
