"""Benchmark what a reader feels: open the map, click features, toggle layers; bytes, memory, pipeline.

`python -m mapapp.bench` starts the app (and bench/baseline_app.py, the plain st_folium pattern on the
same data) with `streamlit run` on 127.0.0.1, drives Debian's headless Chromium with real mouse
events, prints a table and writes bench-results/bench.json. Times are taken in the page
(performance.timeOrigin + performance.now(), MutationObserver, then the next animation frame), never
guessed with sleeps. No Streamlit import here: the apps are subprocesses.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from mapapp import mapprobe
from mapapp.appserver import serve_app
from mapapp.datadirs import SEEDS_ENV
from mapapp.errors import MapAppError
from mapapp.maplayers import map_layer_id_for, map_layers_from_specs
from mapapp.mapstyles import PANE_SELECTION
from mapapp.paths import ROOT_DIR, SEEDS_DIR, STATIC_DIR

CHROMIUM = Path(os.environ.get("QZ_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Every host but the loopback app fails to resolve: no tile or CDN request leaves the machine,
    # and unlike request routing this keeps Chromium's HTTP cache (needed for the repeat visit).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
VIEWPORT = {"width": 1500, "height": 1100}
APP_SCRIPT = ROOT_DIR / "streamlit_app.py"
BASELINE_SCRIPT = ROOT_DIR / "bench" / "baseline_app.py"
DEFAULT_OUT = ROOT_DIR / "bench-results" / "bench.json"
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'

WATCH_TIMEOUT_MS = 20_000
QUIET_MS = 700  # no WebSocket message for this long and no "running" widget: the app is idle
QUIET_TIMEOUT_MS = 10_000
SLOW_PANEL_MS = 10_000  # on a synthetic corpus, a panel this slow (or none) ends the clicks
SYNTHETIC_SMALL = 100  # a mid-size SYNTHETIC corpus, to see how the per-click cost grows
SYNTHETIC_TIMEOUT_MS = 30_000
SYNTHETIC_BUDGET_S = 60  # clicks on a synthetic corpus stop after this long

GeometryKind = Literal["point", "line", "polygon"]


class BenchError(MapAppError):
    """The benchmark could not measure something (what and why in the message)."""


# --- pure parts ------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100), linear between closest ranks (numpy's default method)."""
    if not values:
        raise ValueError("percentile of no values; expected at least one measurement")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p!r}; expected 0..100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(values: Sequence[float]) -> dict[str, float | int]:
    """n, p50, p95, max and mean of durations in ms (rounded to 0.1 ms); {"n": 0} when empty."""
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), 1),
        "p95": round(percentile(values, 95), 1),
        "max": round(max(values), 1),
        "mean": round(statistics.fmean(values), 1),
    }


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


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string (TOML accepts every escape JSON writes).
    return json.dumps(text, ensure_ascii=False)


def build_synthetic_corpus(seeds_dir: Path, out_dir: Path, n_articles: int) -> list[str]:
    """Write n_articles SYNTHETIC articles to out_dir: the seeds repeated round-robin under new ids.

    File i is seed (i mod 5) verbatim, named `syn<i>-<seed name>`; articles.toml copies the seed's
    metadata with the headline prefixed `[synthetic <i>]`. Returns the new article ids.
    """
    seeds = sorted(seeds_dir.glob("*.txt"))
    if not seeds:
        raise ValueError(f"{seeds_dir}: no .txt articles; expected the seed articles to repeat")
    if n_articles < 1:
        raise ValueError(f"n_articles is {n_articles}; expected at least 1")
    toml_path = seeds_dir / "articles.toml"
    meta = tomllib.loads(toml_path.read_text(encoding="utf-8")) if toml_path.is_file() else {}
    out_dir.mkdir(parents=True, exist_ok=True)
    width = len(str(n_articles - 1))
    ids: list[str] = []
    lines = ["# SYNTHETIC corpus for the benchmark: the seed articles repeated under new ids.", ""]
    for i in range(n_articles):
        seed = seeds[i % len(seeds)]
        article_id = f"syn{i:0{width}d}-{seed.name}"
        shutil.copyfile(seed, out_dir / article_id)
        entry = {str(k): str(v) for k, v in meta.get(seed.name, {}).items()}
        entry["headline"] = f"[synthetic {i}] " + entry.get("headline", seed.stem)
        lines.append(f"[{_toml_string(article_id)}]")
        lines.extend(f"{key} = {_toml_string(value)}" for key, value in sorted(entry.items()))
        lines.append("")
        ids.append(article_id)
    (out_dir / "articles.toml").write_text("\n".join(lines), encoding="utf-8")
    return ids


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; None shows as an empty cell, `|` in a cell is escaped."""
    def cell(value: object) -> str:
        return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")

    for number, row in enumerate(rows):
        if len(row) != len(headers):
            raise ValueError(f"table row {number} has {len(row)} cells; expected {len(headers)} like the header")
    text_rows = [[cell(v) for v in headers], *[[cell(v) for v in row] for row in rows]]
    widths = [max(len(r[i]) for r in text_rows) for i in range(len(headers))]
    out = ["| " + " | ".join(v.ljust(w) for v, w in zip(text_rows[0], widths)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    out.extend("| " + " | ".join(v.ljust(w) for v, w in zip(r, widths)) + " |" for r in text_rows[1:])
    return "\n".join(out)


def format_ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1000:.2f} s" if value >= 10_000 else f"{value:.0f} ms"


def format_bytes(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.2f} MB"
    if value >= 1_000:
        return f"{value / 1_000:.1f} kB"
    return f"{value:.0f} B"


@dataclass(frozen=True)
class Budget:
    """A limit from issue 5: `path` points into the results, `limit` in the unit the path holds."""

    name: str
    path: tuple[str, ...]
    limit: float
    unit: Literal["ms", "bytes", "count", "flag"]


BUDGETS: tuple[Budget, ...] = (
    Budget("click → first excerpt visible, p95 ≤ 150 ms", ("app", "clicks", "popup_excerpt_ms", "p95"), 150, "ms"),
    Budget("click → side panel complete, p95 ≤ 600 ms", ("app", "clicks", "panel_complete_ms", "p95"), 600, "ms"),
    Budget("layer toggle → map updated ≤ 300 ms (worst toggle)", ("app", "toggles", "map_updated_ms"), 300, "ms"),
    Budget("layer toggle keeps the view (toggles that moved it)", ("app", "toggles", "view_moved"), 0, "count"),
    Budget("page open → map visible ≤ 3 s (new reader)", ("app", "open_new_reader", "map_visible_ms"), 3000, "ms"),
    Budget("first load ≤ 1.5 MB (beyond Streamlit's bundle)", ("app", "open_new_reader", "bytes", "beyond_streamlit"), 1_500_000, "bytes"),
    Budget("index for 1,000 articles ≤ 10 s", ("pipeline", "index_synthetic", "seconds_ms"), 10_000, "ms"),
    Budget("per-click cost does not grow with articles (panel p50, largest synthetic ÷ 5 articles ≤ 1.5)", ("scaling", "panel_growth"), 1.5, "count"),
)


def lookup(results: Mapping[str, Any], path: Sequence[str]) -> Any:
    value: Any = results
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def budget_verdicts(results: Mapping[str, Any], budgets: Sequence[Budget] = BUDGETS) -> list[dict[str, Any]]:
    """Per budget: the measured value, met (True/False, None if not measured) and the miss as a ratio."""
    verdicts = []
    for budget in budgets:
        value = lookup(results, budget.path)
        met = None if value is None else value <= budget.limit
        over = None
        if met is False:
            over = round(value / budget.limit, 2) if budget.limit else None
        verdicts.append({"budget": budget.name, "measured": value, "limit": budget.limit, "unit": budget.unit, "met": met, "times_over": over})
    return verdicts


def url_category(url: str, app_url: str) -> str:
    """Which part of a first load a request belongs to (for the byte count)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-extension"):
        return "inline"
    if parts.netloc != urlsplit(app_url).netloc:
        return "foreign"
    path = parts.path
    if path.startswith("/static/") or path in ("/favicon.png", "/manifest.json"):
        return "streamlit_bundle"
    if path.startswith("/component/"):
        return "component_bundle"
    if path.startswith("/app/static/"):
        return "app_static"
    return "page_and_api"


