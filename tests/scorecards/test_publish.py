import datetime as dt
import json
import os
from pathlib import Path

import duckdb
import pytest

from scorecards.publish import (
    PUBLISHED_STORAGE_VERSION,
    PUBLISHED_TABLES,
    publish,
    read_publication_log,
    table_fingerprint,
)

AS_OF = dt.date(2026, 3, 10)


@pytest.fixture
def build_db(tmp_path: Path) -> Path:
    path = tmp_path / "build.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        for _, table in PUBLISHED_TABLES:
            if table == "scorecard_attainment":
                con.execute(
                    "create table marts.scorecard_attainment as select * from (values "
                    "(date '2026-01-01', 'revenue', 10.50::decimal(18,2)), "
                    "(date '2026-02-01', 'revenue', 20.25::decimal(18,2))) "
                    "as t(period_month, metric, actual)"
                )
            else:
                con.execute(f'create table marts."{table}" as select 1 as id')
    return path


def test_first_publication_is_version_1_with_log(build_db, tmp_path):
    published = tmp_path / "published.duckdb"
    publication = publish(build_db, published, AS_OF, {"checks_evaluated": 3})
    assert publication.version == 1
    assert publication.months_covered == "2026-01..2026-02"
    [row] = read_publication_log(published)
    assert row[0] == 1 and row[1] == AS_OF
    assert json.loads(row[4])["scorecard_attainment"] == 2
    assert json.loads(row[6]) == {"checks_evaluated": 3}
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select sum(actual) from scorecard_attainment").fetchone()[0] == (
            pytest.approx(30.75)
        )
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_republishing_keeps_history_and_hashes(build_db, tmp_path):
    published = tmp_path / "published.duckdb"
    first = publish(build_db, published, AS_OF, {})
    second = publish(build_db, published, AS_OF, {})
    assert second.version == 2
    assert second.table_hashes == first.table_hashes
    assert [row[0] for row in read_publication_log(published)] == [1, 2]


def test_fingerprint_ignores_order_but_not_content():
    with duckdb.connect() as con:
        con.execute("create table a as select * from (values (1, 'x'), (2, 'y')) t(n, s)")
        con.execute("create table b as select * from (values (2, 'y'), (1, 'x')) t(n, s)")
        con.execute("create table c as select * from (values (2, 'y'), (1, 'z')) t(n, s)")
        con.execute("create table d as select * from (values (1, 'x'), (1, 'x'), (2, 'y')) t(n, s)")
        assert table_fingerprint(con, "a") == table_fingerprint(con, "b")
        assert table_fingerprint(con, "a") != table_fingerprint(con, "c")
        assert table_fingerprint(con, "a") != table_fingerprint(con, "d")


def test_a_failed_publication_leaves_the_old_one_untouched(build_db, tmp_path):
    published = tmp_path / "published.duckdb"
    publish(build_db, published, AS_OF, {})
    before = published.read_bytes()
    with duckdb.connect(str(build_db)) as con:
        con.execute("drop table marts.fct_targets")
    with pytest.raises(duckdb.CatalogException):
        publish(build_db, published, AS_OF, {})
    assert published.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_published_file_uses_the_chosen_storage_version(build_db, tmp_path):
    published = tmp_path / "published.duckdb"
    publish(build_db, published, AS_OF, {})
    with duckdb.connect() as con:
        con.execute("attach ? as pub (read_only)", [str(published)])
        version = con.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = 'pub'"
        ).fetchone()[0]
    assert version is None or version.startswith(PUBLISHED_STORAGE_VERSION[:4])


def test_swap_is_a_rename_not_a_rewrite(build_db, tmp_path):
    published = tmp_path / "published.duckdb"
    publish(build_db, published, AS_OF, {})
    inode = os.stat(published).st_ino
    publish(build_db, published, AS_OF, {})
    assert os.stat(published).st_ino != inode
