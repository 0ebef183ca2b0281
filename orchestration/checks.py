"""Great Expectations suites as blocking asset checks (dagster-ge does not support GX 1.x).

One check per validated table, each with its own name, so the gate report and the Dagster UI say
which table failed and show its offending values.
"""

import dagster as dg
import duckdb

from core.faults import pause_point
from orchestration.assets.dbt import dbt_model_key
from orchestration.check_results import to_check_result
from orchestration.resources import ScorecardsResource
from quality.gx_suites import SUITES, validate_table

GX_DESCRIPTIONS = {
    "scorecard_attainment": "domain values, keys, non-negative targets, attainment null exactly "
    "when a reason is given",
    "scorecard_performance": "one row per rep and month, grades agree with scores, "
    "weights sum to 1",
    "payouts": "keys, statuses and bases in their sets, nothing earned off the curve, covered days "
    "within the period",
    "reconciliation_monthly": "credited plus unassigned equals the source systems to the cent",
    "reconciliation_payouts": "every payout has statement lines and they sum to it",
}


def gx_check(table: str) -> dg.AssetChecksDefinition:
    """A blocking asset check running the GX suite of one marts table."""

    @dg.asset_check(
        name=f"gx_{table}",
        asset=dbt_model_key(table),
        blocking=True,
        description=f"Great Expectations suite on {table}: {GX_DESCRIPTIONS[table]}.",
    )
    def _check(scorecards: ScorecardsResource) -> dg.AssetCheckResult:
        pause_point("checks")
        with duckdb.connect(str(scorecards.paths.build_db), read_only=True) as con:
            outcome = validate_table(con, "marts", table)
        return to_check_result(outcome, dg.AssetCheckSeverity.ERROR)

    return _check


GX_CHECKS = [gx_check(table) for table in SUITES]
