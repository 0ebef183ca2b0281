"""The dbt manifest: parsed when the project's files changed, once among many processes, and
never seen half written (orchestration/manifest.py). Checked on a stand-in project with a
stand-in parse, so the real manifest is never touched under parallel workers."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from core.settings import BUILD_DB_NAME, DBT_PROJECT_DIR
from orchestration.manifest import (
    DBT_PROJECT,
    FINGERPRINT_FILE,
    ensure_manifest,
    manifest_fingerprint,
    manifest_is_stale,
    seed_saved_parse,
)


@pytest.fixture
def project(tmp_path: Path) -> SimpleNamespace:
    root = tmp_path / "project"
    shutil.copytree(DBT_PROJECT_DIR / "macros", root / "macros")
    shutil.copy(DBT_PROJECT_DIR / "dbt_project.yml", root / "dbt_project.yml")
    return SimpleNamespace(project_dir=root, manifest_path=root / "target" / "manifest.json")


def slow_parse(calls: list[str], pause: float = 0.0):
    """A parse that writes a manifest in pieces, as dbt does, taking ``pause`` between them."""

    def parse(project: SimpleNamespace, target: Path) -> None:
        calls.append(str(target))
        with (target / "manifest.json").open("w", encoding="utf-8") as handle:
            handle.write('{"nodes": {')
            handle.flush()
            time.sleep(pause)
            handle.write(f'"parse": {len(calls)}}}}}')
        (target / "partial_parse.msgpack").write_bytes(b"saved")

    return parse


def test_stale_until_parsed_then_only_when_a_file_s_content_changes(project):
    calls: list[str] = []
    assert manifest_is_stale(project)  # a fresh clone has none
    assert ensure_manifest(project, slow_parse(calls))
    assert not manifest_is_stale(project)
    assert not ensure_manifest(project, slow_parse(calls)) and len(calls) == 1
    # Modification times say nothing: a checkout or a clock can order them any way.
    macro = next((project.project_dir / "macros").rglob("*.sql"))
    os.utime(macro, (time.time() + 86400, time.time() + 86400))
    assert not manifest_is_stale(project)
    macro.write_text(macro.read_text(encoding="utf-8") + "\n-- changed\n", encoding="utf-8")
    assert manifest_is_stale(project)
    (project.project_dir / "macros" / "new.sql").write_text("select 1", encoding="utf-8")
    assert ensure_manifest(project, slow_parse(calls)) and len(calls) == 2
    stamp = (project.manifest_path.parent / FINGERPRINT_FILE).read_text(encoding="utf-8")
    assert stamp == manifest_fingerprint(project)


def test_processes_starting_together_parse_once_and_never_read_half_a_manifest(project):
    calls: list[str] = []
    ensure_manifest(project, slow_parse(calls))
    first = project.manifest_path.read_text(encoding="utf-8")
    (project.project_dir / "macros" / "new.sql").write_text("select 1", encoding="utf-8")
    seen: set[str] = set()
    done = threading.Event()

    def read_while_parsing() -> None:
        while not done.is_set():
            seen.add(project.manifest_path.read_text(encoding="utf-8"))

    reader = threading.Thread(target=read_while_parsing)
    reader.start()
    parsers = [
        threading.Thread(target=ensure_manifest, args=(project, slow_parse(calls, 0.3)))
        for _ in range(3)
    ]
    for thread in parsers:
        thread.start()
    for thread in parsers:
        thread.join()
    done.set()
    reader.join()
    assert len(calls) == 2  # the first parse, then one of the three
    assert seen <= {first, project.manifest_path.read_text(encoding="utf-8")}
    assert project.manifest_path.read_text(encoding="utf-8") == '{"nodes": {"parse": 2}}'
    # The scratch folders are gone; the saved parse was moved into place with the manifest.
    target = project.manifest_path.parent
    assert not [p for p in target.iterdir() if p.name.startswith(".parse-")]
    assert (target / "partial_parse.msgpack").read_bytes() == b"saved"


def test_a_parse_that_wrote_no_manifest_leaves_the_old_one_and_stays_stale(project):
    calls: list[str] = []
    ensure_manifest(project, slow_parse(calls))
    before = project.manifest_path.read_text(encoding="utf-8")
    (project.project_dir / "macros" / "new.sql").write_text("select 1", encoding="utf-8")
    with pytest.raises(RuntimeError, match="wrote no manifest"):
        ensure_manifest(project, lambda project, target: None)
    assert project.manifest_path.read_text(encoding="utf-8") == before
    assert manifest_is_stale(project)


def test_the_project_s_own_manifest_is_current():
    """Importing the dbt assets parsed the real project if anything changed."""
    import orchestration.assets.dbt  # noqa: F401

    assert not manifest_is_stale(DBT_PROJECT)


def test_a_home_without_a_saved_parse_gets_the_project_s_and_keeps_its_own(project, tmp_path):
    """A new home's first dbt step starts from the project's saved parse; a home's own (the
    parse of its previous step) is never replaced."""
    target = tmp_path / "home" / "warehouse" / "dbt_target"
    target.mkdir(parents=True)
    assert not seed_saved_parse(target, project)  # the project has none yet
    assert not (target / "partial_parse.msgpack").exists()
    ensure_manifest(project, slow_parse([]))
    assert seed_saved_parse(target, project)
    assert (target / "partial_parse.msgpack").read_bytes() == b"saved"
    assert [p.name for p in target.iterdir()] == ["partial_parse.msgpack"]  # no scratch left
    (target / "partial_parse.msgpack").write_bytes(b"the home's own")
    assert not seed_saved_parse(target, project)
    assert (target / "partial_parse.msgpack").read_bytes() == b"the home's own"


def test_the_fingerprint_names_the_build_file_the_profile_named(project):
    """A saved parse from before every home's profile named its build file alike is stale."""
    assert f" {BUILD_DB_NAME} " in manifest_fingerprint(project)
