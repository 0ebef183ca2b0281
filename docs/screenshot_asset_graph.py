"""Take a screenshot of the asset graph as `dagster dev` shows it, for the docs.

Starts `dagster dev` on a free port of 127.0.0.1 with a throwaway DAGSTER_HOME, waits until the
UI answers, points headless Chromium at the global asset graph and writes a PNG (default
docs/asset_graph.png), then stops the server. Needs Chromium (`apt-get install chromium` on
Debian); no network beyond localhost.

    .venv/bin/python docs/screenshot_asset_graph.py [--out PNG] [--path /asset-groups]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise SystemExit(f"dagster dev did not answer at {url} within {seconds:.0f} s")


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("Chromium not found: install it (Debian: apt-get install chromium)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "asset_graph.png")
    parser.add_argument("--path", default="/asset-groups", help="UI path to capture")
    parser.add_argument("--size", default="1920,1200", help="window size, W,H")
    parser.add_argument("--wait", type=int, default=20000, help="ms of rendering time")
    args = parser.parse_args()
    chromium = find_chromium()
    dagster = Path(sys.executable).with_name("dagster")
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        # No first-visit dialog over the graph, and no telemetry.
        Path(scratch, "dagster.yaml").write_text(
            "nux:\n  enabled: false\ntelemetry:\n  enabled: false\n", encoding="utf-8"
        )
        env = {
            **os.environ,
            "DAGSTER_HOME": scratch,
            "SCORECARDS_HOME": os.environ.get("SCORECARDS_HOME", str(REPO / "data")),
        }
        server = subprocess.Popen(
            [str(dagster), "dev", "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/server_info", 180)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [
                    chromium,
                    *CHROMIUM_FLAGS,
                    f"--user-data-dir={scratch}/chromium",
                    f"--window-size={args.size}",
                    f"--virtual-time-budget={args.wait}",
                    f"--screenshot={args.out.resolve()}",
                    f"http://127.0.0.1:{port}{args.path}",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=180,
            )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
