"""`scorecards plan`: a target proposal from the published history, or the check of a target
sheet (docs/PLANNING.md); the work is the planning package's, this is the command around it."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from core.i18n import labels, resolve_language
from core.settings import Home
from scorecards.parser import EXIT_OK, EXIT_USAGE


def cmd_plan(args: argparse.Namespace) -> int:
    """Propose targets from the published history into plans/<name>/ (docs/PLANNING.md)."""
    from planning.backwards import work_backwards
    from planning.bottomup import reconcile
    from planning.cost_table import cost_lines, write_cost
    from planning.history import PlanInputError, read_history
    from planning.proposal import write_proposal
    from planning.report import write_plan_page
    from planning.sheet_check import check_sheet, write_findings
    from planning.topdown import PlanOptions, plan_metric
    from planning.workbook import write_workbook

    home = Home.resolve(args.home)
    try:
        lang = resolve_language(args.lang)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    if args.check:
        return _check_sheets(home, [Path(name) for name in args.check])
    if args.scenario:
        return _simulate_sheets(home, args, lang)
    if args.year is None:
        print("scorecards plan needs --year (or --check FILE)", file=sys.stderr)
        return EXIT_USAGE
    metrics = tuple(dict.fromkeys(args.metric or ["revenue"]))
    if args.amount is not None and len(metrics) > 1:
        print("--amount is one company target: give one --metric with it", file=sys.stderr)
        return EXIT_USAGE
    options = PlanOptions(
        year=args.year,
        metrics=metrics,
        base=args.base,
        growth=args.growth,
        amount=args.amount,
        ramp=args.ramp,
        floor=args.floor,
        stretch=args.stretch,
        tiers=args.tiers,
    )
    try:
        history = read_history(home.published_db)
        unknown = [m for m in metrics if m not in history.metrics]
        if unknown:
            raise PlanInputError(
                f"cannot plan {', '.join(unknown)}: a plan sets summable result metrics "
                f"({', '.join(history.metrics)})"
            )
        plans = [plan_metric(history, options, metric) for metric in metrics]
        # Activities are worked back from bookings when planned, else the first metric.
        driver = next((p for p in plans if p.metric == "bookings"), plans[0])
        activity_rows, needs, team_rates = work_backwards(history, driver)
    except PlanInputError as exc:
        print(f"cannot plan: {exc}", file=sys.stderr)
        return EXIT_USAGE
    name = args.name or str(args.year)
    note = f"proposal {name} from version {history.version} (as of {history.as_of})"
    reconciliation = [row for plan in plans for row in reconcile(history, plan, options)]
    target_rows = [row for plan in plans for row in plan.rows] + activity_rows
    written = write_proposal(home.plans / name, target_rows, reconciliation, needs, note)
    company_years = {
        row.metric: row
        for row in reconciliation
        if row.scope_type == "company" and row.period == str(args.year)
    }
    for plan in plans:
        print(
            f"{plan.metric}: base {plan.base:,.2f} ({plan.base_months[0]:%Y-%m} to "
            f"{plan.base_months[-1]:%Y-%m}; {plan.annualised:,.2f} a year), "
            f"company target {plan.company['target']:,.2f} "
            f"(floor {plan.company['floor']:,.2f}, stretch {plan.company['stretch']:,.2f}); "
            f"bottom-up {company_years[plan.metric].bottom_up:,.2f}"
        )
    print(f"wrote {written.rows} targets to {written.targets}")
    print(f"top-down beside bottom-up, per scope and period: {written.reconciliation}")
    print(
        f"activity targets worked back from {driver.metric}: what each rep's months ask "
        f"in {written.activity_plan}"
    )
    findings = check_sheet(written.targets, home.published_db)
    checked = write_findings(written.folder / "check.csv", findings)
    print(f"the proposal checked as any target sheet: {len(findings)} finding(s), in {checked}")
    review = write_workbook(
        written.folder / "proposal.xlsx",
        [
            ("plan.name", name),
            ("plan.year", args.year),
            ("plan.made_from", history.version),
            ("plan.as_of", history.as_of),
        ],
        target_rows,
        reconciliation,
        needs,
        findings,
        labels(lang),
        dt.datetime.combine(history.as_of, dt.time()),
    )
    page = write_plan_page(
        written.folder / "plan.html",
        name,
        history,
        options,
        plans,
        reconciliation,
        driver.metric,
        team_rates,
        findings,
        labels(lang),
    )
    print(f"for review: {review} and {page}")
    if args.simulate:
        try:
            [summary] = _simulated(home, args, [(name, written.targets)])
        except PlanInputError as exc:
            print(f"cannot simulate the cost: {exc}", file=sys.stderr)
            return EXIT_USAGE
        cost = write_cost(written.folder / "cost.csv", [summary], labels(lang))
        print("\n".join(cost_lines([summary], labels(lang))))
        print(f"what the proposal would cost in payouts ({args.draws} draws): {cost}")
    print(f"to adopt it, land it: cp {written.targets} {home.landing / 'plan'}/targets_{name}.csv")
    return EXIT_OK


def _check_sheets(home: Home, paths: list[Path]) -> int:
    """Print every finding on each sheet, and write them beside the proposals."""
    from planning.sheet_check import check_sheet, write_findings

    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        print(f"no such target sheet: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    if not home.published_db.exists():
        print(
            f"cannot check: nothing is published in {home.published_db}: run the pipeline first",
            file=sys.stderr,
        )
        return EXIT_USAGE
    for path in paths:
        findings = check_sheet(path, home.published_db)
        report = write_findings(home.plans / "checks" / f"{path.stem}.csv", findings)
        print(f"{path}: {len(findings)} finding(s), in {report}")
        for finding in findings:
            where = f"line {finding.line}" if finding.line is not None else "the file"
            print(f"  {where}: {finding.check}: {finding.message}")
    return EXIT_OK


def _simulated(home: Home, args: argparse.Namespace, sheets: list[tuple[str, Path]]) -> list:
    """Each sheet's simulated cost under the comp plans in force (or --comp-plan)."""
    from planning.comp_plan_files import with_alternative
    from planning.history import PlanInputError
    from planning.sheet_check import read_sheet
    from planning.simulate import attainment_pools, in_force, quarter_of, simulate_cost

    plans = in_force(home.published_db)
    if args.comp_plan is not None:
        plans = with_alternative(plans, args.comp_plan, args.payout_curve)
    pools = attainment_pools(home.published_db)
    quarters = quarter_of(home.published_db)
    summaries = []
    for name, path in sheets:
        rows, refused = read_sheet(path)
        if refused:
            where = "; ".join(f"line {f.line}: {f.message}" for f in refused[:5])
            raise PlanInputError(f"{path} has rows the pipeline would refuse: {where}")
        summaries.append(simulate_cost(name, rows, plans, pools, quarters, args.draws, args.seed))
    return summaries


def _simulate_sheets(home: Home, args: argparse.Namespace, lang: str) -> int:
    """Simulate each --scenario sheet's cost and print them side by side (cost.csv)."""
    from planning.cost_table import cost_lines, write_cost
    from planning.history import PlanInputError

    paths = [Path(name) for name in args.scenario]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        print(f"no such target sheet: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    if not home.published_db.exists():
        print(f"cannot simulate: nothing is published in {home.published_db}", file=sys.stderr)
        return EXIT_USAGE
    names = [path.stem for path in paths]
    if len(set(names)) < len(names):
        names = [f"{index}:{path.name}" for index, path in enumerate(paths, start=1)]
    try:
        summaries = _simulated(home, args, list(zip(names, paths, strict=True)))
    except PlanInputError as exc:
        print(f"cannot simulate the cost: {exc}", file=sys.stderr)
        return EXIT_USAGE
    cost = write_cost(home.plans / (args.name or "scenarios") / "cost.csv", summaries, labels(lang))
    print("\n".join(cost_lines(summaries, labels(lang))))
    print(f"simulated payout cost, side by side: {cost}")
    return EXIT_OK
