"""dbt's unit tests of the models, in the fast lane: on empty raw tables, with every model built
empty (`--empty`), no export or full build needed. A run's `dbt build` leaves them out: they test
the code, not the data (orchestration/assets/dbt.py)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from core.settings import DBT_PROJECT_DIR
from ingest.audit import ensure_schema
from orchestration.manifest import seed_saved_parse
from tests.dbt.dbt_cli import run_dbt


def test_every_dbt_unit_test_passes(tmp_path: Path):
    build_db = tmp_path / "build.duckdb"
    with duckdb.connect(str(build_db)) as con:
        ensure_schema(con)  # the raw tables, empty: the sources every model reads
    (tmp_path / "target").mkdir()
    assert seed_saved_parse(tmp_path / "target")  # as a new home's run starts
    completed = run_dbt(
        DBT_PROJECT_DIR,
        build_db,
        "build",
        "--empty",
        "--exclude",
        "test_type:data",
        "--target-path",
        str(tmp_path / "target"),
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    assert "Unable to do partial parsing" not in completed.stdout
    results = json.loads((tmp_path / "target" / "run_results.json").read_text(encoding="utf-8"))
    unit = [r for r in results["results"] if r["unique_id"].startswith("unit_test.")]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text(encoding="utf-8"))
    assert len(unit) == len(manifest["unit_tests"]) > 10
    assert all(r["status"] == "pass" for r in unit), [
        (r["unique_id"], r["status"]) for r in unit if r["status"] != "pass"
    ]
