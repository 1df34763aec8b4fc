"""The load test's readers: each is one reader's page that selects places from its own pool.

`ProtocolReader` sends what a real page sends (checked against Chromium with bench.pagetraffic) and
costs the machine almost nothing, so the server alone is measured: at its first page the static files
a browser with an empty cache fetches (bench.pagetraffic.record_page_assets, once each), the page,
/_stcore/health and host-config, the WebSocket and a run with the URL's query string; the map's own
requests for a place's panel (current.json, then the place's file, which it keeps); a click is only
those two GETs (the page's script shows the panel and writes the URL itself); a search is two runs
(the typed text, then the chosen result) and the panel's GETs; a link opened is a new page in the same
browser (its cache holds the immutable files). Runs send the hashes of the large messages the reader
keeps, as Streamlit's page does, so an unchanged map comes back as a reference. `BrowserReader` is a
real headless-Chromium page, at the price of a renderer per reader.

Readers act at a person's pace: a pause of `think_s` ±50% (uniform) between actions, drawn from the
action mix (`--mix`: by default 90% clicks, 5% searches, 5% links). Both check, after every action, that the panel shows the place
they chose and the URL names it: a place from another session's pool counts as a leak.

A protocol reader whose connection drops (its replica died) connects again at once, as Streamlit's
page does (health check, then the WebSocket), and asks for no run until its next action, as the page
does not; the time to reconnect is recorded as `recover`, and the first run of the new session must
keep the reader's place (its URL). A reader that cannot reconnect within RECOVER_TIMEOUT_S, or whose
place that run loses, is counted in `lost_view`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
import urllib.request
from collections.abc import AsyncIterator
from typing import Any, Literal
from urllib.parse import parse_qs, parse_qsl, urlencode, urljoin, urlsplit

import aiohttp
import websockets
from playwright.async_api import Error as PlaywrightError
from websockets.asyncio.client import ClientConnection
from websockets.typing import Origin, Subprotocol

from bench.loadreport import LoadReport, Target
from bench.mapprobe import FEATURE_POINT_JS, MAP_IFRAME
from bench.pagetraffic import IMMUTABLE_KINDS, PageAssets, Traffic, request_kind
from bench.streamproto import (
    SCRIPT_FINISHED_SUCCESSFULLY,
    MessageCache,
    RunResult,
    reader_options,
    rerun_message,
    widget_string,
    widget_trigger,
)

ACTION_TIMEOUT_S = 60.0  # one action under full load; a slower answer counts as an error
OPEN_TIMEOUT_S = 120.0
RECOVER_TIMEOUT_S = 30.0  # a reader whose replica died must be connected again by then
READER_COOKIE = "qz_reader"  # set by nginx in scripts/serve.sh: which replica serves this reader
COMPONENT_PAGE = "component/streamlit_folium.st_folium/index.html"
Action = Literal["click", "search", "link"]
ACTIONS: tuple[Action, ...] = ("click", "search", "link")
# A reader who came from a shared link mostly taps places; about one action in twenty is a search,
# and one in twenty opens another link (a new page, as a new reader arriving does).
DEFAULT_MIX: dict[str, float] = {"click": 18, "search": 1, "link": 1}
SEARCH_KEY, HIT_KEY_PREFIX = "w_search", "w_hit_"  # ui.py's widget keys
LANG = "zh"


class Reader:
    """What both kinds share: the pool, the verdict on what was shown, the report."""

    def __init__(
        self,
        number: int,
        pool: list[Target],
        owner_of: dict[str, int],
        report: LoadReport,
        *,
        think_s: float,
        max_actions: int | None = None,
        mix: dict[str, float] | None = None,
    ):
        self.number = number
        self.pool = pool
        self.owner_of = owner_of  # place name -> the session whose pool holds it
        self.report = report
        self.think_s = think_s
        self.max_actions = max_actions
        self.mix = mix or DEFAULT_MIX
        self.current: Target | None = None
        self.random = random.Random(number)  # each reader's own jitter and mix, the same on every run

    def error(self, message: str) -> None:
        self.report.errors.append(f"session {self.number}: {message}")

    def judge(self, target: Target, shown_name: str | None, shown_feature: str | None, what: str) -> bool:
        """True if the panel and the URL show `target`; else report an error, or a leak if what is
        shown is another session's place."""
        if shown_name == target.name and shown_feature == target.feature_id:
            return True
        message = f"session {self.number} {what} {target.feature_id} and was shown {shown_name!r} (URL feature={shown_feature})"
        if shown_name is not None and self.owner_of.get(shown_name, self.number) != self.number:
            self.report.leaks.append(message)
        else:
            self.report.errors.append(message)
        return False

    def action_at(self, step: int) -> Action:
        """Drawn from the mix with this reader's own random numbers (the same on every run)."""
        kinds = [kind for kind in ACTIONS if self.mix.get(kind, 0) > 0]
        return self.random.choices(kinds, weights=[self.mix[kind] for kind in kinds])[0]

    def pause_s(self) -> float:
        """A reader's pause before the next action: `think_s` ±50%."""
        return self.think_s * self.random.uniform(0.5, 1.5)

    async def pause(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def next_target(self, step: int) -> Target:
        target = self.pool[step % len(self.pool)]
        if target == self.current and len(self.pool) > 1:
            target = self.pool[(step + 1) % len(self.pool)]
        return target

    async def run(self, deadline: float) -> None:
        """Select a place every `think_s` seconds until the deadline or the first failed action."""
        step = 0
        while self.current is not None and time.monotonic() < deadline:
            if self.max_actions is not None and step >= self.max_actions:
                return
            await self.pause(min(self.pause_s(), max(0.0, deadline - time.monotonic())))
            if time.monotonic() >= deadline or not await self.still_shows_current():
                return
            step += 1
            target = self.next_target(step)
            if not await self.select(target, action=self.action_at(step)):
                return
            self.current = target

    async def still_shows_current(self) -> bool:
        """Between actions: True if nothing changed this session's selection (checked by readers that can)."""
        return True

    async def select(self, target: Target, *, action: Action) -> bool:
        """Select `target` by a map click, by search or by opening a link to it; True if the panel
        and URL then show it."""
        raise NotImplementedError


# --- protocol ----------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    """One HTTP client for every protocol reader: kept-alive connections; each reader sends its own cookie."""
    # Idle connections are let go before uvicorn's own 5 s keep-alive ends (a browser retries a
    # request the server closed the connection under; see ProtocolReader._get).
    connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=None, keepalive_timeout=4)
    timeout = aiohttp.ClientTimeout(total=ACTION_TIMEOUT_S)
    async with aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar(), timeout=timeout, auto_decompress=True
    ) as session:
        yield session


