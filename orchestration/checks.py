"""Great Expectations suites as blocking asset checks (dagster-ge does not support GX 1.x)."""

import dagster as dg
import duckdb

from orchestration.assets.dbt import dbt_model_key
from orchestration.resources import ScorecardsResource
from quality.gx_suites import validate_table

SCORECARD_KEY = dbt_model_key("scorecard_attainment")


@dg.asset_check(
    asset=SCORECARD_KEY,
    blocking=True,
    description="Great Expectations suite on scorecard_attainment (domain values, keys, "
    "non-negative targets, attainment null exactly when a reason is given).",
)
def gx_scorecard_attainment(scorecards: ScorecardsResource) -> dg.AssetCheckResult:
    with duckdb.connect(str(scorecards.paths.build_db), read_only=True) as con:
        outcome = validate_table(con, "marts", "scorecard_attainment")
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.summary(),
        metadata={
            **{key: dg.MetadataValue.int(value) for key, value in outcome.counts.items()},
            "failures": dg.MetadataValue.json(outcome.failures),
            "offending_rows": dg.MetadataValue.json(outcome.offending_rows),
        },
    )
