"""scripts/serve.sh as a child process: N replicas behind nginx on a free loopback port, for tests and
the load test. Reads the replicas' ports and process ids from the run folder serve.sh writes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.appserver import LOOPBACK, AppServerError, free_port
from mapapp.paths import ROOT_DIR

SERVE_SCRIPT = ROOT_DIR / "scripts" / "serve.sh"
REPLICAS_FILE = "replicas.tsv"
START_TIMEOUT_S = 180


@dataclass(frozen=True)
class Replica:
    port: int
    pid: int


def read_replicas(path: Path) -> list[Replica]:
    """The replicas serve.sh runs now (port, pid), from its replicas.tsv (or the run folder holding it)."""
    path = path / REPLICAS_FILE if path.is_dir() else path
    replicas = []
    for number, line in enumerate(path.read_text(encoding="ascii").splitlines(), start=1):
        fields = line.split("\t")
        if len(fields) != 2 or not all(f.isdigit() for f in fields):
            raise ValueError(f"{path}: line {number} is {line!r}; expected '<port>\\t<pid>'")
        replicas.append(Replica(int(fields[0]), int(fields[1])))
    return replicas


@dataclass(frozen=True)
class ServedCluster:
    url: str  # http://127.0.0.1:<port>/ (nginx)
    pid: int  # serve.sh
    run_dir: Path
    log_path: Path

    def replicas(self) -> list[Replica]:
        return read_replicas(self.run_dir)


def _health(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def serve_cluster(
    run_dir: Path, *, replicas: int, env: Mapping[str, str] | None = None, timeout_s: float = START_TIMEOUT_S
) -> Iterator[ServedCluster]:
    """Run `bash scripts/serve.sh --replicas N` on a free loopback port until the block ends (SIGTERM)."""
    port = free_port()
    run_dir.mkdir(parents=True, exist_ok=True)
    log_path = run_dir / "serve.log"
    command = ["bash", str(SERVE_SCRIPT), "--replicas", str(replicas), "--port", str(port), "--run-dir", str(run_dir)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT_DIR, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
    url = f"http://{LOOPBACK}:{port}/"
    try:
        deadline = time.monotonic() + timeout_s
        while not _health(url):
            if process.poll() is not None:
                raise AppServerError(
                    f"serve.sh exited with {process.returncode}; its log ({log_path}):\n{log_path.read_text()[-4000:]}"
                )
            if time.monotonic() > deadline:
                raise AppServerError(f"serve.sh did not answer on {url} within {timeout_s:g} s; log {log_path}")
            time.sleep(0.3)
        yield ServedCluster(url=url, pid=process.pid, run_dir=run_dir, log_path=log_path)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
