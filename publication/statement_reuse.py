"""Statements unchanged since the last export are linked, not written again: what each was made
of (a digest of its inputs), what its files' bytes were, and each file's stamp when written or
linked, kept beside the files (.digests.json, .stamps.json)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from core.files import file_stamp

DIGESTS = ".digests.json"
STATEMENT_FILES = (".xlsx", ".csv")


def read_digests(folder: Path) -> dict[str, dict[str, str]]:
    """Per statement (and the finance workbook) of ``folder``: the digest of its inputs under
    ``inputs`` and of each file's bytes under its suffix. Empty when the file is missing or
    unreadable: then every statement is written."""
    try:
        digests = json.loads((folder / DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(digests, dict):
        return {}
    return {name: entry for name, entry in digests.items() if isinstance(entry, dict)}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


STAMPS = ".stamps.json"


def read_stamps(folder: Path) -> dict[str, dict[str, int]]:
    """The stamps of ``folder``'s files when they were written or linked (``.stamps.json``, kept
    apart from the digests: inodes and times differ from one export to the next, the digests
    do not). Empty when missing or unreadable: then every file's bytes are compared."""
    try:
        stamps = json.loads((folder / STAMPS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamps if isinstance(stamps, dict) else {}


def write_stamps(folder: Path, files: Iterable[str]) -> None:
    stamps = {name: file_stamp(folder / name) for name in files}
    (folder / STAMPS).write_text(json.dumps(stamps, indent=0, sort_keys=True), encoding="utf-8")


def reuse(
    previous: Path,
    staging: Path,
    name: str,
    recorded: dict[str, str],
    stamps: dict[str, str],
    suffixes: Sequence[str] = STATEMENT_FILES,
) -> bool:
    """Link (or copy) the previous export's files of ``name`` into the new folder; False when
    one is missing there or its bytes are not those ``recorded`` when it was written (someone
    edited it): then it is written again.

    A file with the stamp it had when this pipeline wrote or linked it (``stamps``) is as it
    was, and is not read: hashing every file again was most of a run that writes none, at the
    large scale (docs/BENCHMARKS.md). Another stamp (a file touched or copied) has its bytes
    compared."""
    for suffix in suffixes:
        old = previous / f"{name}{suffix}"
        if not old.is_file():
            return False
        if stamps.get(f"{name}{suffix}") != file_stamp(old) and recorded.get(suffix) != file_digest(
            old
        ):
            return False
    for suffix in suffixes:
        link_or_copy(previous / f"{name}{suffix}", staging / f"{name}{suffix}")
    return True


def recorded_digests(
    digest: str, staging: Path, name: str, suffixes: Sequence[str]
) -> dict[str, str]:
    """What .digests.json keeps of one statement: its inputs' digest and its files'."""
    files = {suffix: file_digest(staging / f"{name}{suffix}") for suffix in suffixes}
    return {"inputs": digest, **files}


def link_or_copy(old: Path, new: Path) -> None:
    try:
        os.link(old, new)
    except OSError:  # another file system, or links not allowed: a copy is the same bytes
        shutil.copy2(old, new)
