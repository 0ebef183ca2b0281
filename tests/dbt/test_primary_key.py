"""The project's key tests (macros/test_unique_combination.sql) on a project of its own: a
repeated key and a key with a gap fail the primary-key test, on one column and on several; a
clean key passes; the uniqueness-only test lets a gap through."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from core.settings import DBT_PROJECT_DIR
from tests.dbt.dbt_cli import run_dbt

MODELS = {
    "clean": "select 1 as id, 'a' as part union all select 2, 'a'",
    "repeated": "select 1 as id, 'a' as part union all select 1, 'b' union all select 2, 'a'",
    "gap": "select 1 as id, 'a' as part union all select null, 'a'",
    "clean_pair": "select 1 as id, 'a' as part union all select 1, 'b'",
    "repeated_pair": "select 1 as id, 'a' as part union all select 1, 'a'",
    "gap_in_pair": "select 1 as id, 'a' as part union all select 1, null",
    # Uniqueness only (a key whose columns may be null): a gap passes, a repeat would not.
    "gap_allowed": "select 1 as id, 'a' as part union all select 1, null",
}
SCHEMA = (
    """version: 2
models:
- name: clean
  columns:
  - name: id
    data_tests:
    - primary_key
- name: repeated
  columns:
  - name: id
    data_tests:
    - primary_key
- name: gap
  columns:
  - name: id
    data_tests:
    - primary_key
"""
    + "".join(
        f"""- name: {name}
  data_tests:
  - primary_key:
      arguments:
        columns:
        - id
        - part
"""
        for name in ("clean_pair", "repeated_pair", "gap_in_pair")
    )
    + """- name: gap_allowed
  data_tests:
  - unique_combination_of_columns:
      arguments:
        combination_of_columns:
        - id
        - part
"""
)


def test_a_repeated_or_missing_key_fails_and_a_clean_one_passes(tmp_path: Path):
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "macros").mkdir()
    shutil.copy(DBT_PROJECT_DIR / "macros" / "test_unique_combination.sql", project / "macros")
    (project / "dbt_project.yml").write_text(
        "name: keys\nprofile: keys\nversion: '1.0'\nconfig-version: 2\n", encoding="utf-8"
    )
    (project / "profiles.yml").write_text(
        "keys:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n"
        "      path: \"{{ env_var('SCORECARDS_BUILD_DB') }}\"\n",
        encoding="utf-8",
    )
    for name, sql in MODELS.items():
        (project / "models" / f"{name}.sql").write_text(sql, encoding="utf-8")
    (project / "models" / "schema.yml").write_text(SCHEMA, encoding="utf-8")

    completed = run_dbt(
        project, tmp_path / "keys.duckdb", "build", "--profiles-dir", str(project), timeout=300
    )
    assert completed.returncode == 1, completed.stdout[-3000:]  # the failing tests fail the build
    results = json.loads((project / "target" / "run_results.json").read_text(encoding="utf-8"))
    failures = {
        result["unique_id"].split(".")[2]: (result["status"], result["failures"])
        for result in results["results"]
        if result["unique_id"].startswith("test.")
    }
    assert failures == {
        "primary_key_clean_id": ("pass", 0),
        "primary_key_repeated_id": ("fail", 1),  # key 1, twice
        "primary_key_gap_id": ("fail", 1),  # the null key
        "primary_key_clean_pair_id__part": ("pass", 0),
        "primary_key_repeated_pair_id__part": ("fail", 1),
        "primary_key_gap_in_pair_id__part": ("fail", 1),
        "unique_combination_of_columns_gap_allowed_id__part": ("pass", 0),
    }
