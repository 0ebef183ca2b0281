"""The same rep-month KPIs and revenue attainment as benchmarks/floor.sql, in plain pandas.

This is what an analyst writes today: read the exports with ``pd.read_csv``, merge, group by.
It follows the warehouse's rules for what it computes (DOMAIN.md, docs/RULES.md) and, so that
the three versions can be compared to the cent, keeps money in integer cents (int64) and rates
in integer hundred-millionths; every rounding is half away from zero, as DuckDB rounds
decimals. It knows the sample's file layout, like the floor does.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

ACTIVITY_TYPES = ("call", "email", "meeting", "visit", "demo")
RATE_SCALE = 100_000_000  # rates carry 8 decimal places (DECIMAL(18, 8) in the warehouse)


def _cents(text: pd.Series) -> np.ndarray:
    """Two-decimal amounts as exact integer cents (float parse is exact far beyond 1e12)."""
    return np.round(text.astype("float64").to_numpy() * 100).astype("int64")


def _round_div(numerator: np.ndarray, denominator: np.ndarray | int) -> np.ndarray:
    """numerator / denominator rounded half away from zero, in integers (denominator > 0)."""
    magnitude = (np.abs(numerator) * 2 + denominator) // (2 * np.asarray(denominator))
    return np.sign(numerator) * magnitude


def _floor_half_up(numerator: np.ndarray, denominator: np.ndarray | int) -> np.ndarray:
    """floor((2n + d) / 2d): numerator / denominator rounded half up (the allocation rule)."""
    return (numerator * 2 + denominator) // (2 * np.asarray(denominator))


def _to_base(cents: np.ndarray, rate_units: np.ndarray) -> np.ndarray:
    return _round_div(cents * rate_units, RATE_SCALE)


def _read(path: Path, **kwargs) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, **kwargs)


def _rates(frame: pd.DataFrame, date_column: str, fx: pd.DataFrame, base: str) -> np.ndarray:
    """The latest rate on or before each row's date (1 for the base currency), as integers."""
    keyed = frame[[date_column, "currency"]].reset_index(names="_row")
    keyed = keyed.sort_values(date_column, kind="stable")
    matched = pd.merge_asof(
        keyed,
        fx,
        left_on=date_column,
        right_on="rate_date",
        by="currency",
        direction="backward",
    ).sort_values("_row")
    units = matched.rate_units.to_numpy(dtype="float64", na_value=np.nan)
    units = np.where(matched.currency.to_numpy() == base, RATE_SCALE, units)
    if np.isnan(units).any():
        raise SystemExit("pandas version: a foreign amount has no FX rate")
    return units.astype("int64")


