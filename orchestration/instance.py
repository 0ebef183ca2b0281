"""The Dagster instance a run records itself in: the home's own, which `make dagster-dev` opens.

``scorecards run`` and the UI share one persistent instance (``<home>/dagster``, or the folder
``DAGSTER_HOME`` names), so every run, materialization and check result of the command line is
in the UI's history. Only Dagster's public API: ``DagsterInstance.get()`` on that folder.

A full run covers every monthly partition in one run. Dagster records a "planned" event per
asset and partition before the first step unless told to record the range once
(``DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS``, Dagster's own setting for single-run
backfills); the cost of either is in docs/BENCHMARKS.md.

The instance's SQLite files commit without a disk sync per event while a run records into
them (orchestration/instance_sqlite.py).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from core.environment import environment
from orchestration.instance_sqlite import commits_synced_at_checkpoints

DAGSTER_HOME_ENV = "DAGSTER_HOME"
PLANNED_RANGE_ENV = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"
# The instance's settings when the home has none: no telemetry (no network at run time).
INSTANCE_SETTINGS = "telemetry:\n  enabled: false\n"


def instance_dir(home_root: Path) -> Path:
    """Where a home's Dagster instance lives: DAGSTER_HOME when set, else ``<home>/dagster``."""
    configured = os.environ.get(DAGSTER_HOME_ENV)
    return Path(configured) if configured else home_root / "dagster"


def prepare_instance_dir(home_root: Path) -> Path:
    """The instance's folder, made with its settings when missing (`make dagster-dev` too)."""
    folder = instance_dir(home_root).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    settings = folder / "dagster.yaml"
    if not settings.exists():
        settings.write_text(INSTANCE_SETTINGS, encoding="utf-8")
    return folder


@contextlib.contextmanager
def home_instance(home_root: Path) -> Iterator[dg.DagsterInstance]:
    """The home's persistent instance, created on first use, open for the block."""
    folder = prepare_instance_dir(home_root)
    settings = {
        DAGSTER_HOME_ENV: str(folder),
        PLANNED_RANGE_ENV: os.environ.get(PLANNED_RANGE_ENV, "1"),
    }
    with (
        environment(settings),
        commits_synced_at_checkpoints(folder),
        dg.DagsterInstance.get() as instance,
    ):
        yield instance
