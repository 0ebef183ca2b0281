"""A plan's simulated cost as a table: one row per measure, one column per scenario, so two
plans read side by side (`cost.csv`, and the same lines printed)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from core.i18n import Labels
from planning.simulate import TIERS, CostSummary


def cost_rows(summaries: Sequence[CostSummary], labels: Labels) -> list[list[str]]:
    """[measure, label, value per scenario]; money to the cent, shares as percentages."""
    rows: list[list[str]] = []

    def add(key: str, label: str, values: list[str]) -> None:
        rows.append([key, label, *values])

    add("draws", labels("cost.draws"), [str(s.draws) for s in summaries])
    add("seed", labels("cost.seed"), [str(s.seed) for s in summaries])
    add("reps_costed", labels("cost.reps_costed"), [str(s.reps_costed) for s in summaries])
    add(
        "reps_without_plan",
        labels("cost.reps_without_plan"),
        [str(len(s.reps_without_plan)) for s in summaries],
    )
    for percentile in ("p10", "p50", "p90"):
        add(
            f"cost_{percentile}",
            labels(f"cost.{percentile}"),
            [labels.number(s.cost[percentile]) for s in summaries],
        )
    add(
        "revenue_p50", labels("cost.revenue_p50"), [labels.number(s.revenue_p50) for s in summaries]
    )
    add(
        "cost_share_p50",
        labels("cost.cost_share_p50"),
        [labels.percent(s.cost_share_p50, 2) for s in summaries],
    )
    for metric, tier in sorted({key for s in summaries for key in s.tiers}, key=_tier_order):
        label = (
            labels("cost.reps_below", metric=labels.metric(metric))
            if tier == "none"
            else labels("cost.reps_at", tier=labels.tier(tier), metric=labels.metric(metric))
        )
        add(
            f"reps_{tier}_{metric}",
            label,
            [str(s.tiers.get((metric, tier), 0)) for s in summaries],
        )
    return rows


def _tier_order(key: tuple[str, str]) -> tuple[str, int]:
    metric, tier = key
    return metric, ("none", *TIERS).index(tier)


def write_cost(path: Path, summaries: Sequence[CostSummary], labels: Labels) -> Path:
    """cost.csv (UTF-8 with a BOM, as the proposal's other files), scenarios as columns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["measure", labels("cost.measure"), *(summary.scenario for summary in summaries)]
        )
        writer.writerows(cost_rows(summaries, labels))
    return path


def cost_lines(summaries: Sequence[CostSummary], labels: Labels) -> list[str]:
    """The table as aligned text lines, for the terminal."""
    rows = [[labels("cost.measure"), *(s.scenario for s in summaries)]] + [
        row[1:] for row in cost_rows(summaries, labels)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        )
        for row in rows
    ]
