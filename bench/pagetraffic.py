"""What a real page asks of the app, recorded in headless Chromium; the load test's readers send the same.

- `record_page_assets(url, places)`: the static files (Streamlit's bundle, the map component's files,
  Leaflet, the reader's script) Chromium fetches at a browser's first page, at its first search and at
  each later page (what its cache does not answer). A load-test reader fetches the same at the same
  moments.
- `python -m bench.pagetraffic --url URL`: Chromium and one protocol reader (bench.loadreaders) do the
  same four actions -- open a link to a place, click another place on the map, choose a third by
  search, open a link to a fourth in the same browser -- and the requests and WebSocket messages of
  each are printed side by side, by kind (BENCHMARKS.md says how the load test was checked with it).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from bench.mapprobe import FEATURE_POINT_JS, MAP_IFRAME

# Kinds of request, by path.
IMMUTABLE_KINDS = ("place_file",)  # kept by the page's browser once fetched (the rest: PageAssets)


def request_kind(url: str, app_url: str) -> str | None:
    """What a request is for (None: not the app's: a basemap tile, a data: URL)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ws", "wss") or parts.netloc != urlsplit(app_url).netloc:
        return None
    path = parts.path
    if path == "/_stcore/stream":
        return "websocket"
    if path.startswith("/_stcore/"):
        return "stcore:" + path.rsplit("/", 1)[1]
    if path in ("/", ""):
        return "page"
    if path.startswith("/static/") or path in ("/favicon.png", "/manifest.json"):
        return "bundle"
    if path.startswith("/component/"):
        return "component_asset" if "/static/" in path else "component_page"
    if path.startswith("/app/static/placedata/"):
        return "place_current" if path.endswith("/current.json") else "place_file"
    if path.startswith("/app/static/"):
        return "app_static"
    return "other:" + path


@dataclass
class Traffic:
    """Requests by kind and WebSocket messages sent, per action."""

    requests: dict[str, Counter[str]] = field(default_factory=dict)
    sent: Counter[str] = field(default_factory=Counter)

    def add(self, action: str, kind: str | None) -> None:
        if kind is not None:
            self.requests.setdefault(action, Counter())[kind] += 1


PANEL_READY_JS = (
    "(id) => { const p = document.querySelector('.qz-panel'); "
    "return !!p && p.getAttribute('data-ready') === id && p.getAttribute('aria-busy') === 'false'; }"
)


def _map_frame(page):
    page.locator(MAP_IFRAME).first.wait_for()
    for _ in range(600):
        for frame in page.frames:
            if "streamlit_folium.st_folium" in frame.url and not frame.is_detached():
                return frame
        page.wait_for_timeout(50)
    raise RuntimeError(f"{page.url}: no map iframe; expected the app's map")


def _await_panel(page, feature_id: str) -> None:
    frame = _map_frame(page)
    frame.wait_for_function(PANEL_READY_JS, arg=feature_id, timeout=60_000)
    page.wait_for_timeout(600)  # let anything the page still sends arrive


ASSET_KINDS = ("bundle", "component_page", "component_asset", "app_static")


@dataclass(frozen=True)
class PageAssets:
    """The static files (paths with their query) a real page asks for: `cold` at a browser's first
    page, `warm` at each later page (what its cache does not answer: files to revalidate), `search`
    at its first search (code the page loads when it first shows result buttons)."""

    cold: tuple[str, ...]
    warm: tuple[str, ...]
    search: tuple[str, ...]


def _cdp_requests(context, page, url: str, sink) -> None:
    """Call `sink(url)` for every request of `page` that reached the server (DevTools' view: a file
    the browser's cache answered is no request)."""
    cdp = context.new_cdp_session(page)
    urls: dict[str, str] = {}
    cached: set[str] = set()

    def finished(event: dict) -> None:
        request_id = event["requestId"]
        if request_id in urls and request_id not in cached:
            sink(urls[request_id])

    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
    cdp.on(
        "Network.responseReceived",
        lambda e: cached.add(e["requestId"]) if e["response"].get("fromDiskCache") else None,
    )
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketCreated", lambda e: sink(e["url"]))
    cdp.send("Network.enable")
    page._qz_cdp = cdp  # keep the session (and its listeners) alive with the page


def record_page_assets(url: str, places: list[tuple[str, str]]) -> PageAssets:
    """The static files Chromium fetches to open a link to places[0] with an empty cache, then to
    search for places[1], then to open a link to places[2] in the same browser."""
    from playwright.sync_api import sync_playwright

    seen: dict[str, list[str]] = {"cold": [], "search": [], "warm": []}
    phase = ["cold"]

    def sink(request_url: str) -> None:
        if request_kind(request_url, url) in ASSET_KINDS:
            parts = urlsplit(request_url)
            seen[phase[0]].append(parts.path + (f"?{parts.query}" if parts.query else ""))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        _cdp_requests(context, page, url, sink)
        page.goto(f"{url}?feature={places[0][0]}")
        _await_panel(page, places[0][0])
        phase[0] = "search"
        _search(page, places[1])
        phase[0] = "warm"
        page.goto(f"{url}?feature={places[2][0]}")
        _await_panel(page, places[2][0])
        browser.close()
    return PageAssets(tuple(seen["cold"]), tuple(seen["warm"]), tuple(seen["search"]))


def _search(page, place: tuple[str, str]) -> None:
    box = page.locator('[data-testid="stSidebar"] input[type="text"]').first
    box.fill(place[1])
    box.press("Enter")
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name=place[1], exact=True).click()
    _await_panel(page, place[0])


