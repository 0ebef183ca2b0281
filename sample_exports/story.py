"""The bundled sample's month end: a month closed, then corrected by a late ERP export.

Closing a month, a late credit note, the restatement and the clawback are what finance meets
every month, and a new user should see them on the sample rather than read about them. So
``scorecards sample`` (scorecards/story.py) publishes the exports as of an early date, closes the
sample's second month on that publication, and only then lands the corrections written here:
the ERP re-exports one invoice of that month with an 8 % price concession on every line, and
posts a credit note returning a tenth of it, dated back into the closed month. The next
``scorecards run`` restates the month and claws the difference back from the rep who was paid.

The invoice is the largest one behind the closed month's largest revenue payout that is below
its cap (a capped payout would not move), read from the published copy's payout lines: the
corrections follow from the seed and the as-of date alone, like the rest of the sample.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import duckdb

from sample_exports.shapes import SampleOptions, month_starts

CONCESSION = Decimal("0.92")  # the corrected unit prices, as a share of the invoiced ones
RETURNED = Decimal("0.10")  # the credit note, as a share of the corrected invoice
CENT = Decimal("0.01")
CREDIT_DAY = 25  # the credit note's day in the closed month (or the invoice's, if later)

# The closed month's revenue payout to correct, and its largest invoice.
INVOICE_SQL = """
select lines.document_id, lines.source_file, payouts.user_id, payouts.payout_id
from payouts
inner join payout_lines as lines
    on payouts.payout_id = lines.payout_id
where
    payouts.metric = 'revenue'
    and payouts.period_start = ?
    and payouts.earned_amount > 0
    and payouts.capped_attainment < payouts.cap
    and lines.line_type = 'transaction'
    and lines.source_entity = 'invoice'
    and lines.amount_original > 0
order by payouts.earned_amount desc, lines.amount_base desc, lines.document_id
limit 1
"""


@dataclass(frozen=True)
class Story:
    closed_month: dt.date  # its first day
    first_as_of: dt.date  # the earlier publication that the month is closed on

    @property
    def month(self) -> str:
        return f"{self.closed_month:%Y-%m}"


@dataclass(frozen=True)
class Corrections:
    user_id: str
    payout_id: str
    invoice_id: str
    credit_note_id: str
    files: tuple[str, ...]  # under landing/, as written


def plan_story(options: SampleOptions) -> Story | None:
    """The month to close and the first publication's as-of date (the 10th of the month after);
    none for a sample of fewer than three months."""
    months = month_starts(options.start, options.months)
    if len(months) < 3:
        return None
    return Story(closed_month=months[1], first_as_of=months[2].replace(day=10))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_corrections(landing: Path, published_db: Path, story: Story) -> Corrections:
    """Land the corrected invoice, its lines and the credit note, as the ERP exports them a
    month after the close (``erp/invoices_corrections_<month>.csv`` and its lines' file)."""
    with duckdb.connect(str(published_db), read_only=True) as con:
        found = con.execute(INVOICE_SQL, [story.closed_month]).fetchall()
    if not found:
        raise ValueError(
            f"no revenue payout below its cap was earned in {story.month}: "
            "the sample has nothing to correct"
        )
    invoice_id, source_file, user_id, payout_id = found[0]
    header, invoices = _rows(landing / source_file)
    invoice = next(row for row in invoices if row["invoice_id"] == invoice_id)
    line_header, all_lines = _rows(landing / "erp" / "invoice_lines.csv")
    lines = [dict(row) for row in all_lines if row["invoice_id"] == invoice_id]
    for line in lines:
        unit_price = _cents(Decimal(line["unit_price"]) * CONCESSION)
        line["unit_price"] = str(unit_price)
        line["amount_net"] = str(_cents(unit_price * Decimal(line["quantity"])))
    old_net, old_tax = Decimal(invoice["amount_net"]), Decimal(invoice["tax_amount"] or "0")
    new_net = sum((Decimal(line["amount_net"]) for line in lines), Decimal("0.00"))
    changed = {
        **invoice,
        "amount_net": str(new_net),
        "tax_amount": str(_cents(old_tax * new_net / old_net)),
    }
    invoiced_on = dt.date.fromisoformat(invoice["invoice_date"])
    credit_day = max(story.closed_month.replace(day=CREDIT_DAY), invoiced_on)
    credit_net = _cents(new_net * RETURNED)
    credit = {
        **invoice,
        "invoice_id": f"CN-{invoice_id}",
        "invoice_date": credit_day.isoformat(),
        "amount_net": str(credit_net),
        "tax_amount": str(_cents(old_tax * credit_net / old_net)),
        "document_type": "credit_note",
    }
    landed = f"{story.first_as_of:%Y-%m}"
    names = (
        f"erp/invoices_corrections_{landed}.csv",
        f"erp/invoice_lines_corrections_{landed}.csv",
    )
    _write(landing / names[0], header, [changed, credit])
    _write(landing / names[1], line_header, lines)
    return Corrections(user_id, payout_id, invoice_id, credit["invoice_id"], names)
