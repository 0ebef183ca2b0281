"""Shared helpers: landing folders in tmp_path, an in-memory DuckDB, and a home built once."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE_LANDING = REPO / "tests" / "fixtures" / "e2e" / "landing"
FIXTURE_AS_OF = "2026-03-10"
# Runs under test record in their own home's Dagster instance, never the developer's.
os.environ.pop("DAGSTER_HOME", None)
# Monthly partitions from 2025-01 (the fixtures' data starts in 2026): a full run records every
# check once per partition, and the tests run dozens. How a run picks its first month when this
# is not set is tested on its own (tests/scorecards/test_runner.py).
os.environ.setdefault("SCORECARDS_FIRST_MONTH", "2025-01")


PROJECT_TARGET = REPO / "dbt_project" / "target"


@pytest.fixture(scope="session", autouse=True)
def project_parse_untouched():
    """No test writes into the dbt project's own target folder: its manifest is what every
    worker's definitions read, and its saved parse what every new home's run starts from (a dbt
    command run by hand in a test names a target folder of its own)."""
    files = [PROJECT_TARGET / "manifest.json", PROJECT_TARGET / "partial_parse.msgpack"]

    def stamps() -> list[int | None]:
        return [path.stat().st_mtime_ns if path.exists() else None for path in files]

    before = stamps()
    yield
    assert stamps() == before, "a test wrote into dbt_project/target"


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    for source in ("crm", "erp", "plan"):
        (root / source).mkdir(parents=True)
    return root


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def write(landing: Path, rel: str, text: str, encoding: str = "utf-8") -> Path:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def scorecards_command() -> list[str]:
    script = Path(sys.executable).with_name("scorecards")
    return [str(script)] if script.exists() else [sys.executable, "-m", "scorecards.cli"]


def _build_once(tmp_path_factory, name: str, prepare, as_of: str) -> Path:
    """Make ``name`` once per test session: ``prepare(home)`` lands exports, then one real
    `scorecards run --as-of`. Shared by the xdist workers under a file lock; the run's output is
    kept in run.stdout and run.stderr beside the home."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # this session's folder, common to its workers
    root = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "built").exists():
            shutil.rmtree(root, ignore_errors=True)
            home = root / "home"
            prepare(home)
            result = subprocess.run(
                [*scorecards_command(), "run", "--as-of", as_of, "--home", str(home)],
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            (root / "run.stdout").write_text(result.stdout, encoding="utf-8")
            (root / "run.stderr").write_text(result.stderr, encoding="utf-8")
            assert result.returncode == 0, result.stderr[-3000:]
            (root / "built").touch()
    return root


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory) -> Path:
    """A home holding the fixture exports after one `scorecards run --as-of 2026-03-10`.

    Half the end-to-end modules start from exactly this state; a full run costs minutes on the
    2-core CI machines, so it is made once per test session and each module works on its own
    copy (`copy_home`)."""

    def land(home: Path) -> None:
        shutil.copytree(FIXTURE_LANDING, home / "landing")

    return _build_once(tmp_path_factory, "fixture_build", land, FIXTURE_AS_OF)


SAMPLE_AS_OF = "2026-04-15"


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The generated sample (12 reps, 4 months from 2026-01) after `scorecards run --as-of
    2026-04-15`: what `make run` does, smaller. `scorecards sample` plays its month end first
    (published as of 2026-03-10, February closed, a late correction landed); its output is kept
    in sample.stdout."""

    def land(home: Path) -> None:
        sample = subprocess.run(
            [*scorecards_command(), "sample", "--reps", "12", "--months", "4", "--home", str(home)],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        (home.parent / "sample.stdout").write_text(sample.stdout, encoding="utf-8")
        assert sample.returncode == 0, sample.stderr[-3000:]

    return _build_once(tmp_path_factory, "sample_build", land, SAMPLE_AS_OF)


def copy_home(fixture_build: Path, destination: Path) -> Path:
    """A private copy of the built home (exports, warehouse, reports) at ``destination``."""
    shutil.copytree(fixture_build / "home", destination, symlinks=True)
    return destination
