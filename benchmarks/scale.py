"""Scale benchmark: the pipeline against DuckDB's own floor and a plain pandas version.

    .venv/bin/python -m benchmarks.scale --scale medium [--home DIR] [--reuse]

In one invocation, on the same generated exports (``scorecards sample --scale``):

1. generation time and rows per second;
2. the pipeline end to end (``scorecards run``, a real process), with the time of each stage from
   its progress lines (ingest, the three dbt steps, the GX checks, publish, statements), landed
   rows per second, and the peak RSS of the largest process (the run or its dbt children);
3. the floor: one hand-written DuckDB SQL script over the landed files (declared column types);
4. pandas: the same computation as analysts write it today.

The three must agree on every figure before any time is printed as a comparison. What is
compared so far: the activity KPIs (calls, emails, meetings, visits, demos) per rep and month.
Revenue, bookings, collections and attainment are not yet in the floor or pandas versions
(docs/BENCHMARKS.md). Figures go to stdout; nothing here is a test.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from scorecards.sample import SCALES

STAGE_LINE = re.compile(r"✔ (?P<label>.+?) \((?P<seconds>[0-9.]+) s\)")
STAGES = {
    "ingest": "ingest",
    "dbt build: staging": "dbt: staging and dimensions",
    "dbt build: monthly": "dbt: monthly models",
    "dbt build: targets": "dbt: scorecards and payouts",
    "check ": "GX checks",
    "publish": "publish",
    "statements": "statements",
}
ACTIVITY_METRICS = ("calls", "emails", "meetings", "visits", "demos")

FLOOR_SQL = """
with activities as (
    select * from read_csv(
        $activities,
        header = true,
        columns = {
            'activity_id': 'varchar', 'owner_id': 'varchar', 'activity_type': 'varchar',
            'occurred_at': 'timestamp', 'account_id': 'varchar', 'opportunity_id': 'varchar',
            'duration_minutes': 'integer', 'outcome': 'varchar'
        },
        timestampformat = '%Y-%m-%d %H:%M'
    )
),
users as (
    select user_id from read_csv($users, header = true, all_varchar = true)
),
credited as (
    select
        case
            when activities.owner_id is null then 'unassigned'
            when users.user_id is null then 'unknown'
            else users.user_id
        end as user_id,
        activities.activity_type || 's' as metric,
        cast(date_trunc('month', activities.occurred_at) as date) as month_start
    from activities
    left join users on activities.owner_id = users.user_id
    where cast(activities.occurred_at as date) <= $as_of
)
select user_id, month_start, metric, count(*) as actual
from credited
group by all
order by all
"""


def floor(landing: Path, as_of: str) -> pd.DataFrame:
    with duckdb.connect() as con:
        return con.execute(
            FLOOR_SQL,
            {
                "activities": str(landing / "crm" / "activities_*.csv"),
                "users": str(landing / "crm" / "users.csv"),
                "as_of": as_of,
            },
        ).df()


def pandas_version(landing: Path, as_of: str) -> pd.DataFrame:
    frames = [
        pd.read_csv(path, dtype=str, keep_default_na=False)
        for path in sorted((landing / "crm").glob("activities_*.csv"))
    ]
    activities = pd.concat(frames, ignore_index=True)
    users = set(pd.read_csv(landing / "crm" / "users.csv", dtype=str).user_id)
    occurred = pd.to_datetime(activities.occurred_at, format="%Y-%m-%d %H:%M")
    activities = activities[occurred.dt.normalize() <= pd.Timestamp(as_of)]
    occurred = occurred[activities.index]
    owner = activities.owner_id
    activities = activities.assign(
        user_id=owner.where(owner.isin(users), "unknown").where(owner != "", "unassigned"),
        metric=activities.activity_type + "s",
        month_start=occurred.dt.to_period("M").dt.to_timestamp().dt.date,
    )
    counted = (
        activities.groupby(["user_id", "month_start", "metric"])
        .size()
        .rename("actual")
        .reset_index()
    )
    return counted.sort_values(["user_id", "month_start", "metric"]).reset_index(drop=True)


def published(home: Path) -> pd.DataFrame:
    with duckdb.connect(str(home / "warehouse" / "published.duckdb"), read_only=True) as con:
        return con.execute(
            "select scope_id as user_id, month_start, metric, cast(actual as bigint) as actual "
            "from fct_kpi_monthly where scope_type = 'rep' and metric in ? order by all",
            [list(ACTIVITY_METRICS)],
        ).df()


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.assign(
        month_start=pd.to_datetime(frame.month_start).dt.date, actual=frame.actual.astype("int64")
    )
    return out.sort_values(["user_id", "month_start", "metric"]).reset_index(drop=True)


GENERATED = re.compile(r"\((?P<rows>[0-9]+) rows\) to .* in (?P<seconds>[0-9.]+) s")


def generate(home: Path, scale: str) -> tuple[int, float]:
    script = Path(sys.executable).with_name("scorecards")
    completed = subprocess.run(
        [str(script), "sample", "--home", str(home), "--scale", scale, "--force"],
        capture_output=True,
        text=True,
        check=True,
    )
    match = GENERATED.search(completed.stdout)
    if match is None:
        raise SystemExit(f"unexpected output of scorecards sample: {completed.stdout}")
    return int(match.group("rows")), float(match.group("seconds"))


def run_pipeline(home: Path, as_of: str) -> tuple[float, dict[str, float], str]:
    script = Path(sys.executable).with_name("scorecards")
    started = time.perf_counter()
    completed = subprocess.run(
        [str(script), "run", "--home", str(home), "--as-of", as_of],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"scorecards run failed ({completed.returncode}):\n{completed.stdout}")
    stages: dict[str, float] = {}
    for match in STAGE_LINE.finditer(completed.stdout + completed.stderr):
        label = match.group("label")
        for prefix, stage in STAGES.items():
            if label.startswith(prefix):
                stages[stage] = stages.get(stage, 0.0) + float(match.group("seconds"))
    return seconds, stages, completed.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--home", type=Path, help="keep the data here (default: a temp folder)")
    parser.add_argument("--reuse", action="store_true", help="reuse the exports already in --home")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scorecards-scale-") as tmp:
        home = args.home or Path(tmp)
        landing = home / "landing"
        options = SCALES[args.scale]
        if not (args.reuse and any(landing.rglob("*.csv"))):
            # In a process of its own, so that the generator's memory is returned before the
            # pipeline runs (at the large scale it holds ~9 GB of frames).
            rows, generation = generate(home, args.scale)
            speed = rows / generation
            print(f"generate  {rows:>12,} rows  {generation:8.1f} s  {speed:,.0f} rows/s")
        else:
            rows = sum(1 for path in landing.rglob("*.*") for _ in path.open("rb")) - len(
                list(landing.rglob("*.*"))
            )
        year, month = (int(part) for part in options.start.split("-"))
        last = (year * 12 + month - 1) + options.months - 1
        as_of = f"{last // 12}-{last % 12 + 1:02d}-28"

        end_to_end, stages, _ = run_pipeline(home, as_of)
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss

        started = time.perf_counter()
        floor_figures = floor(landing, as_of)
        floor_seconds = time.perf_counter() - started
        started = time.perf_counter()
        pandas_figures = pandas_version(landing, as_of)
        pandas_seconds = time.perf_counter() - started

        pipeline_figures = normalised(published(home))
        for name, figures in (("floor", floor_figures), ("pandas", pandas_figures)):
            other = normalised(figures)
            if not other.equals(pipeline_figures):
                merged = pipeline_figures.merge(
                    other, on=["user_id", "month_start", "metric"], how="outer", indicator=True
                )
                diff = merged[
                    (merged._merge != "both") | (merged.actual_x != merged.actual_y)
                ].head(10)
                raise SystemExit(f"{name} disagrees with the pipeline:\n{diff}")
        print(f"figures   {len(pipeline_figures):,} rep-month activity KPIs agree in all three")

        print(f"\nscale {args.scale}: {rows:,} landed rows, as of {as_of}")
        for stage, seconds in stages.items():
            print(f"  {stage:<30} {seconds:8.1f} s  {100 * seconds / end_to_end:5.1f} %")
        print(f"  {'pipeline end to end':<30} {end_to_end:8.1f} s  {rows / end_to_end:,.0f} rows/s")
        print(f"  {'peak RSS (largest process)':<30} {peak_kb / 1024 / 1024:8.2f} GiB")
        print(f"  {'floor (DuckDB SQL, one script)':<30} {floor_seconds:8.2f} s")
        print(f"  {'pandas':<30} {pandas_seconds:8.2f} s")
        print(f"  pipeline / floor   {end_to_end / floor_seconds:8.1f} x")
        print(f"  pandas / pipeline  {pandas_seconds / end_to_end:8.2f} x")
        print(
            "  (floor and pandas compute the activity KPIs only; the pipeline computes every "
            "metric, target, scorecard and payout, and publishes)"
        )


if __name__ == "__main__":
    main()
