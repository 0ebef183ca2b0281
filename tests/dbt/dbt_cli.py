"""dbt's command line as the tests call it: the venv's `dbt` in a project directory, on one build
file, output captured for the assertion's message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_dbt(
    project: Path, build_db: Path, *args: str, timeout: int = 900
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), *args],
        cwd=project,
        env={**os.environ, "SCORECARDS_BUILD_DB": str(build_db)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
