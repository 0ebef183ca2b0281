"""`scorecards sample`'s month end: publish early, close a month, land the late corrections.

The steps are the ones a user takes (docs in README.md, "A month end on the sample"): a run with
``--as-of``, ``scorecards close --month``, new files in landing/. They run here, through the
same runner and closing code, so that the one ``scorecards run`` after ``scorecards sample``
shows a closed month, its restatement and the clawback (sample_exports/story.py says what is
corrected and why).
"""

from __future__ import annotations

import sys

from core.runlock import HomeLocked, run_lock
from core.settings import Home
from publication.closing import CloseError, close_month
from sample_exports.story import Story, write_corrections
from scorecards.parser import EXIT_FAILED, EXIT_LOCKED, EXIT_OK


def tell_story(home: Home, story: Story, lang: str) -> int:
    """Run the three steps under the home's run lock; the exit code of the first that fails."""
    try:
        with run_lock(home.warehouse, command="scorecards sample"):
            return _steps(home, story, lang)
    except HomeLocked as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_LOCKED


def _steps(home: Home, story: Story, lang: str) -> int:
    from scorecards.runner import run_pipeline

    print(
        f"\nthe sample's month end, 1/3: a first publication as of {story.first_as_of} "
        f"(as `scorecards run --as-of {story.first_as_of}` would)"
    )
    outcome = run_pipeline(home, story.first_as_of, lang=lang)
    if not outcome.published:
        print("the sample's first publication failed:", file=sys.stderr)
        for message in [*outcome.faults, *outcome.failed_checks, *outcome.errors]:
            print(f"  {message}", file=sys.stderr)
        return EXIT_FAILED
    try:
        closed = close_month(home.warehouse, home.published_db, story.month)
    except CloseError as exc:
        print(f"the sample could not close {story.month}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"the sample's month end, 2/3: closed {closed.month} on version "
        f"{closed.closed_in_version} (as `scorecards close --month {closed.month}` would): "
        "its payouts are paid"
    )
    try:
        fixed = write_corrections(home.landing, home.published_db, story)
    except ValueError as exc:
        print(f"the sample could not correct {story.month}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"the sample's month end, 3/3: the ERP's late corrections landed in "
        f"{', '.join(fixed.files)}: invoice {fixed.invoice_id} of {story.month} with an 8 % "
        f"price concession, and credit note {fixed.credit_note_id} dated back into "
        f"{story.month}. The next `scorecards run` restates {story.month} and claws the "
        f"difference back from {fixed.user_id} (payout {fixed.payout_id} was paid)."
    )
    return EXIT_OK
