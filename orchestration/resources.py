"""Resources: where the deployment lives and how dbt is invoked."""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack
from dataclasses import dataclass

import dagster as dg
from dagster_dbt import DbtCliResource
from pydantic import PrivateAttr

from core.children import DBT_LAUNCHER, launcher
from core.i18n import resolve_language
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


@dataclass(frozen=True)
class RunValues:
    """A run's settings, parsed and validated once (the resource's ``values``): every step
    reads these, so "today" and the environment's defaults are decided once per run."""

    home: Home
    as_of: dt.date
    base_currency: str
    fiscal_year_start_month: int
    engine: str
    max_unassigned_share: str  # text, so dbt reads it as the exact decimal given
    lang: str = "en"  # what people read: report, statements, workbook (core/i18n.py)


class ScorecardsResource(dg.ConfigurableResource):
    """The home folder, as-of date and settings of a run.

    They come from run config (the CLI sets them); left empty, the home defaults to
    ``SCORECARDS_HOME``, the as-of date to today, the base currency to
    ``SCORECARDS_BASE_CURRENCY`` (CNY) and the fiscal year start to
    ``SCORECARDS_FISCAL_YEAR_START_MONTH`` (January) and the engine to ``SCORECARDS_ENGINE``
    (duckdb), the language of what people read to ``SCORECARDS_LANG`` (English). They are
    resolved once, when the run sets the resource up (``values``).
    """

    home: str = ""
    as_of: str = ""
    base_currency: str = ""
    fiscal_year_start_month: int = 0
    engine: str = ""
    lang: str = ""
    _lock: ExitStack = PrivateAttr(default_factory=ExitStack)
    _values: list[RunValues] = PrivateAttr(default_factory=list)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Resolve the run's settings (a bad one fails the run before any step), then take
        the home's run lock for the whole run (core/runlock.py): a run Dagster launches while
        another holds the home fails at once, naming the holder. Re-entrant, so the lock
        `scorecards run` took before starting the job is simply held on. Then a publication a
        killed run left half done is completed (publication/completion.py)."""
        values = self.values
        values.home.warehouse.mkdir(parents=True, exist_ok=True)
        self._lock.enter_context(run_lock(values.home.warehouse, command="dagster run"))
        for completed in complete_pending(values.home):
            context.log.warning(f"completed the previous publication: {completed}")

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self._lock.close()

    @property
    def values(self) -> RunValues:
        """The run's settings, resolved on first use and kept (one list slot: the resource is
        an immutable model, its private state a container)."""
        if not self._values:
            self._values.append(
                RunValues(
                    home=Home.resolve(self.home or None),
                    as_of=parse_as_of(self.as_of or None),
                    base_currency=base_currency(self.base_currency or None),
                    fiscal_year_start_month=fiscal_year_start_month(self.fiscal_year_start_month),
                    engine=engine(self.engine or None),
                    max_unassigned_share=max_unassigned_share(),
                    lang=resolve_language(self.lang or None),
                )
            )
        return self._values[0]

    @property
    def engine_name(self) -> str:
        """The engine dbt builds on (``SCORECARDS_ENGINE``, default duckdb; docs/ENGINES.md)."""
        return self.values.engine

    @property
    def paths(self) -> Home:
        return self.values.home

    @property
    def as_of_date(self) -> dt.date:
        return self.values.as_of

    @property
    def language(self) -> str:
        return self.values.lang

    def dbt_vars(self) -> dict[str, object]:
        """The run's settings as dbt vars."""
        values = self.values
        return {
            "as_of_date": values.as_of.isoformat(),
            "base_currency": values.base_currency,
            "fiscal_year_start_month": values.fiscal_year_start_month,
            "max_unassigned_share": values.max_unassigned_share,
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
