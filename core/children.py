"""Child processes that die with the run, from their first instruction.

A run starts processes of its own: dbt, the publisher, the statement writers (and, for them,
multiprocessing's resource tracker). Killed with ``kill -9``, the run cannot stop them, and a
publisher left running would swap a file in after its run died. So every child is started
through a small launcher (the console scripts ``scorecards-python`` and ``scorecards-dbt``)
whose first act is to ask Linux for SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``,
which survives the ``exec`` into Python or dbt that follows), and which exits at once if the
parent is already gone (its pid is in ``SCORECARDS_PARENT_PID``): there is no moment in which
the child does work without being bound to its parent.

multiprocessing's spawn start method runs the launcher instead of the bare interpreter
(``multiprocessing.set_executable``), so every spawned pool and the resource tracker go
through it; dbt's executable is the dbt launcher (orchestration/resources.py).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from importlib import metadata
from multiprocessing.context import BaseContext
from pathlib import Path

PARENT_PID_ENV = "SCORECARDS_PARENT_PID"
# The build database dbt writes, as the run gives it to dbt (dbt_project/profiles.yml reads it):
# not a setting of the command line, which derives it from the home.
BUILD_DB_ENV = "SCORECARDS_BUILD_DB"
PR_SET_PDEATHSIG = 1
PYTHON_LAUNCHER = "scorecards-python"
DBT_LAUNCHER = "scorecards-dbt"


def bind_to_parent() -> None:
    """SIGKILL this process when its parent dies; exit now if the parent already has."""
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    expected = os.environ.get(PARENT_PID_ENV)
    if expected and os.getppid() != int(expected):
        os._exit(128 + signal.SIGKILL)


def python_main() -> None:
    """``scorecards-python ARGS``: Python with ARGS, bound to the parent."""
    bind_to_parent()
    os.execv(sys.executable, [sys.executable, *sys.argv[1:]])


def dbt_main() -> None:
    """``scorecards-dbt ARGS``: this environment's dbt with ARGS, bound to the parent."""
    bind_to_parent()
    if sys.argv[1:] == ["--version"]:
        # dagster-dbt asks each dbt resource for the version (`dbt --version`: a whole dbt
        # start-up every step, docs/BENCHMARKS.md): the launcher's dbt is this environment's, so
        # the installed packages' versions are the answer, in dbt's own layout.
        print(dbt_versions())
        return
    start_beside_build_file()
    dbt = launcher("dbt")
    os.execv(dbt, [str(dbt), *sys.argv[1:]])


def start_beside_build_file() -> None:
    """Move into the folder of the build file and name it by its file name alone.

    dbt reuses a saved parse only under the same profile, and the profile names the build file:
    named by its absolute path, every new or copied home parsed the whole project once more
    (4.5 s idle, up to 15 s under load, docs/BENCHMARKS.md). As ``build.duckdb`` in its own
    folder, every home has the same profile, and the project's saved parse serves them all.
    dagster-dbt gives dbt the project, profiles, target and log folders as absolute paths, so
    nothing else depends on where dbt starts.
    """
    path = os.environ.get(BUILD_DB_ENV, "")
    folder = os.path.dirname(path)
    if os.path.isabs(path) and os.path.isdir(folder):
        os.chdir(folder)
        os.environ[BUILD_DB_ENV] = os.path.basename(path)


def dbt_versions() -> str:
    """What `dbt --version` prints of this environment: dbt-core's version and its adapters'."""
    lines = ["Core:", f"  - installed: {metadata.version('dbt-core')}", "", "Plugins:"]
    for package in ("dbt-duckdb", "dbt-spark"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            lines.append(f"  - {package.removeprefix('dbt-')}: {metadata.version(package)}")
    return "\n".join(lines)


def launcher(name: str) -> Path:
    """An executable of this environment (beside its Python)."""
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: install the project (pip install -e .) so that its launchers exist"
        )
    return path


def as_parent() -> None:
    """Name this process as the parent its next children check for."""
    os.environ[PARENT_PID_ENV] = str(os.getpid())


def spawn_context() -> BaseContext:
    """multiprocessing's spawn context, its children started through the Python launcher.

    Spawned, not forked: the run process holds DuckDB and Dagster threads, which a fork would
    copy mid-flight. The executable is process-wide (multiprocessing keeps one), which is what
    is wanted: no child of a run outlives it."""
    as_parent()
    context = multiprocessing.get_context("spawn")
    context.set_executable(str(launcher(PYTHON_LAUNCHER)))
    return context
