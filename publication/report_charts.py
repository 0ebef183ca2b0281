"""The report's charts, drawn by matplotlib into inline SVG: no network, no script and the
same bytes for the same data (fixed SVG ids, no creation date)."""

from __future__ import annotations

import io
import os
import warnings

from core.i18n import Labels

TIER_COLOURS = {
    "stretch": "#7cc47f",
    "target": "#c5e8b7",
    "floor": "#fde3a7",
    "none": "#f5c6c6",
}
TIER_ORDER = ("none", "floor", "target", "stretch")
CHART_METRICS_MAX = 4


def _svg(figure) -> str:
    """The figure as inline SVG text, the same bytes for the same data."""
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Text stays text (svg.fonttype none): the browser draws Chinese labels with its own
        # fonts even where matplotlib has no CJK font to measure them with.
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _pyplot():
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "scorecards",  # fixed element ids: same data, same bytes
            "svg.fonttype": "none",  # text stays text: searchable, selectable
            "font.family": "DejaVu Sans",
            "font.size": 9,
        }
    )
    import matplotlib.pyplot as plt

    return plt


def distribution_chart(reps: list[dict], metrics: dict[str, str], labels: Labels) -> str:
    """Histogram of the reps' attainment per metric with targets (metric -> label, in the
    registry's order), tier bands behind it."""
    plt = _pyplot()
    shown = list(metrics)[:CHART_METRICS_MAX]
    figure, axes = plt.subplots(1, len(shown), figsize=(3.2 * len(shown), 2.6), squeeze=False)
    for axis, metric in zip(axes[0], shown, strict=True):
        values = [
            float(row["attainment"])
            for row in reps
            if row["metric"] == metric and row["attainment"] is not None
        ]
        axis.axvspan(0, 1, color=TIER_COLOURS["none"], alpha=0.35, lw=0)
        axis.axvline(1.0, color="#2e7d32", lw=1)
        bins = [i / 10 for i in range(0, 21)]
        clipped = [min(max(value, 0.0), 1.999) for value in values]
        axis.hist(clipped, bins=bins, color="#3f6fb5", edgecolor="white")
        axis.set_title(labels("chart.reps_counted", metric=metrics[metric], count=len(values)))
        axis.set_xlabel(labels("chart.attainment_axis"))
        axis.set_xlim(0, 2)
    axes[0][0].set_ylabel(labels("chart.reps"))
    return _svg(figure)


def pace_chart(company: list[dict], labels: Labels) -> str:
    """Actual against expected-to-date for the company's metrics with targets (open month), both
    as a share of the month's target so that counts and amounts share one axis."""
    plt = _pyplot()
    rows = [row for row in company if row["expected_to_date"] is not None and row["target"]]
    figure, axis = plt.subplots(figsize=(6.4, 0.5 + 0.45 * len(rows)))
    names = [labels.metric(row["metric"]) for row in rows]
    expected = [float(row["expected_to_date"]) / float(row["target"]) for row in rows]
    actual = [float(row["actual"] or 0) / float(row["target"]) for row in rows]
    positions = list(range(len(rows)))
    axis.barh(
        [p + 0.2 for p in positions],
        expected,
        height=0.4,
        color="#b0b7c3",
        label=labels("chart.expected"),
    )
    axis.barh(
        [p - 0.2 for p in positions],
        actual,
        height=0.4,
        color="#3f6fb5",
        label=labels("chart.actual"),
    )
    axis.axvline(1.0, color="#2e7d32", lw=1)
    axis.set_yticks(positions, names)
    axis.invert_yaxis()
    axis.legend(loc="lower right", frameon=False)
    axis.set_xlabel(labels("chart.pace_axis"))
    return _svg(figure)


def funnel_chart(stages: list[dict], labels: Labels) -> str:
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(6.4, 0.5 + 0.4 * len(stages)))
    names = [row["stage"] for row in stages]
    entered = [int(row["entered"]) for row in stages]
    advanced = [int(row["advanced"]) for row in stages]
    positions = list(range(len(stages)))
    axis.barh(positions, entered, color="#b0b7c3", label=labels("chart.entered"))
    axis.barh(positions, advanced, color="#3f6fb5", label=labels("chart.advanced"))
    axis.set_yticks(positions, names)
    axis.invert_yaxis()
    axis.legend(loc="lower right", frameon=False)
    axis.set_xlabel(labels("chart.opportunities"))
    return _svg(figure)