# --- machine ---------------------------------------------------------------------------------


def code_version() -> str:
    """The commit measured, with `+changes` when the app's files differ from it."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT_DIR, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "mapapp", "streamlit_app.py", "geodata", "layers", "seeds", "bench", ":(exclude)mapapp/bench.py")
    return commit + (" +changes" if changed else "")


def machine_info() -> dict[str, Any]:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"

    mem_kib = first("/proc/meminfo", "MemTotal").split()[0]
    versions = {}
    for package in ("streamlit", "streamlit-folium", "folium", "playwright"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(int(mem_kib) / 1024 / 1024, 1) if mem_kib.isdigit() else None,
        "cpu_model": first("/proc/cpuinfo", "model name"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


# --- the app as a subprocess ------------------------------------------------------------------


_STARTED = time.perf_counter()


LOAD_SAMPLES: list[float] = []  # 1-minute load average at each progress line: other work on the machine


def say(message: str) -> None:
    """Progress on stdout, with the seconds since the benchmark started."""
    LOAD_SAMPLES.append(os.getloadavg()[0])
    print(f"[{time.perf_counter() - _STARTED:5.0f} s] {message}", flush=True)


def rss_bytes(pid: int) -> int | None:
    """Resident set size of a process from /proc (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@dataclass(frozen=True)
class ServedApp:
    """An app started by app_server: where it answers, its process, how long it took to answer."""

    url: str
    pid: int
    started_s: float  # spawn -> /_stcore/health answers
    log_path: Path

    def rss(self) -> int | None:
        return rss_bytes(self.pid)


@contextmanager
def app_server(script: Path, *, env: Mapping[str, str] | None = None, log_dir: Path) -> Iterator[ServedApp]:
    """mapapp.appserver.serve_app for any entry script (the baseline, the profiled copy), polling
    every 50 ms, since the time to the first answer is one of the measurements."""
    with serve_app(log_dir / f"{script.stem}-{time.time_ns()}.log", env=env, script=script, poll_s=0.05) as server:
        yield ServedApp(server.url, server.pid, server.started_s, server.log_path)


def script_dir_with_static(tmp: Path, name: str, source: str) -> Path:
    """A copy of an entry script in its own folder, next to a link to the repo's static/ (Leaflet).

    Streamlit serves `static/` from the main script's folder, so a script outside the repo root
    needs the link to load Leaflet from the app instead of a CDN.
    """
    folder = tmp / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "static").symlink_to(STATIC_DIR, target_is_directory=True)
    script = folder / "app.py"
    script.write_text(source, encoding="utf-8")
    return script


# The app's entry point with timers around ui's parts (those that exist; ui.py itself is unchanged).
PROFILED_ENTRY = '''"""Generated by mapapp.bench: streamlit_app.py with per-run timers (ui.py unchanged)."""
import gc, json, os, time

import streamlit_folium
from mapapp import mapview, ui

if getattr(ui, "_qz_bench_times", None) is None:
    ui._qz_bench_times = {}

    def _timed(owner, attribute):
        fn = getattr(owner, attribute, None)
        if fn is None:
            return

        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                ui._qz_bench_times[attribute] = ui._qz_bench_times.get(attribute, 0.0) + (time.perf_counter() - start) * 1000

        setattr(owner, attribute, wrapper)

    for name in ("load_map_index", "render_controls", "render_map", "render_panel", "st_folium"):
        _timed(ui, name)

    ui._qz_gc_total = 0.0  # ms of garbage collection in any thread since the app started

    def _gc_timer(phase, info):
        if phase == "start":
            ui._qz_gc_start = time.perf_counter()
        elif getattr(ui, "_qz_gc_start", None) is not None:
            ui._qz_gc_total += (time.perf_counter() - ui._qz_gc_start) * 1000

    gc.callbacks.append(_gc_timer)
    _timed(mapview, "build_overlay_groups")
    _timed(streamlit_folium, "_component_func")

ui._qz_bench_times.clear()
_gc_at_start = ui._qz_gc_total
_start = time.perf_counter()
_ended = "finished"
try:
    ui.main()
except BaseException as exc:  # recorded and re-raised: a newer rerun or a lost client stops a run
    _ended = type(exc).__name__
    raise
finally:
    record = {k: round(v, 1) for k, v in ui._qz_bench_times.items()}
    record.update(main=round((time.perf_counter() - _start) * 1000, 1), ended=_ended, at=time.time(),
                  gc=round(ui._qz_gc_total - _gc_at_start, 1), gc_total_at_start=round(_gc_at_start, 1), gc_total_at_end=round(ui._qz_gc_total, 1))
    with open(os.environ["QZ_BENCH_TIMINGS"], "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\\n")
'''


# --- the page --------------------------------------------------------------------------------

