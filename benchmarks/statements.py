"""Statements per second: this checkout's writer against an earlier commit's, on one publication.

    .venv/bin/python -m benchmarks.statements --published HOME/warehouse/published.duckdb \
        --before 128f18f [--rounds 2]

Each round writes every statement and the finance workbook of the published copy into an empty
reports folder (nothing to reuse), once with the code at ``--before`` (a git worktree of that
commit) and once with this checkout's, each in its own process with the project's code first on
its path. The two writers read the same published tables; the earlier one must be able to (a
commit before a table it needs was published cannot be compared on this copy). Figures go to
stdout; nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run in the child: the code under test first on the path, then one timed export.
CHILD = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from publication.statements import write_statements
started = time.perf_counter()
written = write_statements(Path(sys.argv[2]), Path(sys.argv[3]))
print(json.dumps({"seconds": time.perf_counter() - started, "statements": written.statements}))
"""


def timed_export(code: Path, published: Path) -> dict[str, float]:
    """One full export with the writer at ``code``: seconds and statements written."""
    with tempfile.TemporaryDirectory(prefix="statements-bench-") as reports:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(code), str(published), reports],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=Path, required=True)
    parser.add_argument("--before", required=True, help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    published = args.published.resolve()
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    worktree = Path(tempfile.mkdtemp(prefix="statements-before-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(worktree), args.before],
        capture_output=True,
        check=True,
    )
    try:
        results: dict[str, list[dict[str, float]]] = {args.before: [], head: []}
        for _ in range(args.rounds):
            results[args.before].append(timed_export(worktree, published))
            results[head].append(timed_export(ROOT, published))
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)],
            check=False,
        )
        shutil.rmtree(worktree, ignore_errors=True)
    best = {name: min(runs, key=lambda run: run["seconds"]) for name, runs in results.items()}
    print(f"published copy: {published}")
    print(f"{'writer':<12}{'statements':>12}{'seconds':>10}{'per second':>12}")
    for name, run in best.items():
        rate = run["statements"] / run["seconds"]
        print(f"{name:<12}{run['statements']:>12,.0f}{run['seconds']:>10.1f}{rate:>12.1f}")
    rate = {name: run["statements"] / run["seconds"] for name, run in best.items()}
    print(f"speed-up per statement: {rate[head] / rate[args.before]:.2f} x")


if __name__ == "__main__":
    main()
