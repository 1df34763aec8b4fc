"""Benchmark what a reader feels: open the map, click features, toggle layers; bytes, memory, pipeline.

`python -m bench.bench` starts the app (and bench/baseline_app.py, the plain st_folium pattern on the
same data) with `streamlit run` on 127.0.0.1, drives Debian's headless Chromium with real mouse
events, prints a table and writes bench-results/bench.json. Times are taken in the page
(performance.timeOrigin + performance.now(), MutationObserver, then the next animation frame), never
guessed with sleeps. No Streamlit import here: the apps are subprocesses.

This module holds the scenarios and the command line. The parts: benchpage (the in-page JavaScript),
benchsession (a reader in Chromium), benchserver (the app as a subprocess, profiled or not),
benchpipeline (index timings, SYNTHETIC corpora), benchmachine (commit, machine, progress lines)
and benchreport (budgets, verdicts, tables).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from bench.chromium import CHROMIUM
from bench.chromium import CHROMIUM_ARGS as BROWSER_ARGS
from bench.machine import code_version, machine_info, say, write_results
from bench.page import DRAWN_IDS_JS, FEATURE_POINT_JS, MAP_DRAWN_JS
from bench.pipeline import build_synthetic_corpus, time_index, time_index_file_build
from bench.report import budget_verdicts, format_bytes, format_ms, markdown_report, scaling, summary_ms
from bench.server import PROFILED_ENTRY, app_server, read_timings, rerun_profile, script_dir_with_static
from bench.session import WATCH_TIMEOUT_MS, BenchError, HttpLog, Session
from mapapp.datadirs import SEEDS_ENV
from mapapp.map.maplayers import map_layer_id_for, map_layers_from_specs
from mapapp.paths import ROOT_DIR, SEEDS_DIR

CHROMIUM_ARGS = [
    *BROWSER_ARGS,
    # Every host but the loopback app fails to resolve: no tile or CDN request leaves the machine,
    # and unlike request routing this keeps Chromium's HTTP cache (needed for the repeat visit).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
APP_SCRIPT = ROOT_DIR / "streamlit_app.py"
BASELINE_SCRIPT = ROOT_DIR / "bench" / "baseline_app.py"
DEFAULT_OUT = ROOT_DIR / "bench-results" / "bench.json"
SLOW_PANEL_MS = 10_000  # on a synthetic corpus, a panel this slow (or none) ends the clicks
SYNTHETIC_SMALL = 100  # a mid-size SYNTHETIC corpus, to see how the per-click cost grows
SYNTHETIC_TIMEOUT_MS = 30_000
SYNTHETIC_BUDGET_S = 60  # clicks on a synthetic corpus stop after this long

GeometryKind = Literal["point", "line", "polygon"]


def geometry_kind(geometry_type: str) -> GeometryKind:
    if geometry_type in ("Point", "MultiPoint"):
        return "point"
    if geometry_type in ("LineString", "MultiLineString"):
        return "line"
    if geometry_type in ("Polygon", "MultiPolygon"):
        return "polygon"
    raise ValueError(f"geometry type {geometry_type!r}; expected a GeoJSON Point, LineString or Polygon (or Multi-)")


def pick_click_targets(kinds: Mapping[str, GeometryKind], n: int) -> list[str]:
    """Up to n feature ids taking points, lines and polygons in turn (each kind in id order)."""
    queues = {kind: sorted(fid for fid, k in kinds.items() if k == kind) for kind in ("point", "line", "polygon")}
    picked: list[str] = []
    while len(picked) < n and any(queues.values()):
        for kind in ("point", "line", "polygon"):
            if queues[kind] and len(picked) < n:
                picked.append(queues[kind].pop(0))
    return picked


@dataclass(frozen=True)
class Target:
    feature_id: str
    name: str
    kind: GeometryKind
    n_excerpts: int


def choose_targets(session: Session, index, n: int, prefer: Sequence[str] = ()) -> list[Target]:
    """Features drawn and clickable in the opening view that have excerpts: points, lines, polygons.

    Ids in `prefer` (the app's targets, when choosing the baseline's) come first if clickable here.
    """
    frame = session.frame()
    drawn = frame.evaluate(DRAWN_IDS_JS)
    kinds = {fid: geometry_kind(gtype) for fid, gtype in drawn.items() if index.excerpts.get(fid)}
    clickable = {fid: kind for fid, kind in kinds.items() if frame.evaluate(FEATURE_POINT_JS, [fid, False]) is not None}
    kept = [fid for fid in prefer if fid in clickable][:n]
    ids = kept + pick_click_targets({fid: k for fid, k in clickable.items() if fid not in kept}, n - len(kept))
    return [Target(fid, index.features[fid].name_zh, clickable[fid], len(index.excerpts[fid])) for fid in ids]


def run_clicks(
    session: Session,
    targets: Sequence[Target],
    *,
    block: str,
    popup: bool,
    budget_s: float | None = None,
    timeout_ms: int = WATCH_TIMEOUT_MS,
    stop_after_slow: bool = False,
) -> dict[str, Any]:
    """Click each target once; `budget_s` and `stop_after_slow` bound the time spent."""
    started = time.perf_counter()
    clicks: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    for target in targets:
        if budget_s is not None and time.perf_counter() - started > budget_s:
            skipped.append({"feature_id": target.feature_id, "why": f"time budget of {budget_s:.0f} s used up"})
            continue
        if stop_after_slow and clicks and (clicks[-1]["panel_complete_ms"] or math.inf) > SLOW_PANEL_MS:
            skipped.append(
                {
                    "feature_id": target.feature_id,
                    "why": f"the previous panel took over {SLOW_PANEL_MS / 1000:.0f} s or did not complete",
                }
            )
            continue
        result = session.click(target.feature_id, target.name, block=block, popup=popup, timeout_ms=timeout_ms)
        if result is None:
            skipped.append({"feature_id": target.feature_id, "why": "not clickable even after fitting the view"})
            continue
        result.update(kind=target.kind, n_excerpts=target.n_excerpts)
        clicks.append(result)
        say(
            f"    click {target.kind:7} {target.feature_id:32} popup {format_ms(result['popup_excerpt_ms']):>8}"
            f"  panel {format_ms(result['panel_complete_ms']):>8}  {format_bytes(result['ws_bytes']):>9}  reruns {result['reruns']}"
        )

    def values(key: str) -> list[float]:
        return [c[key] for c in clicks if c.get(key) is not None]

    return {
        "n": len(clicks),
        "kinds": {kind: sum(1 for c in clicks if c["kind"] == kind) for kind in ("point", "line", "polygon")},
        "popup_excerpt_ms": summary_ms(values("popup_excerpt_ms")),
        "popup_in_dom_ms": summary_ms(values("popup_in_dom_ms")),
        "panel_first_ms": summary_ms(values("panel_first_ms")),
        "panel_complete_ms": summary_ms(values("panel_complete_ms")),
        "value_sent_ms": summary_ms(values("value_sent_ms")),
        "last_byte_ms": summary_ms(values("last_byte_ms")),
        "timeouts": sum(1 for c in clicks if c["panel_complete_ms"] is None),
        "reruns_mean": round(statistics.fmean(values("reruns")), 2) if clicks else None,
        "press_to_click_ms": summary_ms(values("press_to_click_ms")),
        "input_delay_ms": summary_ms(values("input_delay_ms")),
        "ws_bytes_median": statistics.median(values("ws_bytes")) if clicks else None,
        "ws_bytes_max": max(values("ws_bytes")) if clicks else None,
        "each": clicks,
        "skipped": skipped,
    }


def run_toggles(session: Session, index, n_layers: int = 3) -> dict[str, Any]:
    frame = session.frame()
    frame.evaluate("() => { window.map.closePopup(); window.map.setView([28.97, 118.93], 11, {animate: false}); }")
    if frame.locator(".qz-switch.qz-collapsed").count():  # folded on a narrow map: open it first (not timed)
        frame.locator(".qz-switch-head").click()
    session.quiet()
    drawn = set(session.frame().evaluate(DRAWN_IDS_JS))
    layers = [
        layer
        for layer in map_layers_from_specs(index.layers)
        if layer.default_visible and layer.layer_id != "districts"
    ]
    toggles = []
    for layer in layers:
        ids = sorted(fid for fid in drawn if map_layer_id_for(index.features[fid]) == layer.layer_id)
        if not ids:
            continue
        for on in (False, True):
            count = len(drawn) - (0 if on else len(ids))
            toggles.append(session.toggle_layer(layer.layer_id, layer.title_zh, ids, on=on, count=count))
            t = toggles[-1]
            say(
                f"    toggle {layer.layer_id:20} {'on ' if on else 'off'} {format_ms(t['map_updated_ms']):>8}  URL {format_ms(t['url_synced_ms']):>8}"
                f"  view kept {t['view_kept']}  {format_bytes(t['ws_bytes'])}"
            )
        if len({t["title"] for t in toggles}) >= n_layers:
            break
    times = [t["map_updated_ms"] for t in toggles if t["map_updated_ms"] is not None]
    return {
        "url_synced_ms": summary_ms([t["url_synced_ms"] for t in toggles]),
        "map_updated_ms": summary_ms(times).get("max") if times else None,
        "summary_ms": summary_ms(times),
        "view_moved": sum(1 for t in toggles if not t["view_kept"]),
        "timeouts": sum(1 for t in toggles if t["map_updated_ms"] is None),
        "each": toggles,
    }


# Installed in the map before each move of the as-of slider: the time from the reader's input event
# (event.timeStamp) to the next frame after the control's own handler (registered first) restyled the map.
ASOF_WATCH_JS = """() => {
    window.__qzbAsOf = null;
    document.querySelector('.qz-asof-range').addEventListener('input', function (event) {
        requestAnimationFrame(function () {
            window.__qzbAsOf = {ms: performance.now() - event.timeStamp, asof: window.qzAsOf.get()};
        });
    }, {once: true});
}"""


def run_asof(session: Session, steps: int = 4) -> dict[str, Any]:
    """Move the map's "as of" slider with real mouse clicks along its track: time from the input event
    to the next painted frame (the map restyled in the browser), and until the URL carries the date."""
    frame = session.frame()
    if frame.locator(".qz-asof").count() == 0:
        return {"skipped": "no as-of control in the map (.qz-asof)"}
    frame.locator(".qz-asof-toggle").click()  # on (not timed)
    session.quiet()
    box = frame.locator(".qz-asof-range").bounding_box()
    if box is None:
        raise BenchError("the as-of slider (.qz-asof-range) is not visible in the map")
    moves = []
    for step in range(steps):
        x = box["x"] + box["width"] * (0.15 + 0.7 * step / max(1, steps - 1))
        frame.evaluate(ASOF_WATCH_JS)
        clicked = session.page.evaluate("() => performance.timeOrigin + performance.now()")
        session.page.mouse.click(x, box["y"] + box["height"] / 2)
        result = frame.wait_for_function("() => window.__qzbAsOf", timeout=WATCH_TIMEOUT_MS).json_value()
        synced = session.page.wait_for_function(
            "(asof) => new URLSearchParams(location.search).get('asof') === asof"
            " && performance.timeOrigin + performance.now()",
            arg=result["asof"],
            polling="raf",
            timeout=WATCH_TIMEOUT_MS,
        ).json_value()
        session.quiet()
        moves.append(
            {
                "asof": result["asof"],
                "map_updated_ms": round(result["ms"], 1),
                "url_synced_ms": round(synced - clicked, 1),
            }
        )
        say(
            f"    as of {result['asof']}: map {format_ms(moves[-1]['map_updated_ms']):>8}  URL {format_ms(moves[-1]['url_synced_ms']):>8}"
        )
    return {
        "map_updated_ms": summary_ms([m["map_updated_ms"] for m in moves]),
        "url_synced_ms": summary_ms([m["url_synced_ms"] for m in moves]),
        "each": moves,
    }


def run_app(browser, index, *, clicks: int, log_dir: Path) -> tuple[dict[str, Any], list[Target]]:
    results: dict[str, Any] = {}
    with app_server(APP_SCRIPT, log_dir=log_dir) as server:
        results["rss_after_start"] = server.rss()
        results["start_to_health_ms"] = round(server.started_s * 1000, 1)
        first = Session(browser, server.url)
        results["open_first_after_start"] = first.open()
        results["rss_after_1_session"] = server.rss()
        say(
            f"  app: first page after start (builds the index): map visible {format_ms(results['open_first_after_start']['map_visible_ms'])}"
        )
        reader = Session(browser, server.url)
        results["open_new_reader"] = reader.open()
        say(
            f"  app: new reader: map visible {format_ms(results['open_new_reader']['map_visible_ms'])}, "
            f"{format_bytes(results['open_new_reader']['bytes']['beyond_streamlit'])} beyond Streamlit's bundle"
        )
        old_page = reader.page
        reader.page = reader.context.new_page()  # same context: Chromium's HTTP cache is warm
        reader.http = HttpLog(reader.page, server.url)
        old_page.close()
        results["open_repeat_visit"] = reader.open()
        targets = choose_targets(reader, index, clicks)
        results["clicks"] = run_clicks(reader, targets, block=".qz-excerpt", popup=True)
        results["toggles"] = run_toggles(reader, index)
        results["asof"] = run_asof(reader)
        more = [Session(browser, server.url) for _ in range(8)]  # sessions 3..10: readers arriving together
        for session in more:
            session.page.goto(server.url, wait_until="commit")
        for session in more:
            session.frame().wait_for_function(MAP_DRAWN_JS, timeout=120_000)
        more[-1].quiet(30_000)
        results["rss_after_10_sessions"] = server.rss()
        say(
            f"  app: server RSS {format_bytes(results['rss_after_1_session'])} after 1 session, {format_bytes(results['rss_after_10_sessions'])} after 10"
        )
        for session in (first, reader, *more):
            session.close()
    return results, targets


def run_baseline(browser, index, targets: Sequence[Target], tmp: Path, *, log_dir: Path) -> dict[str, Any]:
    script = script_dir_with_static(tmp, "baseline", BASELINE_SCRIPT.read_text(encoding="utf-8"))
    results: dict[str, Any] = {}
    with app_server(script, log_dir=log_dir) as server:
        results["rss_after_start"] = server.rss()
        first = Session(browser, server.url)
        results["open_first_after_start"] = first.open()
        results["rss_after_1_session"] = server.rss()
        reader = Session(browser, server.url)
        results["open_new_reader"] = reader.open()
        say(f"  baseline: new reader: map visible {format_ms(results['open_new_reader']['map_visible_ms'])}")
        own = choose_targets(reader, index, len(targets), prefer=[t.feature_id for t in targets])
        results["same_features_as_app"] = len({t.feature_id for t in own} & {t.feature_id for t in targets})
        results["clicks"] = run_clicks(reader, own, block='[data-testid="stMarkdown"]', popup=False)
        first.close()
        reader.close()
    return results


def run_profiled(
    browser,
    targets: Sequence[Target],
    tmp: Path,
    name: str,
    *,
    seeds_dir: Path | None,
    log_dir: Path,
    budget_s: float | None = None,
    timeout_ms: int = WATCH_TIMEOUT_MS,
    extra_env: Mapping[str, str] | None = None,
    warm_up: bool = False,
    self_warm_up: bool = False,
) -> dict[str, Any]:
    """The app through PROFILED_ENTRY (timers per part of each rerun), optionally on another corpus;
    `warm_up`: one run of the page through its port before the first reader, as scripts/serve.sh does;
    `self_warm_up`: the app started by python -m mapapp.app.serve, which starts that run itself."""
    script = script_dir_with_static(tmp, name, PROFILED_ENTRY)
    timings = tmp / f"{name}-timings.jsonl"
    env = {"QZ_BENCH_TIMINGS": str(timings), **(extra_env or {})}
    if seeds_dir is not None:
        env[SEEDS_ENV] = str(seeds_dir)
    with app_server(script, env=env, log_dir=log_dir, self_warm_up=self_warm_up) as server:
        warm_up_ms = None
        if warm_up:
            from mapapp.app.warmup import warm_up as run_warm_up

            host, port = server.url.removeprefix("http://").rstrip("/").split(":")
            warm_up_ms = round(run_warm_up(host, int(port)) * 1000, 1)
            say(f"  {name}: warm-up run took {format_ms(warm_up_ms)}")
        session = Session(browser, server.url)
        opened = session.open()
        say(
            f"  {name}: server answered after {format_ms(server.started_s * 1000)}, first page map visible {format_ms(opened['map_visible_ms'])}"
        )
        clicks = run_clicks(
            session,
            targets,
            block=".qz-excerpt",
            popup=True,
            budget_s=budget_s,
            timeout_ms=timeout_ms,
            stop_after_slow=True,
        )
        rss = server.rss()
        session.close()
    runs = read_timings(timings)
    return {
        "start_to_health_ms": round(server.started_s * 1000, 1),
        "warm_up_ms": warm_up_ms,
        "open_first_after_start": opened,
        "clicks": clicks,
        "rss_after_1_session": rss,
        "rerun_profile_ms": rerun_profile(runs),
        "first_run_ms": runs[0] if runs else None,
        "run_endings": dict(Counter(r.get("ended", "?") for r in runs)),
    }


def run_profile_only(
    browser,
    index,
    tmp: Path,
    *,
    clicks: int,
    seeds_dir: Path | None,
    log_dir: Path,
    extra_env: Mapping[str, str] | None = None,
    warm_up: bool = False,
    self_warm_up: bool = False,
) -> dict[str, Any]:
    """Only the server profile: the profiled app on one corpus, `clicks` clicks on features chosen
    in its own opening view (a short run to compare server time per click before and after a change)."""
    script = script_dir_with_static(tmp, "profile-only", PROFILED_ENTRY)
    with app_server(script, env={"QZ_BENCH_TIMINGS": str(tmp / "chooser-timings.jsonl")}, log_dir=log_dir) as server:
        chooser = Session(browser, server.url)
        chooser.open()
        targets = choose_targets(chooser, index, clicks)
        chooser.close()
    return run_profiled(
        browser,
        targets,
        tmp,
        "profile",
        seeds_dir=seeds_dir,
        log_dir=log_dir,
        budget_s=SYNTHETIC_BUDGET_S * 2,
        timeout_ms=SYNTHETIC_TIMEOUT_MS,
        extra_env=extra_env,
        warm_up=warm_up,
        self_warm_up=self_warm_up,
    )


def run_panel_only(browser, index, *, clicks: int, log_dir: Path) -> dict[str, Any]:
    """Issue 23: click -> the whole place panel on a laptop and a phone profile (real clicks and taps,
    `clicks` features each), and the app server's CPU per click (Streamlit serving the two files)."""
    from bench.appserver import serve_app
    from bench.loadtest import cpu_seconds_of

    results: dict[str, Any] = {}
    with serve_app(log_dir / "panel-only.log") as server:
        first = Session(browser, server.url)
        first.open()  # the first page builds the index and the place files
        first.close()
        for profile in ("laptop", "phone"):
            session = Session(browser, server.url, profile)
            session.open()
            targets = choose_targets(session, index, clicks)
            cpu_before = cpu_seconds_of(server.pid) or 0.0
            result = run_clicks(session, targets, block=".qz-excerpt", popup=profile == "laptop")
            cpu_after = cpu_seconds_of(server.pid) or 0.0
            result["server_cpu_ms_per_click"] = round((cpu_after - cpu_before) * 1000 / max(1, result["n"]), 2)
            results[profile] = result
            say(
                f"  {profile}: {result['n']} clicks, panel complete p50 {format_ms(result['panel_complete_ms']['p50'])}"
                f" p95 {format_ms(result['panel_complete_ms']['p95'])}, {result['reruns_mean']} server runs per click,"
                f" server CPU {result['server_cpu_ms_per_click']} ms per click"
            )
            session.close()
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--clicks", type=int, default=24, help="clicks on different features (default 24; the budget needs at least 20)"
    )
    parser.add_argument(
        "--synthetic-articles", type=int, default=1000, help="size of the large SYNTHETIC corpus (default 1000)"
    )
    parser.add_argument(
        "--synthetic-clicks", type=int, default=6, help="clicks on the app with each synthetic corpus (default 6)"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"JSON results (default {DEFAULT_OUT.relative_to(ROOT_DIR)})"
    )
    parser.add_argument(
        "--profile-only",
        action="store_true",
        help="only the server profile per click (5 articles, or --profile-articles SYNTHETIC ones); prints JSON",
    )
    parser.add_argument(
        "--profile-articles", type=int, default=0, help="with --profile-only: a SYNTHETIC corpus of this many articles"
    )
    parser.add_argument(
        "--index-file",
        action="store_true",
        help="with --profile-only: build the index file first (timed) and run the app on it (QZ_INDEX_PATH)",
    )
    parser.add_argument(
        "--warm-up",
        action="store_true",
        help="with --profile-only: run the page once through the app's port before the first reader (as serve.sh)",
    )
    parser.add_argument(
        "--panel-only",
        action="store_true",
        help="only click -> the whole place panel on a laptop and a phone profile, and server CPU per click (~1 min)",
    )
    parser.add_argument(
        "--self-warm-up",
        action="store_true",
        help="with --profile-only: start the app with python -m mapapp.app.serve (it runs the page itself as it starts)",
    )
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(
            f"bench: {CHROMIUM} not found; expected Debian's chromium (apt-get install chromium) or QZ_CHROMIUM=<path>",
            file=sys.stderr,
        )
        return 2
    for script in (APP_SCRIPT, BASELINE_SCRIPT):
        if not script.is_file():
            print(f"bench: {script} is missing; expected it in the repository", file=sys.stderr)
            return 2
    from playwright.sync_api import sync_playwright

    from mapapp.map.assets import install_leaflet
    from mapapp.pipeline.index import build_map_index

    started = time.perf_counter()
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        say(
            f"warning: load average {load:.1f} on {os.cpu_count()} CPUs: other work shares this machine, times will be high"
        )
    install_leaflet()
    index = build_map_index()
    if args.profile_only:
        return _main_profile_only(args, index)
    if args.panel_only:
        return _main_panel_only(args, index)
    sizes = {"synthetic_small": SYNTHETIC_SMALL, "synthetic": args.synthetic_articles}
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "code": code_version(),
        "machine": machine_info(),
        "load_average_at_start": os.getloadavg(),
        "args": {**vars(args), "out": str(args.out)},
    }
    with tempfile.TemporaryDirectory(prefix="qz-bench-") as tmp_name, sync_playwright() as playwright:
        tmp = Path(tmp_name)
        log_dir = tmp / "logs"
        log_dir.mkdir()
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        results["machine"]["chromium"] = browser.version
        try:
            say("pipeline: build_map_index, each in a fresh interpreter")
            corpus_dirs = {key: tmp / key for key in sizes}
            for key, n in sizes.items():
                build_synthetic_corpus(SEEDS_DIR, corpus_dirs[key], n)
            results["pipeline"] = {"index_seeds": time_index(SEEDS_DIR, 3)}
            for key in sizes:
                results["pipeline"][f"index_{key}"] = time_index(corpus_dirs[key], 1) | {"synthetic": True}
            say("app (streamlit_app.py)")
            results["app"], targets = run_app(browser, index, clicks=args.clicks, log_dir=log_dir)
            say("baseline (bench/baseline_app.py)")
            results["baseline"] = run_baseline(browser, index, targets, tmp, log_dir=log_dir)
            few = [t for t in targets if t.n_excerpts <= 4][: args.synthetic_clicks] or list(
                targets[: args.synthetic_clicks]
            )
            say("app again, profiled (warm start), 5 articles")
            results["profile5"] = run_profiled(browser, few, tmp, "profile5", seeds_dir=None, log_dir=log_dir) | {
                "articles": len(index.articles),
                "timeout_ms": WATCH_TIMEOUT_MS,
            }
            for key, n in sizes.items():
                say(f"app, profiled, {n:,} SYNTHETIC articles")
                results[key] = run_profiled(
                    browser,
                    few,
                    tmp,
                    key,
                    seeds_dir=corpus_dirs[key],
                    log_dir=log_dir,
                    budget_s=SYNTHETIC_BUDGET_S,
                    timeout_ms=SYNTHETIC_TIMEOUT_MS,
                ) | {"articles": n, "timeout_ms": SYNTHETIC_TIMEOUT_MS}
        finally:
            browser.close()
    results["scaling"] = scaling(results)
    results["budgets"] = budget_verdicts(results)
    write_results(results, args.out, markdown_report, started)
    return 0


