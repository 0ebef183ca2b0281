"""The partitions a run records as materialized are the months it rebuilt (pure, no run)."""

from __future__ import annotations

import datetime as dt

from orchestration.partitions import (
    MONTHLY_PARTITIONS,
    MonthPlan,
    partitions_rebuilt_beyond_the_run,
)


def _plan(months: list[dt.date] | None) -> MonthPlan:
    return MonthPlan(months, [], [], "test")


def test_stale_months_added_to_a_partition_run_are_recorded_too():
    keys = MONTHLY_PARTITIONS.get_partition_keys()
    asked, stale = keys[-1], keys[0]
    months = [dt.datetime.strptime(k, "%Y-%m").date() for k in (stale, asked)]
    assert partitions_rebuilt_beyond_the_run(_plan(months), [asked]) == [stale]


def test_a_partition_run_that_rebuilt_only_its_month_records_nothing_more():
    asked = MONTHLY_PARTITIONS.get_partition_keys()[-1]
    month = dt.datetime.strptime(asked, "%Y-%m").date()
    assert partitions_rebuilt_beyond_the_run(_plan([month]), [asked]) == []


def test_a_full_rebuild_from_one_partition_records_every_other_partition():
    keys = MONTHLY_PARTITIONS.get_partition_keys()
    assert partitions_rebuilt_beyond_the_run(_plan(None), [keys[3]]) == keys[:3] + keys[4:]
    assert partitions_rebuilt_beyond_the_run(_plan(None), keys) == []


def test_months_before_the_first_partition_are_not_partitions():
    first = dt.datetime.strptime(MONTHLY_PARTITIONS.get_first_partition_key(), "%Y-%m").date()
    earlier = (first - dt.timedelta(days=1)).replace(day=1)
    assert partitions_rebuilt_beyond_the_run(_plan([earlier]), []) == []
