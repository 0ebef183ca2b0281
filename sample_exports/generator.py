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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from core.sql import quote_ident

REGIONS = ("north", "east", "south")
STAGES = ("prospecting", "qualification", "proposal", "negotiation")
OPPORTUNITY_STAGES = (*STAGES, "closed_won", "closed_lost")
OPPORTUNITY_TYPES = ("new_business", "expansion", "renewal")
ACTIVITY_TYPES = ("call", "email", "meeting", "visit", "demo")
ACTIVITY_P = (0.45, 0.25, 0.15, 0.1, 0.05)
OUTCOMES = ("connected", "no_answer", "follow_up")
LEAD_STATUSES = ("new", "working", "qualified", "disqualified", "converted")
LEAD_SOURCES = ("web", "event", "referral", "outbound")
PRODUCT_LINES = ("platform", "analytics", "services")
TIERS = (("floor", 0.8), ("target", 1.0), ("stretch", 1.2))  # target tiers and their factors
SECONDS = "'%Y-%m-%d %H:%M:%S'"  # a DuckDB strftime format, as a SQL literal
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
    columns; ``params`` are the lookup lists the expressions name ($name). ``tail`` holds a few
    rows already in text, written after the frame's. The text is the same pandas would write
    (tests/scorecards/test_sample.py)."""

    frame: pd.DataFrame
    columns: dict[str, str]
    params: dict[str, list[str]]
    tail: pd.DataFrame | None = None

    def __len__(self) -> int:
        return len(self.frame) + (0 if self.tail is None else len(self.tail))


Export = pd.DataFrame | Deferred


def deferred_text(deferred: Deferred, rows: list[int] | np.ndarray) -> pd.DataFrame:
    """The text of some of a Deferred export's rows (positions in its frame), as its file holds
    them: what a few hand-made rows are built from (the credit note, the delta file)."""
    columns = ", ".join(
        f"{expression} as {quote_ident(name)}" for name, expression in deferred.columns.items()
    )
    with duckdb.connect() as con:
        con.register("frame", deferred.frame.iloc[np.asarray(rows)].reset_index(drop=True))
        return con.execute(f"select {columns} from frame", deferred.params).df()


def sql_id(prefix: str, column: str, width: int) -> str:
    """prefix + the number zero-padded to width (longer numbers kept whole, like f"{n:06d}")."""
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
        # The same draws, in the same order, as when these columns were text (choice draws
        # the same indices whether it returns them or the values they pick).
        type_code = rng.choice(len(OPPORTUNITY_TYPES), n, p=[0.5, 0.3, 0.2])
        product_code = rng.choice(len(PRODUCT_LINES), n)
        stage_code = np.where(won, len(STAGES), np.where(lost, len(STAGES) + 1, open_code))
        # Two million opportunities at --scale large stay in numbers, codes and datetimes: their
        # text is made by DuckDB as it writes (and for the few rows the delta file holds).
        opportunities = Deferred(
            pd.DataFrame(
                {
                    "number": np.arange(1, n + 1, dtype=np.int64),
                    "account": (account_pick + 1).astype(np.int64),
                    "owner": owner_idx.astype(np.int32),
                    "type": type_code.astype(np.int8),
                    "stage": stage_code.astype(np.int8),
                    "cents": cents,
                    "currency": usd.astype(np.int8),
                    "created": created.to_numpy(),
                    "close": close.to_numpy(),
                    "closed": closed.to_numpy(),
                    "won": won.to_numpy(),
                    "product_line": product_code.astype(np.int8),
                }
            ),
            {
                "opportunity_id": sql_id("OP", "number", 6),
                "account_id": sql_id("A", "account", 5),
                "owner_id": sql_pick("owner", "owners"),
                "opportunity_name": "'Deal ' || cast(number as varchar)",
                "type": sql_pick("type", "types"),
                "stage": sql_pick("stage", "stages"),
                "amount": sql_money("cents"),
                "currency": sql_pick("currency", "currencies"),
                "created_at": f"strftime(created, {SECONDS})",
                "close_date": "strftime(close, '%Y-%m-%d')",
                "is_closed": "case when closed then 'true' else 'false' end",
                "is_won": "case when won then 'true' else 'false' end",
                "product_line": sql_pick("product_line", "product_lines"),
                "updated_at": "case when closed then strftime(close, '%Y-%m-%d 18:00:00') "
                f"else strftime(created, {SECONDS}) end",
            },
            {
                "owners": reps.user_id.tolist(),
                "types": list(OPPORTUNITY_TYPES),
                "stages": list(OPPORTUNITY_STAGES),
                "currencies": ["CNY", "USD"],
                "product_lines": list(PRODUCT_LINES),
            },
        )
        # Stage history: every opportunity walks the stages up to where it is, evenly spaced
        # between creation and close, then enters its closed stage on the close date.
        reached = np.where(closed, 4, open_code + 1)
        walk = np.repeat(np.arange(n), reached)
        step = np.arange(len(walk)) - np.repeat(np.cumsum(reached) - reached, reached)
        duration = (close - created).to_numpy()[walk]
        entered = created.to_numpy()[walk] + duration * step // reached[walk]
        closing = np.flatnonzero(closed)
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
                "entered_at": f"strftime(entered, {SECONDS})",
                "amount": sql_money("cents"),
                "currency": sql_pick("currency", "currencies"),
            },
            {"stages": list(OPPORTUNITY_STAGES), "currencies": ["CNY", "USD"]},
        )
        # Revenue splits on a few won deals: 60/40 with a teammate, plus an overlay.
        won_idx = np.flatnonzero(won)[:6]
        splits = []
        for i in won_idx:
            mate = reps.user_id.iloc[(owner_idx[i] + 8) % len(reps)]
            splits += [
                (f"OP{i + 1:06d}", reps.user_id.iloc[owner_idx[i]], "revenue", "60"),
                (f"OP{i + 1:06d}", mate, "revenue", "40"),
                (f"OP{i + 1:06d}", "M01", "overlay", "100"),
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
        return {
            "accounts": accounts,
            "opportunities": opportunities,
            "opportunity_stage_history": stage_history,
            "opportunity_splits": opportunity_splits,
            "leads": leads,
        }

    def activities(self, users: pd.DataFrame) -> pd.DataFrame:
        """Activities: per rep and working day, Poisson, while employed. Drawn after every other
        CRM entity (the order of the draws decides the sample), in a step of their own so that
        the other CRM files are written while they are drawn."""
        rng = self.rng
        reps = users[users.role == "rep"].reset_index(drop=True)
        hire = pd.to_datetime(reps.hire_date).to_numpy()
        leave = pd.to_datetime(reps.termination_date.replace("", None)).to_numpy()
        workdays = self.days[self.days.dayofweek < 5]
        grid_rep = np.repeat(np.arange(len(reps)), len(workdays))
        grid_day = np.tile(workdays.to_numpy(), len(reps))
        active = (grid_day >= hire[grid_rep]) & (
            pd.isna(leave[grid_rep]) | (grid_day <= leave[grid_rep])
        )
        grid_rep, grid_day = grid_rep[active], grid_day[active]
        per_day = rng.poisson(self.o.activities_per_rep_day, len(grid_rep))
        act_rep = np.repeat(grid_rep, per_day)
        m = len(act_rep)
        occurred = np.repeat(grid_day, per_day) + rng.integers(8 * 60, 19 * 60, m).astype(
            "timedelta64[m]"
        )
        # The largest export (~20M rows at --scale large) stays in codes and datetimes here;
        # _write_activities turns them into text while DuckDB writes the files.
        activities = pd.DataFrame(
            {
                "number": np.arange(1, m + 1, dtype=np.int64),
                "owner": act_rep.astype(np.int32),
                "activity_type": rng.choice(len(ACTIVITY_TYPES), m, p=ACTIVITY_P).astype(np.int8),
                "occurred_at": occurred,
                "duration_minutes": rng.integers(5, 90, m).astype(np.int16),
                "outcome": rng.choice(len(OUTCOMES), m).astype(np.int8),
            }
        )
        activities.attrs["owners"] = reps.user_id.tolist()
        return activities

    # -- ERP --------------------------------------------------------------------------------
    def erp(self, accounts: pd.DataFrame, opportunities: Deferred) -> dict[str, Export]:
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
        parts = self.o.installments
        deal_of = np.repeat(np.arange(k), parts)
        installment = np.tile(np.arange(parts), k)
        deal_cents = won.cents.to_numpy()
        k = len(deal_of)
        invoice_date = order_date[deal_of] + (rng.integers(1, 12, k) + 30 * installment).astype(
            "timedelta64[D]"
        )
        keep = invoice_date < self.end.to_datetime64()
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
        for j, month in enumerate(self.months):
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
        first, second = (row for _, row in deferred_text(invoices, [0, 1]).iterrows())
        credit = first.copy()
        credit["invoice_id"] = "CN000001"
        credit_day = min(pd.Timestamp(first.invoice_date) + pd.Timedelta(days=40), self.end)
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
        in_period = paid < self.end.to_datetime64()
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
            for tier, factor in TIERS:
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
        # Reps: monthly revenue targets (explicit; prorated for joiners and leavers). Built as
        # columns (72,000 rep-months at --scale large), with the text tiers() would write.
        bases = 150_000 * (0.85 + 0.3 * rng.random(n_reps))
        tier_values = np.array(
            [[f"{round(float(base) * factor, -2):.2f}" for _, factor in TIERS] for base in bases]
        ).reshape(n_reps, 1, len(TIERS))
        month_text = np.array([str(month) for month in self.months])
        cells = n_reps * len(self.months) * len(TIERS)
        rep_targets = pd.DataFrame(
            {
                "scope_type": "rep",
                "scope_id": np.repeat(reps.user_id.to_numpy(), len(self.months) * len(TIERS)),
                "metric": "revenue",
                "period_type": "month",
                "period_start": np.tile(np.repeat(month_text, len(TIERS)), n_reps),
                "tier": np.tile([tier for tier, _ in TIERS], n_reps * len(self.months)),
                "value": np.broadcast_to(
                    tier_values, (n_reps, len(self.months), len(TIERS))
                ).reshape(cells),
                "effective_date": "",
                "note": "",
            }
        )
        before_reps = len(rows)
        # Teams: the activity and process KPIs of the performance scorecard, quarterly (calls are
        # split among members; a win-rate target applies as it is to every member).
        for team_id in teams.team_id:
            members = (users[(users.role == "rep") & (users.team_id == team_id)]).shape[0]
            for q in range(0, len(self.months), 3):
                tiers("team", team_id, "calls", "quarter", self.months[q], members * 90, digits=0)
                tiers("team", team_id, "win_rate", "quarter", self.months[q], 0.45, digits=2)
        targets = pd.DataFrame(rows, columns=list(rep_targets.columns))
        targets = pd.concat(
            [targets.iloc[:before_reps], rep_targets, targets.iloc[before_reps:]],
            ignore_index=True,
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
        # Reviews: a score per rep, month and criterion (one draw each, in that order).
        criteria = ("teamwork", "customer_focus")
        per_rep = len(self.months) * len(criteria)
        manager_reviews = pd.DataFrame(
            {
                "user_id": np.repeat(reps.user_id.to_numpy(), per_rep),
                "period_start": np.tile(np.repeat(month_text, len(criteria)), n_reps),
                "criterion": np.tile(criteria, n_reps * len(self.months)),
                "score": rng.integers(2, 6, n_reps * per_rep).astype(str),
                "reviewer_id": np.repeat(reps.manager_id.to_numpy(), per_rep),
            }
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
    if deferred.tail is not None:
        deferred.tail.to_csv(path, mode="a", header=False, index=False, lineterminator="\n")
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


def _write_export(path: Path, frame: Export, **kw: object) -> int:
    """Write one CSV export (by DuckDB when it is Deferred or large); returns its rows. A
    Deferred export takes ``bom``; a frame takes pandas' to_csv options."""
    if isinstance(frame, Deferred):
        _write_deferred(path, frame, **kw)
    elif len(frame) >= LARGE_FRAME_ROWS and not kw:
        _write_csv_with_duckdb(path, frame)
    else:
        frame.to_csv(path, index=False, lineterminator="\n", **kw)
    return len(frame)


