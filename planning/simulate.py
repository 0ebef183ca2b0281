"""What a target plan would cost in payouts: simulated attainment through the real payout rules.

For each draw, every rep's attainment of each month and metric is drawn, with replacement, from
that rep's own monthly attainments in the published scorecard (the company's, for a rep with no
history of the metric), with one seeded generator, in a fixed order: the same inputs, draws and
seed give the same figures. A month's simulated actual is its target times the draw (to the cent);
a plan period's attainment is its months' actuals over their targets (rounded half up to six
places, as the scorecard does). dbt applies the comp plans' rules to it (planning/payout_rules.py).

Per draw: the cost (every earned amount), the revenue (each rep's revenue target times their
revenue draw) and, per metric, the tier each rep's year reaches. Reported: the cost's 10th, 50th
and 90th percentiles (nearest rank: a percentile is one draw's total, to the cent), the median
revenue and cost share, and the median count of reps per tier.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from planning.history import PlanInputError
from planning.payout_rules import apply_payout_rules
from planning.sheet_check import SheetRow

TIERS = ("floor", "target", "stretch")
REVENUE = "revenue"

IN_FORCE_SQL = """
with latest as (
    select user_id, max(period_start) as period_start from payouts group by user_id
)
select payouts.user_id, payouts.plan_id, payouts.period_type, payouts.metric,
    payouts.weight, payouts.threshold, payouts.cap, payouts.on_target_incentive
from payouts
inner join latest
    on payouts.user_id = latest.user_id and payouts.period_start = latest.period_start
order by payouts.user_id, payouts.metric
"""
HISTORY_SQL = """
select scope_id, metric, attainment
from scorecard_attainment
where scope_type = 'rep' and period_grain = 'month' and not is_open and attainment is not null
order by scope_id, metric, period_month
"""


@dataclass(frozen=True)
class PlanTerms:
    """One metric of a comp plan: its weight, threshold and cap."""

    plan_id: str
    period_type: str  # month or quarter
    metric: str
    weight: Decimal
    threshold: Decimal
    cap: Decimal


@dataclass(frozen=True)
class CompPlans:
    """Who is on which plan with which incentive, the plans' terms and their payout curves."""

    incentive: dict[str, tuple[str, Decimal]]  # user -> (plan id, on-target incentive a period)
    terms: dict[str, tuple[PlanTerms, ...]]  # plan id -> its metrics
    curves: list[tuple[str, Decimal, Decimal, Decimal]]  # plan, attainment_from, at_from, slope


@dataclass(frozen=True)
class CostSummary:
    scenario: str
    draws: int
    seed: int
    reps_costed: int
    reps_without_plan: tuple[str, ...]
    cost: dict[str, Decimal]  # p10, p50, p90
    revenue_p50: Decimal
    cost_share_p50: Decimal | None
    tiers: dict[tuple[str, str], int] = field(default_factory=dict)  # (metric, tier) -> median


def in_force(published_db: Path) -> CompPlans:
    """The comp plans of each rep's latest payout period in the published copy."""
    with duckdb.connect(str(published_db), read_only=True) as con:
        rows = con.execute(IN_FORCE_SQL).fetchall()
        curves = con.execute(
            "select plan_id, attainment_from, payout_at_from, slope from dim_payout_curves "
            "order by plan_id, attainment_from"
        ).fetchall()
    if not rows:
        raise PlanInputError("the published copy has no payouts: no comp plan is in force")
    incentive: dict[str, tuple[str, Decimal]] = {}
    terms: dict[str, dict[str, PlanTerms]] = defaultdict(dict)
    for user, plan, period_type, metric, weight, threshold, cap, oti in rows:
        incentive[user] = (plan, oti)
        terms[plan][metric] = PlanTerms(plan, period_type, metric, weight, threshold, cap)
    return CompPlans(
        incentive, {plan: tuple(by.values()) for plan, by in terms.items()}, list(curves)
    )


def attainment_pools(published_db: Path) -> dict[tuple[str, str], list[int]]:
    """Each rep's closed monthly attainments per metric, in millionths; ("*", metric) pools
    every rep's, for those without a history of their own."""
    pools: dict[tuple[str, str], list[int]] = defaultdict(list)
    with duckdb.connect(str(published_db), read_only=True) as con:
        for user, metric, attainment in con.execute(HISTORY_SQL).fetchall():
            value = int((Decimal(attainment) * 1_000_000).to_integral_value())
            pools[(user, metric)].append(value)
            pools[("*", metric)].append(value)
    return pools


def quarter_of(published_db: Path) -> dict[dt.date, dt.date]:
    """Each month's fiscal quarter, from the published calendar."""
    with duckdb.connect(str(published_db), read_only=True) as con:
        return dict(
            con.execute(
                "select distinct month_start, fiscal_quarter_start from dim_date"
            ).fetchall()
        )


