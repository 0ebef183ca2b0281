"""The sample's organisation (teams, users, moves) and CRM exports: accounts, leads,
opportunities with stage history and splits, activities."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sample_exports.shapes import (
    ACTIVITY_P,
    ACTIVITY_TYPES,
    LEAD_SOURCES,
    LEAD_STATUSES,
    OPPORTUNITY_STAGES,
    OPPORTUNITY_TYPES,
    OUTCOMES,
    PRODUCT_LINES,
    REGIONS,
    SEASONALITY,
    SECONDS,
    STAGES,
    Deferred,
    SampleState,
    fmt_dates,
    sql_id,
    sql_money,
    sql_pick,
)


def draw_organisation(g: SampleState) -> dict[str, pd.DataFrame]:
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
        rows.append((f"D{number:02d}", f"Director {region.title()}", "director", "", "", region))
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
    for number in range(1, g.o.reps + 1):
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
    users["hire_date"] = (g.first - pd.Timedelta(days=400)).date()
    users["termination_date"] = ""
    # Hires: the last three reps join during the year, one of them mid-month.
    reps = users.index[users.role == "rep"]
    if len(reps) >= 6 and len(g.months) >= 4:
        users.loc[reps[-1], "hire_date"] = g.months[2]
        users.loc[reps[-2], "hire_date"] = g.months[3] + dt.timedelta(days=14)
        users.loc[reps[-3], "hire_date"] = g.months[1]
        # A leaver in the middle of month six (or the last month of a short sample).
        leave_month = g.months[min(5, len(g.months) - 1)]
        users.loc[reps[4], "termination_date"] = str(leave_month + dt.timedelta(days=14))
    users["hire_date"] = users.hire_date.astype(str)
    users["snapshot_date"] = str((g.end - pd.Timedelta(days=1)).date())
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
                "hire_date": str((g.first - pd.Timedelta(days=400)).date()),
                "termination_date": "",
                "snapshot_date": users.snapshot_date.iloc[0],
            }
        ]
    )
    users = pd.concat([users.drop(columns="region"), ops], ignore_index=True)
    # A mid-month team move: rep U002 moves from T02 to T05 on the 16th of month four.
    move_day = g.months[min(3, len(g.months) - 1)] + dt.timedelta(days=15)
    assignments = pd.DataFrame(
        [
            (
                "U002",
                "T02",
                str((g.first - pd.Timedelta(days=400)).date()),
                str(move_day - dt.timedelta(days=1)),
            ),
            ("U002", "T05", str(move_day), ""),
        ],
        columns=["user_id", "team_id", "valid_from", "valid_to"],
    )
    users.loc[users.user_id == "U002", "team_id"] = "T05"
    return {"teams": teams, "users": users, "team_assignments": assignments}


def draw_crm(g: SampleState, users: pd.DataFrame) -> dict[str, pd.DataFrame]:
    rng = g.rng
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
            "created_at": fmt_dates(
                pd.Series(g.first - pd.to_timedelta(rng.integers(30, 700, n_accounts), "D"))
            ),
        }
    )
    # Opportunities: per rep and month, Poisson by seasonality; only while employed.
    month_starts = pd.DatetimeIndex([pd.Timestamp(m) for m in g.months])
    month_ends = month_starts + pd.offsets.MonthEnd(0)
    lam = g.o.opportunities_per_rep_month * np.array(
        [SEASONALITY[(m.month - 1) % 12] for m in g.months]
    )
    counts = rng.poisson(lam[:, None], (len(g.months), len(reps)))  # months x reps
    lo = np.maximum(month_starts.to_numpy()[:, None], hire.to_numpy()[None, :])
    leave_or_never = leave.fillna(pd.Timestamp.max.normalize()).to_numpy()
    hi = np.minimum(month_ends.to_numpy()[:, None], leave_or_never[None, :])
    span_days = (hi - lo).astype("timedelta64[D]").astype(np.int64) + 1
    counts = np.where(span_days > 0, counts, 0).ravel()
    owner_idx = np.repeat(np.tile(np.arange(len(reps)), len(g.months)), counts)
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
    closed = close < g.end
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
    history_order = np.argsort(np.concatenate([walk * 8 + step, closing * 8 + 7]), kind="stable")
    history_opp = history_opp[history_order]
    stage_history = Deferred(
        pd.DataFrame(
            {
                "number": history_opp + 1,
                "stage": np.concatenate([step, stage_code[closing]])[history_order].astype(np.int8),
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


def draw_activities(g: SampleState, users: pd.DataFrame) -> pd.DataFrame:
    """Activities: per rep and working day, Poisson, while employed. Drawn after every other
    CRM entity (the order of the draws decides the sample), in a step of their own so that
    the other CRM files are written while they are drawn."""
    rng = g.rng
    reps = users[users.role == "rep"].reset_index(drop=True)
    hire = pd.to_datetime(reps.hire_date).to_numpy()
    leave = pd.to_datetime(reps.termination_date.replace("", None)).to_numpy()
    workdays = g.days[g.days.dayofweek < 5]
    grid_rep = np.repeat(np.arange(len(reps)), len(workdays))
    grid_day = np.tile(workdays.to_numpy(), len(reps))
    active = (grid_day >= hire[grid_rep]) & (
        pd.isna(leave[grid_rep]) | (grid_day <= leave[grid_rep])
    )
    grid_rep, grid_day = grid_rep[active], grid_day[active]
    per_day = rng.poisson(g.o.activities_per_rep_day, len(grid_rep))
    act_rep = np.repeat(grid_rep, per_day)
    m = len(act_rep)
    occurred = np.repeat(grid_day, per_day) + rng.integers(8 * 60, 19 * 60, m).astype(
        "timedelta64[m]"
    )
    # The largest export (~20M rows at --scale large) stays in codes and datetimes here;
    # write_activities turns them into text while DuckDB writes the files.
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
