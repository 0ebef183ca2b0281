"""Named pause points for fault tests: the kill -9 tests stop a real run at a known moment.

With ``SCORECARDS_PAUSE_AT=<point>`` a run that reaches that point writes the marker file
``$SCORECARDS_PAUSE_DIR/paused_at_<point>`` and sleeps, so a test can kill the process group
exactly there. Without the variable (every real run) a pause point does nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_AT_ENV = "SCORECARDS_PAUSE_AT"
PAUSE_DIR_ENV = "SCORECARDS_PAUSE_DIR"
PAUSE_SECONDS = 300
POINTS = ("ingest", "dbt", "checks", "publish_write", "before_swap")


def pause_point(name: str) -> None:
    """Stop here for a while when a fault test asked for this point."""
    if os.environ.get(PAUSE_AT_ENV) != name:
        return
    folder = Path(os.environ.get(PAUSE_DIR_ENV, "."))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"paused_at_{name}").write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(PAUSE_SECONDS)
