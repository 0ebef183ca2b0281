"""kill -9 a real run at each pause point: the published copy stays byte-identical and the next
run succeeds with the same tables. Also: no run writes into the landing folder."""

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
from tests.conftest import FIXTURE_LANDING
from tests.e2e.test_fixture_pipeline import published, run, scorecards_command

AS_OF = "2026-03-10"


def landing_state(landing: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(landing)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(landing.rglob("*"))
    }


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("faults")
    shutil.copytree(FIXTURE_LANDING, root / "landing")
    before = landing_state(root / "landing")
    result = run(root, "run", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr[-3000:]
    assert landing_state(root / "landing") == before  # the pipeline only reads landing/
    return root


def latest_hashes(home: Path) -> dict[str, str]:
    rows = published(home, "select table_hashes from publication_log order by version desc")
    return json.loads(rows[0][0])


@pytest.mark.parametrize("point", POINTS)
def test_kill_9_leaves_the_publication_intact_and_the_next_run_succeeds(home, tmp_path, point):
    published_db = home / "warehouse" / "published.duckdb"
    before = published_db.read_bytes()
    hashes = latest_hashes(home)
    versions = published(home, "select count(*) from publication_log")[0][0]
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
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert process.poll() is None, (tmp_path / "out.log").read_text()[-3000:]
            assert time.monotonic() < deadline, f"never reached {point}"
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert published_db.read_bytes() == before
    (home / "landing" / "crm" / "teams_again.csv").unlink()

    again = run(home, "run", "--as-of", AS_OF)
    assert again.returncode == 0, again.stderr[-3000:]
    assert published(home, "select count(*) from publication_log")[0][0] == versions + 1
    assert latest_hashes(home) == hashes
    leftovers = [p.name for p in (home / "warehouse").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


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
        timeout=600,
        check=False,
    )
    assert failed.returncode == 3
    assert "RUN FAILED: nothing was published." in failed.stderr
    assert "the disk is full or a file size limit was reached" in failed.stderr
    assert published_db.read_bytes() == before
    again = run(home, "run", "--as-of", AS_OF)
    assert again.returncode == 0, again.stderr[-3000:]