def record_chromium(
    url: str, places: list[tuple[str, str]], *, clickable_from: Iterable[str]
) -> tuple[Traffic, str | None]:
    """Chromium's traffic for: a link to places[0], a click on a place on the map (the first of
    `clickable_from` that can be clicked; its id is returned), a search for places[1], a link to
    places[2]."""
    from playwright.sync_api import sync_playwright

    traffic = Traffic()
    action = ["open"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        _cdp_requests(context, page, url, lambda request_url: traffic.add(action[0], request_kind(request_url, url)))
        page.on(
            "websocket",
            lambda socket: socket.on("framesent", lambda _frame: traffic.sent.update([action[0]])),
        )
        page.goto(f"{url}?feature={places[0][0]}")
        _await_panel(page, places[0][0])
        action[0] = "click"
        frame = _map_frame(page)
        clicked = None
        for feature_id in clickable_from:
            point = frame.evaluate(FEATURE_POINT_JS, [feature_id, False])
            if point is not None and feature_id != places[0][0]:
                frame.locator("#map_div").click(position=point)
                _await_panel(page, feature_id)
                clicked = feature_id
                break
        action[0] = "search"
        _search(page, places[1])
        action[0] = "link"
        page.goto(f"{url}?feature={places[2][0]}")
        _await_panel(page, places[2][0])
        browser.close()
    return traffic, clicked


async def record_protocol(
    url: str, places: list[tuple[str, str]], click: tuple[str, str], assets: PageAssets
) -> Traffic:
    """One protocol reader's traffic for the same actions (bench.loadreaders.ProtocolReader)."""
    from bench.loadreaders import ProtocolReader, http_session
    from bench.loadreport import LoadReport, Target

    traffic = Traffic()
    report = LoadReport(clients="protocol", sessions=1, seconds=0, think_s=0)
    targets = [Target(fid, name) for fid, name in places]
    async with http_session() as http:
        reader = ProtocolReader(0, targets, {}, report, think_s=0, http=http, assets=assets)
        reader.traffic = traffic
        reader.action = "open"
        await reader.open(url)
        reader.action = "click"
        await reader.select(Target(*click), action="click")
        reader.action = "search"
        await reader.select(targets[1], action="search")
        reader.action = "link"
        await reader.select(targets[2], action="link")
        await reader.close()
    if report.errors:
        raise RuntimeError(f"the protocol reader failed: {report.errors}")
    return traffic


def format_comparison(chromium: Traffic, protocol: Traffic) -> str:
    lines = [f"{'action':8} {'request kind':22} {'Chromium':>9} {'protocol':>9}"]
    for action in ("open", "click", "search", "link"):
        kinds = sorted(set(chromium.requests.get(action, {})) | set(protocol.requests.get(action, {})))
        for kind in kinds:
            a, b = chromium.requests.get(action, Counter())[kind], protocol.requests.get(action, Counter())[kind]
            lines.append(f"{action:8} {kind:22} {a:>9} {b:>9}{'' if a == b else '  <--'}")
        a, b = chromium.sent[action], protocol.sent[action]
        lines.append(f"{action:8} {'WebSocket messages sent':22} {a:>9} {b:>9}{'' if a == b else '  <--'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pagetraffic", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the app (or serve.sh's nginx) on 127.0.0.1")
    args = parser.parse_args(argv)
    url = args.url.rstrip("/") + "/"
    from mapapp.pipeline.index import build_map_index

    index = build_map_index()
    names = [f.name_zh for f in index.features.values()]
    unique = sorted(
        fid
        for fid, excerpts in index.excerpts.items()
        if excerpts and index.features[fid].geometry and names.count(index.features[fid].name_zh) == 1
    )
    places = [(fid, index.features[fid].name_zh) for fid in unique[:3]]
    started = time.monotonic()
    chromium, clicked = record_chromium(url, places, clickable_from=unique[3:])
    if clicked is None:
        raise SystemExit("no place could be clicked on the map in the opening view")
    assets = record_page_assets(url, places)
    protocol = asyncio.run(record_protocol(url, places, (clicked, index.features[clicked].name_zh), assets))
    print(format_comparison(chromium, protocol))
    print(f"({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
