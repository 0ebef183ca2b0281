"""What dbt's events say besides dagster-dbt's own metadata: a model's row count and, for the
scorecard, where reps stand in the latest closed month (the asset's page in the UI); a failed
test's failing rows (the check's page, and the gate report).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from core.sql import quote_ident


def with_build_metadata(
    context: dg.AssetExecutionContext,
    build_db: Path,
    events: list[Any],
    scorecard_key: dg.AssetKey,
    failing: Mapping[str, list[dict[str, Any]]],
) -> Iterator[Any]:
    """The dbt events, each model's Output with ``dagster/row_count`` in its metadata (the
    scorecard's, ``scorecard_key``, also with where reps stand), each failed test's check
    result with its ``failing`` rows as ``offending_rows``, where the gate report reads them."""
    keys = {
        event.output_name: context.asset_key_for_output(event.output_name)
        for event in events
        if isinstance(event, dg.Output)
    }
    counts: dict[str, int] = {}
    if keys and build_db.exists():
        with duckdb.connect(str(build_db), read_only=True) as con:
            for output_name, key in keys.items():
                relation = ".".join(quote_ident(part) for part in key.path[-2:])
                try:
                    counts[output_name] = con.execute(
                        f"select count(*) from {relation}"
                    ).fetchall()[0][0]
                except duckdb.Error:
                    continue  # a model that failed to build has no relation to count
            extra = _scorecard_distribution(con) if scorecard_key in keys.values() else {}
    for event in events:
        if isinstance(event, dg.Output) and event.output_name in counts:
            metadata = {**event.metadata, "dagster/row_count": counts[event.output_name]}
            if keys[event.output_name] == scorecard_key:
                metadata.update(extra)
            event = event.with_metadata(metadata)
        elif isinstance(event, dg.AssetCheckResult) and event.check_name in failing:
            event = dg.AssetCheckResult(
                passed=event.passed,
                asset_key=event.asset_key,
                check_name=event.check_name,
                metadata={
                    **event.metadata,
                    "offending_rows": dg.MetadataValue.json(failing[event.check_name]),
                },
                severity=event.severity,
                description=event.description,
            )
        yield event


def failing_rows(build_db: Path, queries: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Each failed test's failing rows, by test name (the queries of
    orchestration.dbt_results.failing_rows_queries), with values JSON can hold."""
    rows: dict[str, list[dict[str, Any]]] = {}
    if not queries or not build_db.exists():
        return rows
    with duckdb.connect(str(build_db), read_only=True) as con:
        for name, query in queries.items():
            try:
                cursor = con.execute(query)
            except duckdb.Error:
                continue  # the test could not read its model again: its count still stands
            columns = [column[0] for column in cursor.description]
            rows[name] = [
                {column: _json_value(value) for column, value in zip(columns, row, strict=True)}
                for row in cursor.fetchall()
            ]
    return rows


def _json_value(value: Any) -> Any:
    """Dates and decimals as their text (what the gate report prints), the rest as they are."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


LATEST_CLOSED_REP_MONTH = """
    from marts.scorecard_attainment
    where period_grain = 'month' and scope_type = 'rep' and attainment is not null
        and period_month = (
            select max(period_month) from marts.scorecard_attainment
            where not is_open and period_grain = 'month'
        )
"""


def _scorecard_distribution(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Where reps stand in the latest closed month, per metric: reps by tier reached and the
    attainment's min, median and max, for the asset's page in the UI."""
    try:
        tiers = con.execute(
            f"select metric, tier_reached, count(*) {LATEST_CLOSED_REP_MONTH} "
            "group by all order by all"
        ).fetchall()
        spread = con.execute(
            f"select metric, min(attainment), quantile_disc(attainment, 0.5), "
            f"max(attainment) {LATEST_CLOSED_REP_MONTH} group by all order by all"
        ).fetchall()
    except duckdb.Error:
        return {}
    by_tier: dict[str, dict[str, int]] = {}
    for metric, tier, count in tiers:
        by_tier.setdefault(metric, {})[tier] = count
    return {
        "reps_by_tier_latest_closed_month": dg.MetadataValue.json(by_tier),
        "attainment_min_median_max": dg.MetadataValue.json(
            {metric: [str(low), str(mid), str(high)] for metric, low, mid, high in spread}
        ),
    }
