"""Many readers at once: N Streamlit sessions select places for S seconds against one app on loopback.

    python -m bench.loadtest --seconds 60 --sessions 20 [--clients protocol|browser] [--json out.json]

starts the app on 127.0.0.1 (bench.appserver; or `--url` for one you started, with `--pid` to
watch its memory), opens N sessions and has each select places from its own pool, alternately by a
map click and by search, checking after every action that its side panel and URL show its own
choice (bench.loadreaders). Samples the server's memory (RSS) and CPU, prints p50/p95 latencies,
and exits 1 on any error, on a leak between sessions, or on RSS above --max-rss-mb.

`--clients protocol` (the default) speaks Streamlit's websocket protocol and measures the server;
`--clients browser` drives one headless-Chromium context per reader, which on a small machine
mostly measures Chromium. Only loopback: nothing leaves the machine. Streamlit runs in a child
process; this module does not import it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.appserver import LOOPBACK, serve_app
from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from bench.loadreaders import BrowserReader, ProtocolReader
from bench.loadreport import (
    DEFAULT_MAX_RSS_MB,
    LoadReport,
    Target,
    format_report,
    pools_for,
    targets_from_index,
)
from mapapp.datadirs import data_dirs_from_env

CLIENTS = ("protocol", "browser")
CLOSE_SETTLE_S = 3.0  # after the readers leave, before the last memory reading


def rss_mb_of(pid: int) -> float | None:
    """Resident memory of process `pid` in MB (Linux /proc), or None if it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds_of(pid: int) -> float | None:
    """User + system CPU time of process `pid` in seconds (Linux /proc), or None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _sample_rss(pid: int, report: LoadReport, started: float, stop: asyncio.Event, every_s: float = 1.0) -> None:
    while not stop.is_set():
        mb = rss_mb_of(pid)
        if mb is not None:
            report.rss_mb.append((time.monotonic() - started, mb))
        with contextlib.suppress(TimeoutError):  # the sampling period ended before the run did
            await asyncio.wait_for(stop.wait(), timeout=every_s)


async def run_load(
    url: str,
    targets: list[Target],
    *,
    sessions: int,
    seconds: float,
    clients: str = "protocol",
    think_s: float = 0.5,
    pid: int | None = None,
    max_rss_mb: float = DEFAULT_MAX_RSS_MB,
    stagger_s: float = 0.1,
) -> LoadReport:
    """Open `sessions` readers one `stagger_s` apart, let them select places for `seconds`, close them."""
    report = LoadReport(clients=clients, sessions=sessions, seconds=seconds, think_s=think_s, max_rss_mb=max_rss_mb)
    pools = pools_for(targets, sessions)
    owner_of = {target.name: n for n, pool in enumerate(pools) for target in pool}
    started = time.monotonic()
    stop = asyncio.Event()
    playwright = browser = None
    if clients == "browser":
        from playwright.async_api import async_playwright

        playwright = await async_playwright().start()
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
    kind = BrowserReader if clients == "browser" else ProtocolReader
    readers = [kind(n, pool, owner_of, report, think_s=think_s) for n, pool in enumerate(pools)]

    async def open_reader(reader, delay: float) -> None:
        await asyncio.sleep(delay)
        await (reader.open(url, browser) if browser else reader.open(url))

    try:
        await open_reader(readers[0], 0)  # the first one warms the server's caches
        report.rss_baseline_mb = rss_mb_of(pid) if pid else None
        cpu_before = cpu_seconds_of(pid) if pid else None
        sampler = asyncio.create_task(_sample_rss(pid, report, started, stop)) if pid else None
        await asyncio.gather(*(open_reader(reader, n * stagger_s) for n, reader in enumerate(readers[1:])))
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(reader.run(deadline) for reader in readers))
        if pid and cpu_before is not None:
            cpu_after = cpu_seconds_of(pid)
            report.server_cpu_s = cpu_after - cpu_before if cpu_after is not None else None
    finally:
        for reader in readers:
            await reader.close()
        if browser is not None:
            await browser.close()
            await playwright.stop()
    await asyncio.sleep(CLOSE_SETTLE_S)
    if pid:
        report.rss_after_mb = rss_mb_of(pid)
        stop.set()
        await sampler
    return report


def run_load_test(
    *,
    sessions: int,
    seconds: float,
    clients: str = "protocol",
    think_s: float = 0.5,
    url: str | None = None,
    pid: int | None = None,
    env: dict[str, str] | None = None,
    log_dir: Path | None = None,
    max_rss_mb: float = DEFAULT_MAX_RSS_MB,
) -> LoadReport:
    """Start the app on the data `env` names (unless `url` is given) and run the load against it."""
    from mapapp.pipeline.index import build_map_index

    dirs = data_dirs_from_env({**os.environ, **(env or {})})
    targets = targets_from_index(build_map_index(dirs.seeds_dir, dirs.geodata_dir, dirs.layers_dir))
    options = {
        "sessions": sessions,
        "seconds": seconds,
        "clients": clients,
        "think_s": think_s,
        "max_rss_mb": max_rss_mb,
    }
    if url is not None:
        return asyncio.run(run_load(url, targets, pid=pid, **options))
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="qz-loadtest-"))
    with serve_app(log_dir / "streamlit.log", env=env) as server:
        report = asyncio.run(run_load(server.url, targets, pid=server.pid, **options))
    tracebacks = server.log_path.read_text(encoding="utf-8", errors="replace").count("Traceback")
    if tracebacks:
        report.errors.append(f"the server's log ({server.log_path}) holds {tracebacks} tracebacks")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (default: %(default)s)")
    parser.add_argument(
        "--seconds",
        type=float,
        default=60.0,
        help="how long they select places once all are open (default: %(default)s)",
    )
    parser.add_argument(
        "--clients",
        choices=CLIENTS,
        default="protocol",
        help="websocket-protocol readers or headless-Chromium pages (default: %(default)s)",
    )
    parser.add_argument(
        "--think-ms", type=float, default=500.0, help="pause of each reader between actions (default: %(default)s)"
    )
    parser.add_argument("--url", help="an app already running on 127.0.0.1 (default: start one)")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id, to watch its memory and CPU")
    parser.add_argument(
        "--max-rss-mb", type=float, default=DEFAULT_MAX_RSS_MB, help="fail above this server RSS (default: %(default)s)"
    )
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    if args.url and urlsplit(args.url).hostname != LOOPBACK:
        parser.error(f"--url must be on {LOOPBACK}; this load test never leaves the machine")
    if args.sessions < 1 or args.seconds <= 0 or args.think_ms < 0:
        parser.error("expected --sessions >= 1, --seconds > 0 and --think-ms >= 0")
    report = run_load_test(
        sessions=args.sessions,
        seconds=args.seconds,
        clients=args.clients,
        think_s=args.think_ms / 1000,
        url=args.url.rstrip("/") + "/" if args.url else None,
        pid=args.pid,
        max_rss_mb=args.max_rss_mb,
    )
    summary = report.summary()
    print(format_report(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
