"""dbt's command line as the tests call it: the venv's `dbt` on a project and one build file,
output captured for the assertion's message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.children import BUILD_DB_ENV


def run_dbt(
    project: Path, build_db: Path, *args: str, timeout: int = 900
) -> subprocess.CompletedProcess:
    """dbt started in the build file's folder, the file named by its name, as a run starts it
    (core/children.py): a target folder given the project's saved parse (seed_saved_parse)
    parses only what changed since."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), *args],
        cwd=build_db.parent,
        env={
            **os.environ,
            BUILD_DB_ENV: build_db.name,
            "DBT_PROJECT_DIR": str(project),
            "DBT_PROFILES_DIR": str(project),
        },
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