def compute(landing: Path, as_of: str, base: str) -> pd.DataFrame:
    """Rows: user_id, month_start, figure, amount (DECIMAL(38, 6) text), like the floor."""
    crm, erp, plan = landing / "crm", landing / "erp", landing / "plan"
    as_of_ts = pd.Timestamp(as_of)

    users = _read(crm / "users.csv")
    known = set(users.user_id)
    fx = _read(erp / "fx_rates.csv")
    fx = pd.DataFrame(
        {
            "rate_date": pd.to_datetime(fx.rate_date),
            "currency": fx.currency,
            "rate_units": np.round(fx.rate_to_base.astype("float64") * RATE_SCALE).astype("int64"),
        }
    ).sort_values("rate_date")

    # Opportunities: the CSV and the JSON Lines delta; the latest version by updated_at wins.
    versions = pd.concat(
        [_read(path).assign(_file=path.name) for path in sorted(crm.glob("opportunities_*.csv"))]
        + [
            pd.read_json(path, lines=True, dtype=str).assign(_file=path.name)
            for path in sorted(crm.glob("opportunities_*.jsonl"))
        ],
        ignore_index=True,
    )
    versions["_updated"] = pd.to_datetime(versions.updated_at)
    opportunities = (
        versions.sort_values(["opportunity_id", "_updated", "_file"])
        .drop_duplicates("opportunity_id", keep="last")
        .reset_index(drop=True)
    )
    opportunities["close_date"] = pd.to_datetime(opportunities.close_date)
    opportunities["created_date"] = pd.to_datetime(opportunities.created_at).dt.normalize()
    opportunities["cents"] = _cents(opportunities.amount)

    # Bookings: won deals at the close-date rate, split by revenue splits to the cent.
    won = opportunities[opportunities.is_won == "true"].copy()
    won["base_cents"] = _to_base(won.cents.to_numpy(), _rates(won, "close_date", fx, base))
    splits = _read(crm / "opportunity_splits.csv")
    splits = splits[splits.split_type == "revenue"].copy()
    splits["weight"] = np.round(splits.percent.astype("float64") * 1_000_000).astype("int64")
    splits = splits.sort_values(["opportunity_id", "user_id"])
    splits["cum_weight"] = splits.groupby("opportunity_id").weight.cumsum()
    splits["total_weight"] = splits.groupby("opportunity_id").weight.transform("sum")
    split_won = won.merge(
        splits[["opportunity_id", "user_id", "weight", "cum_weight", "total_weight"]],
        on="opportunity_id",
    )
    total = split_won.base_cents.to_numpy()
    tw = split_won.total_weight.to_numpy()
    split_won["amount"] = _floor_half_up(
        total * split_won.cum_weight.to_numpy(), tw
    ) - _floor_half_up(total * (split_won.cum_weight - split_won.weight).to_numpy(), tw)
    unsplit = won[~won.opportunity_id.isin(splits.opportunity_id)]
    bookings = pd.concat(
        [
            pd.DataFrame(
                {"user": unsplit.owner_id, "date": unsplit.close_date, "amount": unsplit.base_cents}
            ),
            pd.DataFrame(
                {
                    "user": split_won.user_id,
                    "date": split_won.close_date,
                    "amount": split_won.amount,
                }
            ),
        ]
    ).assign(metric="bookings")

    created_rates = _rates(opportunities, "created_date", fx, base)
    pipeline = pd.DataFrame(
        {
            "user": opportunities.owner_id,
            "date": opportunities.created_date,
            "amount": _to_base(opportunities.cents.to_numpy(), created_rates),
            "metric": "pipeline_created",
        }
    )

    # Revenue: invoice rep, else order rep, else opportunity owner, else account owner.
    invoices = _read(erp / "invoices.csv")
    orders = _read(erp / "sales_orders.csv")[["order_id", "crm_opportunity_id", "sales_rep_id"]]
    customers = pd.read_csv(erp / "customers.csv", dtype=str, keep_default_na=False, encoding="gbk")
    customers = customers.iloc[:, [0, 2]].set_axis(["customer_id", "crm_account_id"], axis=1)
    accounts = _read(crm / "accounts.csv")[["account_id", "owner_id"]]
    chained = (
        invoices.merge(
            orders.rename(columns={"sales_rep_id": "order_rep"}), on="order_id", how="left"
        )
        .merge(
            opportunities[["opportunity_id", "owner_id"]].rename(
                columns={"opportunity_id": "crm_opportunity_id", "owner_id": "opp_owner"}
            ),
            on="crm_opportunity_id",
            how="left",
        )
        .merge(customers, on="customer_id", how="left")
        .merge(
            accounts.rename(columns={"account_id": "crm_account_id", "owner_id": "account_owner"}),
            on="crm_account_id",
            how="left",
        )
    )
    chain = chained.sales_rep_id.replace("", np.nan)
    for fallback in ("order_rep", "opp_owner", "account_owner"):
        chain = chain.fillna(chained[fallback].replace("", np.nan))
    chained["chain_user"] = chain
    chained["invoice_date"] = pd.to_datetime(chained.invoice_date)
    signed = np.abs(_cents(chained.amount_net))
    signed = np.where(chained.document_type == "credit_note", -signed, signed)
    chained["base_cents"] = _to_base(signed, _rates(chained, "invoice_date", fx, base))
    posted = chained[chained.status == "posted"]
    revenue = pd.DataFrame(
        {
            "user": posted.chain_user,
            "date": posted.invoice_date,
            "amount": posted.base_cents,
            "metric": "revenue",
        }
    )

    # Collections: payments by paid date, credited like their invoice.
    payments = _read(erp / "payments.csv", encoding="utf-8-sig")
    payments = payments.set_axis(
        ["payment_id", "invoice_id", "paid_date", "amount", "currency"], axis=1
    )
    payments["paid_date"] = pd.to_datetime(payments.paid_date)
    credit = chained.set_index("invoice_id").chain_user
    paid_user = payments.invoice_id.map(credit)
    paid_user = paid_user.where(payments.invoice_id.isin(credit.index), "unknown").fillna(
        "unassigned"
    )
    collections = pd.DataFrame(
        {
            "user": paid_user,
            "date": payments.paid_date,
            "amount": _to_base(_cents(payments.amount), _rates(payments, "paid_date", fx, base)),
            "metric": "collections",
        }
    )

    frames = []
    for path in sorted(crm.glob("activities_*.csv")):
        part = pd.read_csv(path, usecols=["owner_id", "activity_type", "occurred_at"], dtype=str)
        frames.append(
            pd.DataFrame(
                {
                    "user": part.owner_id,
                    "date": pd.to_datetime(
                        part.occurred_at, format="%Y-%m-%d %H:%M"
                    ).dt.normalize(),
                    "amount": 100,
                    "metric": part.activity_type + "s",
                }
            )
        )

    ledger = pd.concat([bookings, pipeline, revenue, collections, *frames], ignore_index=True)
    ledger = ledger[ledger.date <= as_of_ts]
    user = ledger.user.where(ledger.user.isin(known), "unknown")
    user = user.where(ledger.user.notna() & (ledger.user != ""), "unassigned")
    user = user.where(~ledger.user.isin(["unknown", "unassigned"]), ledger.user)
    kpis = (
        ledger.assign(user_id=user, month_start=ledger.date.dt.to_period("M").dt.start_time)
        .groupby(["user_id", "month_start", "metric"], as_index=False)
        .amount.sum()
        .rename(columns={"amount": "actual_cents"})
    )
    attainment = _attainment(crm, plan, users, kpis, as_of_ts)
    figures = pd.concat(
        [
            kpis.rename(columns={"metric": "figure", "actual_cents": "units"}).assign(places=2),
            attainment[["user_id", "month_start", "target_cents"]]
            .rename(columns={"target_cents": "units"})
            .assign(figure="revenue_target", places=2),
            attainment[["user_id", "month_start", "attainment_millionths"]]
            .rename(columns={"attainment_millionths": "units"})
            .assign(figure="revenue_attainment", places=6),
        ],
        ignore_index=True,
    )
    return pd.DataFrame(
        {
            "user_id": figures.user_id,
            "month_start": figures.month_start.dt.date,
            "figure": figures.figure,
            "amount": [
                as_decimal_text(units, places)
                for units, places in zip(figures.units, figures.places, strict=True)
            ],
        }
    )


