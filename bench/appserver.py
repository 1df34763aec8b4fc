"""Start the app with `streamlit run` on a free loopback port, for browser tests and the load test.

Only 127.0.0.1: the server is never reachable from another machine. This module runs Streamlit in
a child process and does not import it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from mapapp.errors import MapAppError
from mapapp.paths import ROOT_DIR

LOOPBACK = "127.0.0.1"
START_TIMEOUT_S = 90


class AppServerError(MapAppError):
    """The app did not start (its log is in the message)."""


@dataclass(frozen=True)
class AppServer:
    url: str  # http://127.0.0.1:<port>/
    pid: int
    log_path: Path
    started_s: float = 0.0  # spawn -> /_stcore/health answers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen, *, grace_s: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `grace_s`; waits for it either way."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _log_tail(log_path: Path, chars: int = 4000) -> str:
    return log_path.read_text(encoding="utf-8", errors="replace")[-chars:]


@contextlib.contextmanager
def serve_app(
    log_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    timeout_s: float = START_TIMEOUT_S,
    script: Path = ROOT_DIR / "streamlit_app.py",
    poll_s: float = 0.3,
    self_warm_up: bool = False,
) -> Iterator[AppServer]:
    """Run `script` (streamlit_app.py by default) headless on 127.0.0.1:<free port> until the block ends.

    `env` is added to the app's environment (QZ_SEEDS_DIR ... point it at other data); the repo root
    is on PYTHONPATH so an entry script elsewhere (the benchmark's copies) imports mapapp. `poll_s`
    is how often the health endpoint is asked; the benchmark polls fast because start-up is measured.
    `self_warm_up`: start it with `python -m mapapp.app.serve` (which runs the page once through its
    own port as soon as it answers) instead of `streamlit run`.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        *(("mapapp.app.serve",) if self_warm_up else ("streamlit", "run")),
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        LOOPBACK,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, "PYTHONPATH": str(ROOT_DIR), **(env or {})}
    with open(log_path, "wb") as log:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=ROOT_DIR, stdout=log, stderr=subprocess.STDOUT, env=full_env)
    url = f"http://{LOOPBACK}:{port}/"
    try:
        deadline = started + timeout_s
        while True:
            if process.poll() is not None:
                raise AppServerError(
                    f"streamlit exited with {process.returncode}; its log ({log_path}) ends:\n{_log_tail(log_path)}"
                )
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AppServerError(
                    f"streamlit did not answer on {url} within {timeout_s:g} s; its log ends:\n{_log_tail(log_path)}"
                )
            time.sleep(poll_s)
        yield AppServer(url=url, pid=process.pid, log_path=log_path, started_s=time.monotonic() - started)
    finally:
        stop_process(process)