def _opportunity_files(landing: Path, start: str, opportunities: Deferred) -> dict[str, int]:
    """A full export for all but the newest changes, plus a JSON Lines delta in which later
    versions (by updated_at) of the last 25 closed opportunities win: in the full export they
    are still in negotiation, ten days earlier."""
    frame = opportunities.frame
    revised = np.zeros(len(frame), dtype=bool)
    revised[np.flatnonzero(frame.closed.to_numpy())[-25:]] = True
    earlier = Deferred(
        frame.assign(revised=revised),
        {
            **opportunities.columns,
            "stage": f"case when revised then 'negotiation' else {opportunities.columns['stage']} "
            "end",
            "is_closed": "case when closed and not revised then 'true' else 'false' end",
            "is_won": "case when won and not revised then 'true' else 'false' end",
            "updated_at": "case when revised then "
            f"strftime(close + interval 18 hour - interval 10 day, {SECONDS}) "
            f"else {opportunities.columns['updated_at']} end",
        },
        opportunities.params,
    )
    name = f"crm/opportunities_{start}.csv"
    _write_deferred(landing / name, earlier)
    delta = deferred_text(opportunities, np.flatnonzero(revised))
    delta.to_json(
        landing / "crm" / "opportunities_delta_01.jsonl",
        orient="records",
        lines=True,
        force_ascii=False,
    )
    return {name: len(frame), "crm/opportunities_delta_01.jsonl": len(delta)}