# Runs in the top frame before the page's own scripts (add_init_script), and in the map iframe when
# the bench first touches it (Chromium does not run init scripts in that sandboxed iframe): pointer-down
# times, WebSocket messages (top frame), `watch` (the first frame after a condition holds) and `quiet`
# (the app went idle). The top frame also watches the map iframe for its first drawn feature.
INIT_JS = r"""
(() => {
  // An iframe's first about:blank document hands its window to the real one: one set-up per document.
  if (window.__qzb && window.__qzb.doc === document) return;
  const abs = (t) => performance.timeOrigin + t;
  const q = window.__qzb = {doc: document, downs: [], clicks: [], ws: [], wsClosed: [], finished: [], watches: {}, checks: new Set()};
  addEventListener('pointerdown', (e) => q.downs.push(abs(e.timeStamp)), true);
  // [when the click happened, when the page got to handle it]: the gap is input delay (a busy CPU)
  addEventListener('click', (e) => q.clicks.push([abs(e.timeStamp), abs(performance.now())]), true);
  const size = (d) => (d && (d.byteLength ?? d.size ?? d.length)) || 0;
  // The status of a ForwardMsg that ends a script run (top-level field 6, `script_finished`:
  // 0 = finished, 2 = stopped early for a rerun), else null. Only top-level fields are read.
  const scriptFinished = (data) => {
    if (!(data instanceof ArrayBuffer)) return null;
    const b = new Uint8Array(data);
    let i = 0;
    const varint = () => { let x = 0, f = 1, c; do { c = b[i++]; x += (c & 0x7f) * f; f *= 128; } while (c & 0x80 && i < b.length); return x; };
    while (i < b.length) {
      const key = varint(), field = Math.floor(key / 8), type = key & 7;
      if (type === 0) { const v = varint(); if (field === 6) return v; }
      else if (type === 2) { const n = varint(); i += n; }  // not `i += varint()`: that reads i first
      else if (type === 1) i += 8;
      else if (type === 5) i += 4;
      else return null;
    }
    return null;
  };
  if (window === window.top && window.WebSocket && !window.WebSocket.qzCounting) {
    const Native = window.WebSocket;
    window.WebSocket = class CountingWebSocket extends Native {
      static qzCounting = true;
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          const t = abs(performance.now());
          q.ws.push([t, 'r', size(e.data)]);
          const status = scriptFinished(e.data);
          if (status !== null) q.finished.push([t, status]);
          setTimeout(() => q.checks.forEach((check) => check()), 0);  // conditions may read q.finished
        });
        this.addEventListener("close", (e) => q.wsClosed.push([abs(performance.now()), e.code, e.reason]));
      }
      send(d) { q.ws.push([abs(performance.now()), 's', size(d)]); return super.send(d); }
    };
  }
  q.watch = (name, test, arg, timeoutMs, root) => {
    q.watches[name] = new Promise((resolve) => {
      let done = false;
      const observer = new MutationObserver(() => check());
      const top = window.top.__qzb;
      const finish = () => { done = true; observer.disconnect(); clearTimeout(timer); top.checks.delete(check); };
      const timer = setTimeout(() => { if (!done) { finish(); resolve({timeout: true}); } }, timeoutMs);
      function check() {
        if (done) return;
        let ok = false;
        try { ok = test(arg); } catch (err) { ok = false; }
        if (!ok) return;
        finish();
        const seen = abs(performance.now());
        requestAnimationFrame(() => setTimeout(() => resolve({seen, painted: abs(performance.now())}), 0));
      }
      observer.observe(root || document, {subtree: true, childList: true, attributes: true, characterData: true});
      top.checks.add(check);
      check();
    });
    return true;
  };
  q.quiet = (quietMs, timeoutMs) => new Promise((resolve) => {
    const start = performance.now();
    const top = window.top;
    const tick = () => {
      const log = top.__qzb.ws;
      const last = log.length ? log[log.length - 1][0] : 0;
      const idle = abs(performance.now()) - last >= quietMs && !top.document.querySelector('[data-testid="stStatusWidget"]');
      if (idle || performance.now() - start > timeoutMs) resolve(idle); else setTimeout(tick, 50);
    };
    tick();
  });
  q.waitFor = (name, timeoutMs) => new Promise((resolve) => {
    const start = performance.now();
    const tick = () => q.watches[name] ? resolve(q.watches[name]) : performance.now() - start > timeoutMs ? resolve({timeout: true}) : setTimeout(tick, 20);
    tick();
  });
  if (window === window.top) {
    let hooked = null;
    const hook = () => {
      const iframe = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
      if (!iframe || iframe === hooked) return;
      hooked = iframe;
      const arm = () => {
        const d = iframe.contentDocument;
        if (!d || d.__qzArmed || !d.location.pathname.includes('streamlit_folium')) return;
        d.__qzArmed = true;
        q.watch('mapVisible', () => d.querySelector('#map_div path.leaflet-interactive, #map_div .leaflet-marker-icon'), null, 120000, d);
      };
      iframe.addEventListener('load', arm);
      arm();
    };
    new MutationObserver(hook).observe(document, {subtree: true, childList: true});
  }
})();
"""

# Conditions for `watch` (JS function sources of one argument).
MAP_DRAWN_JS = "() => !!(window.map && document.querySelector('#map_div path.leaflet-interactive, #map_div .leaflet-marker-icon'))"
# A closed popup stays in the DOM for Leaflet's 200 ms fade-out: look at every popup, not the first.
POPUP_JS = """(a) => Array.from(document.querySelectorAll('.leaflet-popup .qz-popup')).some(
  (p) => p.querySelector(':scope > b') && p.querySelector(':scope > b').textContent === a.name && p.querySelector('.qz-popup-excerpt'))"""
# The side panel shows the clicked feature's name as its h2 and excerpt blocks (`a.block`), and
# Streamlit marks what the previous run drew data-stale until it is redrawn or removed. `first`: the
# name and one fresh block. Complete: a script run that began after the click (`a.after`) has
# finished, and nothing in the panel's column is stale; whatever the panel holds and however long.
PANEL_JS = """(a) => {
  const fresh = (el) => { const c = el.closest('[data-testid="stElementContainer"]'); return !c || c.getAttribute('data-stale') !== 'true'; };
  const h = Array.from(document.querySelectorAll('h2')).find((e) => e.textContent.trim() === a.name && fresh(e));
  if (!h) return false;
  const column = h.closest('[data-testid="stColumn"]') || document.body;
  if (!Array.from(column.querySelectorAll(a.block)).some(fresh)) return false;
  if (a.first) return true;
  const sent = window.__qzb.ws.filter(([t, direction]) => direction === 's' && t > a.after).map(([t]) => t);
  const finished = sent.length && window.__qzb.finished.some(([t, status]) => t > sent[0] && status === 0);
  return !!finished && !column.querySelector('[data-stale="true"]');
}"""
# Features drawn on the map by id (the app's selection highlight, in its own pane, is not one).
DRAWN_IDS_JS = f"""() => {{
  const ids = {{}};
  window.map.eachLayer((l) => {{
    if (l.feature && l.feature.properties && l.feature.properties.id && (l._path || l._icon) && l.options.pane !== {PANE_SELECTION!r})
      ids[l.feature.properties.id] = l.feature.geometry.type;
  }});
  return ids;
}}"""
LAYER_STATE_JS = f"""(a) => {{
  if (!window.map) return false;
  const ids = new Set(Object.keys(({DRAWN_IDS_JS})()));
  return ids.size === a.count && a.ids.every((id) => ids.has(id) === a.on);
}}"""
VIEW_JS = "() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }"

