"""kill -9 a real run at each pause point: the published copy stays byte-identical; then a full
disk; then the next run succeeds with the same tables and no leftovers. Also: no run writes
into the landing folder.

The runs are killed one after another in one home (the tests of this module run in order), so
each run starts from what the killed one before it left behind, and one ordinary run at the end
has to clear all of it; a full run costs minutes on the CI machines, a kill seconds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from core.faults import POINTS
from publication import pending
from tests.conftest import FIXTURE_LANDING, copy_home
from tests.e2e.test_fixture_pipeline import published, run, scorecards_command

# The slow lane (`make test`, not `make test-fast`): real runs killed, on full disks.
pytestmark = pytest.mark.slow

AS_OF = "2026-03-10"


def landing_state(landing: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(landing)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(landing.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def home(tmp_path_factory, fixture_build) -> Path:
    """The fixture exports, published as of 2026-03-10 (tests/conftest.py)."""
    return copy_home(fixture_build, tmp_path_factory.mktemp("faults") / "home")


@pytest.fixture(scope="module")
def first(home: Path) -> dict[str, object]:
    """What the publication and the landing folder were before any fault."""
    return {
        "hashes": latest_hashes(home),
        "versions": published(home, "select count(*) from publication_log")[0][0],
        "landing": landing_state(home / "landing"),
    }


def latest_hashes(home: Path) -> dict[str, str]:
    rows = published(home, "select table_hashes from publication_log order by version desc")
    return json.loads(rows[0][0])


def session_processes(session: int) -> list[str]:
    """Live processes of a session (/proc/<pid>/stat: field 6 is the session id), as
    "pid command"; zombies are dead already."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        command, fields = text[text.index("(") + 1 : text.rindex(")")], text.rsplit(")", 1)[1]
        state, sid = fields.split()[0], int(fields.split()[4])
        if sid == session and state != "Z":
            found.append(f"{stat.parent.name} {command}")
    return found


