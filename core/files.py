"""A file's stamp: what changes when the file is saved in place or replaced."""

from __future__ import annotations

import os
from pathlib import Path


def file_stamp(path: Path) -> dict[str, int]:
    """The file's inode, size and modification time (ns). Saving the file in place changes the
    time and most often the size; replacing it changes the inode. Equal stamps mean the bytes
    written then are the bytes there now, without reading them."""
    state = os.stat(path)
    return {"inode": state.st_ino, "size": state.st_size, "mtime_ns": state.st_mtime_ns}