# A point where a real click hits the feature's own path or icon: mapapp.mapprobe's search (shared
# with the browser and load tests), moved from map-container to iframe-viewport coordinates.
FEATURE_POINT_JS = f"""(args) => {{
  const p = ({mapprobe.FEATURE_POINT_JS})(args);
  if (!p) return null;
  const box = window.map.getContainer().getBoundingClientRect();
  return {{x: p.x + box.left, y: p.y + box.top}};
}}"""


class HttpLog:
    """Bytes on the wire per request (DevTools encodedDataLength), by url_category."""

    def __init__(self, page, app_url: str):
        self.app_url = app_url
        self.urls: dict[str, str] = {}
        self.finished: list[tuple[str, int]] = []
        self.failed: list[str] = []
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.loadingFinished", lambda e: self.finished.append((self.urls.get(e["requestId"], ""), int(e["encodedDataLength"]))))
        cdp.on("Network.loadingFailed", lambda e: self.failed.append(self.urls.get(e["requestId"], "")))
        cdp.send("Network.enable")
        self.cdp = cdp  # keep the DevTools session (and its listeners) alive with the page

    def mark(self) -> int:
        return len(self.finished)

    def by_category(self, since: int = 0) -> dict[str, int]:
        totals: dict[str, int] = {}
        for url, size in self.finished[since:]:
            category = url_category(url, self.app_url)
            totals[category] = totals.get(category, 0) + size
        return totals


