"""plan.html in headless Chromium: the figures of the hand-made plan, in both languages, and a
page that fits a phone without the body scrolling sideways."""

from __future__ import annotations

import pytest

from scorecards.cli import EXIT_OK, main
from tests.publication.test_report import open_at_width, open_in_chromium, share_of


@pytest.fixture
def home(planned_home):
    return planned_home


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        # Where each tier sits against the history: 1,188 / 1,200 - 1 = -1.0 %, 1,584 / 1,200
        # - 1 = +32.0 % (the annualised base is 1,200).
        (
            "en",
            [
                "Target proposal 2026: fiscal year 2026",
                "Seasonality",
                "team median",
                "-1.0% on the annualised base",
                "+32.0% on the annualised base",
            ],
        ),
        ("zh", ["目标方案 2026：2026 财年", "季节性", "团队中位数", "较年化基数 +10.0%"]),
    ],
)
def test_the_plan_page_shows_every_figure(home, tmp_path, lang, words):
    assert main(
        ["plan", "--home", str(home), "--year", "2026", "--ramp", "50", "--lang", lang]
    ) == (EXIT_OK)
    page = home / "plans" / "2026" / "plan.html"
    dom, pixels = open_in_chromium(page, tmp_path, width=1200, height=2400)
    # The company's tiers, the regions' and R1's year (tests/planning/test_topdown.py).
    for figure in ("1,320.00", "1,188.00", "1,584.00", "798.01", "521.99", "532.01", *words):
        assert figure in dom, figure
    assert (pixels < 250).any()  # something was painted


@pytest.mark.parametrize("width", [1200, 390])
def test_the_plan_page_fits_the_screen(home, tmp_path, width):
    """The body never scrolls sideways: wide tables scroll in their own box."""
    assert main(["plan", "--home", str(home), "--year", "2026"]) == EXIT_OK
    page = home / "plans" / "2026" / "plan.html"
    scroll_width, pixels = open_at_width(page, tmp_path, width)
    assert scroll_width <= width
    assert share_of(pixels, "#ffffff") < 0.99  # something drawn
