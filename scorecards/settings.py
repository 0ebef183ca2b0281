"""Where things live: one home folder per deployment.

Every path the pipeline touches derives from the home folder (``--home``, ``SCORECARDS_HOME``,
default ``./data``) so that tests, the CLI and ``dagster dev`` can point at different homes without
any path of a particular machine in the code.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "SCORECARDS_HOME"
AS_OF_ENV = "SCORECARDS_AS_OF"
DEFAULT_HOME = "./data"
BASE_CURRENCY = "CNY"
FISCAL_YEAR_START_MONTH = 1
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


@dataclass(frozen=True)
class Home:
    """The folder layout of one deployment (see README: landing, warehouse, reports)."""

    root: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> Home:
        value = home if home is not None else os.environ.get(HOME_ENV, DEFAULT_HOME)
        return cls(Path(value).expanduser().resolve())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse"

    @property
    def build_db(self) -> Path:
        return self.warehouse / "build.duckdb"

    @property
    def published_db(self) -> Path:
        return self.warehouse / "published.duckdb"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def ensure(self) -> None:
        for sub in ("crm", "erp", "plan"):
            (self.landing / sub).mkdir(parents=True, exist_ok=True)
        self.warehouse.mkdir(parents=True, exist_ok=True)
        self.reports.mkdir(parents=True, exist_ok=True)


def parse_as_of(value: str | None) -> dt.date:
    """The run's as-of date: explicit value, else ``SCORECARDS_AS_OF``, else today."""
    value = value or os.environ.get(AS_OF_ENV)
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"--as-of must be a date as YYYY-MM-DD, got {value!r}") from exc
