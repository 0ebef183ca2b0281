"""docs/BI.md's ten example queries, run as written against the published sample."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

# The slow lane (`make test`, not `make test-fast`): BI queries on a built home.
pytestmark = pytest.mark.slow

BI = Path(__file__).resolve().parents[2] / "docs" / "BI.md"


def example_queries() -> list[tuple[str, str]]:
    """(title, sql) of each example: a `### N. title` heading followed by a ```sql block."""
    text = BI.read_text(encoding="utf-8")
    return re.findall(r"^### \d+\. (.+?)\n+```sql\n(.*?)```", text, flags=re.M | re.S)


def test_the_guide_has_ten_examples():
    assert len(example_queries()) == 10


@pytest.mark.parametrize(("title", "sql"), example_queries(), ids=lambda value: value[:40])
def test_an_example_query_runs_on_the_published_sample(sample_build, title, sql):
    home = sample_build / "home"
    con = duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True)
    try:
        con.execute("set file_search_path = ?", [str(home)])  # paths in read_parquet
        rows = con.execute(sql).fetchall()
    finally:
        con.close()
    assert rows, title


def test_reconciliation_example_shows_zero_differences(sample_build):
    sql = dict(example_queries())[
        "Reconciliation against the ERP and the payouts (always zero in a publication)"
    ]
    con = duckdb.connect(
        str(sample_build / "home" / "warehouse" / "published.duckdb"), read_only=True
    )
    try:
        differences = {row[-1] for row in con.execute(sql).fetchall()}
    finally:
        con.close()
    assert differences == {0}
