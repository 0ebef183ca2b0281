"""Publication against its floor: DuckDB copying the same tables into a new file.

    .venv/bin/python -m benchmarks.publish --home HOME [--parquet]

On the home's build (``warehouse/build.duckdb``, after a run) and its dbt manifest (the
catalogue of published tables), each in a temporary folder of its own:

- **floor**: a new DuckDB file with the published storage version, every published table
  copied from the build as it is (``create table as select *``), checkpointed;
- **publish**: ``publication.publish.publish`` as a run's first publication (no previous file),
  without Parquet unless ``--parquet``;
- then each step publish adds, timed per table on the floor's copy: the sort by the published
  key, the content hash, the change fingerprint (and with ``--parquet`` the Parquet file).

Figures go to stdout; nothing here is a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from core.settings import duckdb_memory_limit
from core.sql import quote_ident
from publication.catalogue import Catalogue, read_catalogue
from publication.fingerprints import change_fingerprint, table_fingerprint
from publication.parquet_export import copy_to_parquet
from publication.publish import publish
from publication.published_layout import PUBLISHED_STORAGE_VERSION


def timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def floor(build_db: Path, target: Path, catalogue: Catalogue) -> dict[str, float]:
    """Seconds per published table to copy it unchanged into a new file, and to checkpoint."""
    seconds: dict[str, float] = {}
    with duckdb.connect(config={"memory_limit": duckdb_memory_limit()}) as con:
        con.execute("attach ? as build (read_only)", [str(build_db)])
        con.execute(
            f"attach ? as pub (storage_version '{PUBLISHED_STORAGE_VERSION}')", [str(target)]
        )
        for table in catalogue.tables:
            source = f"build.{quote_ident(table.schema)}.{quote_ident(table.name)}"
            seconds[table.name] = timed(
                lambda source=source, table=table: con.execute(
                    f"create table pub.main.{quote_ident(table.name)} as select * from {source}"
                )
            )
        seconds["(checkpoint)"] = timed(lambda: con.execute("checkpoint pub"))
    return seconds


def steps(
    build_db: Path, copied: Path, folder: Path, catalogue: Catalogue, parquet: bool
) -> dict[str, dict[str, float]]:
    """Per table, the seconds of each step publish takes beyond the copy."""
    seconds: dict[str, dict[str, float]] = {}
    with duckdb.connect(config={"memory_limit": duckdb_memory_limit()}) as con:
        con.execute("attach ? as build (read_only)", [str(build_db)])
        con.execute("attach ? as copied (read_only)", [str(copied)])
        con.execute("attach ? as sorted", [str(folder / "sorted.duckdb")])
        for table in catalogue.tables:
            name = quote_ident(table.name)
            order = ", ".join(f"{quote_ident(column)} nulls first" for column in table.key)
            source = f"build.{quote_ident(table.schema)}.{name}"
            seconds[table.name] = {
                "sorted copy": timed(
                    lambda name=name, source=source, order=order: con.execute(
                        f"create table sorted.main.{name} as "
                        f"select * from {source} order by {order}"
                    )
                ),
                "content hash": timed(lambda name=name: table_fingerprint(con, f"copied.{name}")),
                "change fingerprint": timed(lambda source=source: change_fingerprint(con, source)),
            }
            if parquet:
                seconds[table.name]["parquet"] = timed(
                    lambda table=table: copy_to_parquet(
                        con, "copied", table.name, folder / f"{table.name}.parquet"
                    )
                )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--parquet", action="store_true", help="Parquet copies too")
    args = parser.parse_args()
    build_db = args.home.resolve() / "warehouse" / "build.duckdb"
    catalogue = read_catalogue(args.home.resolve() / "warehouse" / "dbt_target" / "manifest.json")
    with tempfile.TemporaryDirectory(prefix="publish-bench-", dir=build_db.parent) as scratch:
        folder = Path(scratch)
        copied = folder / "floor.duckdb"
        copy = floor(build_db, copied, catalogue)
        floor_total = sum(copy.values())
        print(f"floor (copy {len(catalogue.tables)} tables into a new file): {floor_total:.1f} s")
        published = folder / "published" / "published.duckdb"
        published.parent.mkdir()
        publish_total = timed(
            lambda: publish(
                build_db,
                published,
                dt.date.today(),
                {},
                catalogue=catalogue,
                parquet_root=folder / "parquet" if args.parquet else None,
            )
        )
        ratio = publish_total / floor_total
        print(f"publish (first publication): {publish_total:.1f} s = {ratio:.2f} x the floor")
        added = steps(build_db, copied, folder, catalogue, args.parquet)
        names = list(next(iter(added.values())))
        print("\n| table | copy | " + " | ".join(names) + " |")
        print("|---|---:|" + "---:|" * len(names))
        biggest = sorted(added, key=lambda table: -copy[table])
        for table in biggest:
            cells = " | ".join(f"{added[table][name]:.1f}" for name in names)
            print(f"| {table} | {copy[table]:.1f} | {cells} |")
        totals = " | ".join(f"{sum(row[name] for row in added.values()):.1f}" for name in names)
        print(f"| all ({len(added)}) | {floor_total:.1f} | {totals} |")


if __name__ == "__main__":
    main()
