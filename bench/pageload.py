"""Page weight and time to map: what a new reader downloads, how long a phone waits for the map, and
how long the first reader waits after a plain `streamlit run` of a fresh clone.

    python -m bench.pageload [--runs 3] [--out bench-results/pageload.json]

Three measurements, each printed as a table and written to the JSON file:

1. **Page weight of a new reader** (empty browser cache), by kind: what DevTools counts on the wire
   for each HTTP response (`encodedDataLength`, headers included) per resource type, and the
   WebSocket's bytes as counted by bench.byteproxy between Chromium and the server (DevTools only
   sees the payloads after permessage-deflate is undone). Both ways of serving: the app alone
   (`streamlit run`, what any host runs) and behind scripts/serve.sh's nginx, each warmed up first.
2. **Time to map on a phone**: navigation start to the first feature drawn in a map (the
   MutationObserver in bench.page): the phone's first map that serve.sh's page opens
   (mapapp/app/previewfiles.py) and Streamlit's own map, each; a new reader on a warm server, with the phone profile (390×844,
   touch, device scale 3), Chromium's 4× CPU slowdown (`Emulation.setCPUThrottlingRate`) and DevTools'
   "Fast 4G" network (`Network.emulateNetworkConditions`: 165 ms latency, 1,012,500 B/s down,
   168,750 B/s up). Median of `--runs` readers; a laptop (1366×768, no throttling) for reference.
3. **First map after a plain `streamlit run`**: a copy of the repository's tracked files (no
   __pycache__, no index file: a fresh clone) prepared by `scripts/setup.sh --prepare-only` (what
   setup.sh does after installing packages), then the README's command
   (`.venv/bin/streamlit run streamlit_app.py`, only the port and address added) and a first reader
   as soon as the server answers; on the laptop profile, and again from a new copy on the phone one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.appserver import LOOPBACK, AppServerError, free_port, serve_app, stop_process
from bench.byteproxy import byte_proxy
from bench.chromium import CHROMIUM
from bench.chromium import CHROMIUM_ARGS as BROWSER_ARGS
from bench.machine import code_version, machine_info, say, write_results
from bench.report import format_bytes, format_ms, format_table
from bench.servecluster import self_signed_certificate, serve_cluster, spki_sha256
from bench.session import Session
from mapapp.paths import ROOT_DIR

DEFAULT_OUT = ROOT_DIR / "bench-results" / "pageload.json"
CHROMIUM_ARGS = [*BROWSER_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/156.0.0.0 Mobile Safari/537.36"
    ),
}
LAPTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}
# DevTools' "Fast 4G" preset (front_end/core/sdk/NetworkManager.ts, Fast4GConditions): 9 Mbps down and
# 1.5 Mbps up, derated by 0.9, and 60 ms RTT times 2.75.
FAST_4G: dict[str, Any] = {
    "offline": False,
    "latency": 165,
    "downloadThroughput": 1_012_500,
    "uploadThroughput": 168_750,
}
CPU_SLOWDOWN = 4
START_TIMEOUT_S = 90
KINDS = ("Document", "Script", "Stylesheet", "Font", "Image", "Fetch", "XHR", "Other")


def throttle(session: Session) -> None:
    """The phone's CPU (4× slower) and network (Fast 4G) for this page, before it navigates."""
    session.http.cdp.send("Network.emulateNetworkConditions", FAST_4G)
    session.http.cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


def open_reader(browser, url: str, *, profile: Mapping[str, Any], throttled: bool, proxy=None) -> dict[str, Any]:
    """One new reader (its own context: an empty cache) opening `url`: time to map and bytes by kind."""
    session = Session(browser, url, context_options=profile)
    try:
        if throttled:
            throttle(session)
        mark = proxy.mark() if proxy is not None else 0
        opened = session.open()
        by_type = session.http.by_type()
        result: dict[str, Any] = {
            "map_visible_ms": opened["map_visible_ms"],
            "preview_visible_ms": opened["preview_visible_ms"],
            # what the reader sees first: the phone's first map (serve.sh), else Streamlit's map
            "first_map_ms": opened["preview_visible_ms"] or opened["map_visible_ms"],
            "phases_ms": opened["phases_ms"],
            "http_by_type": by_type,
            "http_by_part": {k: v for k, v in session.http.by_category().items() if v},
            "http_total": sum(by_type.values()),
            "websocket_payload": opened["bytes"]["websocket"],  # as the page sees it (inflated)
        }
        if proxy is not None:
            down, up = proxy.websocket_bytes(mark)
            result.update(websocket_down=down, websocket_up=up, wire_total=proxy.total_down(mark))
        return result
    finally:
        session.close()


