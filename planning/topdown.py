"""Top-down targets: the company's from its history, split to regions, teams, reps and months.

docs/PLANNING.md gives every formula with a worked example. In short, per metric:

- **Base**: the company's actual over the base window: the twelve complete months before the
  as-of month (``ttm``) or the fiscal year before the plan year (``fy``), clipped to the months
  that have history.
- **Annualised base** = base / the seasonal shares of the window's months (the base itself for
  twelve months of history).
- **Company target** = annualised base x (1 + growth), or a given amount; floor and stretch are
  the target times their multipliers.
- **Each rep's capacity**: their actual per day as a rep over the base window (a rep with fewer
  than MIN_BASE_DAYS there, a new hire, takes the median rate of their team's reps, else of all
  reps), times, for each plan month, the month's seasonal share, the share of the month they
  are on the team (a known leaving date ends it) and the ramp for their month of tenure.
- **Splits**: the company target to regions by their reps' capacity, each region's to its teams,
  each team's to its reps, each rep's to the months by their monthly capacity; every split to the
  cent by the largest remainder (planning/cents.py), so every level adds up exactly.
- **Seasonality**: each calendar month's actual over its fiscal year's monthly mean (over the
  months of that year with history), averaged over the years that have the month; a month with
  no history counts 1; the plan months' indices, normalised, are their shares. Less than a year
  of history gives the months it has their shape and the others the mean.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from planning.cents import CENT, split
from planning.history import History, PlanInputError, Rep

MIN_BASE_DAYS = 28  # fewer days as a rep in the base window: a new hire, rated by their team
BASES = ("ttm", "fy")
TIERS = ("floor", "target", "stretch")


@dataclass(frozen=True)
class PlanOptions:
    year: int
    metrics: tuple[str, ...] = ("revenue",)
    base: str = "ttm"
    growth: Decimal = Decimal("0.10")
    amount: Decimal | None = None  # the company target, instead of base x (1 + growth)
    ramp: tuple[Decimal, ...] = ()  # a new hire's share of capacity in tenure months 0, 1, ...
    floor: Decimal = Decimal("0.90")
    stretch: Decimal = Decimal("1.20")
    tiers: str = "multipliers"  # or "history": floor and stretch from the growth's quartiles


@dataclass(frozen=True)
class TargetRow:
    scope_type: str
    scope_id: str
    metric: str
    period_start: dt.date
    tier: str
    value: Decimal


@dataclass
class MetricPlan:
    """One metric's plan and what explains it (plan.html shows these)."""

    metric: str
    base_months: list[dt.date]
    base: Decimal
    annualised: Decimal  # the base over the share of the year its months carry
    company: dict[str, Decimal]  # tier -> the company's yearly target
    seasonality: dict[dt.date, Decimal]  # plan month -> share of the year
    rates: dict[str, Decimal]  # rep -> actual per day as a rep in the base window
    rated_by: dict[str, str]  # rep -> "own_history", "team_median" or "company_median"
    rows: list[TargetRow] = field(default_factory=list)
    tiers_from: dict[str, str] = field(default_factory=dict)  # rep -> whose growth spread


