"""The benchmark's floor (one DuckDB query) and pandas version agree on the sample's figures.

The benchmark itself checks both against the published warehouse before it prints a time; this
keeps the two hand-written versions honest between benchmark runs (no pipeline run here).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks import pandas_version
from benchmarks.scale import floor, normalised, run_measured
from sample_exports.generator import SampleOptions, write_sample


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "landing"
    write_sample(root, SampleOptions(seed=5, reps=12, months=4, start="2026-01"))
    return root


def test_floor_and_pandas_agree_on_every_figure(landing):
    floor_figures = normalised(floor(landing, "2026-04-28", "CNY"))
    pandas_figures = normalised(pandas_version.compute(landing, "2026-04-28", "CNY"))
    assert floor_figures.equals(pandas_figures)
    figures = set(floor_figures.figure)
    assert {"bookings", "revenue", "collections", "calls", "revenue_attainment"} <= figures
    assert len(floor_figures) > 300
    # The as-of date cuts: nothing after it, and an earlier date gives fewer figures.
    assert floor_figures.month_start.max().isoformat() == "2026-04-01"
    earlier = normalised(floor(landing, "2026-02-10", "CNY"))
    assert earlier.month_start.max().isoformat() == "2026-02-01"
    assert earlier.equals(normalised(pandas_version.compute(landing, "2026-02-10", "CNY")))


def test_a_credit_note_lowers_revenue_in_both(landing):
    """A credit note exported with a positive sign must lower revenue whatever its sign."""
    invoices = landing / "erp" / "invoices.csv"
    text = invoices.read_text()
    assert ",credit_note,posted" in text
    before = normalised(floor(landing, "2026-04-28", "CNY"))
    flipped = landing.parent / "flipped" / "landing"
    for path in landing.rglob("*"):
        if path.is_file():
            target = flipped / path.relative_to(landing)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if ",credit_note," in line:
            fields = line.split(",")
            fields[5] = "-" + fields[5].lstrip("-")  # the same credit note, exported negative
            lines[index] = ",".join(fields)
    (flipped / "erp" / "invoices.csv").write_text("\n".join(lines) + "\n")
    assert normalised(floor(flipped, "2026-04-28", "CNY")).equals(before)
    assert normalised(pandas_version.compute(flipped, "2026-04-28", "CNY")).equals(before)


def test_each_process_s_peak_memory_is_its_own():
    """A run's peak RSS is its own: not a bigger child's measured before it, and not the size of
    the process that starts it (a forked child's peak starts from its parent's size: the
    benchmark, holding the pandas version's frames, once made a run report 8.91 GiB). Its output
    and exit code come back."""
    big = "data = b'x' * (400 * 2**20); print('big', len(data))"
    code, output, peak, together = run_measured([sys.executable, "-c", big])
    assert (code, output.strip()) == (0, f"big {400 * 2**20}")
    assert peak > 0.38
    assert together >= peak
    ballast = b"x" * (600 * 2**20)  # this process, now over 600 MiB, starts the next one
    code, output, small, together = run_measured(
        [sys.executable, "-c", "import sys; sys.exit('no')"]
    )
    assert len(ballast) == 600 * 2**20
    assert code == 1 and "no" in output
    assert small < 0.2 and together < 0.2


def test_processes_running_at_once_count_together():
    """What the machine must hold: a run of 300 MiB beside a child of 300 MiB (as the run beside
    its dbt process) is 0.6 GiB together, though no single process is larger than 0.3 GiB."""
    child = "import time; data = b'y' * (300 * 2**20); time.sleep(2)"
    parent = (
        "import subprocess, sys; data = b'x' * (300 * 2**20); "
        f"subprocess.check_call([sys.executable, '-c', {child!r}])"
    )
    code, _, peak, together = run_measured([sys.executable, "-c", parent])
    assert code == 0
    assert 0.29 < peak < 0.45
    assert together > 0.58
