"""Scale benchmark: the pipeline against DuckDB's own floor and a plain pandas version.

    .venv/bin/python -m benchmarks.scale --scale medium [--home DIR] [--reuse]

In one invocation, on the same generated exports (``scorecards sample --scale``):

1. generation time and rows per second;
2. the pipeline end to end (``scorecards run``, a real process), with the time of each stage from
   its progress lines (ingest, dbt, the GX checks, publish, statements), landed
   rows per second, and the peak RSS of the largest process (the run or its dbt children) and
   of all the run's processes together (sampled);
3. the floor: one hand-written DuckDB SQL script over the landed files (declared column types);
4. pandas: the same computation as analysts write it today.

The three must agree on every figure, to the cent, before any time is printed: per rep (and the
unknown and unassigned members) and month, bookings, pipeline created, revenue, collections and
the five activity counts, and revenue attainment against the rep's prorated monthly target with
the target itself. Figures go to stdout; nothing here is a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

from benchmarks import pandas_version
from benchmarks.pandas_version import SIX_PLACES
from core.settings import base_currency
from sample_exports.generator import SCALES

STAGE_LINE = re.compile(r"✔ (?P<label>.+?) \((?P<seconds>[0-9.]+) s\)")
DBT_STAGE = "dbt (staging to payouts)"
STAGES = {
    "ingest": "ingest",
    # One dbt invocation for a run of every month (orchestration/assets/dbt.py).
    "dbt build": DBT_STAGE,
    "check ": "GX checks",
    "publish": "publish",
    "statements": "statements",
}
KPI_METRICS = (
    "bookings",
    "pipeline_created",
    "revenue",
    "collections",
    "calls",
    "emails",
    "meetings",
    "visits",
    "demos",
)
FLOOR_SQL = Path(__file__).with_name("floor.sql")
# Floor division in exact integers for a positive divisor (DuckDB's // truncates toward zero).
FLOOR_DIV = """
create or replace temp macro floor_div(n, d) as
    case when n >= 0 then n // d else -((-n + d - 1) // d) end
"""


def floor(landing: Path, as_of: str, base: str) -> pd.DataFrame:
    """Run benchmarks/floor.sql over the landed files."""
    crm, erp, plan = landing / "crm", landing / "erp", landing / "plan"
    parameters = {
        "users": str(crm / "users.csv"),
        "team_assignments": str(crm / "team_assignments.csv"),
        "accounts": str(crm / "accounts.csv"),
        "opportunities_csv": str(crm / "opportunities_*.csv"),
        "opportunities_jsonl": str(crm / "opportunities_*.jsonl"),
        "opportunity_splits": str(crm / "opportunity_splits.csv"),
        "activities": str(crm / "activities_*.csv"),
        "customers": str(erp / "customers.csv"),
        "sales_orders": str(erp / "sales_orders.csv"),
        "invoices": str(erp / "invoices.csv"),
        "payments": str(erp / "payments.csv"),
        "fx_rates": str(erp / "fx_rates.csv"),
        "targets": str(plan / "targets.csv"),
        "as_of": as_of,
        "base": base,
    }
    with duckdb.connect() as con:
        con.execute(FLOOR_DIV)
        return con.execute(FLOOR_SQL.read_text(), parameters).df()


def published(home: Path) -> pd.DataFrame:
    """The same figures from the published warehouse: fct_kpi_monthly and scorecard_attainment."""
    with duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True) as con:
        return con.execute(
            """
            with figures as (
            select scope_id as user_id, month_start, metric as figure,
                cast(actual as decimal(38, 6)) as amount
            from fct_kpi_monthly
            where scope_type = 'rep' and metric in (select unnest(?))
            union all
            select scope_id, period_month, 'revenue_target', cast(target as decimal(38, 6))
            from scorecard_attainment
            where
                scope_type = 'rep' and metric = 'revenue' and period_grain = 'month'
                and target > 0
            union all
            select scope_id, period_month, 'revenue_attainment',
                cast(attainment as decimal(38, 6))
            from scorecard_attainment
            where
                scope_type = 'rep' and metric = 'revenue' and period_grain = 'month'
                and target > 0
            )
            select user_id, month_start, figure, cast(amount as varchar) as amount from figures
            """,
            [list(KPI_METRICS)],
        ).df()


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as dates and amounts as DECIMAL(38, 6) text, sorted: the three compare exactly."""
    amounts = [
        None if value is None else str(Decimal(str(value)).quantize(SIX_PLACES))
        for value in frame.amount
    ]
    out = pd.DataFrame(
        {
            "user_id": frame.user_id.astype(str),
            "month_start": pd.to_datetime(frame.month_start).dt.date,
            "figure": frame.figure.astype(str),
            "amount": amounts,
        }
    )
    return out.sort_values(["user_id", "month_start", "figure"]).reset_index(drop=True)


