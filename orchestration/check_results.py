"""One way to turn a gate outcome into a Dagster check result, for every check we run ourselves.

The gate report reads ``offending_rows`` from the metadata, so every check must put them there
the same way.
"""

import dagster as dg

from quality.outcome import CheckOutcome


def to_check_result(
    outcome: CheckOutcome,
    severity: dg.AssetCheckSeverity,
    asset_key: dg.AssetKey | None = None,
) -> dg.AssetCheckResult:
    """The outcome with its counts, failures and offending rows as metadata."""
    return dg.AssetCheckResult(
        check_name=outcome.name if asset_key is not None else None,
        asset_key=asset_key,
        passed=outcome.passed,
        severity=severity,
        description=outcome.summary(),
        metadata={
            **{key: dg.MetadataValue.int(value) for key, value in outcome.counts.items()},
            "failures": dg.MetadataValue.json(outcome.failures),
            "offending_rows": dg.MetadataValue.json(outcome.offending_rows),
        },
    )