def _cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def _round_div(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Integer division rounded half up, for non-negative numerators (the warehouse's rule)."""
    return (2 * numerator + denominator) // (2 * denominator)


def _percentile(values: list, percent: int):
    """Nearest rank: the value at rank ceil(percent / 100 x n) of the sorted values."""
    ordered = sorted(values)
    return ordered[max(math.ceil(percent / 100 * len(ordered)), 1) - 1]


def simulate_cost(
    scenario: str,
    rows: list[SheetRow],
    plans: CompPlans,
    pools: dict[tuple[str, str], list[int]],
    quarters: dict[dt.date, dt.date],
    draws: int,
    seed: int,
) -> CostSummary:
    """The cost of the rep-level monthly targets in ``rows`` under ``plans`` (module docstring)."""
    targets: dict[tuple[str, str, dt.date], dict[str, int]] = defaultdict(dict)
    for row in rows:
        if row.scope_type == "rep" and row.period_type == "month":
            targets[(row.scope_id, row.metric, row.period_start)][row.tier] = _cents(row.value)
    reps = sorted({user for user, _, _ in targets})
    if not reps:
        raise PlanInputError(f"{scenario} has no monthly rep targets to simulate")
    costed = [user for user in reps if user in plans.incentive]
    plan_metrics = {t.metric for user in costed for t in plans.terms[plans.incentive[user][0]]}
    keys = sorted(
        key
        for key, tiers in targets.items()
        if "target" in tiers and key[1] in plan_metrics | {REVENUE}
    )
    rng = np.random.default_rng(seed)
    drawn: dict[tuple[str, str, dt.date], np.ndarray] = {}
    for user, metric, month in keys:
        pool = pools.get((user, metric)) or pools.get(("*", metric))
        if not pool:
            raise PlanInputError(f"no rep has a closed month's {metric} attainment to draw from")
        drawn[(user, metric, month)] = np.asarray(pool, dtype=np.int64)[
            rng.integers(0, len(pool), size=draws)
        ]
    actual = {  # cents, per draw: the target times the draw, rounded half up
        key: _round_div(targets[key]["target"] * drawn[key], np.full(draws, 1_000_000))
        for key in keys
    }
    revenue = sum(
        (actual[key] for key in keys if key[1] == REVENUE), np.zeros(draws, dtype=np.int64)
    )
    frame = _draw_rows(costed, plans, keys, targets, actual, quarters, draws)
    earned = apply_payout_rules(frame, _curves_frame(plans)) if len(frame) else None
    cost = [Decimal(0)] * draws
    if earned is not None:
        for draw, amount in earned.groupby("draw")["earned_amount"].sum().items():
            cost[int(draw)] = Decimal(amount)
    shares = [
        (c / (Decimal(int(r)) / 100)).quantize(Decimal("0.000001"))
        for c, r in zip(cost, revenue, strict=True)
        if r > 0
    ]
    return CostSummary(
        scenario=scenario,
        draws=draws,
        seed=seed,
        reps_costed=len(costed),
        reps_without_plan=tuple(user for user in reps if user not in plans.incentive),
        cost={f"p{p}": _percentile(cost, p) for p in (10, 50, 90)},
        revenue_p50=Decimal(int(_percentile(list(revenue), 50))) / 100,
        cost_share_p50=_percentile(shares, 50) if shares else None,
        tiers=_tier_medians(keys, targets, actual, plan_metrics, draws),
    )


def _draw_rows(costed, plans, keys, targets, actual, quarters, draws) -> pd.DataFrame:
    """One row per draw, rep, plan period and plan metric: the period's attainment."""
    by_rep_metric: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for user, metric, month in keys:
        by_rep_metric[(user, metric)].append(month)
    parts = []
    for user in costed:
        plan_id, incentive = plans.incentive[user]
        for terms in plans.terms[plan_id]:
            periods: dict[dt.date, list[dt.date]] = defaultdict(list)
            for month in by_rep_metric.get((user, terms.metric), []):
                start = quarters.get(month, month) if terms.period_type == "quarter" else month
                periods[start].append(month)
            for start, months in sorted(periods.items()):
                target = sum(targets[(user, terms.metric, m)]["target"] for m in months)
                if target <= 0:
                    continue
                reached = sum(actual[(user, terms.metric, m)] for m in months)
                attainment = _round_div(reached * 1_000_000, np.full(draws, target))
                parts.append(
                    pd.DataFrame(
                        {
                            "draw": np.arange(draws),
                            "user_id": user,
                            "plan_id": plan_id,
                            "period_start": start,
                            "metric": terms.metric,
                            "weight": str(terms.weight),
                            "threshold": str(terms.threshold),
                            "cap": str(terms.cap),
                            "prorated_incentive": str(incentive),
                            "attainment": [f"{a / 1_000_000:.6f}" for a in attainment],
                        }
                    )
                )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _curves_frame(plans: CompPlans) -> pd.DataFrame:
    return pd.DataFrame(
        [(plan, str(start), str(at), str(slope)) for plan, start, at, slope in plans.curves],
        columns=["plan_id", "attainment_from", "payout_at_from", "slope"],
    )


def _tier_medians(keys, targets, actual, metrics, draws) -> dict[tuple[str, str], int]:
    """Per plan metric, the median count (nearest rank) of reps whose year reaches each tier
    (the highest reached, as the scorecard's tier_reached), or none."""
    year: dict[tuple[str, str], dict] = {}
    for user, metric, month in keys:
        if metric not in metrics:
            continue
        entry = year.setdefault(
            (user, metric), {"actual": np.zeros(draws, dtype=np.int64), "tiers": {}}
        )
        entry["actual"] = entry["actual"] + actual[(user, metric, month)]
        for tier, cents in targets[(user, metric, month)].items():
            entry["tiers"][tier] = entry["tiers"].get(tier, 0) + cents
    counts: dict[tuple[str, str], np.ndarray] = {}
    for metric in sorted(metrics):
        for tier in ("none", *TIERS):
            counts[(metric, tier)] = np.zeros(draws, dtype=np.int64)
    for (_, metric), entry in year.items():
        reached = np.full(draws, "none", dtype=object)
        for tier in TIERS:  # floor, then target, then stretch: the highest reached stays
            if tier in entry["tiers"]:
                reached = np.where(entry["actual"] >= entry["tiers"][tier], tier, reached)
        for tier in ("none", *TIERS):
            counts[(metric, tier)] += reached == tier
    return {key: int(_percentile(list(values), 50)) for key, values in counts.items()}