GENERATED = re.compile(r"\((?P<rows>[0-9]+) rows\) to .* in (?P<seconds>[0-9.]+) s")


# Runs a command and writes two peaks (KiB): the largest single process (it or a child it waited
# for) and all its processes together. A child's peak as the parent sees it (wait4,
# RUSAGE_CHILDREN) starts from the parent's own size at the fork: after the pandas version at the
# large scale this process holds gigabytes, and a run started then reported 8.91 GiB. Started
# from this small interpreter instead, the command's peak is its own. The total is what the
# machine must hold at once (the run beside its dbt process, or its statement writers): the RSS
# of every process descending from the command, read from /proc every SAMPLE seconds (Linux).
MEASURE = """
import os, resource, subprocess, sys, threading
SAMPLE = 0.2
def parents():
    found = {}
    for name in os.listdir("/proc"):
        try:
            with open(f"/proc/{name}/stat") as stat:
                found[int(name)] = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            pass
    return found
def resident(pid):
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
def sample(root, done, peak):
    while not done.wait(SAMPLE):
        by_parent = {}
        for pid, parent in parents().items():
            by_parent.setdefault(parent, []).append(pid)
        tree, todo = [], [root]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(by_parent.get(pid, []))
        peak[0] = max(peak[0], sum(resident(pid) for pid in tree))
child = subprocess.Popen(sys.argv[2:])
done, total = threading.Event(), [0]
sampler = threading.Thread(target=sample, args=(child.pid, done, total), daemon=True)
sampler.start()
code = child.wait()
done.set()
sampler.join()
largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as peak:
    peak.write(f"{largest} {max(largest, total[0] // 1024)}")
sys.exit(code if code >= 0 else 128 - code)
"""


class Measured(NamedTuple):
    code: int
    output: str  # stdout, then stderr
    peak: float  # GiB: the largest single process (the command or a child it waited for)
    together: float  # GiB: all the command's processes at once (sampled), at least ``peak``