def start_paused(home: Path, tmp_path: Path, point: str) -> subprocess.Popen:
    """A real run in a session of its own, returned once it waits at ``point``."""
    env = {**os.environ, "SCORECARDS_PAUSE_AT": point, "SCORECARDS_PAUSE_DIR": str(tmp_path)}
    out = (tmp_path / "out.log").open("w")
    process = subprocess.Popen(
        [*scorecards_command(), "run", "--as-of", AS_OF, "--home", str(home)],
        stdout=out,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    marker = tmp_path / f"paused_at_{point}"
    deadline = time.monotonic() + 600
    while not marker.exists():
        assert process.poll() is None, (tmp_path / "out.log").read_text()[-3000:]
        assert time.monotonic() < deadline, f"never reached {point}"
        time.sleep(0.2)
    return process


def kill_leader(process: subprocess.Popen) -> None:
    """kill -9 the run's own process only (not its group, as an operator or the OOM killer
    would) and wait: every child it started must die with it, within seconds."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    deadline = time.monotonic() + 15
    while session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    survivors = session_processes(process.pid)
    if survivors:
        os.killpg(process.pid, signal.SIGKILL)  # clean up before failing
    assert survivors == [], f"processes outlived the killed run: {survivors}"


# The points before the swap leave the publication as it was; the ones after it leave the new
# version with its follow-ups journaled, which the next run completes first.
BEFORE_SWAP = POINTS[: POINTS.index("before_swap") + 1]


@pytest.mark.parametrize("point", POINTS)
def test_kill_9_at_every_stage_leaves_no_process_and_a_whole_home(home, first, tmp_path, point):
    published_db = home / "warehouse" / "published.duckdb"
    before = published_db.read_bytes()
    versions = published(home, "select count(*) from publication_log")[0][0]
    # A file new to this home, so that ingest has something to load: the ingest pause sits
    # after a file (one seen before, under the same name and content, is skipped).
    again = home / "landing" / "crm" / f"teams_again_{point}.csv"
    shutil.copy(FIXTURE_LANDING / "crm" / "teams.csv", again)
    process = start_paused(home, tmp_path, point)
    kill_leader(process)
    assert process.returncode == -signal.SIGKILL
    journal = pending.read(published_db)
    if point in BEFORE_SWAP:
        assert published_db.read_bytes() == before
        assert published(home, "select count(*) from publication_log")[0][0] == versions
        assert journal is None
    else:
        assert published(home, "select count(*) from publication_log")[0][0] == versions + 1
        assert journal is not None and journal.version == versions + 1
        expected = {"after_swap": ("parquet", "statements", "report")}.get(
            point, ("statements", "report")
        )
        assert journal.pieces == expected
    again.unlink()


def test_the_next_run_completes_a_half_done_publication_first(home, first, tmp_path):
    """After the kills after the swap, the next run (stopped at its first stage) has already
    written the Parquet copies, statements and report of the published version."""
    published_db = home / "warehouse" / "published.duckdb"
    journal = pending.read(published_db)
    assert journal is not None and journal.pieces == ("statements", "report")
    report = home / "reports" / "scorecard_2026-03.html"
    report.unlink()
    again = home / "landing" / "crm" / "teams_again_completed.csv"
    shutil.copy(FIXTURE_LANDING / "crm" / "teams.csv", again)  # the ingest pause needs a file
    process = start_paused(home, tmp_path, "ingest")
    try:
        assert pending.read(published_db) is None
        assert report.exists()
        current = (home / "warehouse" / "published" / "current").resolve()
        assert current.name == f"v{journal.version:06d}"
    finally:
        kill_leader(process)
        again.unlink()


def test_a_full_disk_gives_a_clear_error_and_changes_nothing(home):
    """Every file write past 1 MB fails, as on a full disk (RLIMIT_FSIZE: no root or mount
    needed): the run stops with the real cause in one line, and the publication is untouched."""
    import resource

    def tiny_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))

    published_db = home / "warehouse" / "published.duckdb"
    before = published_db.read_bytes()
    failed = subprocess.run(
        [*scorecards_command(), "run", "--as-of", AS_OF, "--home", str(home)],
        capture_output=True,
        text=True,
        preexec_fn=tiny_disk,
        timeout=900,
        check=False,
    )
    assert failed.returncode == 3
    assert "RUN FAILED: out of disk space" in failed.stderr
    assert "nothing was published" in failed.stderr
    assert "GATE BLOCKED" not in failed.stderr
    gate = (home / "reports" / "gate_report.md").read_text(encoding="utf-8")
    assert gate.startswith("# Gate report: the run failed (a fault, not the data)")
    assert "Blocking check failed" not in gate
    assert published_db.read_bytes() == before


def test_the_next_run_succeeds_with_the_same_tables(home, first):
    """After the kills and the full disk above, an ordinary run publishes the next version with
    the tables of the first, leaves no temporary file, and never wrote into landing/."""
    again = run(home, "run", "--as-of", AS_OF)
    assert again.returncode == 0, again.stderr[-3000:]
    # One version from the kill after the swap, one from the kill in the statements, this one.
    assert published(home, "select count(*) from publication_log")[0][0] == first["versions"] + 3
    assert pending.read(home / "warehouse" / "published.duckdb") is None
    assert latest_hashes(home) == first["hashes"]
    leftovers = [p.name for p in (home / "warehouse").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    assert landing_state(home / "landing") == first["landing"]


FULL_DISK = r"""
mount -t tmpfs -o "size=$1k" tmpfs "$0" || exit 99
cp -a "$2" "$0/home" && cp "$0/home/landing/crm/teams.csv" "$0/home/landing/crm/teams_new.csv"
[ -n "$FILL" ] && cat /dev/zero > "$0/filler" 2>/dev/null  # the disk full from the start
shift 2
"$@" --home "$0/home" 2>&1
status=$?
echo "=== gate report"
cat "$0/home/reports/gate_report.md"
exit $status
"""


def folder_kib(folder: Path) -> int:
    """What a folder's files take on disk (allocated blocks, as du counts), in KiB."""
    return sum(p.lstat().st_blocks * 512 for p in folder.rglob("*")) // 1024


def run_on_a_small_disk(
    source: Path, tmp_path: Path, spare_kib: int, fill: bool = False
) -> tuple[int, str, str]:
    """A copy of the home ``source`` on a tmpfs ``spare_kib`` larger than it (filled up before
    the run with ``fill``), in a mount namespace of the run's: nothing of the machine is
    touched. Returns the exit code, the run's output and the gate report it left."""
    mount = tmp_path / "disk"
    mount.mkdir()
    size = folder_kib(source) + spare_kib
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", FULL_DISK, str(mount), str(size), str(source)]
        + [*scorecards_command(), "run", "--as-of", AS_OF],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, "FILL": "1"} if fill else None,
    )
    output, _, gate = result.stdout.partition("=== gate report\n")
    return result.returncode, output, gate


@pytest.mark.parametrize("spare_mib", [2, 6, 12])
def test_a_real_full_disk_is_a_fault_at_any_stage(fixture_build, tmp_path, spare_mib):
    """The home on a small file system of its own that fills during dbt's models, its tests or
    publication: always exit 3 and the cause in one line; never "GATE BLOCKED", never a check
    failing with zero rows (a dbt test that could not run is "not run")."""
    code, output, gate = run_on_a_small_disk(fixture_build / "home", tmp_path, spare_mib * 1024)
    assert code == 3, output[-3000:]
    assert "RUN FAILED: out of disk space" in output
    assert "GATE BLOCKED" not in output and "failing check" not in output
    assert gate.startswith("# Gate report: the run failed (a fault, not the data)")
    assert "Blocking check failed" not in gate and "0 failing row" not in gate
    if spare_mib < 12:  # the disk filled before the checks: the gate report says which
        assert "## Not run (a fault stopped the run first)" in gate
        assert "gx_payouts: not run" in gate


def test_a_disk_full_from_the_start_stops_the_run_before_any_work(fixture_build, tmp_path):
    """No room even for the gate report's reserve: exit 3 with the cause, and the previous gate
    report is left whole (it still describes the home)."""
    source = fixture_build / "home"
    code, output, gate = run_on_a_small_disk(source, tmp_path, 1024, fill=True)
    assert code == 3, output[-3000:]
    assert "RUN FAILED: out of disk space" in output, output[-3000:]
    previous = (source / "reports" / "gate_report.md").read_text(encoding="utf-8")
    assert gate == previous, output[-3000:]
