"""The command line's parser: its commands and options, the settings read from the
environment (listed in --help) and its exit codes (usage errors never share the gate's)."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from decimal import Decimal, InvalidOperation
from importlib import metadata
from pathlib import Path
from typing import NoReturn

EXIT_OK, EXIT_USAGE, EXIT_BLOCKED, EXIT_FAILED, EXIT_LOCKED = 0, 1, 2, 3, 4

DESCRIPTION = "`scorecards`: sample exports, run the pipeline, show what is published."
EXIT_CODES = """\
Exit codes: 0 success; 1 bad usage or input (a message says what); 2 the gate blocked publication
(the failing checks are named and nothing was published); 3 a fault stopped the run (out of disk
space, permission denied, out of memory, a killed child, a locked file; the cause in one line);
4 another run holds the home (its pid and start are named; --wait waits instead).
"""


def _month(value: str) -> str:
    try:
        dt.date.fromisoformat(value + "-01")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM, got {value!r}") from exc
    return value


def _year(value: str) -> int:
    if not re.fullmatch(r"\d{4}", value.strip()):
        raise argparse.ArgumentTypeError(f"a year as YYYY, got {value!r}")
    return int(value)


def _decimal(value: str) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"a number, got {value!r}") from None
    if not number.is_finite() or number < 0:
        raise argparse.ArgumentTypeError(f"a number of zero or more, got {value!r}")
    return number


def _percents(value: str) -> tuple[Decimal, ...]:
    parts = tuple(_decimal(part) / 100 for part in value.split(",") if part.strip())
    if not parts or any(part > 1 for part in parts):
        raise argparse.ArgumentTypeError(f"percentages from 0 to 100, comma-separated: {value!r}")
    return parts


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return number


# Every setting read from the environment, for --help (a test keeps it complete).
SETTINGS_HELP = (
    ("SCORECARDS_HOME", "home folder (default ./data)"),
    ("SCORECARDS_AS_OF", "as-of date when --as-of is not given (default today)"),
    ("SCORECARDS_BASE_CURRENCY", "base currency (default CNY)"),
    ("SCORECARDS_FISCAL_YEAR_START_MONTH", "first month of the fiscal year, 1-12 (default 1)"),
    ("SCORECARDS_ENGINE", "what dbt builds on: duckdb or spark (default duckdb)"),
    ("SCORECARDS_MAX_UNASSIGNED_SHARE", "gate: largest unassigned share of a month (0.10)"),
    ("SCORECARDS_MAX_FILE_AGE_DAYS", "warning: an entity's newest file older than this (45)"),
    ("SCORECARDS_FIRST_MONTH", "first monthly partition, YYYY-MM (default: the data's first)"),
    ("SCORECARDS_DUCKDB_MEMORY_LIMIT", "DuckDB's memory limit in dbt, ingest, publish (4GB)"),
    ("SCORECARDS_DATE_MIN", "earliest plausible date in exports (default 2000-01-01)"),
    ("SCORECARDS_DATE_YEARS_AHEAD", "plausible dates end this many years after the as-of (2)"),
    ("SCORECARDS_PUBLISH_PERSONAL_DATA", "1: publish e-mail and tax id too (default 0)"),
    ("SCORECARDS_LANG", "language of reports, statements and summaries: en or zh (en)"),
)


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors on the CLI's usage code (argparse's own 2 is the gate's)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    settings = "\n".join(f"  {name:<36}{meaning}" for name, meaning in SETTINGS_HELP)
    parser = _Parser(
        prog="scorecards",
        description=DESCRIPTION,
        epilog=f"settings from the environment:\n{settings}\n\n{EXIT_CODES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {metadata.version('sales-scorecards')}"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def home_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--home", help="home folder (default: $SCORECARDS_HOME or ./data)")

    def lang_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--lang",
            help="language of what people read: en or zh (default: $SCORECARDS_LANG or en)",
        )

    def wait_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--wait",
            action="store_true",
            help="when another run holds the home, wait for it instead of stopping (exit 4)",
        )

    sample = sub.add_parser("sample", help="write deterministic sample exports into landing/")
    home_arg(sample)
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument(
        "--scale",
        choices=("small", "medium", "large"),
        default=None,
        help="a preset size: small is the bundled sample, large ~20M activities",
    )
    sample.add_argument("--reps", type=_positive, default=None, help="default 60 (or the scale's)")
    sample.add_argument(
        "--months", type=_positive, default=None, help="default 12 (or the scale's)"
    )
    sample.add_argument("--start", type=_month, default="2026-01", help="first month, YYYY-MM")
    sample.add_argument("--force", action="store_true", help="write even if landing/ has files")
    sample.add_argument(
        "--story",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="then play a month end: publish as of the third month's 10th, close the second "
        "month, land a late invoice correction and credit note for it (default: on for the "
        "small scale, off for the others)",
    )

    run = sub.add_parser("run", help="ingest, build, check and publish through Dagster")
    home_arg(run)
    wait_arg(run)
    lang_arg(run)
    run.add_argument("--as-of", help="as-of date YYYY-MM-DD (default: today)")
    run.add_argument("--base-currency", help="ISO code (default: $SCORECARDS_BASE_CURRENCY or CNY)")
    run.add_argument(
        "--fiscal-year-start-month",
        help="1-12 (default: $SCORECARDS_FISCAL_YEAR_START_MONTH or 1)",
    )
    run.add_argument(
        "--engine",
        help="what dbt builds on: duckdb (embedded, the default) or spark (a local pyspark "
        "session; docs/ENGINES.md); default: $SCORECARDS_ENGINE or duckdb",
    )
    run.add_argument(
        "--month",
        type=_month,
        help="rebuild the monthly models of this month only (YYYY-MM), plus any month whose "
        "inputs changed since it was built; default: every month",
    )

    status = sub.add_parser("status", help="what is published")
    home_arg(status)
    close = sub.add_parser(
        "close",
        help="close a month on the latest publication: its payouts become paid, later changes "
        "to its figures become restatements",
    )
    home_arg(close)
    wait_arg(close)
    close.add_argument("--month", required=True, help="the month to close, YYYY-MM")
    plan = sub.add_parser(
        "plan",
        help="propose next year's targets from the published history (docs/PLANNING.md)",
    )
    home_arg(plan)
    plan.add_argument("--year", type=_year, help="the fiscal year to plan, YYYY")
    plan.add_argument(
        "--check",
        action="append",
        metavar="FILE",
        help="check a target sheet (landed or proposed) against the published history instead "
        "of planning: unknown scopes or metrics, rows the pipeline would refuse, targets below "
        "last year or above the history's growth, children short of their parent (repeatable)",
    )
    plan.add_argument(
        "--metric",
        action="append",
        help="a result metric to plan (repeatable; default: revenue)",
    )
    plan.add_argument(
        "--base",
        choices=("ttm", "fy"),
        default="ttm",
        help="the base: the twelve complete months before the as-of month (ttm, default) or the "
        "fiscal year before the plan year (fy)",
    )
    plan.add_argument(
        "--growth", type=_decimal, default=Decimal("0.10"), help="target = base x (1 + growth)"
    )
    plan.add_argument(
        "--amount", type=_decimal, help="the company's target instead (one --metric only)"
    )
    plan.add_argument(
        "--ramp",
        type=_percents,
        default=(),
        help="a new hire's share of capacity in their first months, e.g. 25,50,75 (percent)",
    )
    plan.add_argument(
        "--tiers",
        choices=("multipliers", "history"),
        default="multipliers",
        help="floor and stretch as --floor / --stretch times the target (multipliers, default), "
        "or from the history: each rep's target scaled by the lower and upper quartile of their "
        "own year-over-year monthly growth (the company's for a rep with under two years)",
    )
    plan.add_argument("--floor", type=_decimal, default=Decimal("0.90"), help="floor / target")
    plan.add_argument("--stretch", type=_decimal, default=Decimal("1.20"), help="stretch / target")
    plan.add_argument("--name", help="the proposal's folder under plans/ (default: the year)")
    plan.add_argument(
        "--simulate",
        action="store_true",
        help="also simulate what the proposal would cost in payouts (cost.csv): each rep's "
        "attainment drawn from their own history, through the warehouse's payout rules",
    )
    plan.add_argument(
        "--scenario",
        action="append",
        metavar="FILE",
        help="simulate the cost of a target sheet instead of planning; twice (or more) to "
        "compare plans side by side",
    )
    plan.add_argument(
        "--comp-plan",
        type=Path,
        metavar="FILE",
        help="simulate under this plan/comp_plans sheet instead of the plans in force",
    )
    plan.add_argument(
        "--payout-curve", type=Path, metavar="FILE", help="the alternative plans' payout curve"
    )
    plan.add_argument("--draws", type=_positive, default=500, help="simulated years (default 500)")
    plan.add_argument("--seed", type=int, default=2026, help="the simulation's seed (default 2026)")
    lang_arg(plan)
    report = sub.add_parser(
        "report",
        help="write the HTML report of a month and every payout statement again, from the "
        "published copy",
    )
    home_arg(report)
    wait_arg(report)
    lang_arg(report)
    report.add_argument(
        "--period", type=_month, help="the month, YYYY-MM (default: the latest published)"
    )
    return parser
