"""Splitting an amount into parts that add up to it exactly, to the cent.

A target split by shares (regions, teams, reps, months) must add up at every level: rounding each
part on its own loses or invents cents. The largest-remainder method (Hamilton's) rounds every
part down, then gives the cents left over, one each, to the parts with the largest remainders;
ties go to the earlier part, so the same inputs give the same split. Nothing in the standard
library or the stack does this for decimals (numpy's rounding is per value), hence the few lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

CENT = Decimal("0.01")


def split(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``total`` in parts proportional to ``weights`` (non-negative, not all zero), each to the
    cent, summing to ``total`` exactly. With all weights zero the parts are equal."""
    if not weights:
        raise ValueError("nothing to split the amount over")
    if any(weight < 0 for weight in weights):
        raise ValueError(f"weights must not be negative: {list(weights)}")
    if total != total.quantize(CENT):
        raise ValueError(f"the amount to split must be in cents, got {total}")
    weight_sum = sum(weights, Decimal(0))
    shares = list(weights) if weight_sum > 0 else [Decimal(1)] * len(weights)
    share_sum = weight_sum if weight_sum > 0 else Decimal(len(weights))
    cents = int(total / CENT)
    exact = [Decimal(cents) * share / share_sum for share in shares]
    floors = [int(value.to_integral_value(rounding=ROUND_FLOOR)) for value in exact]
    left = cents - sum(floors)
    # The parts with the largest remainders get one more cent (the earlier part on a tie).
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in order[:left]:
        floors[index] += 1
    return [Decimal(part) * CENT for part in floors]
