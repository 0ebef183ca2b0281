from decimal import Decimal as D

import pytest

from planning.cents import split


def test_parts_add_up_and_the_largest_remainders_take_the_cents():
    # 1.00 in thirds: 33.33.. each, one cent left, to the first on a tie.
    assert split(D("1.00"), [D(1), D(1), D(1)]) == [D("0.34"), D("0.33"), D("0.33")]
    # 100.00 by 2:1 -> 66.666.. and 33.333..: the larger remainder (.666) takes the cent.
    assert split(D("100.00"), [D(1), D(2)]) == [D("33.33"), D("66.67")]


def test_zero_weights_split_evenly_and_zero_parts_stay_zero():
    assert split(D("0.05"), [D(0), D(0)]) == [D("0.03"), D("0.02")]
    assert split(D("10.00"), [D(0), D(1)]) == [D("0.00"), D("10.00")]


@pytest.mark.parametrize(
    ("total", "weights", "message"),
    [
        (D("1.00"), [], "nothing to split"),
        (D("1.00"), [D(1), D(-1)], "must not be negative"),
        (D("1.005"), [D(1)], "must be in cents"),
    ],
)
def test_bad_splits_are_refused(total, weights, message):
    with pytest.raises(ValueError, match=message):
        split(total, weights)


def test_many_uneven_parts_add_up_exactly():
    weights = [D(w) / 7 for w in range(1, 50)]
    parts = split(D("123456.78"), weights)
    assert sum(parts) == D("123456.78")
    assert all(part == part.quantize(D("0.01")) for part in parts)
