"""The bundled sample's month end, as `scorecards sample` then one `scorecards run` leave it.

`scorecards sample` publishes as of 2026-03-10, closes February on that version, then lands the
ERP's late corrections: one February invoice behind a paid revenue payout re-priced at 92 % of
its unit prices, and a credit note of a tenth of it dated 2026-02-25 (sample_exports/story.py).
The run as of 2026-04-15 must keep February as paid, restate it, and post the difference in
April as clawback lines on the two documents, every figure redone here from the files.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.test_fixture_pipeline import published

pytestmark = pytest.mark.slow

D = decimal.Decimal
CENT = D("0.01")
FEBRUARY = dt.date(2026, 2, 1)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def home(sample_build) -> Path:
    return sample_build / "home"


def test_sample_tells_each_step_of_its_month_end(sample_build, home):
    printed = (sample_build / "sample.stdout").read_text(encoding="utf-8")
    assert "month end, 1/3: a first publication as of 2026-03-10" in printed
    assert "month end, 2/3: closed 2026-02 on version 1" in printed
    assert "month end, 3/3: the ERP's late corrections landed" in printed
    closed = json.loads((home / "warehouse" / "closed_months.json").read_text(encoding="utf-8"))
    assert [(c["month"], c["closed_in_version"], c["as_of_date"]) for c in closed] == [
        ("2026-02", 1, "2026-03-10")
    ]
    versions = published(home, "select version, as_of_date from publication_log order by 1")
    assert versions == [(1, dt.date(2026, 3, 10)), (2, dt.date(2026, 4, 15))]


def test_the_corrected_invoice_is_a_consistent_export(home):
    """The changed invoice's lines are re-priced at 92 % (to the cent) and sum to its new net
    amount; the credit note is a tenth of it, dated back into February."""
    erp = home / "landing" / "erp"
    original = {r["invoice_id"]: r for r in rows(erp / "invoices.csv")}
    changed, credit = rows(erp / "invoices_corrections_2026-03.csv")
    before = {
        r["line_no"]: r
        for r in rows(erp / "invoice_lines.csv")
        if r["invoice_id"] == changed["invoice_id"]
    }
    after = rows(erp / "invoice_lines_corrections_2026-03.csv")
    assert after and {r["line_no"] for r in after} == set(before)
    for line in after:
        price = (D(before[line["line_no"]]["unit_price"]) * D("0.92")).quantize(CENT)
        assert D(line["unit_price"]) == price
        assert D(line["amount_net"]) == price * D(line["quantity"])
    assert D(changed["amount_net"]) == sum(D(r["amount_net"]) for r in after)
    assert D(changed["amount_net"]) < D(original[changed["invoice_id"]]["amount_net"])
    assert credit["document_type"] == "credit_note"
    assert credit["invoice_id"] == f"CN-{changed['invoice_id']}"
    assert D(credit["amount_net"]) == (D(changed["amount_net"]) / 10).quantize(CENT)
    assert dt.date.fromisoformat(credit["invoice_date"]).replace(day=1) == FEBRUARY


def test_february_stays_paid_and_the_difference_is_clawed_back_in_april(home):
    """Redo the February payout on the restated attainment through the plan's curve, by hand:
    the April clawback is what it earns now less what was paid, spread over the two documents."""
    invoice = rows(home / "landing" / "erp" / "invoices_corrections_2026-03.csv")[0]
    [(user_id, plan_id, paid, paid_as_of, prorated, weight, target)] = published(
        home,
        "select user_id, plan_id, payout_amount, paid_as_of_date, prorated_incentive, weight, "
        "target from payouts where period_start = ? and metric = 'revenue' "
        "and period_status = 'paid' and payout_amount > 0",
        [FEBRUARY],
    )
    assert paid_as_of == dt.date(2026, 3, 10)
    restated = published(
        home,
        "select old_value, new_value from restatements where version = 2 and scope_type = 'rep' "
        "and scope_id = ? and metric = 'revenue' and period_grain = 'month' "
        "and column_name = 'actual'",
        [user_id],
    )
    [(old_actual, new_actual)] = [(D(old), D(new)) for old, new in restated]
    clawed = published(
        home,
        "select document_id, original_period_start, amount_base, line_amount, source_file "
        "from payout_lines where user_id = ? and line_type = 'clawback' order by document_id",
        [user_id],
    )
    assert [(r[0], r[1], r[4]) for r in clawed] == [
        (f"CN-{invoice['invoice_id']}", FEBRUARY, "erp/invoices_corrections_2026-03.csv"),
        (invoice["invoice_id"], FEBRUARY, "erp/invoices_corrections_2026-03.csv"),
    ]
    # The restatement's difference is the two documents' change.
    assert new_actual - old_actual == sum(r[2] for r in clawed)
    attainment = (new_actual / target).quantize(D("0.000001"), decimal.ROUND_HALF_UP)
    segments = published(
        home,
        "select attainment_from, payout_at_from, slope from dim_payout_curves "
        "where plan_id = ? and attainment_from <= ? order by attainment_from desc limit 1",
        [plan_id, attainment],
    )
    [(start, at_start, slope)] = segments
    fraction = (at_start + slope * (attainment - start)).quantize(
        D("0.000001"), decimal.ROUND_HALF_UP
    )
    earned_now = (prorated * weight * fraction).quantize(CENT, decimal.ROUND_HALF_UP)
    clawback = sum(r[3] for r in clawed)
    assert clawback == earned_now - paid < 0
    [(april_clawback,)] = published(
        home,
        "select sum(clawback_amount) from payouts where user_id = ? and period_start = ?",
        [user_id, dt.date(2026, 4, 1)],
    )
    assert april_clawback == clawback


def test_april_statement_shows_the_clawback_lines_and_redoes_to_its_payout(home):
    from publication.statements import period_label, statement_stem
    from tests.publication.statement_cells import is_date_cell, recompute, table_rows

    [(user_id, name, plan_id, amount)] = published(
        home,
        "select payouts.user_id, users.full_name, payouts.plan_id, sum(payouts.payout_amount) "
        "from payouts left join dim_users as users using (user_id) "
        "where payouts.period_start = '2026-04-01' and payouts.user_id in "
        "(select user_id from payout_lines where line_type = 'clawback') group by all",
    )
    stem = statement_stem(period_label("month", dt.date(2026, 4, 1)), user_id, name, plan_id)
    path = home / "reports" / "statements" / f"{stem}.xlsx"
    assert sum(recompute(path).values()) == amount
    book = openpyxl.load_workbook(path)
    lines, _ = table_rows(book["Lines"], "Lines")
    clawbacks = [row for row in lines if row["Line type"] == "Clawback"]
    assert len(clawbacks) == 2
    assert {row["Corrects period"] for row in clawbacks} == {dt.datetime(2026, 2, 1)}
    corrects = [r[2] for r in book["Lines"].iter_rows(min_row=2) if r[1].value == "Clawback"]
    assert len(corrects) == 2 and all(is_date_cell(cell) for cell in corrects)
