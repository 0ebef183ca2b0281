"""Bottom-up: what each rep would sell at their own pace, summed up, beside the top-down plan.

A top-down target says what the company wants; the bottom-up figure says what its people have
been doing. Per rep and plan month:

    bottom-up = rate x trend x days in the plan year x the month's seasonal share
                x the share of the month the rep is employed x the ramp

with the rate, the shares and the ramp of the top-down plan (planning/topdown.py). The trend is
the rep's deseasonalised pace in the second half of the base window over the first half
(actual / sum over the half's months of the rep's days x the month's seasonal index, the index
being the share x 12), clipped to TREND_LIMITS; 1 when either half has fewer than MIN_BASE_DAYS
days or nothing sold in the first. Team, region and company figures are the reps' sums. The
reconciliation puts both side by side per scope and period (each month and the year): the
difference (top-down less bottom-up) and the coverage (bottom-up over top-down).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from planning.cents import CENT
from planning.history import History
from planning.topdown import (
    MIN_BASE_DAYS,
    MetricPlan,
    PlanOptions,
    active_share,
    month_add,
    plan_months,
    ramp_factor,
)

TREND_LIMITS = (Decimal("0.80"), Decimal("1.25"))
RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class ReconciliationRow:
    scope_type: str
    scope_id: str
    metric: str
    period: str  # YYYY-MM, or the fiscal year as YYYY
    top_down: Decimal
    bottom_up: Decimal

    @property
    def difference(self) -> Decimal:
        return self.top_down - self.bottom_up

    @property
    def coverage(self) -> Decimal | None:
        return (self.bottom_up / self.top_down).quantize(RATIO) if self.top_down else None


def rep_trend(history: History, plan: MetricPlan, user_id: str) -> Decimal:
    """The rep's deseasonalised pace in the window's second half over its first."""
    window = plan.base_months
    index = {m.month: share * 12 for m, share in plan.seasonality.items()}
    paces = []
    for half in (window[: len(window) // 2], window[len(window) // 2 :]):
        days = sum(history.member_days.get((user_id, m), 0) for m in half)
        weighted = sum(
            (history.member_days.get((user_id, m), 0) * index[m.month] for m in half), Decimal(0)
        )
        if days < MIN_BASE_DAYS or weighted <= 0:
            return Decimal(1)
        actual = sum(
            (history.actuals.get((user_id, plan.metric, m), Decimal(0)) for m in half), Decimal(0)
        )
        paces.append(actual / weighted)
    if paces[0] <= 0:
        return Decimal(1)
    low, high = TREND_LIMITS
    return min(max(paces[1] / paces[0], low), high)


def bottom_up(
    history: History, plan: MetricPlan, options: PlanOptions
) -> dict[tuple[str, str, dt.date], Decimal]:
    """Each scope's bottom-up figure per plan month (reps to the cent; the rest their sums)."""
    months = plan_months(options.year, history.fiscal_year_start_month)
    year_days = Decimal((month_add(months[-1], 1) - months[0]).days)
    out: dict[tuple[str, str, dt.date], Decimal] = defaultdict(Decimal)
    for rep in history.reps:
        pace = plan.rates[rep.user_id] * rep_trend(history, plan, rep.user_id) * year_days
        for m in months:
            value = (
                pace
                * plan.seasonality[m]
                * active_share(rep, m, history.month_days.get(m, 30))
                * ramp_factor(rep, m, options.ramp)
            ).quantize(CENT)
            for key in (("rep", rep.user_id), ("team", rep.team_id), ("region", rep.region)):
                out[(*key, m)] += value
            out["company", "company", m] += value
    return out


def reconcile(history: History, plan: MetricPlan, options: PlanOptions) -> list[ReconciliationRow]:
    """Top-down (the target tier) beside bottom-up, per scope, per month and for the year."""
    top: dict[tuple[str, str, dt.date], Decimal] = {
        (r.scope_type, r.scope_id, r.period_start): r.value for r in plan.rows if r.tier == "target"
    }
    bottom = bottom_up(history, plan, options)
    order = {"company": 0, "region": 1, "team": 2, "rep": 3}
    rows: list[ReconciliationRow] = []
    scopes = sorted({key[:2] for key in top}, key=lambda s: (order[s[0]], s[1]))
    months = sorted({key[2] for key in top})
    for scope_type, scope_id in scopes:
        year_top = year_bottom = Decimal(0)
        for m in months:
            t, b = top[scope_type, scope_id, m], bottom[scope_type, scope_id, m]
            year_top, year_bottom = year_top + t, year_bottom + b
            rows.append(ReconciliationRow(scope_type, scope_id, plan.metric, f"{m:%Y-%m}", t, b))
        rows.append(
            ReconciliationRow(
                scope_type, scope_id, plan.metric, str(options.year), year_top, year_bottom
            )
        )
    return rows
