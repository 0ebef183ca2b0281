"""The raw data as Parquet (ingest/parquet.py): one folder per entity, one file per load."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from ingest.contract import ENTITIES
from ingest.loader import load_landing
from ingest.parquet import SCHEMA_FILE, sync_raw_parquet
from tests.conftest import write

FIXTURE_LANDING = Path(__file__).parents[1] / "fixtures" / "e2e" / "landing"
PAYMENTS_HEADER = "payment_id,invoice_id,paid_date,amount,currency\n"


def dataset(con: duckdb.DuckDBPyConnection, folder: Path, order: str = "") -> list[tuple]:
    return con.execute(f"select * from read_parquet(?) {order}", [f"{folder}/*.parquet"]).fetchall()


def test_every_entity_reads_back_exactly_with_its_types(con, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING, landing)
    load_landing(con, landing)
    root = tmp_path / "raw"
    sync = sync_raw_parquet(con, root)

    assert sync.removed == []
    assert sync.rows_written == sum(
        con.execute(f'select count(*) from raw."{entity.raw_table}"').fetchall()[0][0]
        for entity in ENTITIES
    )
    assert sync.rows_written > 0
    for entity in ENTITIES:
        folder = root / entity.raw_table
        assert (folder / SCHEMA_FILE).exists()
        table = f'raw."{entity.raw_table}"'
        order = "order by _load_id, _line_number"
        assert (
            dataset(con, folder, order) == con.execute(f"select * from {table} {order}").fetchall()
        ), entity.raw_table
        # Same column names and types (DECIMAL stays DECIMAL: money never becomes DOUBLE).
        columns = con.execute(f"describe select * from {table}").fetchall()
        parquet = con.execute("describe select * from read_parquet(?)", [f"{folder}/*.parquet"])
        assert [row[:2] for row in parquet.fetchall()] == [row[:2] for row in columns]
    amount_type = con.execute(
        "select typeof(amount) from read_parquet(?) limit 1", [f"{root}/erp_payments/*.parquet"]
    ).fetchall()[0][0]
    assert amount_type.startswith("DECIMAL")


def test_only_new_loads_are_written_and_retired_ones_removed(con, landing, tmp_path):
    root = tmp_path / "raw"
    path = write(landing, "erp/payments.csv", PAYMENTS_HEADER + "P1,I1,2026-02-10,0.10,CNY\n")
    load_landing(con, landing)
    first = sync_raw_parquet(con, root)
    assert [name for name in first.written if name.startswith("erp_payments/")] == [
        "erp_payments/load_00000001.parquet"
    ]
    # Nothing new: nothing written, nothing removed.
    again = sync_raw_parquet(con, root)
    assert (again.written, again.removed, again.rows_written) == ([], [], 0)

    # A new version of the file retires the old load: its file goes, the new load's comes.
    path.write_text(PAYMENTS_HEADER + "P1,I1,2026-02-10,0.10,CNY\nP2,I1,2026-02-11,0.25,CNY\n")
    load_landing(con, landing)
    changed = sync_raw_parquet(con, root)
    assert changed.removed == ["erp_payments/load_00000001.parquet"]
    assert changed.written == ["erp_payments/load_00000002.parquet"]
    assert changed.rows_written == 2
    rows = dataset(con, root / "erp_payments", "order by payment_id")
    assert [(row[0], str(row[3])) for row in rows] == [("P1", "0.10"), ("P2", "0.25")]

    # The file removed from landing: the entity is an empty table of the right shape.
    path.unlink()
    load_landing(con, landing)
    gone = sync_raw_parquet(con, root)
    assert gone.removed == ["erp_payments/load_00000002.parquet"]
    assert dataset(con, root / "erp_payments") == []
    assert [p.name for p in (root / "erp_payments").iterdir()] == [SCHEMA_FILE]


def test_a_run_that_died_mid_write_is_repaired(con, landing, tmp_path):
    root = tmp_path / "raw"
    write(landing, "erp/payments.csv", PAYMENTS_HEADER + "P1,I1,2026-02-10,0.10,CNY\n")
    load_landing(con, landing)
    sync_raw_parquet(con, root)
    written = root / "erp_payments" / "load_00000001.parquet"
    # Died after DuckDB committed the load but before its Parquet file was renamed in place.
    written.rename(written.with_name(written.name + ".tmp"))
    repaired = sync_raw_parquet(con, root)
    assert repaired.written == ["erp_payments/load_00000001.parquet"]
    assert sorted(p.name for p in written.parent.iterdir()) == sorted(
        [SCHEMA_FILE, "load_00000001.parquet"]
    )
    assert len(dataset(con, written.parent)) == 1