def _attainment(
    crm: Path, plan: Path, users: pd.DataFrame, kpis: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Revenue against the rep's monthly target in force, prorated by member-days."""
    targets = _read(plan / "targets.csv")
    targets = targets[
        (targets.scope_type == "rep")
        & (targets.metric == "revenue")
        & (targets.period_type == "month")
        & (targets.tier.replace("", "target") == "target")
    ].copy()
    targets["month_start"] = pd.to_datetime(targets.period_start)
    targets["effective"] = pd.to_datetime(targets.effective_date.replace("", np.nan)).fillna(
        targets.month_start
    )
    targets = targets[targets.effective <= as_of].sort_values("effective", kind="stable")
    targets = targets.drop_duplicates(["scope_id", "month_start"], keep="last")
    targets = targets[targets.month_start <= as_of]

    people = users.assign(
        hire=pd.to_datetime(users.hire_date),
        end=pd.to_datetime(users.termination_date.replace("", np.nan)) + pd.Timedelta(days=1),
    )[["user_id", "hire", "end"]]
    assignments = _read(crm / "team_assignments.csv")
    assignments = assignments.assign(
        start=pd.to_datetime(assignments.valid_from),
        stop=pd.to_datetime(assignments.valid_to.replace("", np.nan)) + pd.Timedelta(days=1),
    ).merge(people, on="user_id")
    assignments["start"] = assignments[["start", "hire"]].max(axis=1)
    assignments["stop"] = assignments[["stop", "end"]].min(axis=1)
    from_users = people[~people.user_id.isin(assignments.user_id)].rename(
        columns={"hire": "start", "end": "stop"}
    )
    spans = pd.concat([assignments[["user_id", "start", "stop"]], from_users], ignore_index=True)

    pieces = targets[["scope_id", "month_start", "value"]].merge(
        spans, left_on="scope_id", right_on="user_id"
    )
    month_end = pieces.month_start + pd.offsets.MonthBegin(1)
    stop = pieces.stop.fillna(pd.Timestamp.max).where(
        pieces.stop.fillna(pd.Timestamp.max) < month_end, month_end
    )
    start = pieces.start.where(pieces.start > pieces.month_start, pieces.month_start)
    pieces["days"] = (stop - start).dt.days.clip(lower=0)
    days = pieces.groupby(["user_id", "month_start", "value"], as_index=False).days.sum()
    days = days[days.days > 0]
    in_month = days.month_start.dt.days_in_month.to_numpy()
    days["target_cents"] = _floor_half_up(_cents(days.value) * days.days.to_numpy(), in_month)

    revenue = kpis[kpis.metric == "revenue"][["user_id", "month_start", "actual_cents"]]
    out = days[["user_id", "month_start", "target_cents"]].merge(
        revenue, on=["user_id", "month_start"], how="left"
    )
    out["actual_cents"] = out.actual_cents.fillna(0).astype("int64")
    target = out.target_cents.to_numpy()
    out = out[target > 0].copy()
    out["attainment_millionths"] = _floor_half_up(
        out.actual_cents.to_numpy() * 1_000_000, out.target_cents.to_numpy()
    )
    return out


SIX_PLACES = Decimal("0.000001")


def as_decimal_text(units: int, places: int) -> str:
    """Integer units of 10^-places as DECIMAL(38, 6) text, the form the floor prints."""
    return str(Decimal(int(units)).scaleb(-places).quantize(SIX_PLACES))