def month_add(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def plan_months(year: int, fiscal_start_month: int) -> list[dt.date]:
    """The fiscal year ``year`` (named by the calendar year it starts in), month by month."""
    return [month_add(dt.date(year, fiscal_start_month, 1), i) for i in range(12)]


def base_months(history: History, options: PlanOptions, metric: str) -> list[dt.date]:
    """The base window's months that have history, complete before the as-of month."""
    if options.base not in BASES:
        raise PlanInputError(f"--base must be one of {', '.join(BASES)}, got {options.base!r}")
    as_of_month = history.as_of.replace(day=1)
    if options.base == "ttm":
        window = [month_add(as_of_month, -i) for i in range(12, 0, -1)]
    else:
        window = plan_months(options.year - 1, history.fiscal_year_start_month)
    first = history.first_month.get(metric)
    months = [m for m in window if first is not None and first <= m < as_of_month]
    if not months:
        raise PlanInputError(
            f"no complete month of {metric} history in the {options.base} base window "
            f"({window[0]:%Y-%m} to {window[-1]:%Y-%m}, as of {history.as_of}): "
            "publish more history or choose another base"
        )
    return months


def seasonality(history: History, metric: str, months: list[dt.date]) -> dict[dt.date, Decimal]:
    """Each plan month's share of the year, from the company's history (see the module doc)."""
    as_of_month = history.as_of.replace(day=1)
    first = history.first_month.get(metric)
    by_year: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for (name, month), actual in history.company.items():
        if name == metric and first is not None and first <= month < as_of_month:
            fiscal_year = month.year - (month.month < history.fiscal_year_start_month)
            by_year[fiscal_year][month.month] = actual
    indices: dict[int, list[Decimal]] = defaultdict(list)
    for year_months in by_year.values():
        mean = sum(year_months.values(), Decimal(0)) / len(year_months)
        if mean > 0:
            for calendar_month, actual in year_months.items():
                indices[calendar_month].append(max(actual, Decimal(0)) / mean)
    raw = {
        m: (sum(indices[m.month], Decimal(0)) / len(indices[m.month]))
        if indices[m.month]
        else Decimal(1)
        for m in months
    }
    total = sum(raw.values(), Decimal(0))
    if total <= 0:
        return {m: Decimal(1) / len(months) for m in months}
    return {m: value / total for m, value in raw.items()}


MIN_GROWTHS = 12


def _growths(series: dict[dt.date, Decimal], before_month: dt.date) -> list[Decimal]:
    """Year-over-year growth of each month before ``before_month`` that has the month a year
    before (with a positive actual)."""
    growths = []
    for month, actual in sorted(series.items()):
        before = series.get(month_add(month, -12))
        if month < before_month and before and before > 0:
            growths.append(actual / before - 1)
    return growths


def _quartiles(growths: list[Decimal]) -> tuple[Decimal, Decimal]:
    quartiles = statistics.quantiles(growths, n=4, method="inclusive")
    return Decimal(quartiles[0]), Decimal(quartiles[2])


def growth_quartiles(history: History, metric: str) -> tuple[Decimal, Decimal]:
    """The lower and upper quartile of the company's year-over-year growth, month by month."""
    series = {month: a for (name, month), a in history.company.items() if name == metric}
    growths = _growths(series, history.as_of.replace(day=1))
    if len(growths) < MIN_GROWTHS:
        raise PlanInputError(
            f"tiers from history need {MIN_GROWTHS} months of {metric} with the month a year "
            f"before (two years of history); the published copy has {len(growths)}: "
            "use --floor and --stretch"
        )
    return _quartiles(growths)


def rep_growth_quartiles(
    history: History, metric: str, company: tuple[Decimal, Decimal]
) -> tuple[dict[str, tuple[Decimal, Decimal]], dict[str, str]]:
    """Each rep's own quartiles of year-over-year growth where they have MIN_GROWTHS months of
    it, else the company's; and which it was ("own_history" or "company")."""
    series: dict[str, dict[dt.date, Decimal]] = defaultdict(dict)
    for (user, name, month), actual in history.actuals.items():
        if name == metric:
            series[user][month] = actual
    quartiles, source = {}, {}
    for rep in history.reps:
        growths = _growths(series.get(rep.user_id, {}), history.as_of.replace(day=1))
        if len(growths) >= MIN_GROWTHS:
            quartiles[rep.user_id], source[rep.user_id] = _quartiles(growths), "own_history"
        else:
            quartiles[rep.user_id], source[rep.user_id] = company, "company"
    return quartiles, source


def rep_rates(
    history: History, metric: str, months: list[dt.date]
) -> tuple[dict[str, Decimal], dict[str, str]]:
    """Each current rep's actual per day as a rep over the base window, and how it was rated."""
    own: dict[str, Decimal] = {}
    for rep in history.reps:
        days = sum(history.member_days.get((rep.user_id, m), 0) for m in months)
        if days >= MIN_BASE_DAYS:
            actual = sum(
                (history.actuals.get((rep.user_id, metric, m), Decimal(0)) for m in months),
                Decimal(0),
            )
            own[rep.user_id] = max(actual, Decimal(0)) / days
    rates: dict[str, Decimal] = {}
    rated_by: dict[str, str] = {}
    for rep in history.reps:
        if rep.user_id in own:
            rates[rep.user_id], rated_by[rep.user_id] = own[rep.user_id], "own_history"
            continue
        team = [
            own[r.user_id] for r in history.reps if r.team_id == rep.team_id and r.user_id in own
        ]
        if team:
            rates[rep.user_id] = Decimal(statistics.median(team))
            rated_by[rep.user_id] = "team_median"
        else:
            rates[rep.user_id] = Decimal(statistics.median(own.values())) if own else Decimal(1)
            rated_by[rep.user_id] = "company_median"
    return rates, rated_by


def active_share(rep: Rep, month: dt.date, days_in_month: int) -> Decimal:
    """The share of ``month`` the rep is employed: from the hire date to the termination date
    (the last day employed, as dim_users has it)."""
    last = month_add(month, 1) - dt.timedelta(days=1)
    start = max(month, rep.hire_date or month)
    end = min(last, rep.termination_date) if rep.termination_date else last
    return Decimal(max((end - start).days + 1, 0)) / days_in_month


def ramp_factor(rep: Rep, month: dt.date, ramp: tuple[Decimal, ...]) -> Decimal:
    if rep.hire_date is None:
        return Decimal(1)
    tenure = (month.year - rep.hire_date.year) * 12 + month.month - rep.hire_date.month
    return ramp[tenure] if 0 <= tenure < len(ramp) else Decimal(1)


def plan_metric(history: History, options: PlanOptions, metric: str) -> MetricPlan:
    """One metric's rows for every scope, month and tier."""
    months = plan_months(options.year, history.fiscal_year_start_month)
    window = base_months(history, options, metric)
    base = sum((history.company.get((metric, m), Decimal(0)) for m in window), Decimal(0))
    shares = seasonality(history, metric, months)
    # A window of fewer than twelve months stands for the share of the year its months carry.
    covered = sum((shares[m] for m in months if m.month in {w.month for w in window}), Decimal(0))
    annualised = (base / covered).quantize(CENT)
    target = options.amount if options.amount is not None else annualised * (1 + options.growth)
    # From history, floor and stretch are set per rep below and summed; a placeholder until then.
    floor, stretch = target * options.floor, target * options.stretch
    company = {
        "floor": floor.quantize(CENT),
        "target": target.quantize(CENT),
        "stretch": stretch.quantize(CENT),
    }
    if company["target"] <= 0:
        raise PlanInputError(
            f"the company's {metric} target would be {company['target']} (base {base} over "
            f"{window[0]:%Y-%m} to {window[-1]:%Y-%m}): give --amount"
        )
    rates, rated_by = rep_rates(history, metric, months=window)
    weights = {
        (rep.user_id, m): rates[rep.user_id]
        * shares[m]
        * active_share(rep, m, history.month_days.get(m, 30))
        * ramp_factor(rep, m, options.ramp)
        for rep in history.reps
        for m in months
    }
    plan = MetricPlan(metric, window, base, annualised, company, shares, rates, rated_by)
    reps = history.reps
    if options.tiers != "history":
        for tier in TIERS:
            totals = _rep_totals(reps, months, weights, company[tier])
            plan.rows += _tier_rows(reps, months, weights, metric, tier, totals)
        return plan
    # Each rep's floor and stretch from their own growth's spread (docs/PLANNING.md, "Tiers"):
    # target x (1 + quartile) / (1 + the growth asked), never crossing the target; every level
    # above is the sum of its reps'.
    company_quartiles = growth_quartiles(history, metric)
    quartiles, plan.tiers_from = rep_growth_quartiles(history, metric, company_quartiles)
    asked = 1 + (company["target"] / annualised - 1 if annualised > 0 else options.growth)
    targets = _rep_totals(reps, months, weights, company["target"])
    plan.rows += _tier_rows(reps, months, weights, metric, "target", targets)
    for tier, index, pick in (("floor", 0, min), ("stretch", 1, max)):
        totals = {
            user: pick(value * (1 + quartiles[user][index]) / asked, value).quantize(CENT)
            for user, value in targets.items()
        }
        plan.company[tier] = sum(totals.values(), Decimal(0))
        plan.rows += _tier_rows(reps, months, weights, metric, tier, totals)
    plan.rows.sort(key=lambda row: (TIERS.index(row.tier),))
    return plan


def _rep_totals(
    reps: tuple[Rep, ...],
    months: list[dt.date],
    weights: dict[tuple[str, dt.date], Decimal],
    total: Decimal,
) -> dict[str, Decimal]:
    """``total`` split company -> regions -> teams -> reps by capacity, to the cent."""
    capacity = {r.user_id: sum((weights[r.user_id, m] for m in months), Decimal(0)) for r in reps}
    regions = sorted({r.region for r in reps})
    totals: dict[str, Decimal] = {}
    region_parts = split(total, [_sum(capacity, reps, region=x) for x in regions])
    for region, region_total in zip(regions, region_parts, strict=True):
        teams = sorted({r.team_id for r in reps if r.region == region})
        team_parts = split(region_total, [_sum(capacity, reps, team=t) for t in teams])
        for team, team_total in zip(teams, team_parts, strict=True):
            members = [r for r in reps if r.team_id == team]
            rep_parts = split(team_total, [capacity[r.user_id] for r in members])
            totals.update(zip((r.user_id for r in members), rep_parts, strict=True))
    return totals


def _tier_rows(
    reps: tuple[Rep, ...],
    months: list[dt.date],
    weights: dict[tuple[str, dt.date], Decimal],
    metric: str,
    tier: str,
    totals: dict[str, Decimal],
) -> list[TargetRow]:
    """Each rep's year split over months by their monthly capacity, to the cent, and every
    level's monthly rows as the sums of its reps'."""
    monthly: dict[tuple[str, str, dt.date], Decimal] = defaultdict(Decimal)
    for rep in reps:
        month_parts = split(totals[rep.user_id], [weights[rep.user_id, m] for m in months])
        for month, value in zip(months, month_parts, strict=True):
            for key in (("rep", rep.user_id), ("team", rep.team_id), ("region", rep.region)):
                monthly[(*key, month)] += value
            monthly["company", "company", month] += value
    order = {"company": 0, "region": 1, "team": 2, "rep": 3}
    return [
        TargetRow(scope_type, scope_id, metric, month, tier, value)
        for (scope_type, scope_id, month), value in sorted(
            monthly.items(), key=lambda item: (order[item[0][0]], item[0][1], item[0][2])
        )
    ]


def _sum(
    capacity: dict[str, Decimal], reps: tuple[Rep, ...], region: str = "", team: str = ""
) -> Decimal:
    return sum(
        (
            capacity[r.user_id]
            for r in reps
            if (not region or r.region == region) and (not team or r.team_id == team)
        ),
        Decimal(0),
    )
