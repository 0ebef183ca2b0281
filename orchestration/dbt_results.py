"""What a dbt invocation left behind, read for the operator: the nodes that failed, the first
error dbt logged, the tests that failed with their row counts and how to read their rows, and
the error for a dbt process that died before writing its results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.sql import quote_ident


def failed_dbt_nodes(run_results: Mapping[str, Any]) -> list[str]:
    """'name (status)' for every dbt node that failed or errored, from run_results.json."""
    return [
        f"{result['unique_id'].split('.')[2]} ({result['status']})"
        for result in run_results.get("results", [])
        if result.get("status") in ("error", "fail", "runtime error")
    ]


def first_dbt_error(run_results: Mapping[str, Any]) -> str:
    """The first errored node's message (a full disk or a lock shows there, where the runner
    looks for faults), or nothing."""
    for result in run_results.get("results", []):
        if result.get("status") in ("error", "runtime error") and result.get("message"):
            return f" (first error: {' '.join(str(result['message']).split())[:300]})"
    return ""


def dbt_errors(invocation: Any) -> list[str]:
    """The error lines dbt logged (dagster-dbt gathers them into the invocation's error)."""
    error = invocation.get_error()
    text = (getattr(error, "description", None) or str(error)) if error else ""
    marker = "Errors parsed from dbt logs:"
    if marker not in text:
        return []
    return [part.strip() for part in text.split(marker, 1)[1].split("\n\n") if part.strip()]


def dbt_died(returncode: int | None, errors: Sequence[str] = ()) -> Exception:
    """The error for a dbt process that ended without run_results.json: killed (by the kernel's
    out-of-memory killer, most often, when it dies with SIGKILL) or crashed, with the last error
    dbt logged on the first line (a full disk shows there, and the runner names it)."""
    if returncode is not None and returncode < 0:
        signal_number = -returncode
        hint = " (SIGKILL: most often the out-of-memory killer)" if signal_number == 9 else ""
        return RuntimeError(f"dbt was killed by signal {signal_number}{hint}; no results written")
    # The last line that names an error (a traceback ends with the exception), else the last.
    lines = [line.strip() for error in errors for line in error.splitlines() if line.strip()]
    named = [line for line in lines if "Errno" in line or "Error" in line.split(" ")[0]]
    said = (named or lines or [""])[-1][:500]
    return RuntimeError(
        f"dbt ended with exit code {returncode} and wrote no results"
        + (f": {said}" if said else "")
    )


def failing_rows_queries(run_results: Mapping[str, Any], engine: str, limit: int) -> dict[str, str]:
    """For each data test that failed or warned, by name, the query of its first ``limit``
    failing rows in build.duckdb, sorted.

    On DuckDB dbt stores no failures (dbt_project.yml: a table made by every test, for the few
    that ever fail, slowed every build): the test's compiled query, which selects its failing
    rows, runs again on the models dbt left as they were. On another engine dbt stores them,
    and the step copies the tables into build.duckdb's schema test_failures
    (orchestration/engines.py)."""
    queries = {}
    for result in run_results.get("results", []):
        kind, _project, name, *_ = result["unique_id"].split(".")
        if kind != "test" or result.get("status") not in ("fail", "warn"):
            continue
        if engine == "duckdb":
            if not result.get("compiled_code"):
                continue
            # On lines of its own: a test's SQL may end in a comment.
            source = f"(\n{result['compiled_code']}\n) as failing"
        else:
            source = f"test_failures.{quote_ident(name)}"
        # In the order of their values: the same rows in the same order on every run.
        queries[name] = f"select * from {source} order by all limit {int(limit)}"
    return queries


def failed_dbt_tests(run_results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Data and unit tests that ran and failed (a verdict on the data or the logic), with the
    number of failing rows; errors (a test that could not run) are not verdicts."""
    return [
        {"test": result["unique_id"].split(".")[2], "failures": result.get("failures")}
        for result in run_results.get("results", [])
        if result.get("status") == "fail"
        and result["unique_id"].split(".")[0] in ("test", "unit_test")
    ]
