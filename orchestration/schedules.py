"""Schedules: the daily refresh of the open month and the monthly close run.

Both run the main job with the as-of date set to the day the tick is for (not the wall clock of
the moment it runs), so a late or re-run tick publishes the same figures. The daily refresh is a
run of the open month's partition (the monthly models rebuild that month, plus any month whose
inputs changed); the close rebuilds every month in one run.
"""

import datetime as dt

import dagster as dg

from core.runlock import holder, is_locked
from core.settings import Home
from orchestration.jobs import scorecards_job
from orchestration.partitions import MONTHLY_PARTITIONS, PARTITION_FORMAT, all_partitions_tags

TIMEZONE = "UTC"


def as_of_run_config(as_of: dt.date) -> dict[str, object]:
    """Run config that pins the run's as-of date (it flows to dbt vars and the checks)."""
    return {"resources": {"scorecards": {"config": {"as_of": as_of.isoformat()}}}}


def open_month_partition(as_of: dt.date) -> str | None:
    """The partition key of the as-of month, or None when it is not a partition (a month before
    SCORECARDS_FIRST_MONTH): the run then covers every partition."""
    key = as_of.strftime(PARTITION_FORMAT)
    return key if MONTHLY_PARTITIONS.has_partition_key(key) else None


def _tick_date(context: dg.ScheduleEvaluationContext) -> dt.date:
    return context.scheduled_execution_time.date()


def home_busy() -> dg.SkipReason | None:
    """A reason to skip the tick while another run holds the home (core/runlock.py): the
    run it would start would be refused anyway."""
    warehouse = Home.resolve().warehouse
    if is_locked(warehouse):
        return dg.SkipReason(f"another run holds the home: {holder(warehouse)}")
    return None


@dg.schedule(
    job=scorecards_job,
    cron_schedule="0 6 * * *",
    execution_timezone=TIMEZONE,
    description="Every morning: refresh the open month as of today (ingest, build, gate, publish).",
)
def daily_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    if (busy := home_busy()) is not None:
        return busy
    as_of = _tick_date(context)
    partition = open_month_partition(as_of)
    return dg.RunRequest(
        run_key=f"daily-{as_of.isoformat()}",
        run_config=as_of_run_config(as_of),
        partition_key=partition,
        tags={
            "scorecards/as_of": as_of.isoformat(),
            "scorecards/kind": "daily",
            **({} if partition else all_partitions_tags()),
        },
    )


@dg.schedule(
    job=scorecards_job,
    cron_schedule="0 7 3 * *",
    execution_timezone=TIMEZONE,
    description="On the 3rd of each month: the close run for the month that just ended, as of the "
    "3rd (late documents of the 1st and 2nd included). Closing the month stays a human decision: "
    "`scorecards close --month` after finance has reviewed the publication.",
)
def monthly_close(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    if (busy := home_busy()) is not None:
        return busy
    as_of = _tick_date(context)
    ended = (as_of.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return dg.RunRequest(
        run_key=f"close-{ended}",
        run_config=as_of_run_config(as_of),
        tags={
            "scorecards/as_of": as_of.isoformat(),
            "scorecards/kind": "close",
            "month": ended,
            **all_partitions_tags(),
        },
    )
