"""`scorecards`: sample exports, run the pipeline, show what is published.

Exit codes: 0 success; 1 bad usage or input (a message says what); 2 the gate blocked publication
(the failing checks are named and nothing was published); 3 a fault stopped the run (out of disk
space, permission denied, out of memory, a killed child, a locked file; the cause in one line);
4 another run holds the home (its pid and start are named; --wait waits instead).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import time
import traceback
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import NoReturn

from core.faults import fault_of
from core.runlock import HomeLocked, run_lock
from core.settings import (
    Home,
    RunSettings,
    base_currency,
    duckdb_memory_limit,
    engine,
    fiscal_year_start_month,
    max_file_age_days,
    max_unassigned_share,
    parse_as_of,
    publish_personal_data,
)
from ingest.contract import date_window
from orchestration.engines import missing_for
from publication.closing import CloseError, close_month, read_closed_months
from publication.report import report_path

EXIT_OK, EXIT_USAGE, EXIT_BLOCKED, EXIT_FAILED, EXIT_LOCKED = 0, 1, 2, 3, 4


def _month(value: str) -> str:
    try:
        dt.date.fromisoformat(value + "-01")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM, got {value!r}") from exc
    return value


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
        description=__doc__.splitlines()[0],
        epilog=f"settings from the environment:\n{settings}\n\n" + __doc__.split("\n\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {metadata.version('sales-scorecards')}"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def home_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--home", help="home folder (default: $SCORECARDS_HOME or ./data)")

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

    run = sub.add_parser("run", help="ingest, build, check and publish through Dagster")
    home_arg(run)
    wait_arg(run)
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
    report = sub.add_parser(
        "report",
        help="write the HTML report of a month and every payout statement again, from the "
        "published copy",
    )
    home_arg(report)
    wait_arg(report)
    report.add_argument(
        "--period", type=_month, help="the month, YYYY-MM (default: the latest published)"
    )
    return parser


def cmd_sample(args: argparse.Namespace) -> int:
    from sample_exports.generator import SCALES, write_sample

    home = Home.resolve(args.home)
    if any(home.landing.rglob("*.*")) and not args.force:
        print(
            f"{home.landing} already holds exports; use --force to write the sample anyway",
            file=sys.stderr,
        )
        return EXIT_USAGE
    home.ensure()
    preset = SCALES[args.scale or "small"]
    options = dataclasses.replace(
        preset,
        seed=args.seed,
        start=args.start,
        reps=args.reps or preset.reps,
        months=args.months or preset.months,
    )
    started = time.perf_counter()
    written = write_sample(home.landing, options)
    seconds = time.perf_counter() - started
    rows = sum(written.values())
    print(
        f"wrote {len(written)} sample files ({rows} rows) to {home.landing} "
        f"in {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f} rows/s)"
    )
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    home = Home.resolve(args.home)
    try:
        as_of = parse_as_of(args.as_of)
        settings = RunSettings(
            base_currency=base_currency(args.base_currency),
            fiscal_year_start_month=fiscal_year_start_month(args.fiscal_year_start_month),
        )
        # Gate settings come from the environment; a bad value is a usage error, before any work.
        max_unassigned_share()
        max_file_age_days()
        duckdb_memory_limit()
        date_window(as_of)
        publish_personal_data()
        run_engine = engine(args.engine)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    missing = missing_for(run_engine)
    if missing is not None:
        print(missing, file=sys.stderr)
        return EXIT_USAGE
    if not home.landing.is_dir() or not any(p.is_file() for p in home.landing.rglob("*")):
        print(
            f"no exports under {home.landing}: land files there or run `scorecards sample`",
            file=sys.stderr,
        )
        return EXIT_USAGE
    home.ensure()
    from scorecards.runner import NotAPartitionError, run_pipeline

    try:
        outcome = run_pipeline(home, as_of, settings, month=args.month, engine=run_engine)
    except NotAPartitionError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - any other error is the run's, never a usage error
        traceback.print_exc()
        cause = fault_of(str(exc)) or f"{type(exc).__name__}: {exc}"
        print(f"\nRUN FAILED: {cause}", file=sys.stderr)
        print("nothing was published; the previous publication is unchanged.", file=sys.stderr)
        return EXIT_FAILED
    if outcome.published:
        print(f"\npublished version {outcome.version} (as of {as_of}) to {home.published_db}")
        print(f"reports in {home.reports}")
        print(summary_table(home.published_db))
        if outcome.errors:
            print("\nPUBLISHED, BUT A LATER STEP FAILED:", file=sys.stderr)
            for message in outcome.errors:
                print(f"  {message}", file=sys.stderr)
            return EXIT_FAILED
        print(f"statements in {home.reports / 'statements'}")
        report = report_path(home.reports, f"{as_of:%Y-%m}")
        if report.exists():
            print(f"report: {report}")
        if outcome.warnings:
            print(f"{len(outcome.warnings)} warning(s): {', '.join(outcome.warnings)}")
        print(f"gate report: {outcome.report}")
        return EXIT_OK
    if outcome.faults:
        print(f"\nRUN FAILED: {outcome.faults[0]}", file=sys.stderr)
        print("nothing was published; the previous publication is unchanged.", file=sys.stderr)
        for message in [*outcome.faults[1:], *outcome.errors]:
            print(f"  {message}", file=sys.stderr)
        print(f"gate report: {outcome.report}", file=sys.stderr)
        return EXIT_FAILED
    if outcome.failed_checks:
        print(
            "\nGATE BLOCKED: nothing was published; the previous publication is unchanged.",
            file=sys.stderr,
        )
        for name in outcome.failed_checks:
            print(f"  failing check: {name}", file=sys.stderr)
        print(f"gate report: {outcome.report}", file=sys.stderr)
        return EXIT_BLOCKED
    print("\nRUN FAILED: nothing was published.", file=sys.stderr)
    for message in outcome.errors:
        print(f"  {message}", file=sys.stderr)
    return EXIT_FAILED


def summary_table(published_db: Path) -> str:
    """Company attainment per metric for the latest closed month, as a plain-text table."""
    import duckdb

    with duckdb.connect(str(published_db), read_only=True) as con:
        rows = con.execute(
            """
            select period_month, metric, target, actual, attainment, tier_reached
            from scorecard_attainment
            where scope_type = 'company' and period_grain = 'month'
                and period_month = (
                    select max(period_month) from scorecard_attainment
                    where period_grain = 'month' and not is_open
                )
            order by metric
            """
        ).fetchall()
    if not rows:
        return "(no closed month yet)"
    lines = [
        f"company attainment, {rows[0][0]:%Y-%m} (latest closed month)",
        f"{'metric':<18}{'target':>18}{'actual':>18}{'attainment':>12}  tier",
    ]
    for _, metric, target, actual, attainment, tier in rows:
        target_text = f"{target:,.2f}" if target is not None else "-"
        attainment_text = f"{attainment:.1%}" if attainment is not None else "-"
        lines.append(f"{metric:<18}{target_text:>18}{actual:>18,.2f}{attainment_text:>12}  {tier}")
    return "\n".join(lines)


def cmd_status(args: argparse.Namespace) -> int:
    import duckdb

    home = Home.resolve(args.home)
    if not home.published_db.exists():
        print(f"nothing published yet in {home.published_db}")
        return EXIT_OK
    with duckdb.connect(str(home.published_db), read_only=True) as con:
        log = con.execute(
            "select version, as_of_date, published_at, months_covered, row_counts, "
            "checks_summary, restated_months from publication_log order by version desc"
        ).fetchall()
    version, as_of, published_at, months, row_counts, checks, restated = log[0]
    print(f"published: {home.published_db}")
    print(f"version {version}, as of {as_of}, published at {published_at:%Y-%m-%d %H:%M:%S} UTC")
    print(f"months covered: {months}")
    print("row counts:")
    for table, count in json.loads(row_counts).items():
        print(f"  {table:<28}{count:>10}")
    summary = json.loads(checks)
    print(
        f"checks: {summary.get('checks_evaluated', '?')} evaluated, "
        f"failed: {', '.join(summary.get('checks_failed', [])) or 'none'}"
    )
    print(f"earlier versions: {', '.join(str(row[0]) for row in log[1:]) or 'none'}")
    if restated:
        print(f"this version restates closed month(s): {restated} (see table restatements)")
    closed = read_closed_months(home.warehouse)
    print(
        "closed months: "
        + (", ".join(f"{c.month} (version {c.closed_in_version})" for c in closed) or "none")
    )
    return EXIT_OK


def cmd_close(args: argparse.Namespace) -> int:
    home = Home.resolve(args.home)
    try:
        closed = close_month(home.warehouse, home.published_db, args.month)
    except CloseError as exc:
        print(f"cannot close: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(
        f"closed {closed.month} on version {closed.closed_in_version} (as of {closed.as_of_date}); "
        "its payouts are paid from the next run on, and changes to its figures will be "
        "published as restatements"
    )
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from publication.report import ReportError, write_report
    from publication.statements import write_statements

    home = Home.resolve(args.home)
    try:
        written = write_report(home.published_db, home.reports, args.period)
    except ReportError as exc:
        print(f"cannot write the report: {exc}", file=sys.stderr)
        return EXIT_USAGE
    statements = write_statements(home.published_db, home.reports)
    print(f"report: {written.path} ({written.charts} charts)")
    print(f"{statements.statements} statements in {statements.folder}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {
        "sample": cmd_sample,
        "run": cmd_run,
        "status": cmd_status,
        "close": cmd_close,
        "report": cmd_report,
    }
    home = Home.resolve(args.home)
    # A home that does not exist has nothing to protect (the command says what is missing):
    # a mistyped --home must not leave a new folder behind.
    if args.command not in LOCKED_COMMANDS or not home.root.is_dir():
        return handlers[args.command](args)
    try:
        with run_lock(home.warehouse, wait=args.wait, command=f"scorecards {args.command}"):
            return handlers[args.command](args)
    except HomeLocked as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except OSError as exc:
        # A read-only home, a full disk, a locked file outside the job's steps: the cause in
        # one line, not a traceback.
        print(f"RUN FAILED: {fault_of(str(exc)) or exc}", file=sys.stderr)
        return EXIT_FAILED


# The commands that write into a home take its run lock first (core/runlock.py).
LOCKED_COMMANDS = ("run", "close", "report")


if __name__ == "__main__":
    sys.exit(main())