def run_measured(command: list[str]) -> Measured:
    """Run ``command`` from a small intermediate process (MEASURE), so neither this process's
    size nor the generator's memory counts as the run's; its exit code, output and peaks."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        peak_file = Path(tmp) / "peak_kib"
        code = subprocess.call(
            [sys.executable, "-c", MEASURE, str(peak_file), *command], stdout=out, stderr=err
        )
        out.seek(0)
        err.seek(0)
        output = out.read().decode("utf-8", "replace") + err.read().decode("utf-8", "replace")
        largest, together = (
            (int(kib) for kib in peak_file.read_text().split()) if peak_file.exists() else (0, 0)
        )
    return Measured(code, output, largest / 1024 / 1024, together / 1024 / 1024)


def generate(home: Path, scale: str) -> tuple[int, float, float]:
    """Rows landed, seconds and peak RSS (GiB) of ``scorecards sample --scale``."""
    script = Path(sys.executable).with_name("scorecards")
    code, output, peak, _ = run_measured(
        # Exports only: the bundled sample's month end (a first publication) is not the work
        # measured here.
        [str(script), "sample", "--home", str(home), "--scale", scale, "--force", "--no-story"]
    )
    match = GENERATED.search(output)
    if code != 0 or match is None:
        raise SystemExit(f"scorecards sample failed ({code}):\n{output}")
    return int(match.group("rows")), float(match.group("seconds")), peak


def run_pipeline(
    home: Path, as_of: str, month: str | None = None
) -> tuple[float, dict[str, float], tuple[float, float]]:
    """Seconds end to end, seconds per stage (from the progress lines) and peak RSS (GiB) of
    the largest process and of all the run's processes together."""
    script = Path(sys.executable).with_name("scorecards")
    started = time.perf_counter()
    code, output, peak, together = run_measured(
        [str(script), "run", "--home", str(home), "--as-of", as_of]
        + (["--month", month] if month else [])
    )
    seconds = time.perf_counter() - started
    # Kept beside the data: a long run's output must survive a benchmark that fails later.
    log = home / f"benchmark_run{'_' + month if month else ''}.log"
    log.write_text(output, encoding="utf-8")
    if code != 0:
        raise SystemExit(f"scorecards run failed ({code}):\n{output}")
    stages: dict[str, float] = {}
    for match in STAGE_LINE.finditer(output):
        label = match.group("label")
        for prefix, stage in STAGES.items():
            if label.startswith(prefix):
                stages[stage] = stages.get(stage, 0.0) + float(match.group("seconds"))
    return seconds, stages, (peak, together)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument(
        "--home",
        type=Path,
        help="keep the data here (default: a temp folder); its warehouse/ and reports/ are "
        "deleted before the build, which must start cold",
    )
    parser.add_argument("--reuse", action="store_true", help="reuse the exports already in --home")
    parser.add_argument(
        "--no-run",
        action="store_true",
        help="skip the pipeline and compare with the publication already in --home (for work on "
        "the floor and pandas versions; prints no pipeline figures)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scorecards-scale-") as tmp:
        home = args.home or Path(tmp)
        landing = home / "landing"
        options = SCALES[args.scale]
        if not (args.reuse and any(landing.rglob("*.csv"))):
            # In a process of its own, so that the generator's memory is returned before the
            # pipeline runs (at the large scale it peaks at ~3 GiB).
            rows, generation, generator_peak = generate(home, args.scale)
            speed = rows / generation
            print(
                f"generate  {rows:>12,} rows  {generation:8.1f} s  {speed:,.0f} rows/s  "
                f"peak RSS {generator_peak:.2f} GiB",
                flush=True,
            )
        else:
            # Rows landed: lines of every export less the CSV headers (JSON Lines have none).
            files = [path for path in landing.rglob("*.*") if path.is_file()]
            lines = sum(1 for path in files for _ in path.open("rb"))
            rows = lines - sum(1 for path in files if path.suffix == ".csv")
        year, month = (int(part) for part in options.start.split("-"))
        last = (year * 12 + month - 1) + options.months - 1
        as_of = f"{last // 12}-{last % 12 + 1:02d}-28"

        if args.no_run:
            end_to_end, stages, peaks = float("nan"), {}, (float("nan"), float("nan"))
        else:
            # A cold build: ingest loads only files it has not seen, so an earlier run's
            # warehouse would hide the ingest cost (and its publication the first version's).
            for folder in ("warehouse", "reports"):
                shutil.rmtree(home / folder, ignore_errors=True)
            end_to_end, stages, peaks = run_pipeline(home, as_of)
        base = base_currency()
        started = time.perf_counter()
        floor_figures = floor(landing, as_of, base)
        floor_seconds = time.perf_counter() - started
        started = time.perf_counter()
        pandas_figures = pandas_version.compute(landing, as_of, base)
        pandas_seconds = time.perf_counter() - started

        pipeline_figures = normalised(published(home))
        for name, figures in (("floor", floor_figures), ("pandas", pandas_figures)):
            other = normalised(figures)
            if not other.equals(pipeline_figures):
                keys = ["user_id", "month_start", "figure"]
                merged = pipeline_figures.merge(other, on=keys, how="outer", indicator=True)
                diff = merged[(merged._merge != "both") | (merged.amount_x != merged.amount_y)]
                raise SystemExit(
                    f"{name} disagrees with the pipeline on {len(diff):,} figures "
                    f"(amount_x: pipeline, amount_y: {name}):\n{diff.head(20).to_string()}"
                )
        counts = pipeline_figures.figure.value_counts()
        print(
            f"figures   {len(pipeline_figures):,} rep-month figures agree in all three "
            f"({counts.get('revenue_attainment', 0):,} revenue attainments, "
            f"{len(counts) - 2} KPIs)"
        )

        if args.no_run:
            print(f"floor {floor_seconds:.2f} s, pandas {pandas_seconds:.2f} s (no pipeline run)")
            return
        print(f"\nscale {args.scale}: {rows:,} landed rows, as of {as_of}")
        for stage, seconds in stages.items():
            print(f"  {stage:<30} {seconds:8.1f} s  {100 * seconds / end_to_end:5.1f} %")
        print(f"  {'pipeline end to end':<30} {end_to_end:8.1f} s  {rows / end_to_end:,.0f} rows/s")
        print(f"  {'peak RSS (largest process)':<30} {peaks[0]:8.2f} GiB")
        print(f"  {'peak RSS (all processes)':<30} {peaks[1]:8.2f} GiB  (target 6)")
        print(f"  {'floor (DuckDB SQL, one script)':<30} {floor_seconds:8.2f} s")
        print(f"  {'pandas':<30} {pandas_seconds:8.2f} s")
        to_figures = sum(
            seconds for stage, seconds in stages.items() if stage.startswith(("ingest", "dbt"))
        )
        checks = stages.get("GX checks", 0.0)
        print(f"  {'ingest + dbt (the figures)':<30} {to_figures:8.1f} s")
        print(f"  pipeline / floor             {end_to_end / floor_seconds:8.1f} x  (target 2)")
        print(f"  ingest + dbt / floor         {to_figures / floor_seconds:8.1f} x")
        print(f"  pandas / pipeline            {pandas_seconds / end_to_end:8.2f} x  (target 10)")
        print(f"  pandas / ingest + dbt        {pandas_seconds / to_figures:8.2f} x")
        print(f"  GX checks / pipeline         {checks / end_to_end:8.2f}    (target 0.1)")
        print(
            "  (floor and pandas compute the KPIs above and revenue attainment; the pipeline "
            "also builds every other metric, target tier, roll-up, scorecard, payout and "
            "statement, runs the checks and publishes)",
            flush=True,
        )

        # One month again, inputs unchanged: what the orchestrator rebuilds when a month lands
        # (the month, plus any month the new rows touch). Last, because at the large scale it
        # is as long as the full run; the figures printed above stand without it. The latest
        # partition at or before the as-of month (partitions end at the current month).
        incremental_month = min(as_of[:7], dt.date.today().strftime("%Y-%m"))
        incremental, incremental_stages, incremental_peaks = run_pipeline(
            home, as_of, incremental_month
        )
        again = normalised(published(home))
        if not again.equals(pipeline_figures):
            raise SystemExit(f"the one-month run changed the published figures ({args.scale})")
        print(
            f"  {'one month again (--month ' + incremental_month + ')':<30} {incremental:8.1f} s  "
            f"(dbt {incremental_stages.get(DBT_STAGE, float('nan')):.1f} s "
            f"vs {stages.get(DBT_STAGE, float('nan')):.1f} s; same published figures)"
        )
        print(f"  one month / full build       {incremental / end_to_end:8.2f}    (target 0.2)")
        print(
            f"  {'one month: peak RSS':<30} {incremental_peaks[0]:8.2f} GiB largest process, "
            f"{incremental_peaks[1]:.2f} GiB all processes"
        )


if __name__ == "__main__":
    main()
