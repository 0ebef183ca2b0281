"""Resources: where the deployment lives and how dbt is invoked."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from scorecards.settings import (
    DBT_PROJECT_DIR,
    Home,
    base_currency,
    fiscal_year_start_month,
    max_unassigned_share,
    parse_as_of,
)


class ScorecardsResource(dg.ConfigurableResource):
    """The home folder, as-of date and settings of a run.

    They come from run config (the CLI sets them); left empty, the home defaults to
    ``SCORECARDS_HOME``, the as-of date to today, the base currency to
    ``SCORECARDS_BASE_CURRENCY`` (CNY) and the fiscal year start to
    ``SCORECARDS_FISCAL_YEAR_START_MONTH`` (January).
    """

    home: str = ""
    as_of: str = ""
    base_currency: str = ""
    fiscal_year_start_month: int = 0

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
    """dbt from the same environment as this process, whether or not it is on PATH."""
    executable = Path(sys.executable).with_name("dbt")
    return DbtCliResource(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=str(executable) if executable.exists() else "dbt",
    )


# Transient I/O (a network file system hiccup, a reader briefly holding a file) deserves another
# try; a gate failure does not, and is raised with allow_retries=False.
TRANSIENT_RETRY = dg.RetryPolicy(max_retries=2, delay=2, backoff=dg.Backoff.EXPONENTIAL)
