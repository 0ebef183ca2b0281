"""The dbt semantic layer: every metric of DOMAIN.md is defined, and each definition, evaluated on
the fixture publication, gives the published company figures of fct_kpi_monthly.

dbt itself validates the semantic models and metrics when it parses the project (a measure or a
dimension that does not exist is a parsing error); these tests check what dbt cannot: that the
definitions are complete and mean what the warehouse publishes."""

from __future__ import annotations

import csv
import decimal
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from core.metric_registry import (
    SEMANTIC_MODELS_YML,
    Metric,
    read_registry,
    semantic_metrics,
    with_generated_metrics,
)
from core.settings import DBT_PROJECT_DIR
from orchestration.manifest import DBT_PROJECT, ensure_manifest
from tests.conftest import copy_home

D = decimal.Decimal
DIMENSION = re.compile(r"\{\{\s*Dimension\('(\w+)__(\w+)'\)\s*\}\}")


def domain_metrics() -> dict[str, Metric]:
    """The registry's metrics over the credit ledger (market share is derived: no ledger rows)."""
    return {metric.metric: metric for metric in read_registry() if metric.is_ledger}


def test_a_derived_metric_is_not_a_semantic_metric():
    names = {metric["name"] for metric in semantic_metrics(read_registry())}
    derived = [metric.metric for metric in read_registry() if not metric.is_ledger]
    assert derived == ["market_share"] and not names & set(derived)


def test_the_semantic_metrics_are_the_registry_s():
    """The generated end of the semantic models' file is what the registry gives now: a metric
    added to the registry without `make semantic` fails here, naming the command."""
    text = SEMANTIC_MODELS_YML.read_text(encoding="utf-8")
    assert text == with_generated_metrics(text, read_registry()), "run `make semantic`"


def test_the_generated_part_is_replaced_whole(tmp_path):
    registry = read_registry()
    text = SEMANTIC_MODELS_YML.read_text(encoding="utf-8")
    fewer = with_generated_metrics(text, registry[:1])
    assert "name: bookings" in fewer and "name: revenue" not in fewer
    assert with_generated_metrics(fewer, registry) == text
    with pytest.raises(ValueError, match="Generated from the metric registry"):
        with_generated_metrics("metrics:\n  - name: x\n", registry)


@pytest.fixture(scope="module")
def semantic() -> dict:
    ensure_manifest()  # dbt parses the project again when anything in it changed
    path = DBT_PROJECT.manifest_path.parent / "semantic_manifest.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_domain_metric_is_a_semantic_metric_of_its_kind(semantic):
    metrics = {metric["name"]: metric for metric in semantic["metrics"]}
    for name, row in domain_metrics().items():
        assert name in metrics, name
        expected = "simple" if row.aggregation == "sum" else "ratio"
        assert metrics[name]["type"] == expected, name
        assert metrics[name]["config"]["meta"]["direction"] == row.direction, name
        assert metrics[name]["label"] == row.label_en, name
        assert metrics[name]["description"], name
    time_spines = semantic["project_configuration"]["time_spines"]
    assert [spine["node_relation"]["alias"] for spine in time_spines] == ["dim_date"]


def _measure_sql(semantic: dict, metric: dict) -> str:
    """A simple metric as SQL over the published copy: sum of its measure per month."""
    measure_name = metric["type_params"]["measure"]["name"]
    for model in semantic["semantic_models"]:
        measures = {measure["name"]: measure for measure in model["measures"]}
        if measure_name in measures:
            break
    else:
        raise AssertionError(f"no semantic model has the measure {measure_name}")
    measure = measures[measure_name]
    assert measure["agg"] == "sum"
    table = model["node_relation"]["alias"]
    dimensions = {dimension["name"]: dimension for dimension in model["dimensions"]}
    time = dimensions[model["defaults"]["agg_time_dimension"]]

    def column(match: re.Match) -> str:
        dimension = dimensions[match.group(2)]
        return dimension.get("expr") or dimension["name"]

    filters = [
        DIMENSION.sub(column, item["where_sql_template"])
        for item in (metric.get("filter") or {}).get("where_filters", [])
    ]
    return (
        f"select date_trunc('month', {time.get('expr') or time['name']}) as month_start, "
        f"sum({measure.get('expr') or measure['name']}) as value from {table} "
        f"where {' and '.join(filters) or 'true'} group by 1"
    )