class Session:
    """One reader: a browser context and page on the app, with the helpers the measurements need."""

    def __init__(self, browser, app_url: str):
        self.app_url = app_url
        self.context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        self.context.add_init_script(INIT_JS)
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.http = HttpLog(self.page, app_url)

    def close(self) -> None:
        self.context.close()

    def frame(self):
        """The map iframe, with INIT_JS set up in it."""
        for _ in range(600):
            for frame in self.page.frames:
                if "streamlit_folium.st_folium" in frame.url:
                    frame.evaluate(INIT_JS)
                    return frame
            self.page.wait_for_timeout(50)
        raise BenchError(f"{self.page.url}: no streamlit_folium map iframe after 30 s; expected the app's map")

    def ws_mark(self) -> int:
        return self.page.evaluate("() => window.__qzb.ws.length")

    def ws_since(self, mark: int) -> list[tuple[float, str, int]]:
        return [tuple(x) for x in self.page.evaluate("(m) => window.__qzb.ws.slice(m)", mark)]

    def quiet(self, timeout_ms: int = 20_000) -> bool:
        return self.page.evaluate("([q, t]) => window.__qzb.quiet(q, t)", [QUIET_MS, timeout_ms])

    def open(self, url: str | None = None) -> dict[str, Any]:
        """Navigate; time from navigation start to the first drawn feature; bytes until idle."""
        http_mark, failed_mark = self.http.mark(), len(self.http.failed)
        self.page.goto(url or self.app_url)
        frame = self.frame()
        visible = self.page.evaluate("() => window.__qzb.waitFor('mapVisible', 120000)")
        origin, dom_ready = self.page.evaluate("() => [performance.timeOrigin, performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd]")
        frame.wait_for_function(MAP_DRAWN_JS, timeout=120_000)
        self.quiet()
        ws = self.ws_since(0)
        http = self.http.by_category(http_mark)
        ws_bytes = sum(size for _, _, size in ws)
        received = [(t, size) for t, direction, size in ws if direction == "r"]
        largest = max(received, key=lambda item: item[1], default=None)
        return {
            "map_visible_ms": None if visible.get("timeout") else round(visible["painted"] - origin, 1),
            "phases_ms": {  # from navigation start
                "dom_content_loaded": round(dom_ready, 1),
                "first_websocket_message": round(received[0][0] - origin, 1) if received else None,
                "largest_message_received": round(largest[0] - origin, 1) if largest else None,
                "largest_message_bytes": largest[1] if largest else None,
            },
            "requests_failed": self.http.failed[failed_mark:],  # tile servers: not resolvable, by design
            "bytes": {
                **http,
                "websocket": ws_bytes,
                "beyond_streamlit": ws_bytes + sum(v for k, v in http.items() if k not in ("streamlit_bundle", "inline")),
                "total": ws_bytes + sum(http.values()),
            },
        }

    def watch(self, frame, name: str, condition_js: str, arg: Any, timeout_ms: int = WATCH_TIMEOUT_MS) -> None:
        frame.evaluate(
            "([name, src, arg, ms]) => window.__qzb.watch(name, new Function('a', 'return (' + src + ')(a);'), arg, ms)",
            [name, condition_js, arg, timeout_ms],
        )

    @staticmethod
    def event_time(frame, mark: Sequence[int]) -> tuple[float | None, float | None, float | None]:
        """The first click event after `mark`: its time, the gap from its pointerdown, its input delay.

        Times start at the click event (the button's release), as Leaflet and the checkbox act on it;
        the press-to-click gap is the harness's own mouse-down/up round trip.
        """
        downs, clicks = frame.evaluate("([d, c]) => [window.__qzb.downs.slice(d), window.__qzb.clicks.slice(c)]", list(mark))
        if not clicks:
            return None, None, None
        (clicked, handled) = clicks[0]
        return clicked, round(clicked - downs[0], 1) if downs else None, round(handled - clicked, 1)

    @staticmethod
    def result(frame, name: str) -> dict[str, Any]:
        return frame.evaluate("(name) => window.__qzb.watches[name]", name)

    def feature_point(self, feature_id: str) -> dict[str, float] | None:
        """Where to click `feature_id` (page coordinates); fits the view to it if it is not clickable."""
        frame = self.frame()
        frame.evaluate("() => { window.map.closePopup(); }")
        frame.wait_for_function("() => !document.querySelector('.leaflet-popup')", timeout=5_000)  # fades out in 200 ms
        point = frame.evaluate(FEATURE_POINT_JS, [feature_id, False])
        if point is None:
            frame.evaluate(FEATURE_POINT_JS, [feature_id, True])
            self.quiet()
            point = self.frame().evaluate(FEATURE_POINT_JS, [feature_id, False])
        if point is None:
            return None
        box = self.page.locator(MAP_IFRAME).bounding_box()
        return {"x": box["x"] + point["x"], "y": box["y"] + point["y"]}

    def click(self, feature_id: str, name: str, *, block: str, popup: bool, timeout_ms: int = WATCH_TIMEOUT_MS) -> dict[str, Any] | None:
        """A real mouse click on the feature; times to popup, first panel excerpt, complete panel."""
        point = self.feature_point(feature_id)
        if point is None:
            return None
        frame = self.frame()
        if popup:
            self.watch(frame, "popup", POPUP_JS, {"name": name}, timeout_ms)
        self.watch(self.page, "panelFirst", PANEL_JS, {"name": name, "block": block, "first": True}, timeout_ms)
        after = self.page.evaluate("() => performance.timeOrigin + performance.now()")
        self.watch(self.page, "panelComplete", PANEL_JS, {"name": name, "block": block, "after": after, "first": False}, timeout_ms)
        ws_mark = self.ws_mark()
        http_mark = self.http.mark()
        mark = frame.evaluate("() => [window.__qzb.downs.length, window.__qzb.clicks.length]")
        self.page.mouse.click(point["x"], point["y"])
        results = {name_: self.result(frame if name_ == "popup" else self.page, name_) for name_ in (["popup"] if popup else []) + ["panelFirst", "panelComplete"]}
        down, press, input_delay = self.event_time(frame, mark)
        if down is None:
            raise BenchError(f"the click on {feature_id} at {point} did not reach the map iframe; expected a click event there")
        self.quiet(min(timeout_ms, QUIET_TIMEOUT_MS))
        ws = self.ws_since(ws_mark)
        complete = results["panelComplete"]

        def since_down(key: str) -> float | None:
            r = results.get(key)
            return None if r is None or r.get("timeout") else round(r["painted"] - down, 1)

        sent = [t for t, direction, size in ws if direction == "s" and t >= down]
        received = [(t, size) for t, direction, size in ws if direction == "r"]
        done_at = None if complete.get("timeout") else complete["seen"]
        until_done = [(t, s) for t, s in received if done_at is None or t <= done_at]
        return {
            "feature_id": feature_id,
            "popup_excerpt_ms": since_down("popup") if popup else None,
            "popup_in_dom_ms": round(results["popup"]["seen"] - down, 1) if popup and not results["popup"].get("timeout") else None,
            "panel_first_ms": since_down("panelFirst"),
            "panel_complete_ms": since_down("panelComplete"),
            "value_sent_ms": round(sent[0] - down, 1) if sent else None,
            "last_byte_ms": round(until_done[-1][0] - down, 1) if until_done else None,
            "reruns": len(sent),
            "ws_bytes": sum(size for _, _, size in ws),
            "largest_message": max((s for _, s in received), default=0),
            "press_to_click_ms": press,
            "input_delay_ms": input_delay,
            "http_bytes": sum(self.http.by_category(http_mark).values()),
            "websocket_closed": self.page.evaluate("() => window.__qzb.wsClosed.length"),
        }

    def toggle_layer(self, layer_id: str, title: str, ids: Sequence[str], *, on: bool, count: int) -> dict[str, Any]:
        """Click a layer in the switch inside the map; time until the map shows (or hides) its features,
        and until the server has the new state (the page's URL lists the layer or not)."""
        frame = self.frame()
        before = frame.evaluate(VIEW_JS)
        self.watch(frame, "layer", LAYER_STATE_JS, {"ids": list(ids), "on": on, "count": count})
        label = frame.locator(".qz-switch label", has_text=title).first
        box = label.bounding_box()
        if box is None:
            raise BenchError(f"no layer {title!r} in the map's layer switch (.qz-switch label); expected one per layer")
        mark = frame.evaluate("() => [window.__qzb.downs.length, window.__qzb.clicks.length]")
        ws_mark = self.ws_mark()
        self.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        result = self.result(frame, "layer")
        down, _, _ = self.event_time(frame, mark)
        if down is None:
            raise BenchError(f"the click on the layer {title!r} did not arrive; expected a click event in the map's layer switch")
        synced = self.page.wait_for_function(
            "([id, on]) => (new URLSearchParams(location.search).get('layers') || '').split(',').includes(id) === on"
            " && performance.timeOrigin + performance.now()",
            arg=[layer_id, on], polling="raf", timeout=WATCH_TIMEOUT_MS,
        ).json_value()
        self.quiet()
        after = self.frame().evaluate(VIEW_JS)
        kept = after[2] == before[2] and abs(after[0] - before[0]) < 1e-6 and abs(after[1] - before[1]) < 1e-6
        return {
            "title": title,
            "on": on,
            "map_updated_ms": None if result.get("timeout") else round(result["painted"] - down, 1),
            "url_synced_ms": round(synced - down, 1),
            "view_kept": kept,
            "ws_bytes": sum(size for _, _, size in self.ws_since(ws_mark)),
        }


# --- scenarios -------------------------------------------------------------------------------


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
    session: Session, targets: Sequence[Target], *, block: str, popup: bool, budget_s: float | None = None,
    timeout_ms: int = WATCH_TIMEOUT_MS, stop_after_slow: bool = False,
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
            skipped.append({"feature_id": target.feature_id, "why": f"the previous panel took over {SLOW_PANEL_MS / 1000:.0f} s or did not complete"})
            continue
        result = session.click(target.feature_id, target.name, block=block, popup=popup, timeout_ms=timeout_ms)
        if result is None:
            skipped.append({"feature_id": target.feature_id, "why": "not clickable even after fitting the view"})
            continue
        result.update(kind=target.kind, n_excerpts=target.n_excerpts)
        clicks.append(result)
        say(f"    click {target.kind:7} {target.feature_id:32} popup {format_ms(result['popup_excerpt_ms']):>8}"
            f"  panel {format_ms(result['panel_complete_ms']):>8}  {format_bytes(result['ws_bytes']):>9}  reruns {result['reruns']}")

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
    layers = [layer for layer in map_layers_from_specs(index.layers) if layer.default_visible and layer.layer_id != "districts"]
    toggles = []
    for layer in layers:
        ids = sorted(fid for fid in drawn if map_layer_id_for(index.features[fid]) == layer.layer_id)
        if not ids:
            continue
        for on in (False, True):
            count = len(drawn) - (0 if on else len(ids))
            toggles.append(session.toggle_layer(layer.layer_id, layer.title_zh, ids, on=on, count=count))
            t = toggles[-1]
            say(f"    toggle {layer.layer_id:20} {'on ' if on else 'off'} {format_ms(t['map_updated_ms']):>8}  URL {format_ms(t['url_synced_ms']):>8}"
                f"  view kept {t['view_kept']}  {format_bytes(t['ws_bytes'])}")
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