def new_readers(browser, upstream_port: int, runs: int, *, tls_url: str | None = None) -> dict[str, Any]:
    """`runs` phone readers (throttled) and one laptop reader, through the byte-counting proxy; or, over
    HTTPS (`tls_url`, which the proxy cannot read), straight to it, the bytes as the browser counts them
    (a browser that trusts the cluster's test certificate: see nginx_tls_readers)."""
    if tls_url is not None:
        phone = [open_reader(browser, tls_url, profile=PHONE, throttled=True) for _ in range(runs)]
        laptop = open_reader(browser, tls_url, profile=LAPTOP, throttled=False)
        return _summary(phone, laptop)
    with byte_proxy(upstream_port) as proxy:
        phone = [open_reader(browser, proxy.url, profile=PHONE, throttled=True, proxy=proxy) for _ in range(runs)]
        laptop = open_reader(browser, proxy.url, profile=LAPTOP, throttled=False, proxy=proxy)
    return _summary(phone, laptop)


def _summary(phone: list[dict[str, Any]], laptop: dict[str, Any]) -> dict[str, Any]:
    times = [r["map_visible_ms"] for r in phone if r["map_visible_ms"] is not None]
    firsts = [r["first_map_ms"] for r in phone if r["first_map_ms"] is not None]
    for number, reader in enumerate(phone, start=1):
        say(
            f"    phone reader {number}: first map {format_ms(reader['first_map_ms'])}, Streamlit's map "
            f"{format_ms(reader['map_visible_ms'])}, "
            f"{format_bytes(reader['http_total'] + reader.get('websocket_down', 0))} on the wire"
        )
    say(f"    laptop reader: map {format_ms(laptop['map_visible_ms'])}")
    return {
        "phone_first_map_ms": statistics.median(firsts) if firsts else None,
        "phone_first_map_each_ms": [r["first_map_ms"] for r in phone],
        "phone_map_visible_ms": statistics.median(times) if times else None,
        "phone_map_visible_each_ms": [r["map_visible_ms"] for r in phone],
        "laptop_map_visible_ms": laptop["map_visible_ms"],
        "weight": phone[0],
        "phone": phone,
        "laptop": laptop,
    }


def port_of(url: str) -> int:
    return int(url.rstrip("/").rsplit(":", 1)[1])


def plain_app_readers(browser, runs: int, log_dir: Path) -> dict[str, Any]:
    """The app alone (`streamlit run`), warmed up by one run of the page, then new readers."""
    from mapapp.app.warmup import warm_up

    with serve_app(log_dir / "plain.log", poll_s=0.05) as server:
        warm_up(LOOPBACK, port_of(server.url))
        return new_readers(browser, port_of(server.url), runs)


def nginx_readers(browser, runs: int, run_dir: Path) -> dict[str, Any]:
    """scripts/serve.sh with one replica (it builds the index file and warms the replica up first)."""
    with serve_cluster(run_dir, replicas=1) as cluster:
        return new_readers(browser, port_of(cluster.url), runs)


def nginx_tls_readers(playwright, runs: int, run_dir: Path) -> dict[str, Any]:
    """The same over HTTPS and HTTP/2 (serve.sh --tls-cert/--tls-key, a test certificate), in a browser
    that trusts that certificate as a deployment's would be (with a certificate error Chromium caches
    nothing, so the map's preloaded files were fetched twice)."""
    cert, key = self_signed_certificate(run_dir / "tls")
    trusting = [*CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={spki_sha256(cert)}"]
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=trusting)
    try:
        with serve_cluster(run_dir, replicas=1, tls=(cert, key)) as cluster:
            return new_readers(browser, port_of(cluster.url), runs, tls_url=cluster.url)
    finally:
        browser.close()