def write_sample(landing: Path, options: SampleOptions | None = None) -> dict[str, int]:
    """Write every entity's export under ``landing/{crm,erp,plan}``; returns rows per file.

    One thread writes while this one builds the next frames: DuckDB formats and writes without
    holding the GIL, so the CRM files (most of the rows) are written while the ERP and plan
    frames are drawn, on the other core. A frame is handed to the writer only once nothing here
    reads it again, and every random draw stays on this thread, in the same order: the files do
    not depend on the timing."""
    options = options or SampleOptions()
    gen = _Generator(options)
    for source in ("crm", "erp", "plan"):
        (landing / source).mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sample-writer") as writer:
        pending: list[Future[dict[str, int]]] = []

        def csv(source: str, name: str, frame: Export, **kw: object) -> None:
            path = landing / source / name
            pending.append(
                writer.submit(lambda: {f"{source}/{name}": _write_export(path, frame, **kw)})
            )

        org = gen.organisation()
        crm = gen.crm(org["users"])
        for name in ("leads", "opportunity_stage_history", "opportunity_splits"):
            csv("crm", f"{name}.csv", crm[name])
        # Activities, split into monthly files as CRMs export them.
        activities = gen.activities(org["users"])
        pending.append(writer.submit(_write_activities, landing / "crm", activities))
        erp = gen.erp(crm["accounts"], crm["opportunities"])
        csv("crm", "accounts.csv", crm["accounts"])
        pending.append(
            writer.submit(_opportunity_files, landing, options.start, crm["opportunities"])
        )
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
        csv("erp", "payments.csv", payments, bom=True)
        plan = gen.plan(org["users"], org["teams"])
        for name in ("teams", "users", "team_assignments"):
            csv("crm", f"{name}.csv", org[name])
        for name, frame in plan.items():
            csv("plan", f"{name}.csv", frame)
        # Rows per file, by file name (the order the files are written in is the writer's).
        written = {name: rows for future in pending for name, rows in future.result().items()}
    return dict(sorted(written.items()))