def run_app(browser, index, *, clicks: int, log_dir: Path) -> tuple[dict[str, Any], list[Target]]:
    results: dict[str, Any] = {}
    with app_server(APP_SCRIPT, log_dir=log_dir) as server:
        results["rss_after_start"] = server.rss()
        results["start_to_health_ms"] = round(server.started_s * 1000, 1)
        first = Session(browser, server.url)
        results["open_first_after_start"] = first.open()
        results["rss_after_1_session"] = server.rss()
        say(f"  app: first page after start (builds the index): map visible {format_ms(results['open_first_after_start']['map_visible_ms'])}")
        reader = Session(browser, server.url)
        results["open_new_reader"] = reader.open()
        say(f"  app: new reader: map visible {format_ms(results['open_new_reader']['map_visible_ms'])}, "
            f"{format_bytes(results['open_new_reader']['bytes']['beyond_streamlit'])} beyond Streamlit's bundle")
        old_page = reader.page
        reader.page = reader.context.new_page()  # same context: Chromium's HTTP cache is warm
        reader.http = HttpLog(reader.page, server.url)
        old_page.close()
        results["open_repeat_visit"] = reader.open()
        targets = choose_targets(reader, index, clicks)
        results["clicks"] = run_clicks(reader, targets, block=".qz-excerpt", popup=True)
        results["toggles"] = run_toggles(reader, index)
        more = [Session(browser, server.url) for _ in range(8)]  # sessions 3..10: readers arriving together
        for session in more:
            session.page.goto(server.url, wait_until="commit")
        for session in more:
            session.frame().wait_for_function(MAP_DRAWN_JS, timeout=120_000)
        more[-1].quiet(30_000)
        results["rss_after_10_sessions"] = server.rss()
        say(f"  app: server RSS {format_bytes(results['rss_after_1_session'])} after 1 session, {format_bytes(results['rss_after_10_sessions'])} after 10")
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


