"""What a publication is made of: the published tables with their keys, the personal columns
left out, the file modes, the publication log's columns, and the layout digest that says
whether a previous file is a valid starting point."""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Sequence
from pathlib import Path

import duckdb

PUBLISHED_STORAGE_VERSION = "v1.0.0"

# (schema in build.duckdb, table) → published under the same table name in the main schema.
PUBLISHED_TABLES: tuple[tuple[str, str], ...] = (
    ("marts", "scorecard_attainment"),
    ("marts", "scorecard_performance"),
    ("marts", "scorecard_performance_components"),
    ("marts", "payouts"),
    ("marts", "payout_lines"),
    ("marts", "reconciliation_monthly"),
    ("marts", "reconciliation_payouts"),
    ("marts", "fct_kpi_monthly"),
    ("marts", "fct_targets"),
    ("marts", "fct_target_coverage"),
    ("marts", "fct_credited_transactions"),
    ("marts", "fct_opportunities"),
    ("marts", "fct_invoices"),
    ("marts", "fct_invoice_lines"),
    ("marts", "fct_payments"),
    ("marts", "fct_activities"),
    ("marts", "fct_lead_funnel"),
    ("marts", "fct_stage_conversion"),
    ("marts", "fct_pipeline_snapshots"),
    ("marts", "dim_users"),
    ("marts", "dim_teams"),
    ("marts", "dim_rep_memberships"),
    ("marts", "dim_accounts"),
    ("marts", "dim_products"),
    ("marts", "dim_date"),
)

# Each published table's key: the columns of its blocking dbt uniqueness test (composite keys
# count nulls as equal there, single keys are also tested not null), so ordering by the key is a
# total order: same rows, same layout. Sorting wide tables on every column (`order by all`) cost
# most of publication at the large scale (docs/BENCHMARKS.md). A test compares these keys with
# the dbt project's (tests/publication/test_publish.py).
PUBLISHED_KEYS: dict[str, tuple[str, ...]] = {
    "scorecard_attainment": ("period_grain", "period_month", "scope_type", "scope_id", "metric"),
    "scorecard_performance": ("user_id", "month_start"),
    "scorecard_performance_components": ("user_id", "month_start", "kpi"),
    "payouts": ("payout_id",),
    "payout_lines": ("line_id",),
    "reconciliation_monthly": ("metric", "month_start"),
    "reconciliation_payouts": ("payout_id",),
    "fct_kpi_monthly": ("scope_type", "scope_id", "month_start", "metric"),
    "fct_targets": ("user_id", "team_id", "month_start", "metric", "tier"),
    "fct_target_coverage": ("scope_type", "scope_id", "month_start", "metric", "tier"),
    "fct_credited_transactions": ("credit_id",),
    "fct_opportunities": ("opportunity_id",),
    "fct_invoices": ("invoice_id",),
    "fct_invoice_lines": ("invoice_id", "line_no"),
    "fct_payments": ("payment_id",),
    "fct_activities": ("user_id", "activity_date", "activity_type", "team_id"),
    "fct_lead_funnel": ("owner_id", "team_id", "cohort_month"),
    "fct_stage_conversion": ("owner_id", "team_id", "cohort_month", "stage"),
    "fct_pipeline_snapshots": ("month_start", "owner_id", "stage"),
    "dim_users": ("user_id",),
    "dim_teams": ("team_id",),
    "dim_rep_memberships": ("user_id", "valid_from"),
    "dim_accounts": ("account_key",),
    "dim_products": ("sku",),
    "dim_date": ("date_day",),
}

# Personal data stays in the build database (DOMAIN.md, "Personal data"): the published copy and
# its Parquet files, which every BI user reads, carry names and ids only unless the operator opts
# in (SCORECARDS_PUBLISH_PERSONAL_DATA=1).
PERSONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "dim_users": ("email",),
    "dim_accounts": ("tax_id",),
}
# The published files are the company's pay data: readable by their owner and group (give BI
# tools' service account the group), not by every local user; folders likewise.
PUBLISHED_FILE_MODE = 0o640
PUBLISHED_DIR_MODE = 0o750

PUBLICATION_LOG_COLUMNS = (
    "version integer, as_of_date date, published_at timestamp, months_covered varchar, "
    "row_counts varchar, table_hashes varchar, checks_summary varchar, restated_months varchar, "
    "layout varchar, change_hashes varchar"
)
PUBLICATION_LOG_NAMES = tuple(part.split()[0] for part in PUBLICATION_LOG_COLUMNS.split(", "))
PUBLICATION_LOG_WIDTH = len(PUBLICATION_LOG_NAMES)


def read_publication_log(published_db: Path) -> list[tuple]:
    """Earlier publications, oldest first (empty when nothing was published yet)."""
    if not published_db.exists():
        return []
    with duckdb.connect(str(published_db), read_only=True) as con:
        return con.execute("select * from publication_log order by version").fetchall()


def published_version(published_db: Path) -> int | None:
    """The latest published version (None before the first publication), without reading the
    log's rows: the runner asks before and after every run."""
    if not published_db.exists():
        return None
    with duckdb.connect(str(published_db), read_only=True) as con:
        [(version,)] = con.execute("select max(version) from publication_log").fetchall()
        return version


def layout() -> str:
    """A digest of what decides a published table's bytes besides its rows, and its change
    fingerprint: the DuckDB version (file format, Parquet writer, row hash) and the machine's
    architecture, the storage version and every table's sort key.

    A table is carried over from the previous publication only when its layout is this one;
    otherwise the previous file is not a valid starting point (a new sort key would leave the
    carried tables in the old order) and everything is written anew.
    """
    decided_by = {
        "duckdb": duckdb.__version__,
        "machine": platform.machine(),
        "storage_version": PUBLISHED_STORAGE_VERSION,
        "keys": PUBLISHED_KEYS,
    }
    return hashlib.sha256(json.dumps(decided_by, sort_keys=True).encode()).hexdigest()


def padded_log_row(log_row: Sequence[object]) -> list[object]:
    """A row of the publication log with every column: an older log's has fewer (null here)."""
    return [*log_row, *[None] * (PUBLICATION_LOG_WIDTH - len(log_row))]


def sql_path(path: Path) -> str:
    """A file path as a SQL string literal (COPY takes no parameters)."""
    return str(path).replace("'", "''")
