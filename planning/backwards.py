"""Activity targets worked backwards from result targets (目标倒推), with each team's own rates.

From a rep's monthly result target (bookings when planned, else the first planned metric), with
their team's rates over the base window (the company's where the team has no won deal):

    deals = target / average deal size          opportunities = deals / win rate
    leads = opportunities / lead conversion     pipeline = opportunities x average deal size
    each activity = opportunities x that activity per opportunity created

An opportunity closes a sales cycle after it is created: the lag is the cycle's average days / 30,
rounded, in months. So the opportunities, leads, pipeline and activities a month's target needs
are due ``lag`` months earlier, in the month they must be created. The first ``lag`` months' needs
fall before the plan year: they are reported (``due_before_the_year``), not targets. The
last ``lag`` months create for closings after the year, taken as the same calendar months of this
plan (the next plan is not known). Activities and opportunities are whole numbers (rounded up per
rep and month), pipeline is to the cent; team, region and company targets are the reps' sums.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from planning.cents import CENT
from planning.history import History, PlanInputError
from planning.topdown import MetricPlan, TargetRow, month_add

DAYS_PER_MONTH = Decimal(30)
PIPELINE = "pipeline_created"


@dataclass(frozen=True)
class Rates:
    scope: str  # the team's id, or "company" where the team has no won deal
    avg_deal_size: Decimal
    win_rate: Decimal
    lead_conversion: Decimal | None
    lag_months: int
    per_opportunity: dict[str, Decimal]  # activity metric -> count per opportunity created


@dataclass(frozen=True)
class Need:
    """What one rep's target of one closing month asks, created in ``create_in``."""

    user_id: str
    tier: str
    closing: dt.date
    create_in: dt.date
    target: Decimal
    deals: Decimal
    opportunities: int
    leads: int | None
    pipeline: Decimal
    activities: dict[str, int]
    due_before_the_year: bool


def _total(history: History, scope: tuple[str, str], metric: str, months: list[dt.date]):
    num, den, count = Decimal(0), Decimal(0), 0
    for m in months:
        n, d, c = history.sums.get((*scope, metric, m), (Decimal(0), Decimal(0), 0))
        num, den, count = num + n, den + d, count + c
    return num, den, count


def rates_for(history: History, team_id: str, window: list[dt.date]) -> Rates:
    """The team's rates over ``window``, else the company's; an error when neither has won."""
    for scope in (("team", team_id), ("company", "company")):
        deal_amount, won, _ = _total(history, scope, "avg_deal_size", window)
        won_count, closed, _ = _total(history, scope, "win_rate", window)
        created = _total(history, scope, PIPELINE, window)[2]
        if won > 0 and won_count > 0 and closed > 0 and created > 0:
            converted, leads, _ = _total(history, scope, "lead_conversion_rate", window)
            cycle_days, cycles, _ = _total(history, scope, "sales_cycle_days", window)
            lag = (cycle_days / cycles / DAYS_PER_MONTH) if cycles else Decimal(0)
            return Rates(
                scope=scope[1],
                avg_deal_size=deal_amount / won,
                win_rate=won_count / closed,
                lead_conversion=(converted / leads) if leads and converted else None,
                lag_months=int(lag.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
                per_opportunity={
                    metric: _total(history, scope, metric, window)[0] / created
                    for metric in history.activity_metrics
                },
            )
    raise PlanInputError(
        f"no won deal in the base window ({window[0]:%Y-%m} to {window[-1]:%Y-%m}) for team "
        f"{team_id} or the company: nothing to work activity targets back from"
    )


def work_backwards(
    history: History, plan: MetricPlan
) -> tuple[list[TargetRow], list[Need], dict[str, Rates]]:
    """Activity and pipeline targets for every scope, month and tier, and each rep's needs."""
    months = sorted({row.period_start for row in plan.rows})
    teams = {rep.user_id: rep.team_id for rep in history.reps}
    rates = {
        team: rates_for(history, team, plan.base_months) for team in sorted(set(teams.values()))
    }
    needs: list[Need] = []
    for row in plan.rows:
        if row.scope_type != "rep":
            continue
        rate = rates[teams[row.scope_id]]
        deals = row.value / rate.avg_deal_size
        opportunities = deals / rate.win_rate
        create_in = month_add(row.period_start, -rate.lag_months)
        needs.append(
            Need(
                user_id=row.scope_id,
                tier=row.tier,
                closing=row.period_start,
                create_in=create_in,
                target=row.value,
                deals=deals.quantize(CENT),
                opportunities=math.ceil(opportunities),
                leads=math.ceil(opportunities / rate.lead_conversion)
                if rate.lead_conversion
                else None,
                pipeline=(opportunities * rate.avg_deal_size).quantize(CENT, ROUND_HALF_UP),
                activities={
                    metric: math.ceil(opportunities * per)
                    for metric, per in rate.per_opportunity.items()
                },
                due_before_the_year=create_in < months[0],
            )
        )
    return _targets(history, plan, needs, months), needs, rates


def _targets(
    history: History, plan: MetricPlan, needs: list[Need], months: list[dt.date]
) -> list[TargetRow]:
    """Each plan month's creation targets: the needs created in it, and for the last lag months
    the needs of the same calendar months' closings (the year after is taken as this one)."""
    reps = {rep.user_id: rep for rep in history.reps}
    by_scope: dict[tuple[str, str, str, str, dt.date], Decimal] = defaultdict(Decimal)
    for need in needs:
        create_in = (
            need.create_in if not need.due_before_the_year else month_add(need.create_in, 12)
        )
        rep = reps[need.user_id]
        values = {PIPELINE: need.pipeline, **{k: Decimal(v) for k, v in need.activities.items()}}
        for metric, value in values.items():
            for key in (
                ("rep", rep.user_id),
                ("team", rep.team_id),
                ("region", rep.region),
                ("company", "company"),
            ):
                by_scope[(*key, metric, need.tier, create_in)] += value
    order = {"company": 0, "region": 1, "team": 2, "rep": 3}
    return [
        TargetRow(scope_type, scope_id, metric, month, tier, value)
        for (scope_type, scope_id, metric, tier, month), value in sorted(
            by_scope.items(),
            key=lambda item: (item[0][2], item[0][3], order[item[0][0]], item[0][1], item[0][4]),
        )
        if month in months
    ]
