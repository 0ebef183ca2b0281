"""A sensor that starts a run when new or changed files land, and not for files already seen.

The cursor holds, per landed file, its size, modification time and SHA-256. A file whose size and
time are unchanged is not read again; one that changed is hashed, and only a new hash counts
(touching a file, or copying it back unchanged, starts nothing). The run key is the digest of the
whole landing folder's content, so the same content never starts two runs.
"""

import hashlib
import json
from pathlib import Path

import dagster as dg

from core.settings import Home
from orchestration.jobs import scorecards_job
from orchestration.partitions import all_partitions_tags
from orchestration.schedules import home_busy

SOURCES = ("crm", "erp", "plan")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_landing(landing: Path, previous: dict[str, list]) -> tuple[dict[str, list], list[str]]:
    """The landing folder's files as {relative path: [size, mtime_ns, sha256]} and the paths whose
    content is new since ``previous``."""
    current: dict[str, list] = {}
    changed: list[str] = []
    for source in SOURCES:
        folder = landing / source
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path.name.startswith("."):
                continue
            rel = path.relative_to(landing).as_posix()
            stat = path.stat()
            seen = previous.get(rel)
            if seen and seen[0] == stat.st_size and seen[1] == stat.st_mtime_ns:
                current[rel] = seen
                continue
            sha = _sha256(path)
            current[rel] = [stat.st_size, stat.st_mtime_ns, sha]
            if not seen or seen[2] != sha:
                changed.append(rel)
    return current, changed


def landing_digest(state: dict[str, list]) -> str:
    """One hash of the landing folder's content (paths and file hashes)."""
    return hashlib.sha256(
        json.dumps(sorted((rel, entry[2]) for rel, entry in state.items())).encode()
    ).hexdigest()[:16]


@dg.sensor(
    job=scorecards_job,
    minimum_interval_seconds=60,
    description="Starts an ingest-and-build run when files in landing/ are new or changed in "
    "content (not for a touch, nor for files already seen).",
    default_status=dg.DefaultSensorStatus.STOPPED,
)
def landing_files(context: dg.SensorEvaluationContext):
    if (busy := home_busy()) is not None:
        return busy  # the cursor stays: the files are seen again on the next evaluation
    landing = Home.resolve().landing
    previous = json.loads(context.cursor) if context.cursor else {}
    current, changed = scan_landing(landing, previous)
    removed = sorted(set(previous) - set(current))
    context.update_cursor(json.dumps(current, sort_keys=True))
    if not changed and not removed:
        return dg.SkipReason(f"no new or changed files in {landing}")
    return dg.RunRequest(
        run_key=f"landing-{landing_digest(current)}",
        # New inputs change every month's fingerprint: one run over every partition.
        tags={
            "scorecards/trigger": "landing",
            "scorecards/changed_files": str(len(changed)),
            **all_partitions_tags(),
        },
    )