def test_each_definition_gives_the_published_company_figures(semantic, fixture_build, tmp_path):
    home = copy_home(fixture_build, tmp_path / "home")
    metrics = {metric["name"]: metric for metric in semantic["metrics"]}
    con = duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True)
    # Closed months only: the published KPI table stops at the as-of date, the ledger does not.
    closed = "month_start < date '2026-03-01'"
    published = {
        (metric, month): actual
        for metric, month, actual in con.execute(
            "select metric, month_start, actual from fct_kpi_monthly "
            f"where scope_type = 'company' and {closed}"
        ).fetchall()
    }
    computed = {}
    for name in domain_metrics():
        metric = metrics[name]
        if metric["type"] == "simple":
            rows = con.execute(f"select * from ({_measure_sql(semantic, metric)}) where {closed}")
            for month, value in rows.fetchall():
                computed[(name, month.date() if hasattr(month, "date") else month)] = D(value)
        else:
            parts = {}
            for side in ("numerator", "denominator"):
                part = metrics[metric["type_params"][side]["name"]]
                sql = f"select * from ({_measure_sql(semantic, part)}) where {closed}"
                parts[side] = dict(con.execute(sql).fetchall())
            for month, numerator in parts["numerator"].items():
                denominator = parts["denominator"].get(month)
                if denominator:
                    key = (name, month.date() if hasattr(month, "date") else month)
                    computed[key] = (D(numerator) / D(denominator)).quantize(D("0.000001"))
    con.close()
    assert computed.keys() == published.keys()
    differing = {
        key: (computed[key], published[key])
        for key in published
        if abs(computed[key] - published[key]) > D("0.000001")
    }
    assert differing == {}
    assert {metric for metric, _ in published} >= {"bookings", "revenue", "win_rate"}


def test_semantic_models_read_published_tables():
    path = Path(DBT_PROJECT_DIR) / "models" / "marts" / "_marts__semantic_models.yml"
    text = path.read_text(encoding="utf-8")
    from orchestration.assets.dbt import PUBLISHED_CATALOGUE

    published = set(PUBLISHED_CATALOGUE.names)
    for model in re.findall(r"model: ref\('(\w+)'\)", text):
        assert model in published, model


def test_metricflow_by_rep_team_region_and_month_is_as_published(fixture_build, tmp_path):
    """`mf query` (dbt-metricflow) on a built home: revenue, bookings and win rate by rep and
    month equal the published rep figures of fct_kpi_monthly, and the reps and teams semantic
    models let every metric group by rep name, team and region."""
    home = copy_home(fixture_build, tmp_path / "home")
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    env = {**os.environ, "SCORECARDS_BUILD_DB": str(home / "warehouse" / "build.duckdb")}
    tools = Path(sys.executable).parent

    def command(*args: str) -> str:
        done = subprocess.run(
            args, cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done.stdout

    command(str(tools / "dbt"), "parse", "--quiet")
    by_rep = tmp_path / "by_rep.csv"
    command(
        str(tools / "mf"), "query", "--metrics", "revenue,bookings,win_rate",
        "--group-by", "metric_time__month,rep", "--csv", str(by_rep),
    )  # fmt: skip
    with by_rep.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    queried = {
        (row["rep"], row["metric_time__month"][:10], metric): D(row[metric])
        for row in rows
        for metric in ("revenue", "bookings", "win_rate")
        if row[metric] not in ("", None)
    }
    with duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True) as con:
        published = {
            (rep, str(month), metric): actual
            for rep, month, metric, actual in con.execute(
                "select scope_id, month_start, metric, actual from fct_kpi_monthly "
                "where scope_type = 'rep' and metric in ('revenue', 'bookings', 'win_rate') "
                "and month_start < date '2026-03-01' and actual is not null"
            ).fetchall()
        }
    closed = {key: value for key, value in queried.items() if key[1] < "2026-03-01"}
    assert published and closed.keys() == published.keys()
    assert {k: (closed[k], v) for k, v in published.items() if abs(closed[k] - v) > D("1e-6")} == {}
    by_team = tmp_path / "by_team.csv"
    command(
        str(tools / "mf"), "query", "--metrics", "revenue",
        "--group-by", "metric_time__month,rep__full_name,team__team_name,team__region",
        "--csv", str(by_team),
    )  # fmt: skip
    with by_team.open(encoding="utf-8") as handle:
        labelled = list(csv.DictReader(handle))
    assert labelled and all(row["team__region"] for row in labelled)
    assert sum(D(row["revenue"] or 0) for row in labelled) == sum(
        value for (_, _, metric), value in queried.items() if metric == "revenue"
    )
