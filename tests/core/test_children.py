"""The run's children are bound to it from their first instruction (core/children.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.children import (
    BUILD_DB_ENV,
    DBT_LAUNCHER,
    PARENT_PID_ENV,
    PYTHON_LAUNCHER,
    launcher,
    start_beside_build_file,
)

ROOT = Path(__file__).parents[2]


def test_a_child_whose_parent_is_already_gone_does_no_work():
    """The launcher exits before Python runs a line when its parent is not the one that started
    it: a parent killed before the child could bind itself leaves no orphan working."""
    orphaned = subprocess.run(
        [str(launcher(PYTHON_LAUNCHER)), "-c", "print('worked')"],
        env={**os.environ, PARENT_PID_ENV: "1"},  # not our pid: as if reparented to init
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert orphaned.returncode == 137
    assert "worked" not in orphaned.stdout


def test_a_bound_child_runs_and_is_asked_to_die_with_its_parent():
    """With its parent alive the launcher runs Python, which inherits the parent-death signal
    across exec (/proc/self/status shows none; prctl PR_GET_PDEATHSIG answers 9)."""
    code = (
        "import ctypes, signal; libc = ctypes.CDLL(None); value = ctypes.c_int(); "
        "libc.prctl(2, ctypes.byref(value)); print(value.value)"
    )
    bound = subprocess.run(
        [str(launcher(PYTHON_LAUNCHER)), "-c", code],
        env={**os.environ, PARENT_PID_ENV: str(os.getpid())},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert bound.returncode == 0, bound.stderr
    assert bound.stdout.strip() == "9"  # SIGKILL
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert plain.stdout.strip() == "0"  # what the launcher changes


def test_the_dbt_launcher_runs_this_environments_dbt(tmp_path):
    """Any dbt command goes to this environment's dbt (here `dbt debug --config-dir`)."""
    completed = subprocess.run(
        [str(launcher(DBT_LAUNCHER)), "debug", "--config-dir"],
        env={**os.environ, PARENT_PID_ENV: str(os.getpid())},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr
    assert "dbt" in completed.stdout.lower()


def test_the_dbt_launcher_answers_the_version_without_starting_dbt():
    """dagster-dbt asks `--version` once per dbt step: the installed versions, at once, and no
    network call for dbt's "latest" check; the first version printed is dbt-core's."""
    import re
    from importlib import metadata

    completed = subprocess.run(
        [str(launcher(DBT_LAUNCHER)), "--version"],
        env={**os.environ, PARENT_PID_ENV: str(os.getpid())},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert completed.returncode == 0, completed.stderr
    first = re.search(r"(\d+\.\d+\.\d+)", completed.stdout)
    assert first is not None and first.group(1) == metadata.version("dbt-core")
    assert f"duckdb: {metadata.version('dbt-duckdb')}" in completed.stdout
    assert "latest" not in completed.stdout


def test_dbt_starts_in_the_build_file_s_folder_and_names_it_by_its_file_name(tmp_path, monkeypatch):
    """Every home's profile then names its build file alike, so dbt's saved parse is valid in
    any home (orchestration/manifest.py: seed_saved_parse)."""
    warehouse = tmp_path / "home" / "warehouse"
    warehouse.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(BUILD_DB_ENV, str(warehouse / "build.duckdb"))
    start_beside_build_file()
    assert Path.cwd() == warehouse
    assert os.environ[BUILD_DB_ENV] == "build.duckdb"


@pytest.mark.parametrize("value", ["", "build.duckdb", "/no/such/folder/build.duckdb"])
def test_a_relative_or_unplaceable_build_file_leaves_dbt_where_it_starts(
    tmp_path, monkeypatch, value
):
    """Nothing to move to: dbt starts where it was started, the variable as it was set."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(BUILD_DB_ENV, value)
    start_beside_build_file()
    assert Path.cwd() == tmp_path
    assert os.environ[BUILD_DB_ENV] == value


def test_the_dbt_launcher_reads_the_build_file_beside_it(tmp_path):
    """Through the launcher, dbt's profile names the build file by its name and dbt finds it
    from its folder: `dbt debug` connects to the home's file, wherever it was started."""
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    completed = subprocess.run(
        [str(launcher(DBT_LAUNCHER)), "debug", "--profiles-dir", str(ROOT / "dbt_project")],
        env={
            **os.environ,
            PARENT_PID_ENV: str(os.getpid()),
            BUILD_DB_ENV: str(warehouse / "build.duckdb"),
            "DBT_PROJECT_DIR": str(ROOT / "dbt_project"),
            "DBT_LOG_PATH": str(tmp_path / "logs"),
            "DBT_TARGET_PATH": str(tmp_path / "target"),
        },
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert "path: build.duckdb" in completed.stdout
    assert (warehouse / "build.duckdb").exists()  # the connection test opened it there
