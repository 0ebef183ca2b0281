"""The sample's ERP exports: customers, products, orders, invoices and lines (a credit note,
a void invoice, invoices with no rep), partial payments, weekday FX rates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sample_exports.shapes import (
    PRODUCT_LINES,
    Deferred,
    Export,
    SampleState,
    deferred_text,
    money,
    sql_id,
    sql_money,
    sql_pick,
)


def draw_erp(g: SampleState, accounts: pd.DataFrame, opportunities: Deferred) -> dict[str, Export]:
    rng = g.rng
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(1, len(accounts) + 1)],
            "customer_name": [f"客户{i:05d}有限公司" for i in range(1, len(accounts) + 1)],
            "crm_account_id": accounts.account_id,
            "tax_id": [f"91310000{i:010d}" for i in range(1, len(accounts) + 1)],
            "country": "CN",
        }
    )
    walk_in = pd.DataFrame(
        [
            {
                "customer_id": "C99999",
                "customer_name": "零售散客",
                "crm_account_id": "",
                "tax_id": "",
                "country": "CN",
            }
        ]
    )
    customers = pd.concat([customers, walk_in], ignore_index=True)
    products = pd.DataFrame(
        {
            "sku": [f"SKU-{i:03d}" for i in range(1, 11)],
            "product_name": [f"Product {i}" for i in range(1, 11)],
            "product_line": [PRODUCT_LINES[i % 3] for i in range(10)],
            "unit_cost": money(
                np.array([400, 650, 300, 1200, 800, 950, 250, 500, 700, 1000]) * 100
            ),
            "currency": "CNY",
        }
    )
    product_price = np.array([1000, 1500, 800, 2500, 1800, 2000, 600, 1200, 1600, 2200]) * 100
    opportunity = opportunities.frame
    won = opportunity[opportunity.won.to_numpy()].reset_index(drop=True)
    k = len(won)
    order_date = won.close.to_numpy() + rng.integers(0, 5, k).astype("timedelta64[D]")
    # -1: no rep on the order (its invoices fall back to the opportunity owner).
    order_rep = np.where(rng.random(k) < 0.15, -1, won.owner.to_numpy())
    rep_text = "case when rep < 0 then '' else list_extract($owners, rep + 1) end"
    owners = opportunities.params["owners"]
    orders = Deferred(
        pd.DataFrame(
            {
                "number": np.arange(1, k + 1, dtype=np.int64),
                "ordered": order_date,
                # Customer i is account i's (customers are made one per account, in order).
                "customer": won.account.to_numpy(),
                "opportunity": won.number.to_numpy(),
                "rep": order_rep.astype(np.int32),
                "currency": won.currency.to_numpy(),
            }
        ),
        {
            "order_id": sql_id("SO", "number", 6),
            "order_date": "strftime(ordered, '%Y-%m-%d')",
            "customer_id": sql_id("C", "customer", 5),
            "crm_opportunity_id": sql_id("OP", "opportunity", 6),
            "sales_rep_id": rep_text,
            "currency": sql_pick("currency", "currencies"),
            "status": "'fulfilled'",
        },
        {"owners": owners, "currencies": ["CNY", "USD"]},
    )
    # Invoices: one per won deal and installment, a month apart; the deal amount split into
    # equal installments to the cent (the last takes the remainder).
    parts = g.o.installments
    deal_of = np.repeat(np.arange(k), parts)
    installment = np.tile(np.arange(parts), k)
    deal_cents = won.cents.to_numpy()
    k = len(deal_of)
    invoice_date = order_date[deal_of] + (rng.integers(1, 12, k) + 30 * installment).astype(
        "timedelta64[D]"
    )
    keep = invoice_date < g.end.to_datetime64()
    base_cents = deal_cents // parts
    amount_cents = np.where(
        installment == parts - 1,
        deal_cents[deal_of] - base_cents[deal_of] * (parts - 1),
        base_cents[deal_of],
    )
    # Lines: one to three distinct SKUs per invoice; the amount split evenly, each line a
    # whole quantity at a unit price in cents, so line amounts are exact.
    n_lines = rng.integers(1, 4, k)
    line_invoice = np.repeat(np.arange(k), n_lines)
    line_no = np.arange(len(line_invoice)) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    sku_order = rng.random((k, 10)).argsort(axis=1)
    sku = sku_order[line_invoice, line_no]
    share = amount_cents[line_invoice] // n_lines[line_invoice]
    price = product_price[sku]
    qty = np.maximum(1, share // price)
    unit_price_cents = share // qty
    line_cents = unit_price_cents * qty
    invoice_cents = np.bincount(line_invoice, weights=line_cents, minlength=k).astype(np.int64)
    invoice_rep = np.where(rng.random(k) < 0.3, -1, order_rep[deal_of])
    # Invoice numbers are given before the invoices dated after the sample are dropped.
    invoice_numbers = np.flatnonzero(keep) + 1
    kept_deal = deal_of[keep]
    kept_date = invoice_date[keep]
    kept_cents = invoice_cents[keep]
    invoices = Deferred(
        pd.DataFrame(
            {
                "number": invoice_numbers,
                "invoiced": kept_date,
                "customer": won.account.to_numpy()[kept_deal],
                "order_number": kept_deal + 1,
                "rep": invoice_rep[keep].astype(np.int32),
                "cents": kept_cents,
                "tax_cents": kept_cents * 13 // 100,
                "currency": won.currency.to_numpy()[kept_deal],
            }
        ),
        {
            "invoice_id": sql_id("INV", "number", 6),
            "invoice_date": "strftime(invoiced, '%Y-%m-%d')",
            "customer_id": sql_id("C", "customer", 5),
            "order_id": sql_id("SO", "order_number", 6),
            "sales_rep_id": rep_text,
            "amount_net": sql_money("cents"),
            "tax_amount": sql_money("tax_cents"),
            "currency": sql_pick("currency", "currencies"),
            "document_type": "'invoice'",
            "status": "'posted'",
        },
        {"owners": owners, "currencies": ["CNY", "USD"]},
    )
    line_kept = keep[line_invoice]
    invoice_lines = Deferred(
        pd.DataFrame(
            {
                "number": line_invoice[line_kept] + 1,
                "line_no": line_no[line_kept] + 1,
                "sku": sku[line_kept] + 1,
                "quantity": qty[line_kept],
                "unit_price": unit_price_cents[line_kept],
                "amount_net": line_cents[line_kept],
            }
        ),
        {
            "invoice_id": sql_id("INV", "number", 6),
            "line_no": "cast(line_no as varchar)",
            "sku": sql_id("SKU-", "sku", 3),
            "quantity": "cast(quantity as varchar)",
            "unit_price": sql_money("unit_price"),
            "amount_net": sql_money("amount_net"),
        },
        {},
    )
    # Walk-in sales with no rep, no order and no CRM account: unassigned revenue, 2% of each
    # month's invoiced amount (months without invoices get none: a lone walk-in would be all
    # of that month's revenue and trip the unassigned-share gate). They stay unpaid in the
    # sample window, for the same reason on collections. Their ids (INV-W...) cannot collide
    # with generated ones (INV + number: INV9xxxxx did, from 900,000 invoices on).
    kept_month = kept_date.astype("datetime64[M]").astype(np.int64)
    month_cents = pd.Series(kept_cents).groupby(kept_month).sum()
    walkins = []
    for j, month in enumerate(g.months):
        month_number = (month.year - 1970) * 12 + month.month - 1
        cents = int(month_cents.get(month_number, 0)) * 2 // 100
        if cents <= 0:
            continue
        walkins.append(
            (
                f"INV-W{j:05d}",
                str(month + dt.timedelta(days=9)),
                "C99999",
                "",
                "",
                money(np.array([cents]))[0],
                "0.00",
                "CNY",
                "invoice",
                "posted",
            )
        )
    walkin_frame = pd.DataFrame(walkins, columns=list(invoices.columns))
    # A credit note on the first invoice (exported with a positive sign, its tax amount
    # left as it was) and a void invoice.
    if len(kept_cents) < 2:
        raise ValueError(
            f"the sample drew {len(kept_cents)} invoice(s) and needs at least two (for its "
            "credit note and void invoice): use more --reps or --months"
        )
    first, second = (row for _, row in deferred_text(invoices, [0, 1]).iterrows())
    credit = first.copy()
    credit["invoice_id"] = "CN000001"
    credit_day = min(pd.Timestamp(first.invoice_date) + pd.Timedelta(days=40), g.end)
    credit["invoice_date"] = str((credit_day - pd.Timedelta(days=1)).date())
    credit["amount_net"] = money(np.array([int(kept_cents[0]) // 10]))[0]
    credit["document_type"] = "credit_note"
    void = second.copy()
    void["invoice_id"] = "INV-VOID-1"
    void["status"] = "void"
    # Written after the generated invoices, in this order.
    invoices.tail = pd.concat(
        [walkin_frame, credit.to_frame().T, void.to_frame().T], ignore_index=True
    )
    # Payments: most paid in full, some in two parts, some not yet. Only the generated
    # invoices are paid (walk-ins, the credit note and the void invoice are not), so a
    # payment's invoice is known by its number. The gross amount in cents is net x 1.13
    # rounded half to even, as it was computed from the net amount's text.
    total = np.round(kept_cents / 100 * 113).astype(np.int64)
    # The earliest invoice is always paid in two parts, so every sample has a partial payment.
    first_invoice = kept_date == kept_date.min()
    draw = np.where(first_invoice, 1.0, rng.random(len(kept_cents)))
    n_parts = np.where(draw < 0.1, 0, np.where(draw < 0.75, 1, 2))
    pay_invoice = np.repeat(np.arange(len(kept_cents)), n_parts)
    part = np.arange(len(pay_invoice)) - np.repeat(np.cumsum(n_parts) - n_parts, n_parts)
    halves = total[pay_invoice] // 2
    part_cents = np.where(
        n_parts[pay_invoice] == 1,
        total[pay_invoice],
        np.where(part == 0, halves, total[pay_invoice] - halves),
    )
    wait = np.where(
        first_invoice[pay_invoice],
        10 * (part + 1),
        rng.integers(10, 45, len(pay_invoice)) + 30 * part,
    )
    paid = kept_date[pay_invoice] + wait.astype("timedelta64[D]")
    in_period = paid < g.end.to_datetime64()
    paid_rows = pay_invoice[in_period]
    payments = Deferred(
        pd.DataFrame(
            {
                "number": np.arange(1, len(paid_rows) + 1),
                "invoice": invoice_numbers[paid_rows],
                "paid": paid[in_period],
                "cents": part_cents[in_period],
                "currency": won.currency.to_numpy()[kept_deal][paid_rows],
            }
        ),
        {
            "payment_id": sql_id("P", "number", 6),
            "invoice_id": sql_id("INV", "invoice", 6),
            "paid_date": "strftime(paid, '%Y-%m-%d')",
            "amount": sql_money("cents"),
            "currency": sql_pick("currency", "currencies"),
        },
        {"currencies": ["CNY", "USD"]},
    )
    # FX: USD on weekdays only (weekend transactions use Friday's rate), a gentle drift.
    weekdays = pd.date_range(g.first - pd.Timedelta(days=7), g.end, freq="B")
    drift = np.cumsum(rng.normal(0, 0.004, len(weekdays)))
    rate_micro = np.round((7.10 + drift) * 1_000_000).astype(np.int64)
    fx_rates = pd.DataFrame(
        {
            "rate_date": weekdays.strftime("%Y-%m-%d"),
            "currency": "USD",
            "rate_to_base": [f"{r // 1_000_000}.{r % 1_000_000:06d}" for r in rate_micro],
        }
    )
    return {
        "customers": customers,
        "products": products,
        "sales_orders": orders,
        "invoices": invoices,
        "invoice_lines": invoice_lines,
        "payments": payments,
        "fx_rates": fx_rates,
    }
