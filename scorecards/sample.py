"""Deterministic, realistic sample exports for every entity of the contract.

The same seed and options write byte-identical files. Money is generated as integer cents and
formatted as text, so no float ever reaches an export. The data exercises what the pipeline must
handle: hires, a leaver and a mid-month team move; seasonality; leads, opportunities with stage
history and a delta file; activities; orders, invoices with lines, a credit note, a void invoice,
invoices with no rep (the crediting chain and unassigned revenue), partial payments; CNY and USD
with weekday-only rates; targets at company, region, team and rep level in several periods and
tiers, with a revision; comp plans, KPI weights and reviews. One file has Chinese headers, one is
GBK-encoded, one uses semicolons, one is JSON Lines.
"""

from __future__ import annotations

import codecs
import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ingest.readers import quote_ident

REGIONS = ("north", "east", "south")
STAGES = ("prospecting", "qualification", "proposal", "negotiation")
ACTIVITY_TYPES = ("call", "email", "meeting", "visit", "demo")
ACTIVITY_P = (0.45, 0.25, 0.15, 0.1, 0.05)
OUTCOMES = ("connected", "no_answer", "follow_up")
LEAD_STATUSES = ("new", "working", "qualified", "disqualified", "converted")
LEAD_SOURCES = ("web", "event", "referral", "outbound")
PRODUCT_LINES = ("platform", "analytics", "services")
SEASONALITY = (0.7, 0.8, 1.0, 0.9, 1.0, 1.1, 0.8, 0.9, 1.1, 1.1, 1.2, 1.4)


@dataclass(frozen=True)
class SampleOptions:
    seed: int = 7
    reps: int = 60
    months: int = 12
    start: str = "2026-01"
    # How busy each rep is: opportunities created per month (Poisson, by seasonality) and
    # activities per working day (Poisson); invoices per won deal (monthly installments).
    opportunities_per_rep_month: float = 4.0
    activities_per_rep_day: float = 3.0
    installments: int = 1


# The --scale ladder. `small` is the bundled sample; `large` is about 2,000 reps over 36 months
# with ~20M activities, ~2M opportunities, ~5M stage changes, ~3M invoices with ~6M lines and
# ~3M payments (benchmarks/README in docs/BENCHMARKS.md).
SCALES: dict[str, SampleOptions] = {
    "small": SampleOptions(),
    "medium": SampleOptions(
        reps=400,
        months=24,
        opportunities_per_rep_month=10.0,
        activities_per_rep_day=6.0,
        installments=2,
    ),
    "large": SampleOptions(
        reps=2000,
        months=36,
        opportunities_per_rep_month=28.0,
        activities_per_rep_day=13.0,
        installments=3,
    ),
}


