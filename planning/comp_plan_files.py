"""An alternative comp plan for a plan's cost: `--comp-plan FILE` (and `--payout-curve FILE`).

The files are read as the pipeline reads `plan/comp_plans` and `plan/payout_curve` (ingest, its
aliases and types); a row it would refuse stops the simulation naming the file and line. Each rep
keeps the incentive of the plan in force; the file's plans replace the in-force plans of the same
id, and a file of one plan id that is not in force applies to every rep.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb

from ingest.loader import load_landing
from planning.history import PlanInputError
from planning.sheet_check import WINDOW
from planning.simulate import CompPlans, PlanTerms


def _read(path: Path, entity: str, columns: str) -> list[tuple]:
    """The accepted rows of one `plan/<entity>` file; refused rows raise with their lines."""
    if not path.is_file():
        raise PlanInputError(f"no such file: {path}")
    with tempfile.TemporaryDirectory(prefix="comp-plan-") as folder:
        landing = Path(folder) / "landing"
        (landing / "plan").mkdir(parents=True)
        shutil.copyfile(path, landing / "plan" / f"{entity}_alternative{path.suffix.lower()}")
        with duckdb.connect() as con:
            [result] = load_landing(con, landing, window=WINDOW).files
            if result.status != "loaded":
                raise PlanInputError(f"{path}: {result.message}")
            refused = con.execute(
                "select line_number, reason from audit.quarantine order by line_number"
            ).fetchall()
            if refused:
                raise PlanInputError(
                    "; ".join(f"{path} line {line}: {reason}" for line, reason in refused)
                )
            return con.execute(f"select {columns} from raw.plan_{entity}").fetchall()


def with_alternative(plans: CompPlans, comp_plan: Path, payout_curve: Path | None) -> CompPlans:
    """``plans`` with the plans of ``comp_plan`` (and their curves from ``payout_curve``, else
    the in-force curves of the same plan id)."""
    rows = _read(comp_plan, "comp_plans", "plan_id, metric, weight, period_type, threshold, cap")
    terms: dict[str, list[PlanTerms]] = {}
    for plan, metric, weight, period_type, threshold, cap in sorted(rows):
        terms.setdefault(plan, []).append(
            PlanTerms(plan, period_type, metric, weight, threshold, cap)
        )
    curves = [c for c in plans.curves if c[0] not in terms]
    if payout_curve is not None:
        curves += sorted(
            _read(payout_curve, "payout_curve", "plan_id, attainment_from, payout_at_from, slope")
        )
    else:
        curves += [c for c in plans.curves if c[0] in terms]
    missing = sorted(plan for plan in terms if plan not in {c[0] for c in curves})
    if missing:
        raise PlanInputError(
            f"no payout curve for plan {', '.join(missing)}: give --payout-curve FILE"
        )
    incentive = dict(plans.incentive)
    if len(terms) == 1 and next(iter(terms)) not in plans.terms:
        [only] = terms
        incentive = {user: (only, oti) for user, (_, oti) in incentive.items()}
    return CompPlans(
        incentive,
        {**plans.terms, **{plan: tuple(items) for plan, items in terms.items()}},
        curves,
    )
