"""Resources: where the deployment lives and how dbt is invoked."""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack

import dagster as dg
from dagster_dbt import DbtCliResource
from pydantic import PrivateAttr

from core.children import DBT_LAUNCHER, launcher
from core.runlock import run_lock
from core.settings import (
    DBT_PROJECT_DIR,
    Home,
    base_currency,
    engine,
    fiscal_year_start_month,
    max_unassigned_share,
    parse_as_of,
)
from publication.completion import complete_pending


class ScorecardsResource(dg.ConfigurableResource):
    """The home folder, as-of date and settings of a run.

    They come from run config (the CLI sets them); left empty, the home defaults to
    ``SCORECARDS_HOME``, the as-of date to today, the base currency to
    ``SCORECARDS_BASE_CURRENCY`` (CNY) and the fiscal year start to
    ``SCORECARDS_FISCAL_YEAR_START_MONTH`` (January) and the engine to ``SCORECARDS_ENGINE``
    (duckdb).
    """

    home: str = ""
    as_of: str = ""
    base_currency: str = ""
    fiscal_year_start_month: int = 0
    engine: str = ""
    _lock: ExitStack = PrivateAttr(default_factory=ExitStack)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Take the home's run lock for the whole run (core/runlock.py): a run Dagster
        launches while another holds the home fails at once, naming the holder. Re-entrant, so
        the lock `scorecards run` took before starting the job is simply held on. Then a
        publication a killed run left half done is completed (publication/completion.py)."""
        self.paths.warehouse.mkdir(parents=True, exist_ok=True)
        self._lock.enter_context(run_lock(self.paths.warehouse, command="dagster run"))
        # A publication a killed run left half done is completed before anything else.
        for completed in complete_pending(self.paths):
            context.log.warning(f"completed the previous publication: {completed}")

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self._lock.close()

    @property
    def engine_name(self) -> str:
        """The engine dbt builds on (``SCORECARDS_ENGINE``, default duckdb; docs/ENGINES.md)."""
        return engine(self.engine or None)

    @property
    def paths(self) -> Home:
        return Home.resolve(self.home or None)

    @property
    def as_of_date(self) -> dt.date:
        return parse_as_of(self.as_of or None)

    def dbt_vars(self) -> dict[str, object]:
        """The run's settings as dbt vars (empty fields fall back to the environment)."""
        return {
            "as_of_date": self.as_of_date.isoformat(),
            "base_currency": base_currency(self.base_currency or None),
            "fiscal_year_start_month": fiscal_year_start_month(self.fiscal_year_start_month),
            "max_unassigned_share": max_unassigned_share(),
        }


def dbt_resource() -> DbtCliResource:
    """dbt from the same environment as this process, whether or not it is on PATH, started
    through its launcher so that it dies with the run (core/children.py)."""
    return DbtCliResource(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=str(launcher(DBT_LAUNCHER)),
    )


# Transient I/O (a network file system hiccup, a reader briefly holding a file) deserves another
# try; a gate failure does not, and is raised with allow_retries=False.
TRANSIENT_RETRY = dg.RetryPolicy(max_retries=2, delay=2, backoff=dg.Backoff.EXPONENTIAL)
