"""Ingest throughput on one large CSV, through the real loader (DuckDB's reader path).

    .venv/bin/python -m benchmarks.ingest_throughput --rows 5000000

Writes an activities export with DuckDB (awkward on purpose: a Chinese activity-type label, slash
dates, a bad date every 100,000 rows), loads it with ``ingest.loader.load_landing`` into a fresh
DuckDB file and prints rows per second, the split between accepted and quarantined rows, and the
process's peak RSS. Figures go to stdout; nothing here is a test.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from ingest.loader import load_landing


def write_activities(path: Path, rows: int) -> None:
    with duckdb.connect() as con:
        con.execute(
            f"""
            copy (
                select
                    'AC' || lpad(cast(i as varchar), 9, '0') as activity_id,
                    'U' || lpad(cast(i % 2000 as varchar), 4, '0') as owner_id,
                    case i % 5 when 0 then 'call' when 1 then '电话' when 2 then 'email'
                        when 3 then 'meeting' else 'visit' end as activity_type,
                    case when i % 100000 = 7 then '2026-02-31 09:00'
                        else strftime(timestamp '2024-01-01 08:00:00'
                            + to_minutes(cast(i % 1000000 as bigint)), '%Y/%m/%d %H:%M')
                    end as occurred_at,
                    'A' || lpad(cast(i % 50000 as varchar), 6, '0') as account_id,
                    '' as opportunity_id,
                    cast(i % 90 as varchar) as duration_minutes,
                    'connected' as outcome
                from range({int(rows)}) as t(i)
            ) to '{path}' (header, delimiter ',')
            """
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scorecards-bench-") as tmp:
        landing = Path(tmp) / "landing"
        (landing / "crm").mkdir(parents=True)
        csv_path = landing / "crm" / "activities_bench.csv"
        started = time.perf_counter()
        write_activities(csv_path, args.rows)
        written = time.perf_counter() - started
        size_mb = csv_path.stat().st_size / 1e6
        with duckdb.connect(str(Path(tmp) / "build.duckdb")) as con:
            started = time.perf_counter()
            summary = load_landing(con, landing)
            elapsed = time.perf_counter() - started
        [result] = summary.files
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"file: {args.rows:,} rows, {size_mb:,.0f} MB (written in {written:.1f} s)")
        print(
            f"status: {result.status}; read {result.rows_read:,}, accepted "
            f"{result.rows_accepted:,}, quarantined {result.rows_quarantined:,}"
        )
        print(
            f"ingest: {elapsed:.1f} s = {result.rows_read / elapsed:,.0f} rows/s "
            f"({size_mb / elapsed:,.0f} MB/s)"
        )
        print(f"peak RSS: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