def _main_panel_only(args: argparse.Namespace, index) -> int:
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="qz-bench-") as tmp_name, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            result = run_panel_only(browser, index, clicks=args.clicks, log_dir=Path(tmp_name))
        finally:
            browser.close()
    summary = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "code": code_version(),
        "load_average": [round(load_start, 2), round(os.getloadavg()[0], 2)],
        "seconds": round(time.perf_counter() - started, 1),
        **{
            profile: {
                "clicks": r["n"],
                "kinds": r["kinds"],
                "popup_excerpt_ms": r["popup_excerpt_ms"],
                "panel_first_ms": r["panel_first_ms"],
                "panel_complete_ms": r["panel_complete_ms"],
                "timeouts": r["timeouts"],
                "server_runs_per_click": r["reruns_mean"],
                "websocket_bytes_per_click_median": r["ws_bytes_median"],
                "server_cpu_ms_per_click": r["server_cpu_ms_per_click"],
            }
            for profile, r in result.items()
        },
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


def _main_profile_only(args: argparse.Namespace, index) -> int:
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="qz-bench-") as tmp_name, sync_playwright() as playwright:
        tmp = Path(tmp_name)
        log_dir = tmp / "logs"
        log_dir.mkdir()
        seeds_dir = None
        if args.profile_articles:
            seeds_dir = tmp / "synthetic"
            build_synthetic_corpus(SEEDS_DIR, seeds_dir, args.profile_articles)
        extra_env: dict[str, str] = {}
        index_build = None
        if args.index_file:
            index_build = time_index_file_build(seeds_dir or SEEDS_DIR, tmp / "index.sqlite")
            extra_env["QZ_INDEX_PATH"] = str(tmp / "index.sqlite")
            say(f"index file: {index_build}")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            result = run_profile_only(
                browser,
                index,
                tmp,
                clicks=args.clicks,
                seeds_dir=seeds_dir,
                log_dir=log_dir,
                extra_env=extra_env,
                warm_up=args.warm_up,
                self_warm_up=args.self_warm_up,
            )
        finally:
            browser.close()
    summary = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "code": code_version(),
        "machine": machine_info(),
        "load_average": os.getloadavg(),
        "articles": args.profile_articles or len(index.articles),
        "synthetic": bool(args.profile_articles),
        "clicks": args.clicks,
        "start_to_health_ms": result["start_to_health_ms"],
        "warm_up_ms": result["warm_up_ms"],
        "self_warm_up": args.self_warm_up,
        "first_page_map_visible_ms": result["open_first_after_start"].get("map_visible_ms"),
        "panel_complete_ms": result["clicks"]["panel_complete_ms"],
        "rss_after_1_session": result["rss_after_1_session"],
        "rerun_profile_ms": result["rerun_profile_ms"],
        "index_file_build": index_build,
        "first_run_ms": result["first_run_ms"],
        "clicks_skipped": result["clicks"]["skipped"],
        "wall_s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True))
    if args.out != DEFAULT_OUT:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