def copy_tracked_files(destination: Path) -> None:
    """The repository's tracked files as they are now (what a clone of this work tree holds)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT_DIR, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode("utf-8").split("\0")):
        source = ROOT_DIR / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


@contextmanager
def fresh_clone(tmp: Path, name: str) -> Iterator[tuple[Path, float]]:
    """A copy of the tracked files, this checkout's .venv linked in, prepared by setup.sh --prepare-only."""
    clone = tmp / name
    copy_tracked_files(clone)
    (clone / ".venv").symlink_to(ROOT_DIR / ".venv", target_is_directory=True)
    started = time.monotonic()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QZ_") and k != "PYTHONPATH"}
    subprocess.run(["bash", "scripts/setup.sh", "--prepare-only"], cwd=clone, env=env, check=True, capture_output=True)
    yield clone, time.monotonic() - started


def first_reader_after_plain_run(
    browser, clone: Path, *, profile: Mapping[str, Any], throttled: bool
) -> dict[str, Any]:
    """The README's `streamlit run` in `clone`, and one reader as soon as the server answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QZ_") and k != "PYTHONPATH"}
    command = [
        str(clone / ".venv" / "bin" / "streamlit"),
        "run",
        "streamlit_app.py",
        "--server.port",
        str(port),
        "--server.address",
        LOOPBACK,
    ]
    log_path = clone / "streamlit.log"
    with open(log_path, "wb") as log:
        spawned = time.monotonic()
        process = subprocess.Popen(command, cwd=clone, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://{LOOPBACK}:{port}/"
    try:
        while True:
            if process.poll() is not None:
                raise AppServerError(f"streamlit exited with {process.returncode}; log {log_path}")
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() - spawned > START_TIMEOUT_S:
                raise AppServerError(f"streamlit did not answer on {url} within {START_TIMEOUT_S} s; log {log_path}")
            time.sleep(0.05)
        answered_s = time.monotonic() - spawned
        reader = open_reader(browser, url, profile=profile, throttled=throttled)
        return {"spawn_to_health_ms": round(answered_s * 1000, 1), **reader}
    finally:
        stop_process(process)


def first_maps(browser, tmp: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, profile, throttled in (("laptop", LAPTOP, False), ("phone", PHONE, True)):
        with fresh_clone(tmp, f"clone-{name}") as (clone, prepare_s):
            result = first_reader_after_plain_run(browser, clone, profile=profile, throttled=throttled)
        result["prepare_ms"] = round(prepare_s * 1000, 1)
        out[name] = result
        say(
            f"    {name}: setup.sh --prepare-only {format_ms(result['prepare_ms'])}, server answered after "
            f"{format_ms(result['spawn_to_health_ms'])}, first reader's map {format_ms(result['map_visible_ms'])}"
        )
    return out


SERVED = {  # the ways of serving measured, in the report's order
    "plain": "`streamlit run` alone",
    "nginx": "serve.sh (nginx)",
    "nginx_tls": "serve.sh, HTTPS + HTTP/2 (bytes as the browser counts them)",
}


def weight_rows(results: Mapping[str, Any]) -> list[list[object]]:
    """Bytes on the wire of a new reader by kind, for each way of serving."""
    served = [key for key in SERVED if key in results]
    rows: list[list[object]] = []
    for kind in KINDS:
        values = [results[key]["weight"]["http_by_type"].get(kind) for key in served]
        if any(values):
            rows.append([kind.lower(), *(format_bytes(v or 0) for v in values)])

    def websocket(key: str) -> str:  # over HTTPS the byte proxy cannot read the wire: not counted
        weight = results[key]["weight"]
        return format_bytes(weight["websocket_down"]) if "websocket_down" in weight else "not counted"

    def total(key: str) -> str:
        weight = results[key]["weight"]
        if "websocket_down" not in weight:
            return f"**{format_bytes(weight['http_total'])}** + WebSocket"
        return f"**{format_bytes(weight['http_total'] + weight['websocket_down'])}**"

    rows.append(["WebSocket (wire)", *(websocket(key) for key in served)])
    rows.append(["**total transferred**", *(total(key) for key in served)])
    rows.append(
        [
            "WebSocket payload, inflated",
            *(format_bytes(results[key]["weight"]["websocket_payload"]) for key in served),
        ]
    )
    return rows


def markdown_report(results: Mapping[str, Any]) -> str:
    served = [key for key in SERVED if key in results]
    titles = SERVED
    parts = [
        f"- date: {results['date']} (UTC); code {results['code']}; load average {results['load_average_at_start'][0]:.1f} "
        f"at start, {results['load_average_at_end'][0]:.1f} at end (max {max(results['load_average_samples'], default=0):.1f})",
        "",
        "Page weight of a new reader (empty cache), bytes on the wire by kind:",
        "",
        format_table(["kind", *(titles[k] for k in served)], weight_rows(results)),
        "",
        format_table(
            ["time to map (navigation → first feature drawn), warm server", *(titles[k] for k in served)],
            [
                [
                    f"**phone: first map** (serve.sh's, else Streamlit's), 390×844 touch, 4× CPU, Fast 4G, median of {results['runs']}",
                    *(f"**{format_ms(results[k]['phone_first_map_ms'])}**" for k in served),
                ],
                [
                    "phone: first map, each reader",
                    *(", ".join(format_ms(v) for v in results[k]["phone_first_map_each_ms"]) for k in served),
                ],
                [
                    f"phone: Streamlit's map, median of {results['runs']}",
                    *(format_ms(results[k]["phone_map_visible_ms"]) for k in served),
                ],
                [
                    "phone: Streamlit's map, each reader",
                    *(", ".join(format_ms(v) for v in results[k]["phone_map_visible_each_ms"]) for k in served),
                ],
                ["laptop: 1366×768, no throttling", *(format_ms(results[k]["laptop_map_visible_ms"]) for k in served)],
            ],
        ),
    ]
    if "first_map" in results:
        first = results["first_map"]
        parts += [
            "",
            format_table(
                ["first reader after a plain `streamlit run` (fresh clone)", "laptop", "phone (4× CPU, Fast 4G)"],
                [
                    ["setup.sh --prepare-only", *(format_ms(first[k]["prepare_ms"]) for k in ("laptop", "phone"))],
                    [
                        "spawn → server answers",
                        *(format_ms(first[k]["spawn_to_health_ms"]) for k in ("laptop", "phone")),
                    ],
                    [
                        "**page opened → map visible**",
                        *(f"**{format_ms(first[k]['map_visible_ms'])}**" for k in ("laptop", "phone")),
                    ],
                    [
                        "spawn → map visible",
                        *(
                            format_ms(first[k]["spawn_to_health_ms"] + (first[k]["map_visible_ms"] or 0))
                            for k in ("laptop", "phone")
                        ),
                    ],
                ],
            ),
        ]
    return "\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pageload", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="phone readers per way of serving (default 3)")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="JSON results (default bench-results/pageload.json)"
    )
    parser.add_argument("--skip-nginx", action="store_true", help="leave out serve.sh (no nginx on this machine)")
    parser.add_argument("--skip-first-map", action="store_true", help="leave out the fresh-clone start")
    parser.add_argument("--skip-plain", action="store_true", help="leave out the app alone (streamlit run)")
    parser.add_argument("--skip-tls", action="store_true", help="leave out serve.sh over HTTPS and HTTP/2")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"pageload: {CHROMIUM} not found; expected Debian's chromium (setup.sh --dev)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "code": code_version(),
        "machine": machine_info(),
        "load_average_at_start": os.getloadavg(),
        "runs": args.runs,
        "profiles": {"phone": PHONE, "laptop": LAPTOP, "network": FAST_4G, "cpu_slowdown": CPU_SLOWDOWN},
    }
    with tempfile.TemporaryDirectory(prefix="qz-pageload-") as tmp_name, sync_playwright() as playwright:
        tmp = Path(tmp_name)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        results["machine"]["chromium"] = browser.version
        try:
            if not args.skip_first_map:
                say("first reader after a plain `streamlit run` of a fresh clone")
                results["first_map"] = first_maps(browser, tmp)
            if not args.skip_plain:
                say("new readers, the app alone (streamlit run, warmed up)")
                results["plain"] = plain_app_readers(browser, args.runs, tmp)
            if not args.skip_nginx:
                say("new readers through scripts/serve.sh (nginx, one replica)")
                results["nginx"] = nginx_readers(browser, args.runs, tmp / "serve")
            if not args.skip_nginx and not args.skip_tls:
                say("new readers through scripts/serve.sh over HTTPS and HTTP/2 (a test certificate)")
                results["nginx_tls"] = nginx_tls_readers(playwright, args.runs, tmp / "serve-tls")
        finally:
            browser.close()
    write_results(results, args.out, markdown_report, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
