"""The dbt project's manifest, which every Dagster definition of a dbt asset reads on import.

Parsed when the project changed since the last parse: judged by a fingerprint of the project's
files (contents, not modification times, which a checkout or a clock can put in any order),
under a lock, so that of many processes starting at once (test workers, a run and `dagster
dev`) one parses and the others wait for its manifest. The parse writes into a scratch folder
beside the target and each file is then renamed into place: a reader sees the old manifest or
the new one, never one half written.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Protocol

from dagster_dbt import DbtProject

from core.children import as_parent
from core.settings import DBT_PROJECT_DIR
from orchestration.partitions import project_fingerprint
from orchestration.resources import dbt_resource

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# What a parse reads: a change to any of these makes a new manifest.
DBT_SOURCES = (
    "models",
    "macros",
    "tests",
    "seeds",
    "dbt_project.yml",
    "selectors.yml",
    "profiles.yml",
)
FINGERPRINT_FILE = "manifest.fingerprint"
LOCK_FILE = ".parse.lock"
SAVED_PARSE = "partial_parse.msgpack"


class HasManifest(Protocol):
    @property
    def project_dir(self) -> Path: ...

    @property
    def manifest_path(self) -> Path: ...


def manifest_fingerprint(project: HasManifest) -> str:
    """What the manifest was parsed from: the project's files and the dbt that parsed them."""
    files = project_fingerprint(Path(project.project_dir), DBT_SOURCES)
    return f"dbt-core {version('dbt-core')} {files}"


def manifest_is_stale(project: HasManifest) -> bool:
    """True when manifest.json is missing or was parsed from other files than the project's."""
    stamp = project.manifest_path.parent / FINGERPRINT_FILE
    if not project.manifest_path.exists() or not stamp.exists():
        return True
    return stamp.read_text(encoding="utf-8") != manifest_fingerprint(project)


def parse_with_dbt(project: HasManifest, target: Path) -> None:
    """`dbt parse` of the project into ``target``."""
    # Our own resource, not project.preparer: the preparer looks dbt up on PATH, and the
    # virtualenv need not be activated. Parsing opens no database, but the profile names one:
    # a throwaway path, never a file inside the project.
    os.environ.setdefault(
        "SCORECARDS_BUILD_DB", str(Path(tempfile.gettempdir()) / "scorecards-parse.duckdb")
    )
    as_parent()
    dbt_resource().cli(["parse", "--quiet"], target_path=target).wait()


def ensure_manifest(
    project: HasManifest = DBT_PROJECT,
    parse: Callable[[HasManifest, Path], None] = parse_with_dbt,
) -> bool:
    """Parse the project when its manifest is missing or stale (a fresh clone has none); True
    when this call parsed it."""
    if not manifest_is_stale(project):
        return False
    target = project.manifest_path.parent
    target.mkdir(parents=True, exist_ok=True)
    with _locked(target / LOCK_FILE):
        if not manifest_is_stale(project):
            return False  # another process parsed it while this one waited
        fingerprint = manifest_fingerprint(project)
        with tempfile.TemporaryDirectory(dir=target, prefix=".parse-") as scratch_name:
            scratch = Path(scratch_name)
            saved = target / SAVED_PARSE
            if saved.exists():  # dbt reuses it: a parse of what changed, not of everything
                shutil.copy2(saved, scratch / SAVED_PARSE)
            parse(project, scratch)
            if not (scratch / project.manifest_path.name).exists():
                raise RuntimeError(f"dbt parse of {project.project_dir} wrote no manifest")
            # The manifest last among dbt's files, the fingerprint after it: a reader that
            # finds the fingerprint finds the manifest it describes.
            names = sorted(p.name for p in scratch.iterdir() if p.is_file())
            names.sort(key=lambda name: name == project.manifest_path.name)
            for name in names:
                os.replace(scratch / name, target / name)
        _write_atomically(target / FINGERPRINT_FILE, fingerprint)
    return True


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomically(path: Path, text: str) -> None:
    scratch = path.with_name(f".{path.name}.{os.getpid()}")
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, path)
