"""scripts/serve.sh as a child process: N replicas behind nginx on a free loopback port, for tests and
the load test. Reads the replicas' ports and process ids from the run folder serve.sh writes."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import ssl
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.appserver import LOOPBACK, AppServerError, free_port, stop_process
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
    context = None
    if url.startswith("https:"):  # the cluster's own test certificate (self_signed_certificate)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url + "_stcore/health", timeout=2, context=context) as response:
            return response.status == 200
    except OSError:
        return False


def self_signed_certificate(directory: Path, host: str = LOOPBACK) -> tuple[Path, Path]:
    """A certificate and key (PEM) for `host`, valid for a day, made with Debian's openssl: for
    serve.sh --tls-cert/--tls-key in tests and benchmarks (a browser is told to accept it)."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={host}",
            "-addext",
            f"subjectAltName=IP:{host}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def spki_sha256(cert: Path) -> str:
    """The base64 SHA-256 of the certificate's public key (Debian's openssl), for Chromium's
    --ignore-certificate-errors-spki-list: the browser then trusts the test certificate as a real one,
    caching included (with a certificate error it keeps nothing, not even a preloaded script)."""
    key = subprocess.run(["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"], check=True, capture_output=True)
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"], input=key.stdout, check=True, capture_output=True
    )
    return base64.b64encode(hashlib.sha256(der.stdout).digest()).decode("ascii")


@contextlib.contextmanager
def serve_cluster(
    run_dir: Path,
    *,
    replicas: int,
    env: Mapping[str, str] | None = None,
    timeout_s: float = START_TIMEOUT_S,
    tls: tuple[Path, Path] | None = None,
) -> Iterator[ServedCluster]:
    """Run `bash scripts/serve.sh --replicas N` on a free loopback port until the block ends (SIGTERM);
    with `tls` (certificate, key), over HTTPS and HTTP/2."""
    port = free_port()
    run_dir.mkdir(parents=True, exist_ok=True)
    log_path = run_dir / "serve.log"
    command = ["bash", str(SERVE_SCRIPT), "--replicas", str(replicas), "--port", str(port), "--run-dir", str(run_dir)]
    if tls is not None:
        command += ["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT_DIR, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
    url = f"{'https' if tls is not None else 'http'}://{LOOPBACK}:{port}/"
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
        stop_process(process, grace_s=30)  # serve.sh stops nginx and every replica on SIGTERM
