"""The sample's planning sheets: targets in three tiers with a revision, phasing, comp plans,
payout curve, plan assignments, KPI weights and manager reviews."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_exports.shapes import PRODUCT_LINES, REGIONS, SEASONALITY, TIERS, SampleState


def draw_plan(g: SampleState, users: pd.DataFrame, teams: pd.DataFrame) -> dict[str, pd.DataFrame]:
    rng = g.rng
    reps = users[users.role == "rep"]
    year_start = g.months[0]
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
    revision = g.months[min(6, len(g.months) - 1)]
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
        for q in range(0, len(g.months), 3):
            value = members * 3 * 170_000 * (0.9 + 0.2 * rng.random())
            tiers("team", team_id, "bookings", "quarter", g.months[q], value)
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
    month_text = np.array([str(month) for month in g.months])
    cells = n_reps * len(g.months) * len(TIERS)
    rep_targets = pd.DataFrame(
        {
            "scope_type": "rep",
            "scope_id": np.repeat(reps.user_id.to_numpy(), len(g.months) * len(TIERS)),
            "metric": "revenue",
            "period_type": "month",
            "period_start": np.tile(np.repeat(month_text, len(TIERS)), n_reps),
            "tier": np.tile([tier for tier, _ in TIERS], n_reps * len(g.months)),
            "value": np.broadcast_to(tier_values, (n_reps, len(g.months), len(TIERS))).reshape(
                cells
            ),
            "effective_date": "",
            "note": "",
        }
    )
    before_reps = len(rows)
    # Teams: the activity and process KPIs of the performance scorecard, quarterly (calls are
    # split among members; a win-rate target applies as it is to every member).
    for team_id in teams.team_id:
        members = (users[(users.role == "rep") & (users.team_id == team_id)]).shape[0]
        for q in range(0, len(g.months), 3):
            tiers("team", team_id, "calls", "quarter", g.months[q], members * 90, digits=0)
            tiers("team", team_id, "win_rate", "quarter", g.months[q], 0.45, digits=2)
    # Segments (docs/PLANNING.md): revenue by product line at the company and one in a region,
    # bookings of the two largest key accounts, and each region's market share (no draws: the
    # rest of the sample stays as it was).
    company_revenue = n_reps * 12 * 180_000
    for line, share in zip(PRODUCT_LINES, (0.5, 0.3, 0.2), strict=True):
        tiers("product_line", line, "revenue", "year", year_start, company_revenue * share)
    tiers(
        "product_line",
        f"{REGIONS[0]}/{PRODUCT_LINES[0]}",
        "revenue",
        "year",
        year_start,
        company_revenue * 0.5 / len(REGIONS),
    )
    for account_id in ("A00001", "A00002"):
        tiers("account", account_id, "bookings", "year", year_start, 600_000)
    market_size = []
    for region in REGIONS:
        members = users[
            (users.role == "rep") & users.team_id.isin(teams.team_id[teams.region == region])
        ].shape[0]
        market_size.append(
            (region, "year", str(year_start), f"{members * 12 * 2_000_000:.2f}", "CNY")
        )
        tiers("region", region, "market_share", "year", year_start, 0.08, digits=3)
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
    per_rep = len(g.months) * len(criteria)
    manager_reviews = pd.DataFrame(
        {
            "user_id": np.repeat(reps.user_id.to_numpy(), per_rep),
            "period_start": np.tile(np.repeat(month_text, len(criteria)), n_reps),
            "criterion": np.tile(criteria, n_reps * len(g.months)),
            "score": rng.integers(2, 6, n_reps * per_rep).astype(str),
            "reviewer_id": np.repeat(reps.manager_id.to_numpy(), per_rep),
        }
    )
    payout_approvals = draw_approvals(g, reps)
    return {
        "targets": targets,
        "phasing": phasing,
        "comp_plans": comp_plans,
        "payout_curve": payout_curve,
        "plan_assignments": plan_assignments,
        "kpi_weights": kpi_weights,
        "manager_reviews": manager_reviews,
        "payout_approvals": payout_approvals,
        "market_size": pd.DataFrame(
            market_size,
            columns=["region", "period_type", "period_start", "market_size", "currency"],
        ),
    }


def draw_approvals(g: SampleState, reps: pd.DataFrame) -> pd.DataFrame:
    """Finance's decisions on the first quarter's monthly payouts, each dated the 10th of the
    next month: every rep employed in the month approved, but for one dispute and one payout on
    hold in the quarter's last month (they stay out of the payroll file). Only reps employed in
    the month have a payout to decide on."""
    rows = []
    for index, month in enumerate(g.months[:3]):
        month_end = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
        decided = (pd.Timestamp(month) + pd.DateOffset(months=1, days=9)).date()
        employed = reps[
            (reps.hire_date <= str(month_end))
            & ((reps.termination_date == "") | (reps.termination_date >= str(month)))
        ]
        for position, user_id in enumerate(employed.user_id):
            status, note = "approved", ""
            if index == 2 and position == 0:
                status, note = "disputed", "Rep disputes the credit of one invoice"
            elif index == 2 and position == 1:
                status, note = "on_hold", "Awaiting the customer's payment confirmation"
            rows.append((user_id, str(month), status, note, "F01", str(decided)))
    columns = ["user_id", "period_start", "status", "note", "approver_id", "decided_at"]
    return pd.DataFrame(rows, columns=columns)
