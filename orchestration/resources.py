"""Resources: where the deployment lives and how dbt is invoked."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from scorecards.settings import DBT_PROJECT_DIR, Home, parse_as_of


class ScorecardsResource(dg.ConfigurableResource):
    """The home folder and the as-of date of a run.

    Both come from run config (the CLI sets them); in ``dagster dev`` the home defaults to
    ``SCORECARDS_HOME`` and the as-of date to today.
    """

    home: str = ""
    as_of: str = ""

    @property
    def paths(self) -> Home:
        return Home.resolve(self.home or None)

    @property
    def as_of_date(self) -> dt.date:
        return parse_as_of(self.as_of or None)


def dbt_resource() -> DbtCliResource:
    """dbt from the same environment as this process, whether or not it is on PATH."""
    executable = Path(sys.executable).with_name("dbt")
    return DbtCliResource(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=str(executable) if executable.exists() else "dbt",
    )
