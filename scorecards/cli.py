"""`scorecards`: the commands (sample, run, status, close, report) and how each outcome becomes
an exit code; the options and the exit codes themselves are in scorecards/parser.py."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
import traceback
from collections.abc import Sequence

from core.faults import fault_of
from core.i18n import labels, resolve_language
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
from scorecards.parser import (
    EXIT_BLOCKED,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    build_parser,
)
from scorecards.plan_command import cmd_plan
from scorecards.summary import summary_table


def cmd_sample(args: argparse.Namespace) -> int:
    from sample_exports.generator import SCALES, write_sample
    from sample_exports.story import plan_story
    from scorecards.story import tell_story

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
    try:
        written = write_sample(home.landing, options)
    except ValueError as exc:
        print(f"cannot write the sample: {exc}", file=sys.stderr)
        return EXIT_USAGE
    seconds = time.perf_counter() - started
    rows = sum(written.values())
    print(
        f"wrote {len(written)} sample files ({rows} rows) to {home.landing} "
        f"in {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f} rows/s)"
    )
    # The month end is the bundled sample's (small); a benchmark's sample is exports only.
    if not (args.story if args.story is not None else args.scale in (None, "small")):
        return EXIT_OK
    story = plan_story(options)
    if story is None:
        print("no month end on a sample of fewer than three months: exports only")
        return EXIT_OK
    try:
        lang = resolve_language(None)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    return tell_story(home, story, lang)


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
        lang = resolve_language(args.lang)
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
        outcome = run_pipeline(
            home, as_of, settings, month=args.month, engine=run_engine, lang=lang
        )
    except NotAPartitionError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - any other error is the run's, never a usage error
        traceback.print_exc()
        cause = fault_of(str(exc)) or f"{type(exc).__name__}: {exc}"
        print(f"\nRUN FAILED: {cause}", file=sys.stderr)
        print("nothing was published; the previous publication is unchanged.", file=sys.stderr)
        return EXIT_FAILED
    text = labels(lang)
    if outcome.published:
        print()
        print(text("cli.published", version=outcome.version, as_of=as_of, path=home.published_db))
        print(text("cli.reports_in", path=home.reports))
        print(summary_table(home.published_db, text))
        if outcome.errors:
            print("\nPUBLISHED, BUT A LATER STEP FAILED:", file=sys.stderr)
            for message in outcome.errors:
                print(f"  {message}", file=sys.stderr)
            return EXIT_FAILED
        print(text("cli.statements_in", path=home.reports / "statements"))
        report = report_path(home.reports, f"{as_of:%Y-%m}")
        if report.exists():
            print(text("cli.report", path=report))
        if outcome.warnings:
            names = ", ".join(outcome.warnings)
            print(text("cli.warnings", count=len(outcome.warnings), names=names))
        print(text("cli.gate_report", path=outcome.report))
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
    from publication.report import ReportError, write_index, write_report, write_week_report
    from publication.statements import write_statements

    home = Home.resolve(args.home)
    try:
        lang = resolve_language(args.lang)
        written = write_report(home.published_db, home.reports, args.period, lang)
    except (ReportError, ValueError) as exc:
        print(f"cannot write the report: {exc}", file=sys.stderr)
        return EXIT_USAGE
    week = write_week_report(home.published_db, home.reports, lang)
    index = write_index(home.published_db, home.reports, lang)
    statements = write_statements(home.published_db, home.reports, lang)
    print(f"report: {written.path} ({written.charts} charts)")
    if week is not None:
        print(f"week: {week.path}")
    print(f"index: {index}")
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
        "plan": cmd_plan,
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
