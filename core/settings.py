"""Where things live: one home folder per deployment.

Every path the pipeline touches derives from the home folder (``--home``, ``SCORECARDS_HOME``,
default ``./data``) so that tests, the CLI and ``dagster dev`` can point at different homes without
any path of a particular machine in the code.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "SCORECARDS_HOME"
AS_OF_ENV = "SCORECARDS_AS_OF"
BASE_CURRENCY_ENV = "SCORECARDS_BASE_CURRENCY"
FISCAL_YEAR_START_ENV = "SCORECARDS_FISCAL_YEAR_START_MONTH"
MAX_UNASSIGNED_SHARE_ENV = "SCORECARDS_MAX_UNASSIGNED_SHARE"
MAX_FILE_AGE_DAYS_ENV = "SCORECARDS_MAX_FILE_AGE_DAYS"
FIRST_MONTH_ENV = "SCORECARDS_FIRST_MONTH"
MEMORY_LIMIT_ENV = "SCORECARDS_DUCKDB_MEMORY_LIMIT"
ENGINE_ENV = "SCORECARDS_ENGINE"
PERSONAL_DATA_ENV = "SCORECARDS_PUBLISH_PERSONAL_DATA"
# The build database's file name: the same in every home, so that dbt's profile is too
# (core/children.py: start_beside_build_file).
BUILD_DB_NAME = "build.duckdb"
# The engines dbt builds on (docs/ENGINES.md); DuckDB is the embedded default.
ENGINES = ("duckdb", "spark")
DEFAULT_MEMORY_LIMIT = "4GB"
DEFAULT_FIRST_MONTH = "2020-01"
DEFAULT_MAX_UNASSIGNED_SHARE = "0.10"
DEFAULT_MAX_FILE_AGE_DAYS = 45
DEFAULT_HOME = "./data"
DEFAULT_BASE_CURRENCY = "CNY"
DEFAULT_FISCAL_YEAR_START_MONTH = 1
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


@dataclass(frozen=True)
class RunSettings:
    """Settings of one run that change figures (so they are part of what makes a run repeatable)."""

    base_currency: str = DEFAULT_BASE_CURRENCY
    fiscal_year_start_month: int = DEFAULT_FISCAL_YEAR_START_MONTH


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
        return self.warehouse / BUILD_DB_NAME

    @property
    def published_db(self) -> Path:
        return self.warehouse / "published.duckdb"

    @property
    def published_parquet(self) -> Path:
        """Parquet copies of the published tables: published/current/<table>.parquet."""
        return self.warehouse / "published"

    @property
    def raw_parquet(self) -> Path:
        """The accepted raw data as Parquet, raw/<raw table>/load_<id>.parquet (ingest/parquet.py):
        the sources of an engine other than DuckDB."""
        return self.warehouse / "raw"

    @property
    def history_parquet(self) -> Path:
        """The paid history as Parquet, history/<table>/ (for the Spark engine's sources)."""
        return self.warehouse / "history"

    @property
    def plans(self) -> Path:
        """Target proposals, one folder each (`scorecards plan`, docs/PLANNING.md)."""
        return self.root / "plans"

    @property
    def spark_dir(self) -> Path:
        """The Spark engine's tables, metastore and logs (docs/ENGINES.md)."""
        return self.warehouse / "spark"

    @property
    def first_month_file(self) -> Path:
        """The first month of the data, as the last run's monthly models found it (YYYY-MM):
        where the next run's (and the UI's) monthly partitions start."""
        return self.warehouse / "first_month"

    def recorded_first_month(self) -> str | None:
        """The first month the last run found in the data, if it was a month; else None."""
        try:
            raw = self.first_month_file.read_text(encoding="utf-8").strip()
            first_month(raw)
        except (OSError, ValueError):
            return None
        return raw

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


def base_currency(value: str | None = None) -> str:
    """The base currency: explicit value, else ``SCORECARDS_BASE_CURRENCY``, else CNY."""
    code = (value or os.environ.get(BASE_CURRENCY_ENV) or DEFAULT_BASE_CURRENCY).strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValueError(f"base currency must be a three-letter ISO code, got {code!r}")
    return code


def fiscal_year_start_month(value: int | str | None = None) -> int:
    """First month of the fiscal year (1-12): explicit, else the environment, else January."""
    raw = value if value not in (None, "", 0) else os.environ.get(FISCAL_YEAR_START_ENV)
    if raw in (None, ""):
        return DEFAULT_FISCAL_YEAR_START_MONTH
    try:
        month = int(raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"fiscal year start month must be 1-12, got {raw!r}") from exc
    if not 1 <= month <= 12:
        raise ValueError(f"fiscal year start month must be 1-12, got {raw!r}")
    return month


def max_unassigned_share(value: str | None = None) -> str:
    """Largest share of a month's revenue or collections that may stay unassigned (gate).

    Explicit value, else ``SCORECARDS_MAX_UNASSIGNED_SHARE``, else 0.10; kept as text so the
    dbt var is an exact decimal.
    """
    raw = (
        value or os.environ.get(MAX_UNASSIGNED_SHARE_ENV) or DEFAULT_MAX_UNASSIGNED_SHARE
    ).strip()
    try:
        share = float(raw)
    except ValueError as exc:
        raise ValueError(f"max unassigned share must be a number from 0 to 1, got {raw!r}") from exc
    if not 0 <= share <= 1:
        raise ValueError(f"max unassigned share must be a number from 0 to 1, got {raw!r}")
    return raw


def max_file_age_days(value: int | str | None = None) -> int:
    """Age in days after which an entity's newest landed file is reported as stale (a warning)."""
    raw = value if value not in (None, "", 0) else os.environ.get(MAX_FILE_AGE_DAYS_ENV)
    if raw in (None, ""):
        return DEFAULT_MAX_FILE_AGE_DAYS
    try:
        days = int(raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"max file age must be a whole number of days, got {raw!r}") from exc
    if days < 1:
        raise ValueError(f"max file age must be at least 1 day, got {raw!r}")
    return days


def first_month(value: str | None = None) -> dt.date:
    """The first monthly partition (YYYY-MM): explicit, else ``SCORECARDS_FIRST_MONTH`` (which
    ``scorecards run`` and ``make dagster-dev`` set to the home's recorded first month of the
    data unless it is set already), else 2020-01. Months before it are still built by full runs;
    they only cannot be picked alone."""
    raw = (value or os.environ.get(FIRST_MONTH_ENV) or DEFAULT_FIRST_MONTH).strip()
    try:
        return dt.datetime.strptime(raw, "%Y-%m").date()
    except ValueError as exc:
        raise ValueError(f"first month must be YYYY-MM, got {raw!r}") from exc


MEMORY_LIMIT = re.compile(r"^[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


def duckdb_memory_limit(value: str | None = None) -> str:
    """DuckDB's memory limit for the build (dbt, ingest, publish): explicit, else
    ``SCORECARDS_DUCKDB_MEMORY_LIMIT``, else 4GB.

    DuckDB's own default is 80 % of RAM per process; at the large benchmark scale the dbt process
    grew to 8.6 GiB and was killed. With a limit DuckDB spills joins and aggregates to disk
    instead, so a year of history fits a small machine. dbt reads the same variable in
    profiles.yml (keep the default there in step with this one)."""
    raw = (value or os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT).strip()
    if not MEMORY_LIMIT.match(raw):
        raise ValueError(f"DuckDB memory limit must look like 4GB or 512MB, got {raw!r}")
    return raw


def engine(value: str | None = None) -> str:
    """The engine dbt builds on: explicit, else ``SCORECARDS_ENGINE``, else duckdb."""
    raw = (value or os.environ.get(ENGINE_ENV) or ENGINES[0]).strip().lower()
    if raw not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {raw!r}")
    return raw


def publish_personal_data(value: str | None = None) -> bool:
    """Whether the published copy carries personal data (e-mail, tax id): explicit, else
    ``SCORECARDS_PUBLISH_PERSONAL_DATA``, else no. Every BI user reads the published copy; the
    build database keeps the data either way (DOMAIN.md, "Personal data")."""
    raw = (value or os.environ.get(PERSONAL_DATA_ENV) or "0").strip().lower()
    if raw not in ("0", "1", "true", "false", "yes", "no"):
        raise ValueError(f"{PERSONAL_DATA_ENV} must be 1 or 0, got {raw!r}")
    return raw in ("1", "true", "yes")
