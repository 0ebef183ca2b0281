"""The sample's month end without a pipeline: which month, which date, and a clear refusal."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from sample_exports.shapes import SampleOptions
from sample_exports.story import Story, plan_story, write_corrections


@pytest.mark.parametrize(
    ("start", "months", "closed", "first_as_of"),
    [
        ("2026-01", 12, dt.date(2026, 2, 1), dt.date(2026, 3, 10)),
        ("2026-01", 3, dt.date(2026, 2, 1), dt.date(2026, 3, 10)),
        ("2026-11", 4, dt.date(2026, 12, 1), dt.date(2027, 1, 10)),
    ],
)
def test_the_second_month_is_closed_on_a_run_as_of_the_tenth_of_the_third(
    start, months, closed, first_as_of
):
    story = plan_story(SampleOptions(start=start, months=months))
    assert story == Story(closed_month=closed, first_as_of=first_as_of)
    assert story.month == f"{closed:%Y-%m}"


def test_no_month_end_for_fewer_than_three_months():
    assert plan_story(SampleOptions(months=2)) is None


def test_nothing_to_correct_is_refused_naming_the_month(tmp_path):
    """A publication with no revenue payout earned below its cap in the month (here, one capped
    at 2.0 and one that earned nothing) has no invoice the story can correct."""
    db = tmp_path / "published.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "create table payouts as select * from (values "
            "('P1', 'U1', 'revenue', date '2026-02-01', 100.00, 2.0, 2.0), "
            "('P2', 'U2', 'revenue', date '2026-02-01', 0.00, 0.4, 2.0)) "
            "as t(payout_id, user_id, metric, period_start, earned_amount, capped_attainment, cap)"
        )
        con.execute(
            "create table payout_lines as select * from (values "
            "('P1', 'transaction', 'invoice', 'INV1', 100.00, 100.00, 'erp/invoices.csv'), "
            "('P2', 'transaction', 'invoice', 'INV2', 50.00, 50.00, 'erp/invoices.csv')) "
            "as t(payout_id, line_type, source_entity, document_id, amount_original, "
            "amount_base, source_file)"
        )
    story = Story(closed_month=dt.date(2026, 2, 1), first_as_of=dt.date(2026, 3, 10))
    with pytest.raises(ValueError, match="no revenue payout below its cap was earned in 2026-02"):
        write_corrections(tmp_path / "landing", db, story)
    assert not (tmp_path / "landing").exists()
