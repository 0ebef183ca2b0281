"""dbt's own log of a home's builds, read back: which invocations ran and what each did."""

from __future__ import annotations

import json
from pathlib import Path


def dbt_invocations(target: Path) -> list[list[str]]:
    """The names of dbt's JSON log events in a dbt target folder, one list per dbt invocation in
    the order they ran. dbt rotates its log (dbt.log.1 the newest rotated file): read oldest
    first."""
    rotated = sorted(target.glob("dbt.log.*"), key=lambda p: int(p.suffix[1:]), reverse=True)
    invocations: dict[str, list[str]] = {}
    for path in [*rotated, target / "dbt.log"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("{"):
                info = json.loads(line)["info"]
                invocations.setdefault(info["invocation_id"], []).append(info["name"])
    return list(invocations.values())