def money(cents: np.ndarray | pd.Series) -> pd.Series:
    """Integer cents → '1234.56' text, exactly (no float on the way)."""
    values = pd.Series(np.asarray(cents, dtype=np.int64))
    sign = np.where(values < 0, "-", "")
    absolute = values.abs()
    return (
        pd.Series(sign)
        + (absolute // 100).astype(str)
        + "."
        + (absolute % 100).astype(str).str.zfill(2)
    )


def ids(prefix: str, n: int, width: int) -> np.ndarray:
    """prefix + zero-padded 1..n, vectorised (tens of millions of ids in seconds)."""
    numbers = np.char.zfill(np.arange(1, n + 1).astype(str), width)
    return np.char.add(prefix, numbers).astype(object)


def _month_starts(start: str, months: int) -> list[dt.date]:
    year, month = (int(part) for part in start.split("-"))
    out = []
    for _ in range(months):
        out.append(dt.date(year, month, 1))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def _fmt_dates(values: pd.Series, fmt: str = "%Y-%m-%d") -> pd.Series:
    return pd.to_datetime(values).dt.strftime(fmt)


@dataclass
class Deferred:
    """An export kept in numbers, codes and datetimes; DuckDB makes its text while it writes.

    Formatting tens of millions of dates and amounts in pandas or numpy runs at about a million
    values a second on one core; DuckDB's strftime and string functions run in parallel and
    several times faster, and the frame it scans (numeric columns) costs nothing to hand over.
    ``columns`` maps each output column, in order, to a SQL expression over the frame's
    columns; ``params`` are the lookup lists the expressions name ($name). The text is the
    same pandas would write (tests/scorecards/test_sample.py)."""

    frame: pd.DataFrame
    columns: dict[str, str]
    params: dict[str, list[str]]

    def __len__(self) -> int:
        return len(self.frame)


def sql_id(prefix: str, column: str, width: int) -> str:
    """prefix + the number zero-padded to width (longer numbers kept whole, like ids())."""
    text = f"cast({column} as varchar)"
    return (
        f"'{prefix}' || case when length({text}) < {width} "
        f"then lpad({text}, {width}, '0') else {text} end"
    )


def sql_money(cents: str) -> str:
    """Integer cents as '1234.56' text, like money()."""
    return (
        f"case when {cents} < 0 then '-' else '' end || cast(abs({cents}) // 100 as varchar) "
        f"|| '.' || lpad(cast(abs({cents}) % 100 as varchar), 2, '0')"
    )


def sql_pick(codes: str, values: str) -> str:
    """The text of a 0-based code from the lookup list $values."""
    return f"list_extract(${values}, {codes} + 1)"


class _Generator:
    def __init__(self, options: SampleOptions) -> None:
        self.o = options
        self.rng = np.random.default_rng(options.seed)
        self.months = _month_starts(options.start, options.months)
        self.first = pd.Timestamp(self.months[0])
        last = self.months[-1]
        self.end = pd.Timestamp(dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1))
        self.days = pd.date_range(self.first, self.end - pd.Timedelta(days=1), freq="D")

    # -- organisation ---------------------------------------------------------------------
    def organisation(self) -> dict[str, pd.DataFrame]:
        teams = pd.DataFrame(
            {
                "team_id": [f"T{i:02d}" for i in range(1, 9)],
                "team_name": [
                    "North Enterprise",
                    "North Commercial",
                    "North Channel",
                    "East Enterprise",
                    "East Commercial",
                    "East Growth",
                    "South Enterprise",
                    "South Commercial",
                ],
                "parent_team_id": "",
                "region": ["north"] * 3 + ["east"] * 3 + ["south"] * 2,
            }
        )
        rows = []
        for number, region in enumerate(REGIONS, start=1):
            rows.append(
                (f"D{number:02d}", f"Director {region.title()}", "director", "", "", region)
            )
        for index, team in teams.iterrows():
            director = f"D{REGIONS.index(team.region) + 1:02d}"
            rows.append(
                (
                    f"M{index + 1:02d}",
                    f"Manager {team.team_name}",
                    "manager",
                    director,
                    team.team_id,
                    team.region,
                )
            )
        team_ids = teams.team_id.tolist()
        for number in range(1, self.o.reps + 1):
            team_id = team_ids[(number - 1) % len(team_ids)]
            manager = f"M{team_ids.index(team_id) + 1:02d}"
            rows.append((f"U{number:03d}", f"Rep {number:03d}", "rep", manager, team_id, ""))
        users = pd.DataFrame(
            rows, columns=["user_id", "full_name", "role", "manager_id", "team_id", "region"]
        )
        users.loc[users.role == "director", "team_id"] = [
            teams.team_id[teams.region == region].iloc[0] for region in REGIONS
        ]
        users["email"] = users.user_id.str.lower() + "@example.com"
        users["hire_date"] = (self.first - pd.Timedelta(days=400)).date()
        users["termination_date"] = ""
        # Hires: the last three reps join during the year, one of them mid-month.
        reps = users.index[users.role == "rep"]
        if len(reps) >= 6 and len(self.months) >= 4:
            users.loc[reps[-1], "hire_date"] = self.months[2]
            users.loc[reps[-2], "hire_date"] = self.months[3] + dt.timedelta(days=14)
            users.loc[reps[-3], "hire_date"] = self.months[1]
            # A leaver in the middle of month six (or the last month of a short sample).
            leave_month = self.months[min(5, len(self.months) - 1)]
            users.loc[reps[4], "termination_date"] = str(leave_month + dt.timedelta(days=14))
        users["hire_date"] = users.hire_date.astype(str)
        users["snapshot_date"] = str((self.end - pd.Timedelta(days=1)).date())
        users.loc[users.role == "rep", "role"] = "rep"
        ops = pd.DataFrame(
            [
                {
                    "user_id": "O01",
                    "full_name": "Sales Ops",
                    "role": "ops",
                    "manager_id": "",
                    "team_id": "T01",
                    "email": "o01@example.com",
                    "hire_date": str((self.first - pd.Timedelta(days=400)).date()),
                    "termination_date": "",
                    "snapshot_date": users.snapshot_date.iloc[0],
                }
            ]
        )
        users = pd.concat([users.drop(columns="region"), ops], ignore_index=True)
        # A mid-month team move: rep U002 moves from T02 to T05 on the 16th of month four.
        move_day = self.months[min(3, len(self.months) - 1)] + dt.timedelta(days=15)
        assignments = pd.DataFrame(
            [
                (
                    "U002",
                    "T02",
                    str((self.first - pd.Timedelta(days=400)).date()),
                    str(move_day - dt.timedelta(days=1)),
                ),
                ("U002", "T05", str(move_day), ""),
            ],
            columns=["user_id", "team_id", "valid_from", "valid_to"],
        )
        users.loc[users.user_id == "U002", "team_id"] = "T05"
        return {"teams": teams, "users": users, "team_assignments": assignments}

    # -- CRM --------------------------------------------------------------------------------
    def crm(self, users: pd.DataFrame) -> dict[str, pd.DataFrame]:
        rng = self.rng
        reps = users[users.role == "rep"].reset_index(drop=True)
        hire = pd.to_datetime(reps.hire_date)
        leave = pd.to_datetime(reps.termination_date.replace("", None))
        n_accounts = len(reps) * 8
        account_owner = reps.user_id.to_numpy()[np.arange(n_accounts) % len(reps)]
        accounts = pd.DataFrame(
            {
                "account_id": [f"A{i:05d}" for i in range(1, n_accounts + 1)],
                "account_name": [f"Account {i:05d} Ltd" for i in range(1, n_accounts + 1)],
                "industry": rng.choice(["manufacturing", "retail", "finance", "tech"], n_accounts),
                "region": rng.choice(REGIONS, n_accounts),
                "owner_id": account_owner,
                "created_at": _fmt_dates(
                    pd.Series(self.first - pd.to_timedelta(rng.integers(30, 700, n_accounts), "D"))
                ),
            }
        )
        # Opportunities: per rep and month, Poisson by seasonality; only while employed.
        month_starts = pd.DatetimeIndex([pd.Timestamp(m) for m in self.months])
        month_ends = month_starts + pd.offsets.MonthEnd(0)
        lam = self.o.opportunities_per_rep_month * np.array(
            [SEASONALITY[(m.month - 1) % 12] for m in self.months]
        )
        counts = rng.poisson(lam[:, None], (len(self.months), len(reps)))  # months x reps
        lo = np.maximum(month_starts.to_numpy()[:, None], hire.to_numpy()[None, :])
        leave_or_never = leave.fillna(pd.Timestamp.max.normalize()).to_numpy()
        hi = np.minimum(month_ends.to_numpy()[:, None], leave_or_never[None, :])
        span_days = (hi - lo).astype("timedelta64[D]").astype(np.int64) + 1
        counts = np.where(span_days > 0, counts, 0).ravel()
        owner_idx = np.repeat(np.tile(np.arange(len(reps)), len(self.months)), counts)
        n = len(owner_idx)
        offsets = (rng.random(n) * np.repeat(span_days.ravel().clip(min=1), counts)).astype(int)
        created = pd.Series(
            np.repeat(lo.ravel(), counts)
            + offsets.astype("timedelta64[D]")
            + rng.integers(9, 18, n).astype("timedelta64[h]")
        )
        owners = reps.user_id.to_numpy()[owner_idx]
        rep_accounts = (
            np.arange(n_accounts).reshape(-1, len(reps)) if n_accounts % len(reps) == 0 else None
        )
        account_pick = rep_accounts[rng.integers(0, rep_accounts.shape[0], n), owner_idx]
        usd = rng.random(n) < 0.12
        cents = (rng.lognormal(np.log(90_000), 0.6, n) * 100).astype(np.int64) // 100 * 100
        cents = np.where(usd, cents // 7 // 100 * 100, cents)
        cycle = rng.integers(15, 120, n)
        close = created.dt.normalize() + pd.to_timedelta(cycle, "D")
        closed = close < self.end
        outcome = rng.random(n)
        won = closed & (outcome < 0.5)
        lost = closed & ~won
        open_code = rng.integers(0, 4, n)
        stage = np.where(
            won, "closed_won", np.where(lost, "closed_lost", np.array(STAGES)[open_code])
        )
        opp_ids = ids("OP", n, 6)
        opportunities = pd.DataFrame(
            {
                "opportunity_id": opp_ids,
                "account_id": accounts.account_id.to_numpy()[account_pick],
                "owner_id": owners,
                "opportunity_name": ids("Deal ", n, 1),
                "type": rng.choice(["new_business", "expansion", "renewal"], n, p=[0.5, 0.3, 0.2]),
                "stage": stage,
                "amount": money(cents),
                "currency": np.where(usd, "USD", "CNY"),
                "created_at": created.dt.strftime("%Y-%m-%d %H:%M:%S"),
                "close_date": close.dt.strftime("%Y-%m-%d"),
                "is_closed": np.where(closed, "true", "false"),
                "is_won": np.where(won, "true", "false"),
                "product_line": rng.choice(PRODUCT_LINES, n),
                "updated_at": np.where(
                    closed,
                    close.dt.strftime("%Y-%m-%d 18:00:00"),
                    created.dt.strftime("%Y-%m-%d %H:%M:%S"),
                ),
            }
        )
        # Stage history: every opportunity walks the stages up to where it is, evenly spaced
        # between creation and close, then enters its closed stage on the close date.
        reached = np.where(closed, 4, open_code + 1)
        walk = np.repeat(np.arange(n), reached)
        step = np.arange(len(walk)) - np.repeat(np.cumsum(reached) - reached, reached)
        duration = (close - created).to_numpy()[walk]
        entered = created.to_numpy()[walk] + duration * step // reached[walk]
        closing = np.flatnonzero(closed)
        stage_code = np.where(won, len(STAGES), np.where(lost, len(STAGES) + 1, open_code))
        history_opp = np.concatenate([walk, closing])
        history_order = np.argsort(
            np.concatenate([walk * 8 + step, closing * 8 + 7]), kind="stable"
        )
        history_opp = history_opp[history_order]
        stage_history = Deferred(
            pd.DataFrame(
                {
                    "number": history_opp + 1,
                    "stage": np.concatenate([step, stage_code[closing]])[history_order].astype(
                        np.int8
                    ),
                    "entered": np.concatenate(
                        [entered, close.to_numpy()[closing] + np.timedelta64(18, "h")]
                    )[history_order],
                    "cents": cents[history_opp],
                    "currency": usd[history_opp].astype(np.int8),
                }
            ),
            {
                "opportunity_id": sql_id("OP", "number", 6),
                "stage": sql_pick("stage", "stages"),
                "entered_at": "strftime(entered, '%Y-%m-%d %H:%M:%S')",
                "amount": sql_money("cents"),
                "currency": sql_pick("currency", "currencies"),
            },
            {"stages": [*STAGES, "closed_won", "closed_lost"], "currencies": ["CNY", "USD"]},
        )
        # Revenue splits on a few won deals: 60/40 with a teammate, plus an overlay.
        won_idx = np.flatnonzero(won)[:6]
        splits = []
        for i in won_idx:
            mate = reps.user_id.iloc[(owner_idx[i] + 8) % len(reps)]
            splits += [
                (opp_ids[i], owners[i], "revenue", "60"),
                (opp_ids[i], mate, "revenue", "40"),
                (opp_ids[i], "M01", "overlay", "100"),
            ]
        opportunity_splits = pd.DataFrame(
            splits, columns=["opportunity_id", "user_id", "split_type", "percent"]
        )
        # Leads.
        n_leads = n * 3
        lead_owner = owner_idx[rng.integers(0, n, n_leads)]
        lead_created = (
            created.to_numpy()[rng.integers(0, n, n_leads)]
            - pd.to_timedelta(rng.integers(5, 40, n_leads), "D").to_numpy()
        )
        status = rng.choice(len(LEAD_STATUSES), n_leads, p=[0.15, 0.2, 0.2, 0.25, 0.2])
        lead_minute = "'%Y/%m/%d %H:%M'"
        leads = Deferred(
            pd.DataFrame(
                {
                    "number": np.arange(1, n_leads + 1),
                    "created": lead_created,
                    "owner": lead_owner.astype(np.int32),
                    "source": rng.choice(len(LEAD_SOURCES), n_leads).astype(np.int8),
                    "status": status.astype(np.int8),
                }
            ),
            {
                "lead_id": sql_id("L", "number", 6),
                "created_at": f"strftime(created, {lead_minute})",
                "owner_id": sql_pick("owner", "owners"),
                "source": sql_pick("source", "sources"),
                "status": sql_pick("status", "statuses"),
                "qualified_at": "case when status in (2, 4) then "
                f"strftime(created + interval 3 day, {lead_minute}) else '' end",
                "converted_at": "case when status = 4 then "
                f"strftime(created + interval 9 day, {lead_minute}) else '' end",
                "opportunity_id": "''",
                "account_id": "''",
            },
            {
                "owners": reps.user_id.tolist(),
                "sources": list(LEAD_SOURCES),
                "statuses": list(LEAD_STATUSES),
            },
        )
        # Activities: per rep and working day, Poisson(3), while employed.
        workdays = self.days[self.days.dayofweek < 5]
        grid_rep = np.repeat(np.arange(len(reps)), len(workdays))
        grid_day = np.tile(workdays.to_numpy(), len(reps))
        active = (grid_day >= hire.to_numpy()[grid_rep]) & (
            pd.isna(leave.to_numpy()[grid_rep]) | (grid_day <= leave.to_numpy()[grid_rep])
        )
        grid_rep, grid_day = grid_rep[active], grid_day[active]
        per_day = rng.poisson(self.o.activities_per_rep_day, len(grid_rep))
        act_rep = np.repeat(grid_rep, per_day)
        act_day = pd.Series(np.repeat(grid_day, per_day))
        m = len(act_rep)
        occurred = act_day + pd.to_timedelta(rng.integers(8 * 60, 19 * 60, m), "m")
        # The largest export (~20M rows at --scale large) stays in codes and datetimes here;
        # _write_activities turns them into text while DuckDB writes the files.
        activities = pd.DataFrame(
            {
                "number": np.arange(1, m + 1, dtype=np.int64),
                "owner": act_rep.astype(np.int32),
                "activity_type": rng.choice(len(ACTIVITY_TYPES), m, p=ACTIVITY_P).astype(np.int8),
                "occurred_at": occurred.to_numpy(),
                "duration_minutes": rng.integers(5, 90, m).astype(np.int16),
                "outcome": rng.choice(len(OUTCOMES), m).astype(np.int8),
            }
        )
        activities.attrs["owners"] = reps.user_id.tolist()
        return {
            "accounts": accounts,
            "opportunities": opportunities,
            "opportunity_stage_history": stage_history,
            "opportunity_splits": opportunity_splits,
            "leads": leads,
            "activities": activities,
        }

    # -- ERP --------------------------------------------------------------------------------
    def erp(self, accounts: pd.DataFrame, opportunities: pd.DataFrame) -> dict[str, pd.DataFrame]:
        rng = self.rng
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
        account_to_customer = dict(
            zip(customers.crm_account_id, customers.customer_id, strict=False)
        )
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
        won = opportunities[opportunities.stage == "closed_won"].reset_index(drop=True)
        k = len(won)
        order_date = pd.to_datetime(won.close_date) + pd.to_timedelta(rng.integers(0, 5, k), "D")
        orders = pd.DataFrame(
            {
                "order_id": [f"SO{i:06d}" for i in range(1, k + 1)],
                "order_date": order_date.dt.strftime("%Y-%m-%d"),
                "customer_id": won.account_id.map(account_to_customer),
                "crm_opportunity_id": won.opportunity_id,
                "sales_rep_id": np.where(rng.random(k) < 0.15, "", won.owner_id),
                "currency": won.currency,
                "status": "fulfilled",
            }
        )
        # Invoices: one per won deal and installment, a month apart; the deal amount split into
        # equal installments to the cent (the last takes the remainder).
        parts = self.o.installments
        deal_of = np.repeat(np.arange(k), parts)
        installment = np.tile(np.arange(parts), k)
        deal_cents = (pd.to_numeric(won.amount) * 100).round().astype(np.int64).to_numpy()
        k = len(deal_of)
        invoice_date = pd.Series(
            order_date.to_numpy()[deal_of]
            + (rng.integers(1, 12, k) + 30 * installment).astype("timedelta64[D]")
        )
        keep = invoice_date < self.end
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
        line_frame = pd.DataFrame(
            {
                "i": line_invoice,
                "line_no": line_no + 1,
                "quantity": qty,
                "unit_price": unit_price_cents,
                "amount_net": line_cents,
            }
        )
        invoice_ids = ids("INV", k, 6)
        invoices = pd.DataFrame(
            {
                "invoice_id": invoice_ids,
                "invoice_date": invoice_date.dt.strftime("%Y-%m-%d"),
                "customer_id": orders.customer_id.to_numpy()[deal_of],
                "order_id": orders.order_id.to_numpy()[deal_of],
                "sales_rep_id": np.where(
                    rng.random(k) < 0.3, "", orders.sales_rep_id.to_numpy()[deal_of]
                ),
                "amount_net": money(invoice_cents),
                "tax_amount": money(invoice_cents * 13 // 100),
                "currency": won.currency.to_numpy()[deal_of],
                "document_type": "invoice",
                "status": "posted",
            }
        )[keep].reset_index(drop=True)
        invoice_numbers = np.flatnonzero(keep.to_numpy()) + 1
        line_frame = line_frame[keep.to_numpy()[line_frame.i]]
        invoice_lines = Deferred(
            pd.DataFrame(
                {
                    "number": line_frame.i.to_numpy() + 1,
                    "line_no": line_frame.line_no.to_numpy(),
                    "sku": sku[line_frame.index.to_numpy()] + 1,
                    "quantity": line_frame.quantity.to_numpy(),
                    "unit_price": line_frame.unit_price.to_numpy(),
                    "amount_net": line_frame.amount_net.to_numpy(),
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
        month_cents = (
            pd.Series(
                invoices.amount_net.str.replace(".", "", regex=False).astype(np.int64).to_numpy()
            )
            .groupby(invoices.invoice_date.str[:7].to_numpy())
            .sum()
        )
        walkins = []
        for j, month in enumerate(self.months):
            cents = int(month_cents.get(f"{month:%Y-%m}", 0)) * 2 // 100
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
        walkin_frame = pd.DataFrame(walkins, columns=invoices.columns)
        # A credit note on the first invoice (exported with a positive sign) and a void invoice.
        first = invoices.iloc[0]
        credit = first.copy()
        credit["invoice_id"] = "CN000001"
        credit_day = min(pd.Timestamp(first.invoice_date) + pd.Timedelta(days=40), self.end)
        credit["invoice_date"] = str((credit_day - pd.Timedelta(days=1)).date())
        credit["amount_net"] = money(np.array([int(round(float(first.amount_net) * 100)) // 10]))[0]
        credit["document_type"] = "credit_note"
        void = invoices.iloc[1].copy()
        void["invoice_id"] = "INV-VOID-1"
        void["status"] = "void"
        invoices = pd.concat(
            [invoices, walkin_frame, credit.to_frame().T, void.to_frame().T], ignore_index=True
        )
        # Payments: most paid in full, some in two parts, some not yet.
        posted = invoices[
            (invoices.status == "posted")
            & (invoices.document_type == "invoice")
            & (invoices.customer_id != "C99999")
        ]
        # The earliest invoice is always paid in two parts, so every sample has a partial payment.
        total = (pd.to_numeric(posted.amount_net).to_numpy() * 113).round().astype(np.int64)
        first_invoice = (posted.invoice_date == posted.invoice_date.min()).to_numpy()
        draw = np.where(first_invoice, 1.0, rng.random(len(posted)))
        n_parts = np.where(draw < 0.1, 0, np.where(draw < 0.75, 1, 2))
        pay_invoice = np.repeat(np.arange(len(posted)), n_parts)
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
        paid = pd.to_datetime(posted.invoice_date.to_numpy()[pay_invoice]) + pd.to_timedelta(
            wait, "D"
        )
        in_period = np.asarray(paid < self.end)
        # Only the generated invoices are paid (walk-ins, the credit note and the void invoice
        # follow them), so a payment's invoice is known by its number.
        posted_numbers = invoice_numbers[: len(posted)]
        if (
            len(posted) != len(invoice_numbers)
            or not (posted.index == np.arange(len(posted))).all()
        ):
            raise AssertionError("paid invoices must be the generated ones, in order")
        paid_rows = pay_invoice[in_period]
        payments = Deferred(
            pd.DataFrame(
                {
                    "number": np.arange(1, len(paid_rows) + 1),
                    "invoice": posted_numbers[paid_rows],
                    "paid": paid[in_period].to_numpy(),
                    "cents": part_cents[in_period],
                    "currency": (posted.currency.to_numpy()[paid_rows] == "USD").astype(np.int8),
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
        weekdays = pd.date_range(self.first - pd.Timedelta(days=7), self.end, freq="B")
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

    # -- plan -------------------------------------------------------------------------------
    def plan(self, users: pd.DataFrame, teams: pd.DataFrame) -> dict[str, pd.DataFrame]:
        rng = self.rng
        reps = users[users.role == "rep"]
        year_start = self.months[0]
        rows = []

        def tiers(scope_type, scope_id, metric, period_type, start, value, effective="", digits=-2):
            for tier, factor in (("floor", 0.8), ("target", 1.0), ("stretch", 1.2)):
                rows.append(
                    (
                        scope_type,
                        scope_id,
                        metric,
                        period_type,
                        str(start),
                        tier,
                        f"{round(value * factor, digits):.2f}",
                        effective,
                        "",
                    )
                )

        n_reps = len(reps)
        # Company: annual targets, bookings revised upward at mid-year (the original is kept).
        tiers("company", "company", "bookings", "year", year_start, n_reps * 12 * 190_000)
        revision = self.months[min(6, len(self.months) - 1)]
        tiers(
            "company",
            "company",
            "bookings",
            "year",
            year_start,
            n_reps * 12 * 200_000,
            str(revision),
        )
        tiers("company", "company", "revenue", "year", year_start, n_reps * 12 * 180_000)
        # Teams: quarterly bookings targets, allocated to members by member-days.
        for team_id in teams.team_id:
            members = (users[(users.role == "rep") & (users.team_id == team_id)]).shape[0]
            for q in range(0, len(self.months), 3):
                value = members * 3 * 170_000 * (0.9 + 0.2 * rng.random())
                tiers("team", team_id, "bookings", "quarter", self.months[q], value)
        # Regions: annual collections targets, allocated to reps.
        for region in REGIONS:
            members = users[
                (users.role == "rep") & users.team_id.isin(teams.team_id[teams.region == region])
            ].shape[0]
            tiers("region", region, "collections", "year", year_start, members * 12 * 170_000)
        # Reps: monthly revenue targets (explicit; prorated for joiners and leavers).
        for user_id in reps.user_id:
            base = 150_000 * (0.85 + 0.3 * rng.random())
            for month in self.months:
                tiers("rep", user_id, "revenue", "month", month, base)
        # Teams: the activity and process KPIs of the performance scorecard, quarterly (calls are
        # split among members; a win-rate target applies as it is to every member).
        for team_id in teams.team_id:
            members = (users[(users.role == "rep") & (users.team_id == team_id)]).shape[0]
            for q in range(0, len(self.months), 3):
                tiers("team", team_id, "calls", "quarter", self.months[q], members * 90, digits=0)
                tiers("team", team_id, "win_rate", "quarter", self.months[q], 0.45, digits=2)
        targets = pd.DataFrame(
            rows,
            columns=[
                "scope_type",
                "scope_id",
                "metric",
                "period_type",
                "period_start",
                "tier",
                "value",
                "effective_date",
                "note",
            ],
        )
        targets.loc[targets.effective_date != "", "note"] = "mid-year revision"
        phasing = pd.DataFrame(
            {
                "metric": "bookings",
                "month_of_year": range(1, 13),
                "weight": [f"{w:.2f}" for w in SEASONALITY],
            }
        )
        comp_plans = pd.DataFrame(
            [
                ("AE-2026", "bookings", "0.6", "month", "0.5", "2.0"),
                ("AE-2026", "revenue", "0.4", "month", "0.5", "2.0"),
            ],
            columns=["plan_id", "metric", "weight", "period_type", "threshold", "cap"],
        )
        payout_curve = pd.DataFrame(
            [
                ("AE-2026", "0.5", "0.25", "1.5"),
                ("AE-2026", "1.0", "1.0", "2.0"),
                ("AE-2026", "1.5", "2.0", "0.5"),
            ],
            columns=["plan_id", "attainment_from", "payout_at_from", "slope"],
        )
        plan_assignments = pd.DataFrame(
            {
                "user_id": reps.user_id,
                "plan_id": "AE-2026",
                "valid_from": str(year_start),
                "valid_to": "",
                "on_target_incentive": "20000.00",
                "currency": "CNY",
            }
        )
        kpi_weights = pd.DataFrame(
            [
                ("rep", "bookings", "0.4", "higher_is_better"),
                ("rep", "revenue", "0.2", "higher_is_better"),
                ("rep", "calls", "0.1", "higher_is_better"),
                ("rep", "win_rate", "0.1", "higher_is_better"),
                ("rep", "teamwork", "0.1", "higher_is_better"),
                ("rep", "customer_focus", "0.1", "higher_is_better"),
            ],
            columns=["role", "kpi", "weight", "direction"],
        )
        review_rows = []
        for user_id in reps.user_id:
            manager = users.manager_id[users.user_id == user_id].iloc[0]
            for month in self.months:
                for criterion in ("teamwork", "customer_focus"):
                    review_rows.append(
                        (user_id, str(month), criterion, str(int(rng.integers(2, 6))), manager)
                    )
        manager_reviews = pd.DataFrame(
            review_rows, columns=["user_id", "period_start", "criterion", "score", "reviewer_id"]
        )
        return {
            "targets": targets,
            "phasing": phasing,
            "comp_plans": comp_plans,
            "payout_curve": payout_curve,
            "plan_assignments": plan_assignments,
            "kpi_weights": kpi_weights,
            "manager_reviews": manager_reviews,
        }


CHINESE_HEADERS = {
    "payments": {
        "payment_id": "回款编号",
        "invoice_id": "发票号",
        "paid_date": "回款日期",
        "amount": "回款金额",
        "currency": "币种",
    },
    "customers": {
        "customer_id": "客户编码",
        "customer_name": "客户名称",
        "crm_account_id": "CRM客户编号",
        "tax_id": "税号",
        "country": "国家",
    },
}


# Frames this long are written by DuckDB's CSV writer (parallel, several times faster than
# pandas); smaller ones, and those with another encoding or separator, by pandas. Both write the
# same CSV: minimal quoting, "\n" line ends, an empty field for an empty value.
LARGE_FRAME_ROWS = 200_000


def _write_deferred(path: Path, deferred: Deferred, bom: bool = False) -> None:
    """Write a Deferred export: DuckDB computes the text and writes the CSV (an empty text is
    an empty field, as pandas writes it); with ``bom``, UTF-8 with a byte-order mark, as Excel
    saves it (DuckDB writes none, so the file is copied behind one)."""
    columns = ", ".join(
        f"nullif({expression}, '') as {quote_ident(name)}"
        for name, expression in deferred.columns.items()
    )
    with duckdb.connect() as con:
        con.register("frame", deferred.frame)
        target = str(path).replace("'", "''")
        con.execute(
            f"copy (select {columns} from frame) to '{target}' "
            "(format csv, header true, delimiter ',', quote '\"', new_line '\n')",
            deferred.params,
        )
    if bom:
        plain = path.with_name(path.name + ".plain")
        path.replace(plain)
        with plain.open("rb") as source, path.open("wb") as target_file:
            target_file.write(codecs.BOM_UTF8)
            shutil.copyfileobj(source, target_file, 1 << 20)
        plain.unlink()


def _write_csv_with_duckdb(path: Path, frame: pd.DataFrame) -> None:
    columns = ", ".join(
        f"nullif(cast({quote_ident(column)} as varchar), '') as {quote_ident(column)}"
        for column in frame.columns
    )
    with duckdb.connect() as con:
        con.register("frame", frame)
        # COPY takes no parameter for its target; the path is ours (landing/<source>/<name>).
        target = str(path).replace("'", "''")
        con.execute(
            f"copy (select {columns} from frame) to '{target}' "
            "(format csv, header true, delimiter ',', quote '\"', new_line '\n')"
        )


ACTIVITIES_SQL = """
    select
        case when length(cast(number as varchar)) < 7
            then lpad(cast(number as varchar), 7, '0') else cast(number as varchar) end as number,
        owner,
        activity_type,
        occurred_at,
        duration_minutes,
        outcome
    from activities
"""


def _write_activities(folder: Path, activities: pd.DataFrame) -> dict[str, int]:
    """Activities in monthly files, as CRMs export them; codes become text in DuckDB (the same
    text pandas would write: ids zero-padded to 7 digits, minutes without seconds)."""
    owners = activities.attrs["owners"]
    months = np.unique(activities.occurred_at.to_numpy().astype("datetime64[M]"))
    written: dict[str, int] = {}
    with duckdb.connect() as con:
        con.register("activities", activities)
        for month in months:
            label = str(month)
            target = str(folder / f"activities_{label}.csv").replace("'", "''")
            copied = con.execute(
                f"""
                copy (
                    select
                        'AC' || coded.number as activity_id,
                        list_extract($owners, coded.owner + 1) as owner_id,
                        list_extract($types, coded.activity_type + 1) as activity_type,
                        strftime(coded.occurred_at, '%Y-%m-%d %H:%M') as occurred_at,
                        null as account_id,
                        null as opportunity_id,
                        cast(coded.duration_minutes as varchar) as duration_minutes,
                        list_extract($outcomes, coded.outcome + 1) as outcome
                    from ({ACTIVITIES_SQL}) as coded
                    where coded.occurred_at >= $start and coded.occurred_at < $end
                ) to '{target}' (format csv, header true, delimiter ',', quote '"', new_line '\n')
                """,
                {
                    "owners": owners,
                    "types": list(ACTIVITY_TYPES),
                    "outcomes": list(OUTCOMES),
                    "start": month.astype("datetime64[us]").item(),
                    "end": (month + 1).astype("datetime64[us]").item(),
                },
            )
            written[f"crm/activities_{label}.csv"] = copied.fetchall()[0][0]  # rows copied
    return written


def write_sample(landing: Path, options: SampleOptions | None = None) -> dict[str, int]:
    """Write every entity's export under ``landing/{crm,erp,plan}``; returns rows per file."""
    options = options or SampleOptions()
    gen = _Generator(options)
    org = gen.organisation()
    crm = gen.crm(org["users"])
    erp = gen.erp(crm["accounts"], crm["opportunities"])
    plan = gen.plan(org["users"], org["teams"])
    for source in ("crm", "erp", "plan"):
        (landing / source).mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}

    def csv(source: str, name: str, frame: pd.DataFrame | Deferred, **kw: object) -> None:
        path = landing / source / name
        if isinstance(frame, Deferred):
            _write_deferred(path, frame)
        elif len(frame) >= LARGE_FRAME_ROWS and not kw:
            _write_csv_with_duckdb(path, frame)
        else:
            frame.to_csv(path, index=False, lineterminator="\n", **kw)
        written[f"{source}/{name}"] = len(frame)

    for name in (
        "teams",
        "users",
        "team_assignments",
        "accounts",
        "leads",
        "opportunity_stage_history",
        "opportunity_splits",
    ):
        csv("crm", f"{name}.csv", {**org, **crm}[name])
    # Opportunities: a full export for all but the newest changes, plus a JSON Lines delta in
    # which later versions (by updated_at) of some records win.
    opps = crm["opportunities"]
    delta = opps[opps.is_closed == "true"].tail(25)
    earlier = opps.copy()
    earlier.loc[delta.index, ["stage", "is_closed", "is_won"]] = ["negotiation", "false", "false"]
    earlier.loc[delta.index, "updated_at"] = (
        pd.to_datetime(delta.updated_at) - pd.Timedelta(days=10)
    ).dt.strftime("%Y-%m-%d %H:%M:%S")
    csv("crm", f"opportunities_{options.start}.csv", earlier)
    delta_path = landing / "crm" / "opportunities_delta_01.jsonl"
    delta.to_json(delta_path, orient="records", lines=True, force_ascii=False)
    written["crm/opportunities_delta_01.jsonl"] = len(delta)
    # Activities, split into monthly files as CRMs export them.
    written.update(_write_activities(landing / "crm", crm["activities"]))
    csv(
        "erp",
        "customers.csv",
        erp["customers"].rename(columns=CHINESE_HEADERS["customers"]),
        encoding="gb18030",
    )
    csv("erp", "products.csv", erp["products"], sep=";")
    for name in ("sales_orders", "invoices", "invoice_lines", "fx_rates"):
        csv("erp", f"{name}.csv", erp[name])
    payments = erp["payments"]
    headers = CHINESE_HEADERS["payments"]
    payments.columns = {headers[name]: sql for name, sql in payments.columns.items()}
    _write_deferred(landing / "erp" / "payments.csv", payments, bom=True)
    written["erp/payments.csv"] = len(payments)
    for name, frame in plan.items():
        csv("plan", f"{name}.csv", frame)
    return written