def read_timings(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def rerun_profile(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Median ms per part of the finished reruns (the first run, the page load, is left out).

    `gc_after_run`: garbage collection between a run's end and the next run's start, which is
    mostly the gc.collect(2) Streamlit runs after every script run (runner.postScriptGC).
    """
    clicks = [i for i in range(1, len(runs)) if runs[i].get("ended") == "finished"]
    parts = ("main", "render_controls", "render_map", "build_overlay_groups", "st_folium", "_component_func", "render_panel", "gc")
    profile: dict[str, Any] = {"runs": len(clicks), "interrupted": sum(1 for r in runs[1:] if r.get("ended") != "finished")}
    for part in parts:
        values = [runs[i].get(part, 0) for i in clicks] if part == "gc" else [runs[i][part] for i in clicks if part in runs[i]]
        profile[part] = round(statistics.median(values), 1) if values else None
    after = [
        runs[i + 1]["gc_total_at_start"] - runs[i]["gc_total_at_end"]
        for i in clicks
        if i + 1 < len(runs) and "gc_total_at_start" in runs[i + 1] and "gc_total_at_end" in runs[i]
    ]
    profile["gc_after_run"] = round(statistics.median(after), 1) if after else None
    if profile["st_folium"] is not None and profile["_component_func"] is not None:
        profile["folium_render"] = round(profile["st_folium"] - profile["_component_func"], 1)
    return profile


def run_profiled(
    browser, targets: Sequence[Target], tmp: Path, name: str, *, seeds_dir: Path | None, log_dir: Path,
    budget_s: float | None = None, timeout_ms: int = WATCH_TIMEOUT_MS,
) -> dict[str, Any]:
    """The app through PROFILED_ENTRY (timers per part of each rerun), optionally on another corpus."""
    script = script_dir_with_static(tmp, name, PROFILED_ENTRY)
    timings = tmp / f"{name}-timings.jsonl"
    env = {"QZ_BENCH_TIMINGS": str(timings)}
    if seeds_dir is not None:
        env[SEEDS_ENV] = str(seeds_dir)
    with app_server(script, env=env, log_dir=log_dir) as server:
        session = Session(browser, server.url)
        opened = session.open()
        say(f"  {name}: server answered after {format_ms(server.started_s * 1000)}, first page map visible {format_ms(opened['map_visible_ms'])}")
        clicks = run_clicks(session, targets, block=".qz-excerpt", popup=True, budget_s=budget_s, timeout_ms=timeout_ms, stop_after_slow=True)
        rss = server.rss()
        session.close()
    runs = read_timings(timings)
    return {
        "start_to_health_ms": round(server.started_s * 1000, 1),
        "open_first_after_start": opened,
        "clicks": clicks,
        "rss_after_1_session": rss,
        "rerun_profile_ms": rerun_profile(runs),
        "first_run_ms": runs[0] if runs else None,
        "run_endings": dict(Counter(r.get("ended", "?") for r in runs)),
    }


INDEX_TIMER = """
import json, resource, sys, time
from pathlib import Path
from mapapp.index import build_map_index
start = time.perf_counter()
index = build_map_index(seeds_dir=Path(sys.argv[1]))
seconds = time.perf_counter() - start
print(json.dumps({"seconds_ms": round(seconds * 1000, 1), "articles": len(index.articles), "mentions": len(index.mentions),
                  "problems": len(index.problems), "max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def time_index(seeds_dir: Path, repeats: int) -> dict[str, Any]:
    """build_map_index in a fresh interpreter each time (no in-memory boundary cache); the median run."""
    runs = []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, "-c", INDEX_TIMER, str(seeds_dir)], cwd=ROOT_DIR, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT_DIR)}, timeout=300)
        if done.returncode != 0:
            raise BenchError(f"build_map_index({seeds_dir}) failed with exit code {done.returncode}:\n{done.stderr[-3000:]}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["seconds_ms"])
    return {**runs[len(runs) // 2], "runs_ms": [r["seconds_ms"] for r in runs]}


# --- report ----------------------------------------------------------------------------------


def ratio(baseline: float | None, app: float | None) -> str:
    if not baseline or not app:
        return "—"
    return f"{baseline / app:.1f}×"


def result_rows(r: Mapping[str, Any]) -> list[list[object]]:
    """The main table: measure, app, baseline, baseline ÷ app, budget."""
    app, base = r["app"], r.get("baseline", {})
    ac, bc = app["clicks"], base.get("clicks", {})

    def st(d: Mapping[str, Any], key: str, stat: str) -> float | None:
        return (d.get(key) or {}).get(stat)

    def side(label: str, a: float | None, b: float | None, budget: str = "", fmt=format_ms) -> list[object]:
        return [label, fmt(a), fmt(b), ratio(b, a), budget]

    rows: list[list[object]] = [
        side("page open → map visible, new reader", app["open_new_reader"]["map_visible_ms"], base.get("open_new_reader", {}).get("map_visible_ms"), "≤ 3 s"),
        side("page open → map visible, first page after start (builds the index)", app["open_first_after_start"]["map_visible_ms"],
             base.get("open_first_after_start", {}).get("map_visible_ms")),
    ]
    for stat in ("p50", "p95"):
        rows.append(side(f"click → first excerpt visible, {stat} (app: popup; baseline: side panel)", st(ac, "popup_excerpt_ms", stat),
                         st(bc, "panel_first_ms", stat), "p95 ≤ 150 ms" if stat == "p95" else ""))
    for stat in ("p50", "p95"):
        rows.append(side(f"click → side panel complete, {stat}", st(ac, "panel_complete_ms", stat), st(bc, "panel_complete_ms", stat),
                         "p95 ≤ 600 ms" if stat == "p95" else ""))
    rows += [
        side("click → value sent to the server, p50 (st_folium debounces 250 ms)", st(ac, "value_sent_ms", "p50"), st(bc, "value_sent_ms", "p50")),
        side("click → last byte of the rerun, p50", st(ac, "last_byte_ms", "p50"), st(bc, "last_byte_ms", "p50")),
        ["clicks measured: points / lines / polygons", "/".join(str(ac["kinds"][k]) for k in ("point", "line", "polygon")),
         "/".join(str(bc.get("kinds", {}).get(k, 0)) for k in ("point", "line", "polygon")), "", "≥ 20"],
        ["server reruns per click, mean", ac["reruns_mean"], bc.get("reruns_mean"), "", ""],
        side("bytes per click, median (WebSocket)", ac["ws_bytes_median"], bc.get("ws_bytes_median"), "", format_bytes),
        [f"layer toggle → map updated, p50 / worst of {app['toggles']['summary_ms'].get('n', 0)}",
         f"{format_ms(app['toggles']['summary_ms'].get('p50'))} / {format_ms(app['toggles']['map_updated_ms'])}", "n/a", "", "≤ 300 ms"],
        ["layer toggle → server has it (URL updated), p50 / worst",
         f"{format_ms(app['toggles'].get('url_synced_ms', {}).get('p50'))} / {format_ms(app['toggles'].get('url_synced_ms', {}).get('max'))}", "n/a", "", ""],
        ["layer toggle keeps zoom and centre", f"{len(app['toggles']['each']) - app['toggles']['view_moved']} of {len(app['toggles']['each'])}", "n/a", "", "all"],
    ]
    labels = (("beyond_streamlit", "first load, beyond Streamlit's own bundle", "≤ 1.5 MB"), ("websocket", "  of which WebSocket (the page's data)", ""),
              ("streamlit_bundle", "first load, Streamlit's own bundle (cacheable)", ""), ("total", "first load, total", ""))
    for key, label, budget in labels:
        rows.append(side(label, app["open_new_reader"]["bytes"].get(key), base.get("open_new_reader", {}).get("bytes", {}).get(key), budget, format_bytes))
    rows += [
        ["repeat visit (warm browser cache), total", format_bytes(app["open_repeat_visit"]["bytes"]["total"]), "", "", ""],
        side("server RSS after start", app["rss_after_start"], base.get("rss_after_start"), "", format_bytes),
        side("server RSS after 1 session", app["rss_after_1_session"], base.get("rss_after_1_session"), "", format_bytes),
        ["server RSS after 10 sessions", format_bytes(app["rss_after_10_sessions"]), "", "", ""],
    ]
    pipeline = r.get("pipeline", {})
    for key in ("index_seeds", "index_synthetic_small", "index_synthetic"):
        if key in pipeline:
            what = "the 5 seed articles" if key == "index_seeds" else f"{pipeline[key]['articles']:,} SYNTHETIC articles"
            rows.append([f"build_map_index, {what}", format_ms(pipeline[key]["seconds_ms"]), "", "", "≤ 10 s" if key == "index_synthetic" else ""])
    warm = r.get("profile5", {})
    if warm:
        rows += [
            ["app start, warm cache: spawn → server answers", format_ms(warm["start_to_health_ms"]), "", "", ""],
            ["app start, warm cache: first page → map visible", format_ms(warm["open_first_after_start"]["map_visible_ms"]), "", "", ""],
        ]
    for key in ("profile5", "synthetic_small", "synthetic"):
        run = r.get(key)
        if not run:
            continue
        c = run["clicks"]
        what = f"{run.get('articles', 5):,} {'SYNTHETIC ' if key != 'profile5' else ''}articles"
        rows.append([f"same {c['n'] + len(c['skipped'])} features, {what}: popup p50 / panel complete p50 / bytes per click",
                     f"{format_ms(st(c, 'popup_excerpt_ms', 'p50'))} / {format_ms(st(c, 'panel_complete_ms', 'p50'))} / {format_bytes(c.get('ws_bytes_median'))}"
                     + (f" ({c['timeouts']} of {c['n']} panels not complete after {run['timeout_ms'] / 1000:.0f} s)" if c["timeouts"] else ""),
                     "", "", "no growth" if key == "synthetic" else ""])
    scale = r.get("scaling", {})
    if scale.get("panel_growth_small_to_large") is not None:
        rows.append([f"growth per click from {r['synthetic_small']['articles']:,} to {r['synthetic']['articles']:,} SYNTHETIC articles: panel p50 / bytes",
                     f"{scale['panel_growth_small_to_large']}× / {scale['bytes_growth_small_to_large']}×", "", "", ""])
    return rows


TABLE_HEADERS = ("measure", "app", "baseline st_folium", "baseline ÷ app", "budget")
PROFILE_HEADERS = ("corpus", "reruns", "whole run", "build_overlay_groups", "folium → JS in st_folium", "component call", "render_panel", "GC in run", "GC after run", "stopped runs")


def profile_rows(r: Mapping[str, Any]) -> list[list[object]]:
    """Server time per rerun after a click, by part (profiled copy of the entry point)."""
    rows = []
    for key in ("profile5", "synthetic_small", "synthetic"):
        run = r.get(key)
        if not run:
            continue
        p = run["rerun_profile_ms"]
        rows.append([f"{run.get('articles', 5):,} articles", p["runs"], *(format_ms(p.get(k)) for k in ("main", "build_overlay_groups", "folium_render", "_component_func", "render_panel", "gc", "gc_after_run")),
                     p["interrupted"]])
    return rows


def budget_rows(verdicts: Sequence[Mapping[str, Any]]) -> list[list[object]]:
    def measured(v: Mapping[str, Any]) -> str:
        value = v["measured"]
        if value is None:
            return "—"
        return {"ms": format_ms, "bytes": format_bytes}.get(v["unit"], str)(value)

    verdict = {True: "met", False: "MISSED", None: "not measured"}
    return [[v["budget"], measured(v), verdict[v["met"]] + (f" ({v['times_over']}× the limit)" if v["times_over"] else "")] for v in verdicts]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapapp.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=24, help="clicks on different features (default 24; the budget needs at least 20)")
    parser.add_argument("--synthetic-articles", type=int, default=1000, help="size of the large SYNTHETIC corpus (default 1000)")
    parser.add_argument("--synthetic-clicks", type=int, default=6, help="clicks on the app with each synthetic corpus (default 6)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON results (default {DEFAULT_OUT.relative_to(ROOT_DIR)})")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"bench: {CHROMIUM} not found; expected Debian's chromium (apt-get install chromium) or QZ_CHROMIUM=<path>", file=sys.stderr)
        return 2
    for script in (APP_SCRIPT, BASELINE_SCRIPT):
        if not script.is_file():
            print(f"bench: {script} is missing; expected it in the repository", file=sys.stderr)
            return 2
    from playwright.sync_api import sync_playwright

    from mapapp.assets import install_leaflet
    from mapapp.index import build_map_index

    started = time.perf_counter()
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        say(f"warning: load average {load:.1f} on {os.cpu_count()} CPUs: other work shares this machine, times will be high")
    install_leaflet()
    index = build_map_index()
    sizes = {"synthetic_small": SYNTHETIC_SMALL, "synthetic": args.synthetic_articles}
    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
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
            few = [t for t in targets if t.n_excerpts <= 4][: args.synthetic_clicks] or list(targets[: args.synthetic_clicks])
            say("app again, profiled (warm start), 5 articles")
            results["profile5"] = run_profiled(browser, few, tmp, "profile5", seeds_dir=None, log_dir=log_dir) | {"articles": len(index.articles), "timeout_ms": WATCH_TIMEOUT_MS}
            for key, n in sizes.items():
                say(f"app, profiled, {n:,} SYNTHETIC articles")
                results[key] = run_profiled(
                    browser, few, tmp, key,
                    seeds_dir=corpus_dirs[key], log_dir=log_dir, budget_s=SYNTHETIC_BUDGET_S, timeout_ms=SYNTHETIC_TIMEOUT_MS,
                ) | {"articles": n, "timeout_ms": SYNTHETIC_TIMEOUT_MS}
        finally:
            browser.close()
    results["scaling"] = scaling(results)
    results["budgets"] = budget_verdicts(results)
    results["load_average_at_end"] = os.getloadavg()
    results["load_average_samples"] = [round(x, 2) for x in LOAD_SAMPLES]
    results["wall_s"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    report = markdown_report(results)
    args.out.with_suffix(".md").write_text(report, encoding="utf-8")
    print("\n" + report)
    print(f"wrote {args.out} and {args.out.with_suffix('.md').name} in {results['wall_s']:.0f} s")
    return 0


def markdown_report(results: Mapping[str, Any]) -> str:
    """Machine, date and the three tables, as pasted into BENCHMARKS.md."""
    m = results["machine"]
    packages = ", ".join(f"{name} {version}" for name, version in sorted(m["packages"].items()))
    lines = [
        f"- date: {results['date']} (UTC); code {results.get('code', '?')}; whole run {results['wall_s']:.0f} s",
        f"- machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB RAM, {m['platform']}",
        f"- Python {m['python']}, Chromium {m.get('chromium', '?')} (headless), {packages}",
        f"- load average (1 min, other work on this machine included) {results['load_average_at_start'][0]:.1f} at start, "
        f"{results['load_average_at_end'][0]:.1f} at end, median {statistics.median(results.get('load_average_samples') or [0]):.1f} "
        f"and max {max(results.get('load_average_samples') or [0]):.1f} over the run",
        "",
        format_table(TABLE_HEADERS, result_rows(results)),
        "",
        "Server time per rerun after a click (median; profiled copy of the entry point, ui.py unchanged):",
        "",
        format_table(PROFILE_HEADERS, profile_rows(results)),
        "",
        format_table(("budget (issue 5)", "measured", "verdict"), budget_rows(results["budgets"])),
        "",
    ]
    return "\n".join(lines)


def scaling(results: Mapping[str, Any]) -> dict[str, Any]:
    """Per-click cost by corpus size; panel_growth is the largest corpus's panel p50 over the seeds'.

    When no panel of the largest corpus completed, panel_growth is a lower bound: timeout ÷ seeds' p50.
    """
    five = lookup(results, ("profile5", "clicks", "panel_complete_ms", "p50"))
    out: dict[str, Any] = {"panel_p50_ms": {}, "bytes_per_click": {}}
    for key in ("profile5", "synthetic_small", "synthetic"):
        run = results.get(key)
        if run:
            out["panel_p50_ms"][run["articles"]] = run["clicks"]["panel_complete_ms"].get("p50")
            out["bytes_per_click"][run["articles"]] = run["clicks"].get("ws_bytes_median")
    large, small = results.get("synthetic"), results.get("synthetic_small")
    if five and large:
        many = large["clicks"]["panel_complete_ms"].get("p50")
        out["panel_growth_is_lower_bound"] = many is None
        out["panel_growth"] = round((many if many is not None else large["timeout_ms"]) / five, 2)
    # Between two corpora that both name every place in far more articles than the panel lists.
    if small and large:
        a, b = small["clicks"]["panel_complete_ms"].get("p50"), large["clicks"]["panel_complete_ms"].get("p50")
        out["panel_growth_small_to_large"] = round(b / a, 2) if a and b else None
        a, b = small["clicks"].get("ws_bytes_median"), large["clicks"].get("ws_bytes_median")
        out["bytes_growth_small_to_large"] = round(b / a, 2) if a and b else None
    return out


if __name__ == "__main__":
    sys.exit(main())
