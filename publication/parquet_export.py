"""The published copy as Parquet files for BI tools that read files: one folder per version,
``current`` re-pointed atomically, the two latest versions kept."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from core.sql import quote_ident
from publication.descriptions import parquet_metadata
from publication.pending import fsync_path
from publication.published_layout import PUBLISHED_DIR_MODE, PUBLISHED_FILE_MODE, sql_path

PARQUET_KEEP = 2  # the current Parquet version and the one before it


def export_parquet(published_db: Path, parquet_root: Path, version: int) -> Path:
    """Every table of the published copy as Parquet under ``parquet_root/v<version>/``, then
    ``current`` re-pointed: what a publication killed between its two swaps left undone."""
    staged = parquet_root / f".v{version:06d}.{os.getpid()}.tmp"
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    with duckdb.connect(str(published_db), read_only=True) as con:
        [(catalog,)] = con.execute("select current_database()").fetchall()
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' "
            "order by table_name"
        ).fetchall()
        for (table,) in tables:
            copy_to_parquet(con, catalog, table, staged / f"{table}.parquet")
    os.chmod(staged, PUBLISHED_DIR_MODE)
    return swap_parquet(parquet_root, staged, version)


def copy_to_parquet(con: duckdb.DuckDBPyConnection, catalog: str, table: str, file: Path) -> None:
    """One published table as a Parquet file, its descriptions in the file's metadata."""
    con.execute(
        f"copy {quote_ident(catalog)}.main.{quote_ident(table)} to {sql_path(file)} "
        f"(format parquet, {parquet_metadata(con, catalog, table)})"
    )
    os.chmod(file, PUBLISHED_FILE_MODE)


def swap_parquet(root: Path, staged: Path, version: int) -> Path:
    """Move the staged Parquet folder to v<version>, re-point ``current`` atomically, prune."""
    final = root / f"v{version:06d}"
    if final.exists():
        shutil.rmtree(final)
    staged.rename(final)
    link = root / f".current.{os.getpid()}.tmp"
    link.unlink(missing_ok=True)
    link.symlink_to(final.name, target_is_directory=True)
    os.replace(link, root / "current")
    fsync_path(root)
    versions = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("v"))
    for old in versions[:-PARQUET_KEEP]:
        shutil.rmtree(old)
    for stale in root.glob(".v*.tmp"):
        shutil.rmtree(stale, ignore_errors=True)
    return final
