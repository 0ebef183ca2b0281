"""Shared helpers: landing folders in tmp_path and an in-memory DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE_LANDING = REPO / "tests" / "fixtures" / "e2e" / "landing"


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