class ProtocolReader(Reader):
    """One reader's page, driven over HTTP and /_stcore/stream as the browser would drive it."""

    socket: ClientConnection | None = None
    search_id: str | None = None
    search_text: str = ""
    query = ""
    url = ""
    cookie: str | None = None
    placedata: str | None = None  # the place files of these data folders (from the map's arguments)
    version: str | None = None  # the data version the page knows
    new_session = False  # reconnected: the next run is the new session's first
    traffic: Traffic | None = None  # when set (bench.pagetraffic), every request is counted here
    action = "open"

    def __init__(self, *args: Any, http: aiohttp.ClientSession, assets: PageAssets | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.http = http
        self.assets = assets or PageAssets((), (), ())
        self.pages = 0  # pages this reader's browser has loaded (the first one with an empty cache)
        self.searched = False
        self.cached: dict[str, Any] = {}  # the browser's cache: immutable URL -> its JSON (or None)
        self.messages = MessageCache()

    # HTTP, as the page does it ---------------------------------------------------------------------

    async def _get(self, path: str, *, json_body: bool = False) -> Any:
        url = urljoin(self.url, path)
        kind = request_kind(url, self.url)
        if kind in IMMUTABLE_KINDS and url in self.cached:
            return self.cached[url]  # the browser's cache: no request
        if self.traffic is not None:
            self.traffic.add(self.action, kind)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        for attempt in (1, 2):
            try:
                async with self.http.get(url, headers=headers, allow_redirects=False) as response:
                    body = await response.read()
                    break
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                if attempt == 2:  # a browser, too, asks again once on a connection the server had closed
                    raise
        if self.cookie is None:
            for header in response.headers.getall("Set-Cookie", []):
                name, _, rest = header.partition("=")
                if name.strip() == READER_COOKIE:
                    self.cookie = f"{READER_COOKIE}={rest.split(';', 1)[0]}"
        if response.status != 200:
            raise aiohttp.ClientResponseError(
                response.request_info, (), status=response.status, message=f"GET {url}: {response.status}"
            )
        value = json.loads(body) if json_body else None
        if kind in IMMUTABLE_KINDS:
            self.cached[url] = value
        return value

    async def _page(self) -> None:
        """A page load: the page, the static files not in the browser's cache, the server's health
        and config, then the WebSocket (a new session) and its first run."""
        self.messages = MessageCache()  # a new page keeps no messages from the last one
        await self._get("?" + self.query if self.query else "")
        assets = self.assets.cold if self.pages == 0 else self.assets.warm
        self.pages += 1
        await asyncio.gather(*(self._get(asset.lstrip("/")) for asset in assets))
        await self._connect()
        result = await self._run()
        self._take_map(result)
        self.last_result = result

    def _take_map(self, result: RunResult) -> None:
        options = reader_options(result.map_args) if result.map_args else None
        if options is not None:
            self.placedata = urljoin(urljoin(self.url, COMPONENT_PAGE), options["placedata"]) + "/"
            self.version = options["version"]

    async def _panel(self, feature_id: str) -> str | None:
        """What the map's script reads to show a place: current.json (every time) and, at once, the
        place's file in the version it knows; a newer version, then that version's file."""
        if self.placedata is None:
            raise websockets.InvalidState("the page never received the map (no place files to read)")

        async def place(version: str) -> dict:
            return await self._get(f"{self.placedata}{version}/{LANG}/{feature_id}.json", json_body=True)

        known = self.version or ""
        current, guess = await asyncio.gather(
            self._get(self.placedata + "current.json", json_body=True), place(known), return_exceptions=True
        )
        if isinstance(current, BaseException):
            raise current
        if current["version"] != known:
            self.version = current["version"]
            guess = await place(current["version"])
        if isinstance(guess, BaseException):
            raise guess
        return guess.get("name")

    def _url_feature(self) -> str | None:
        return dict(parse_qsl(self.query)).get("feature")

    def _with_feature(self, feature_id: str) -> str:
        params = dict(parse_qsl(self.query))
        params["feature"] = feature_id
        order = ["feature", "layers", "basemap", "lang", "lat", "lon", "z", "asof"]  # the URL's order
        return urlencode({k: params[k] for k in sorted(params, key=lambda k: order.index(k) if k in order else 99)})

    # the WebSocket -----------------------------------------------------------------------------------------

    async def _connect(self) -> None:
        await self._get("_stcore/health")
        await self._get("_stcore/host-config")
        netloc = urlsplit(self.url).netloc
        if self.traffic is not None:
            self.traffic.add(self.action, "websocket")
        self.socket = await websockets.connect(
            f"ws://{netloc}/_stcore/stream",
            subprotocols=[Subprotocol("streamlit")],
            origin=Origin(f"http://{netloc}"),
            max_size=None,
            open_timeout=OPEN_TIMEOUT_S,
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
        )

    async def _run(self, *one_off: bytes, timeout_s: float = ACTION_TIMEOUT_S) -> RunResult:
        """Ask for a run with this page's URL, widget values (plus one-off button presses) and cached
        message hashes; read it. The URL the server writes becomes the page's URL."""
        states = list(one_off)
        if self.search_id and self.search_text:
            states.append(widget_string(self.search_id, self.search_text))
        socket = self.socket
        if socket is None:
            raise websockets.InvalidState("a run was asked for before the reader opened its connection")
        if self.traffic is not None:
            self.traffic.sent[self.action] += 1
        await socket.send(rerun_message(self.query, states, self.messages.hashes()))
        result = RunResult()
        async with asyncio.timeout(timeout_s):
            while result.finished is None:
                message = await socket.recv()
                result.read(message.encode() if isinstance(message, str) else message, self.messages)
        self.messages.finish_run()
        before = self._url_feature()
        if result.query_string is not None:
            self.query = result.query_string  # the address bar follows the app
        self.search_id = result.widget_id_for(SEARCH_KEY) or self.search_id
        if self.new_session:  # the first run of a session that took over after a reconnect
            self.new_session = False
            if self._url_feature() != before:
                self.report.lost_view.append(
                    f"session {self.number}: the first run after reconnecting changed the URL's place {before} to {self._url_feature()}"
                )
        return result

    def _ok(self, result: RunResult, what: str) -> bool:
        if result.finished != SCRIPT_FINISHED_SUCCESSFULLY or result.errors or result.misses:
            self.error(
                f"{what}: run ended with status {result.finished}, errors {result.errors}, {result.misses} cache misses"
            )
            return False
        return True

    async def open(self, url: str) -> None:
        self.url = url
        first = self.pool[0]
        self.query = f"feature={first.feature_id}"
        start = time.monotonic()
        try:
            await self._page()
            if not self._ok(self.last_result, f"opening {first.feature_id}"):
                return
            name = await self._panel(first.feature_id)
        except (OSError, TimeoutError, aiohttp.ClientError, websockets.WebSocketException) as error:
            self.error(f"opening {first.feature_id}: {type(error).__name__}: {error}")
            return
        if self.judge(first, name, self._url_feature(), "opened"):
            self.report.record("open", (time.monotonic() - start) * 1000)
            self.current = first

    async def pause(self, seconds: float) -> None:
        """Wait, but notice at once when the server drops the connection (and connect again)."""
        if self.socket is None:
            await asyncio.sleep(seconds)
            return
        closed = asyncio.ensure_future(self.socket.wait_closed())
        try:
            await asyncio.wait_for(asyncio.shield(closed), timeout=seconds)
        except TimeoutError:
            return
        finally:
            closed.cancel()
        if self.current is not None and not await self.recover():
            self.current = None  # this reader is done

    async def recover(self) -> bool:
        """Connect again (health check, then the WebSocket), as Streamlit's page does; no run until
        the reader's next action. True once connected."""
        lost_at = time.monotonic()
        self.report.disconnects += 1
        while time.monotonic() - lost_at < RECOVER_TIMEOUT_S:
            try:
                await self._connect()
            except (OSError, TimeoutError, aiohttp.ClientError, websockets.WebSocketException):
                await asyncio.sleep(0.25)
                continue
            self.new_session = True
            self.report.record("recover", (time.monotonic() - lost_at) * 1000)
            self.report.recovered_at.append(time.monotonic())
            return True
        what = self.current.feature_id if self.current else None
        self.report.lost_view.append(
            f"session {self.number}: not connected again within {RECOVER_TIMEOUT_S:g} s (on {what})"
        )
        return False

    async def select(self, target: Target, *, action: Action) -> bool:
        try:
            if action == "click":
                return await self._click(target)
            if action == "search":
                return await self._search(target)
            return await self._link(target)
        except websockets.ConnectionClosed:
            # The replica went away mid-action: connect again, then do it again, as a person would.
            return await self.recover() and await self.select(target, action=action)
        except (TimeoutError, OSError, aiohttp.ClientError, websockets.WebSocketException) as error:
            self.error(f"selecting {target.feature_id}: {type(error).__name__}: {error}")
            return False

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def _click(self, target: Target) -> bool:
        """A click on the map: the page's script writes the URL and reads the place's files."""
        start = time.monotonic()
        self.query = self._with_feature(target.feature_id)
        name = await self._panel(target.feature_id)
        if not self.judge(target, name, self._url_feature(), "clicked"):
            return False
        self.report.record("click", (time.monotonic() - start) * 1000)
        return True

    async def _search(self, target: Target) -> bool:
        """Type the name in the search box, press the place's result; the server writes the URL,
        which the map's script follows (the place's files)."""
        self.search_text = target.name
        start = time.monotonic()
        if not self.searched:  # the code for result buttons, loaded when the page first shows them
            self.searched = True
            await asyncio.gather(*(self._get(asset.lstrip("/")) for asset in self.assets.search))
        result = await self._run()
        button = result.widget_id_for(HIT_KEY_PREFIX + target.feature_id)
        if not self._ok(result, f"searching {target.name!r}") or button is None:
            self.error(f"searching {target.name!r}: no result button for {target.feature_id}")
            return False
        self.report.record("search_results", (time.monotonic() - start) * 1000)
        start = time.monotonic()
        result = await self._run(widget_trigger(button))
        if not self._ok(result, f"choosing {target.feature_id} from search"):
            return False
        feature = self._url_feature()
        name = await self._panel(feature) if feature else None
        if not self.judge(target, name, feature, "chose from search"):
            return False
        self.report.record("search", (time.monotonic() - start) * 1000)
        return True

    async def _link(self, target: Target) -> bool:
        """Open a shared link to the place: a new page in the same browser, so a new session."""
        if self.socket is not None:
            await self.socket.close()
        self.search_text, self.search_id = "", None
        self.query = f"feature={target.feature_id}"
        start = time.monotonic()
        await self._page()
        if not self._ok(self.last_result, f"opening a link to {target.feature_id}"):
            return False
        name = await self._panel(target.feature_id)
        if not self.judge(target, name, self._url_feature(), "opened a link to"):
            return False
        self.report.record("link", (time.monotonic() - start) * 1000)
        return True


# --- browser -----------------------------------------------------------------------------------------

# In the map's frame: True when the place panel shows `name` in full; the name it shows.
_PANEL_SHOWS_JS = (
    "(name) => { const p = document.querySelector('.qz-panel'), h = p && p.querySelector('.qz-place h2');"
    " return !!h && h.textContent.trim() === name && p.getAttribute('aria-busy') === 'false'; }"
)
_PANEL_NAME_JS = (
    "() => { const h = document.querySelector('.qz-panel .qz-place h2'); return h ? h.textContent.trim() : null; }"
)
# True when the map has not moved for 250 ms (no zoom animation, no pan).
_MAP_AT_REST_JS = """
() => {
  const m = window.map;
  if (!m || m._animatingZoom || (m._panAnim && m._panAnim._inProgress)) return false;
  const key = m.getCenter().toString() + m.getZoom();
  const now = Date.now();
  if (window.qzRestKey !== key) { window.qzRestKey = key; window.qzRestSince = now; return false; }
  return now - window.qzRestSince >= 250;
}
"""


class BrowserReader(Reader):
    """A headless-Chromium page (its own browser context, so its own Streamlit session)."""

    page: Any = None  # playwright.async_api.Page once opened
    context: Any = None

    async def open(self, url: str, browser=None) -> None:
        self.url = url
        self.context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        await self.context.route("**/*", _refuse_other_hosts)
        self.page = await self.context.new_page()
        self.page.on("pageerror", lambda error: self.error(f"page error: {error}"))
        first = self.pool[0]
        start = time.monotonic()
        try:
            await self.page.goto(f"{url}?feature={first.feature_id}", timeout=OPEN_TIMEOUT_S * 1000)
            await self._await_panel(first, timeout_s=OPEN_TIMEOUT_S)
            frame = await self._map_frame()
            await frame.wait_for_function(
                "() => window.map && document.querySelectorAll('.leaflet-interactive').length > 0",
                timeout=OPEN_TIMEOUT_S * 1000,
            )
        except PlaywrightError as error:
            self.error(f"opening {first.feature_id}: {_first_line(error)}")
            return
        self.report.record("open", (time.monotonic() - start) * 1000)
        self.current = first

    async def select(self, target: Target, *, action: Action) -> bool:
        if action == "link":
            return await self._link(target)
        try:
            if action == "click" and not await self._click(target):
                action = "search"  # not drawn where it can be clicked (its layer is off, or it is covered)
            start = time.monotonic()
            if action == "search":
                start = await self._search(target)
            await self._await_panel(target, timeout_s=ACTION_TIMEOUT_S)
        except PlaywrightError as error:
            shown = await self._shown_name()
            self.judge(target, shown, None, f"({action}: {_first_line(error)}) chose")
            return False
        self.report.record(action, (time.monotonic() - start) * 1000)
        return True

    async def close(self) -> None:
        if self.context is not None:
            await self.context.close()

    async def _link(self, target: Target) -> bool:
        start = time.monotonic()
        try:
            await self.page.goto(f"{self.url}?feature={target.feature_id}", timeout=ACTION_TIMEOUT_S * 1000)
            await self._await_panel(target, timeout_s=ACTION_TIMEOUT_S)
        except PlaywrightError as error:
            self.judge(target, await self._shown_name(), None, f"(link: {_first_line(error)}) chose")
            return False
        self.report.record("link", (time.monotonic() - start) * 1000)
        return True

    async def still_shows_current(self) -> bool:
        """Between actions nothing may change this session's selection."""
        if self.current is None:
            return False
        shown = await self._shown_name()
        feature = parse_qs(urlsplit(self.page.url).query).get("feature", [None])[0]
        return self.judge(self.current, shown, feature, "kept")

    async def _shown_name(self) -> str | None:
        try:
            return await (await self._map_frame()).evaluate(_PANEL_NAME_JS)
        except PlaywrightError:  # the page is gone; the caller reports what it expected
            return None

    async def _await_panel(self, target: Target, *, timeout_s: float) -> None:
        frame = await self._map_frame()
        await frame.wait_for_function(_PANEL_SHOWS_JS, arg=target.name, polling=50, timeout=timeout_s * 1000)
        await self.page.wait_for_function(
            "(id) => new URLSearchParams(location.search).get('feature') === id",
            arg=target.feature_id,
            polling=50,
            timeout=timeout_s * 1000,
        )

    async def _map_frame(self):
        await self.page.locator(MAP_IFRAME).first.wait_for(timeout=OPEN_TIMEOUT_S * 1000)
        for _ in range(600):
            for frame in self.page.frames:
                if "streamlit_folium.st_folium" in frame.url and not frame.is_detached():
                    return frame
            await asyncio.sleep(0.05)
        raise PlaywrightError("the map's iframe did not appear")

    async def _click(self, target: Target) -> bool:
        """Click the place where its own shape is on top; False if it is not drawn there.

        The map may still be gliding to the previous selection, so the click is checked: the
        feature's click handler records its id at once (window.qzSelectedFeatureId), else it is retried.
        """
        frame = await self._map_frame()
        for _attempt in range(3):
            await frame.wait_for_function(_MAP_AT_REST_JS, polling=100, timeout=ACTION_TIMEOUT_S * 1000)
            point = await frame.evaluate(FEATURE_POINT_JS, [target.feature_id, False])
            if point is None:
                return False
            await frame.locator("#map_div").click(position=point, timeout=ACTION_TIMEOUT_S * 1000)
            if await frame.evaluate("() => window.qzSelectedFeatureId") == target.feature_id:
                return True
            await asyncio.sleep(0.3)
        raise PlaywrightError(f"three clicks on {target.feature_id} missed it")

    async def _search(self, target: Target) -> float:
        """Type the name, press Enter, wait for the results and choose the place; returns the time
        of that choice (the search itself is recorded as 'search_results')."""
        box = self.page.locator('[data-testid="stSidebar"] input[type="text"]').first
        start = time.monotonic()
        await box.fill(target.name, timeout=ACTION_TIMEOUT_S * 1000)
        await box.press("Enter", timeout=ACTION_TIMEOUT_S * 1000)
        button = self.page.locator('[data-testid="stSidebar"]').get_by_role("button", name=target.name, exact=True)
        await button.wait_for(timeout=ACTION_TIMEOUT_S * 1000)
        self.report.record("search_results", (time.monotonic() - start) * 1000)
        chosen = time.monotonic()
        await button.click(timeout=ACTION_TIMEOUT_S * 1000)
        return chosen


def reader_cookie(url: str) -> str | None:
    """`qz_reader=<id>` if the server (serve.sh's nginx) sets it on the page, else None."""
    with urllib.request.urlopen(url, timeout=OPEN_TIMEOUT_S) as response:
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            if name.strip() == READER_COOKIE:
                return f"{READER_COOKIE}={rest.split(';', 1)[0]}"
    return None


async def _refuse_other_hosts(route) -> None:
    if urlsplit(route.request.url).hostname in ("127.0.0.1", None):
        await route.continue_()
    else:
        await route.abort("internetdisconnected")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
