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

from scorecards.faults import POINTS
from tests.conftest import FIXTURE_LANDING, copy_home
from tests.e2e.test_fixture_pipeline import published, run, scorecards_command

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


@pytest.mark.parametrize("point", POINTS)
def test_kill_9_leaves_the_publication_intact(home, first, tmp_path, point):
    published_db = home / "warehouse" / "published.duckdb"
    before = published_db.read_bytes()
    env = {**os.environ, "SCORECARDS_PAUSE_AT": point, "SCORECARDS_PAUSE_DIR": str(tmp_path)}
    # Touch a file so that ingest has something to load: the ingest pause sits after a file.
    shutil.copy(FIXTURE_LANDING / "crm" / "teams.csv", home / "landing" / "crm" / "teams_again.csv")
    with (tmp_path / "out.log").open("w") as out:
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
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert published_db.read_bytes() == before
    assert published(home, "select count(*) from publication_log")[0][0] == first["versions"]
    (home / "landing" / "crm" / "teams_again.csv").unlink()


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
    assert "RUN FAILED: nothing was published." in failed.stderr
    assert "the disk is full or a file size limit was reached" in failed.stderr
    assert published_db.read_bytes() == before


def test_the_next_run_succeeds_with_the_same_tables(home, first):
    """After the kills and the full disk above, an ordinary run publishes the next version with
    the tables of the first, leaves no temporary file, and never wrote into landing/."""
    again = run(home, "run", "--as-of", AS_OF)
    assert again.returncode == 0, again.stderr[-3000:]
    assert published(home, "select count(*) from publication_log")[0][0] == first["versions"] + 1
    assert latest_hashes(home) == first["hashes"]
    leftovers = [p.name for p in (home / "warehouse").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    assert landing_state(home / "landing") == first["landing"]
