"""A folder of files written as a whole and swapped in: a reader finds the old set or the new
one, never a mix, and files of periods that no longer exist do not linger."""

from __future__ import annotations

import shutil
from pathlib import Path


def fresh(staging: Path) -> Path:
    """An empty staging folder (what a killed run left there is dropped)."""
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def swap_in(staging: Path, target: Path) -> None:
    """Put ``staging`` in ``target``'s place; the old folder is kept aside until then."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        shutil.rmtree(old)
