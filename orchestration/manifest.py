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

from core.children import BUILD_DB_ENV, as_parent
from core.environment import environment
from core.settings import BUILD_DB_NAME, DBT_PROJECT_DIR
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
    """What the manifest was parsed from: the project's files, the dbt that parsed them and the
    build file its profile named (which the saved parse must share with every home's)."""
    files = project_fingerprint(Path(project.project_dir), DBT_SOURCES)
    return f"dbt-core {version('dbt-core')} {BUILD_DB_NAME} {files}"


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
    # a build file of the name every home's has, in the temporary folder (never inside the
    # project), so that the saved parse is valid for every home (seed_saved_parse).
    build_db = Path(tempfile.gettempdir()) / BUILD_DB_NAME
    as_parent()
    with environment({BUILD_DB_ENV: str(build_db)}):
        dbt_resource().cli(["parse", "--quiet"], target_path=target).wait()


def seed_saved_parse(target: Path, project: HasManifest = DBT_PROJECT) -> bool:
    """Give a dbt target folder without a saved parse the project's own; True when it did.

    Every home's dbt runs under the same profile (core/children.py: start_beside_build_file),
    so the parse saved with the project's manifest is valid in any home: a new home's first
    dbt step then parses only what changed since, not the whole project. Copied under a
    temporary name and renamed, so a run killed meanwhile leaves no half file."""
    saved = target / SAVED_PARSE
    source = Path(project.manifest_path).parent / SAVED_PARSE
    if saved.exists() or not source.exists():
        return False
    scratch = target / f".{SAVED_PARSE}.{os.getpid()}"
    shutil.copy2(source, scratch)
    os.replace(scratch, saved)
    return True


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
