"""The publish benchmark's floor copies what publication publishes, and its steps cover every
published table (on the fixture build; the timings themselves are not asserted)."""

from __future__ import annotations

import duckdb

from benchmarks.publish import floor, steps
from publication.catalogue import read_catalogue


def test_the_floor_copies_every_published_table_and_the_steps_cover_them(fixture_build, tmp_path):
    warehouse = fixture_build / "home" / "warehouse"
    catalogue = read_catalogue(warehouse / "dbt_target" / "manifest.json")
    copied = tmp_path / "floor.duckdb"
    seconds = floor(warehouse / "build.duckdb", copied, catalogue)
    assert set(seconds) == {*catalogue.names, "(checkpoint)"}
    assert all(value >= 0 for value in seconds.values())
    with duckdb.connect(str(copied), read_only=True) as con:
        con.execute("attach ? as build (read_only)", [str(warehouse / "build.duckdb")])
        for table in catalogue.tables:
            source = f'build."{table.schema}"."{table.name}"'
            counts = con.execute(
                f'select (select count(*) from "{table.name}"), (select count(*) from {source})'
            ).fetchall()[0]
            assert counts[0] == counts[1], table.name
    added = steps(warehouse / "build.duckdb", copied, tmp_path, catalogue, parquet=True)
    assert set(added) == set(catalogue.names)
    assert {tuple(step) for step in added.values()} == {
        ("sorted copy", "content hash", "change fingerprint", "parquet")
    }
    assert (tmp_path / "payouts.parquet").is_file()
    with duckdb.connect(str(tmp_path / "sorted.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from payouts").fetchall()[0][0] > 0
