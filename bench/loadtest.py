"""Many readers at once: N Streamlit sessions select places for S seconds against the app on loopback.

    python -m bench.loadtest --seconds 60 --sessions 100 --think-s 5 [--replicas 2 [--kill-replica-after 20]]
    python -m bench.loadtest --url http://127.0.0.1:8501/ --replicas-file RUN/replicas.tsv ...

starts the app on 127.0.0.1 (bench.appserver; `--replicas N`: scripts/serve.sh, N replicas behind
nginx; or `--url` for one you started, with `--pid` or serve.sh's `--replicas-file` to watch its
memory), opens N sessions and has each select places from its own pool at a reader's pace (a pause
of --think-s ±50% between actions) by a map click, by search or by opening a link, drawn from
--mix (default click=18,search=1,link=1), checking after every action that its place panel and URL
show its own choice (bench.loadreaders); at most --max-actions each. Each protocol reader sends what
a real page sends (bench.pagetraffic: the static files a new browser fetches are recorded once in
Chromium at the start). `--kill-replica-after S` kills one replica (SIGKILL) S seconds into the load and
reports how many readers were cut off, how long until each had its view back, and who lost it.
Samples the servers' memory (RSS, the largest replica) and CPU, prints p50/p95 latencies, and exits 1
on any error, on a leak between sessions, on a reader who lost their view, or on RSS above --max-rss-mb.

`--clients protocol` (the default) speaks Streamlit's websocket protocol and measures the server;
`--clients browser` drives one headless-Chromium context per reader, which on a small machine
mostly measures Chromium. Only loopback: nothing leaves the machine. Streamlit runs in a child
process; this module does not import it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from bench.appserver import LOOPBACK, serve_app
from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from bench.loadreaders import DEFAULT_MIX, BrowserReader, ProtocolReader, http_session
from bench.loadreport import (
    DEFAULT_MAX_RSS_MB,
    LoadReport,
    Target,
    format_report,
    pools_for,
    targets_from_index,
)
from bench.pagetraffic import record_page_assets
from bench.servecluster import Replica, read_replicas, serve_cluster
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


def largest_rss_mb(pids: list[int]) -> float | None:
    """The largest RSS among the server processes (the budget is per replica)."""
    values = [mb for mb in map(rss_mb_of, pids) if mb is not None]
    return max(values) if values else None


def total_cpu_s(pids: list[int]) -> float | None:
    values = [s for s in map(cpu_seconds_of, pids) if s is not None]
    return sum(values) if values else None


async def _sample_rss(
    pids: Callable[[], list[int]], report: LoadReport, started: float, stop: asyncio.Event, every_s: float = 1.0
) -> None:
    while not stop.is_set():
        mb = largest_rss_mb(pids())
        if mb is not None:
            report.rss_mb.append((time.monotonic() - started, mb))
        with contextlib.suppress(TimeoutError):  # the sampling period ended before the run did
            await asyncio.wait_for(stop.wait(), timeout=every_s)


async def _kill_replica_later(replicas: Callable[[], list[Replica]], after_s: float, report: LoadReport) -> None:
    """SIGKILL the first replica `after_s` seconds from now (a crash, not a clean stop)."""
    await asyncio.sleep(after_s)
    victim = replicas()[0]
    os.kill(victim.pid, signal.SIGKILL)
    report.killed = {"port": victim.port, "pid": victim.pid, "after_s": after_s, "at": time.monotonic()}


async def run_load(
    url: str,
    targets: list[Target],
    *,
    sessions: int,
    seconds: float,
    clients: str = "protocol",
    think_s: float = 0.5,
    pid: int | None = None,
    replicas: Callable[[], list[Replica]] | None = None,
    kill_replica_after_s: float | None = None,
    max_actions: int | None = None,
    max_rss_mb: float = DEFAULT_MAX_RSS_MB,
    stagger_s: float = 0.1,
    mix: dict[str, float] | None = None,
) -> LoadReport:
    """Open `sessions` readers one `stagger_s` apart, let them select places for `seconds`, close them.

    The server is `pid`, or the `replicas()` serve.sh runs (whose pids change when one is restarted).
    """
    report = LoadReport(clients=clients, sessions=sessions, seconds=seconds, think_s=think_s, max_rss_mb=max_rss_mb)
    if kill_replica_after_s is not None and replicas is None:
        raise ValueError("kill_replica_after_s needs the replicas (serve.sh's replicas.tsv); got none")

    def pids() -> list[int]:
        if replicas is not None:
            return [replica.pid for replica in replicas()]
        return [pid] if pid else []

    pools = pools_for(targets, sessions)
    owner_of = {target.name: n for n, pool in enumerate(pools) for target in pool}
    started = time.monotonic()
    stop = asyncio.Event()
    playwright = browser = None
    if clients == "browser":
        from playwright.async_api import async_playwright

        playwright = await async_playwright().start()
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
    http_context = http_session()
    http = await http_context.__aenter__()
    if clients == "browser":
        readers: list = [
            BrowserReader(n, pool, owner_of, report, think_s=think_s, max_actions=max_actions, mix=mix)
            for n, pool in enumerate(pools)
        ]
    else:
        places = [(t.feature_id, t.name) for t in targets[:3]]
        assets = await asyncio.to_thread(record_page_assets, url, places)
        readers = [
            ProtocolReader(
                n, pool, owner_of, report, think_s=think_s, max_actions=max_actions, mix=mix, http=http, assets=assets
            )
            for n, pool in enumerate(pools)
        ]

    async def open_reader(reader, delay: float) -> None:
        await asyncio.sleep(delay)
        await (reader.open(url, browser) if browser else reader.open(url))

    try:
        await open_reader(readers[0], 0)  # the first one warms the server's caches
        report.rss_baseline_mb = largest_rss_mb(pids())
        cpu_before = total_cpu_s(pids())
        sampler = asyncio.create_task(_sample_rss(pids, report, started, stop)) if pids() else None
        await asyncio.gather(*(open_reader(reader, n * stagger_s) for n, reader in enumerate(readers[1:])))
        deadline = time.monotonic() + seconds
        killer = None
        if kill_replica_after_s is not None and replicas is not None:
            killer = asyncio.create_task(_kill_replica_later(replicas, kill_replica_after_s, report))
        await asyncio.gather(*(reader.run(deadline) for reader in readers))
        if killer is not None and not killer.done():
            killer.cancel()
            report.errors.append(f"the load ended before the replica was to be killed ({kill_replica_after_s:g} s)")
        if cpu_before is not None and kill_replica_after_s is None:
            cpu_after = total_cpu_s(pids())
            report.server_cpu_s = cpu_after - cpu_before if cpu_after is not None else None
    finally:
        for reader in readers:
            await reader.close()
        if browser is not None:
            await browser.close()
        if playwright is not None:
            await playwright.stop()
        await http_context.__aexit__(None, None, None)
    await asyncio.sleep(CLOSE_SETTLE_S)
    if sampler is not None:
        report.rss_after_mb = largest_rss_mb(pids())
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
    replicas: int | None = None,
    replicas_file: Path | None = None,
    kill_replica_after_s: float | None = None,
    max_actions: int | None = None,
    env: dict[str, str] | None = None,
    log_dir: Path | None = None,
    max_rss_mb: float = DEFAULT_MAX_RSS_MB,
    mix: dict[str, float] | None = None,
) -> LoadReport:
    """Start the app on the data `env` names (unless `url` is given; `replicas`: N of them behind
    nginx, by scripts/serve.sh) and run the load against it."""
    from mapapp.pipeline.index import build_map_index

    dirs = data_dirs_from_env({**os.environ, **(env or {})})
    targets = targets_from_index(build_map_index(dirs.seeds_dir, dirs.geodata_dir, dirs.layers_dir))
    load = functools.partial(
        run_load,
        sessions=sessions,
        seconds=seconds,
        clients=clients,
        think_s=think_s,
        max_rss_mb=max_rss_mb,
        max_actions=max_actions,
        kill_replica_after_s=kill_replica_after_s,
        mix=mix,
    )
    if url is not None:
        listed = (lambda: read_replicas(replicas_file)) if replicas_file is not None else None
        return asyncio.run(load(url, targets, pid=pid, replicas=listed))
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="qz-loadtest-"))
    if replicas is not None:
        with serve_cluster(log_dir / "serve", replicas=replicas, env=env) as cluster:
            report = asyncio.run(load(cluster.url, targets, replicas=cluster.replicas))
        logs = sorted((log_dir / "serve").glob("replica-*.log"))
        tracebacks = sum(path.read_text(encoding="utf-8", errors="replace").count("Traceback") for path in logs)
        if tracebacks:
            report.errors.append(f"the replicas' logs ({log_dir / 'serve'}) hold {tracebacks} tracebacks")
        return report
    with serve_app(log_dir / "streamlit.log", env=env) as server:
        report = asyncio.run(load(server.url, targets, pid=server.pid))
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
        "--think-s",
        type=float,
        default=5.0,
        help="mean pause of each reader between actions, ±50%% (default: %(default)s)",
    )
    parser.add_argument("--max-actions", type=int, help="at most this many actions per reader (default: no limit)")
    parser.add_argument("--url", help="an app already running on 127.0.0.1 (default: start one)")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id, to watch its memory and CPU")
    parser.add_argument("--replicas", type=int, help="start scripts/serve.sh with this many replicas behind nginx")
    parser.add_argument(
        "--replicas-file", type=Path, help="with --url: serve.sh's RUN_DIR/replicas.tsv (replicas' ports and pids)"
    )
    parser.add_argument(
        "--kill-replica-after",
        type=float,
        metavar="S",
        help="kill one replica S seconds into the load (needs --replicas or --replicas-file)",
    )
    parser.add_argument(
        "--max-rss-mb", type=float, default=DEFAULT_MAX_RSS_MB, help="fail above this server RSS (default: %(default)s)"
    )
    parser.add_argument(
        "--mix",
        default=",".join(f"{k}={v:g}" for k, v in DEFAULT_MIX.items()),
        help="how often each action is drawn, as weights (default: %(default)s)",
    )
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    if args.url and urlsplit(args.url).hostname != LOOPBACK:
        parser.error(f"--url must be on {LOOPBACK}; this load test never leaves the machine")
    if args.sessions < 1 or args.seconds <= 0 or args.think_s < 0:
        parser.error("expected --sessions >= 1, --seconds > 0 and --think-s >= 0")
    if args.kill_replica_after is not None and not (args.replicas or (args.url and args.replicas_file)):
        parser.error("--kill-replica-after needs --replicas N, or --url with --replicas-file")
    if args.replicas is not None and (args.url or args.replicas < 1):
        parser.error("--replicas N (N >= 1) starts its own servers; it does not go with --url")
    try:
        mix = {kind: float(weight) for kind, weight in (part.split("=") for part in args.mix.split(","))}
    except ValueError:
        parser.error(f"--mix is {args.mix!r}; expected click=W,search=W,link=W with numbers W")
    if not set(mix) <= {"click", "search", "link"} or not any(mix.values()):
        parser.error(f"--mix is {args.mix!r}; expected weights for click, search and link")
    report = run_load_test(
        sessions=args.sessions,
        mix=mix,
        seconds=args.seconds,
        clients=args.clients,
        think_s=args.think_s,
        url=args.url.rstrip("/") + "/" if args.url else None,
        pid=args.pid,
        replicas=args.replicas,
        replicas_file=args.replicas_file,
        kill_replica_after_s=args.kill_replica_after,
        max_actions=args.max_actions,
        max_rss_mb=args.max_rss_mb,
    )
    summary = report.summary()
    print(format_report(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
