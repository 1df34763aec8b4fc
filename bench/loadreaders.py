"""The load test's readers: each is one Streamlit session that selects places from its own pool.

`ProtocolReader` speaks Streamlit's websocket protocol (bench.streamproto): it costs the machine
almost nothing, so the server alone is measured. `BrowserReader` is a real headless-Chromium page
that clicks the map and uses the search box, at the price of a renderer per reader.

Readers act at a person's pace: a pause of `think_s` ±50% (uniform) between actions, which take
turns: a click on the map, a search, a shared link opened (a new session on `?feature=`).
Both check, after every action, that the side panel's heading and the URL name the place they chose,
and before every action (browser) or in every run (protocol), that nothing else was put there: a
place from another session's pool counts as a leak.

A protocol reader whose connection drops (its replica died) reconnects at once, as Streamlit's own
client does, through the same URL and cookie, asks for a run with the URL it had, and checks that it
sees the same place again: the time that took is recorded as `recover`; a reader that cannot get its
view back within RECOVER_TIMEOUT_S is counted in `lost_view`.
"""

from __future__ import annotations

import asyncio
import random
import time
import urllib.request
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

import websockets
from playwright.async_api import Error as PlaywrightError
from websockets.asyncio.client import ClientConnection
from websockets.typing import Origin, Subprotocol

from bench.loadreport import LoadReport, Target
from bench.mapprobe import FEATURE_POINT_JS, MAP_IFRAME
from bench.streamproto import (
    SCRIPT_FINISHED_SUCCESSFULLY,
    RunResult,
    map_click_value,
    map_value_after_server_selection,
    rerun_message,
    widget_json,
    widget_string,
    widget_trigger,
)

ACTION_TIMEOUT_S = 60.0  # one action under full load; a slower answer counts as an error
OPEN_TIMEOUT_S = 120.0
RECOVER_TIMEOUT_S = 30.0  # a reader whose replica died must be back on its view by then
READER_COOKIE = "qz_reader"  # set by nginx in scripts/serve.sh: which replica serves this reader
Action = Literal["click", "search", "link"]
ACTIONS: tuple[Action, ...] = ("click", "search", "link")
SEARCH_KEY, HIT_KEY_PREFIX = "w_search", "w_hit_"  # ui.py's widget keys


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
    ):
        self.number = number
        self.pool = pool
        self.owner_of = owner_of  # place name -> the session whose pool holds it
        self.report = report
        self.think_s = think_s
        self.max_actions = max_actions
        self.current: Target | None = None
        self.random = random.Random(number)  # each reader's own jitter, the same on every run

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
        """Clicks, searches and links take turns; readers start at different ones, so they mix at once."""
        return ACTIONS[(step + self.number) % len(ACTIONS)]

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


class ProtocolReader(Reader):
    """A Streamlit session driven over /_stcore/stream, as the browser's client would drive it."""

    socket: ClientConnection | None = None
    map_id: str | None = None
    search_id: str | None = None
    map_value: dict | None = None
    search_text: str = ""
    clicks = 0
    query = ""
    url = ""
    cookie: str | None = None

    async def open(self, url: str) -> None:
        self.url = url
        first = self.pool[0]
        start = time.monotonic()
        try:
            # A page load first, as a browser does: behind serve.sh's nginx it sets the cookie that
            # keeps this reader on one replica.
            self.cookie = await asyncio.to_thread(reader_cookie, url)
            await self._connect()
            self.query = f"feature={first.feature_id}"
            result = await self._run(timeout_s=OPEN_TIMEOUT_S)
        except (OSError, TimeoutError, websockets.WebSocketException) as error:
            self.error(f"opening {first.feature_id}: {type(error).__name__}: {error}")
            return
        if self._check(result, first, "opened"):
            self.report.record("open", (time.monotonic() - start) * 1000)
            self.current = first

    async def _connect(self) -> None:
        netloc = urlsplit(self.url).netloc
        self.socket = await websockets.connect(
            f"ws://{netloc}/_stcore/stream",
            subprotocols=[Subprotocol("streamlit")],
            origin=Origin(f"http://{netloc}"),
            max_size=None,
            open_timeout=OPEN_TIMEOUT_S,
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
        )

    async def pause(self, seconds: float) -> None:
        """Wait, but notice at once when the server drops the connection (and get the view back)."""
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
        """Reconnect and ask for a run with the URL this reader had; True once it shows its place again."""
        lost_at = time.monotonic()
        self.report.disconnects += 1
        while time.monotonic() - lost_at < RECOVER_TIMEOUT_S:
            try:
                await self._connect()
                result = await self._run(timeout_s=RECOVER_TIMEOUT_S)
            except (OSError, TimeoutError, websockets.WebSocketException):
                await asyncio.sleep(0.25)
                continue
            if self.current is not None and self._check(result, self.current, "reconnected and kept"):
                self.report.record("recover", (time.monotonic() - lost_at) * 1000)
                self.report.recovered_at.append(time.monotonic())
                return True
            break
        what = self.current.feature_id if self.current else None
        self.report.lost_view.append(f"session {self.number}: did not get {what} back within {RECOVER_TIMEOUT_S:g} s")
        return False

    async def select(self, target: Target, *, action: Action) -> bool:
        try:
            if action == "click":
                return await self._click(target)
            if action == "search":
                return await self._search(target)
            return await self._link(target)
        except websockets.ConnectionClosed:
            # The replica went away mid-action: get the view back, then do it again, as a person would.
            return await self.recover() and await self.select(target, action=action)
        except (TimeoutError, websockets.WebSocketException) as error:
            self.error(f"selecting {target.feature_id}: {type(error).__name__}: {error}")
            return False

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def _link(self, target: Target) -> bool:
        """Open a shared link to the place: a new page, so a new session with fresh widgets."""
        if self.socket is not None:
            await self.socket.close()
        self.map_value, self.search_text, self.clicks = None, "", 0
        self.query = f"feature={target.feature_id}"
        start = time.monotonic()
        await self._connect()
        result = await self._run()
        if not self._check(result, target, "opened a link to"):
            return False
        self.report.record("link", (time.monotonic() - start) * 1000)
        return True

    async def _run(self, *one_off: bytes, timeout_s: float = ACTION_TIMEOUT_S) -> RunResult:
        """Ask for a run with this reader's widget values (plus one-off button presses); read it."""
        states = list(one_off)
        if self.map_id and self.map_value is not None:
            states.append(widget_json(self.map_id, self.map_value))
        if self.search_id and self.search_text:
            states.append(widget_string(self.search_id, self.search_text))
        socket = self.socket
        if socket is None:
            raise websockets.InvalidState("a run was asked for before the reader opened its connection")
        await socket.send(rerun_message(self.query, states))
        result = RunResult()
        async with asyncio.timeout(timeout_s):
            while result.finished is None:
                message = await socket.recv()
                result.read(message.encode() if isinstance(message, str) else message)
        if result.query_string is not None:
            self.query = result.query_string  # the browser's address bar follows the app
        self.map_id = result.map_id or self.map_id
        self.search_id = result.widget_id_for(SEARCH_KEY) or self.search_id
        return result

    def _check(self, result: RunResult, target: Target, what: str) -> bool:
        if result.finished != SCRIPT_FINISHED_SUCCESSFULLY or result.errors or result.references:
            self.error(
                f"{what} {target.feature_id}: run ended with status {result.finished}, errors {result.errors}, {result.references} cache references"
            )
            return False
        return self.judge(target, result.panel_heading, result.query.get("feature"), what)

    async def _click(self, target: Target) -> bool:
        """Report a click on the feature, as the map component does."""
        self.clicks += 1
        self.map_value = map_click_value(target.feature_id, self.clicks, lat=28.95, lng=118.9, zoom=10)
        start = time.monotonic()
        result = await self._run()
        if not self._check(result, target, "clicked"):
            return False
        self.report.record("click", (time.monotonic() - start) * 1000)
        return True

    async def _search(self, target: Target) -> bool:
        """Type the name in the search box, then press the place's result button."""
        self.search_text = target.name
        start = time.monotonic()
        result = await self._run()
        button = result.widget_id_for(HIT_KEY_PREFIX + target.feature_id)
        if result.finished != SCRIPT_FINISHED_SUCCESSFULLY or button is None:
            self.error(
                f"searching {target.name!r}: no result button for {target.feature_id} (status {result.finished}, errors {result.errors})"
            )
            return False
        self.report.record("search_results", (time.monotonic() - start) * 1000)
        start = time.monotonic()
        result = await self._run(widget_trigger(button))
        if not self._check(result, target, "chose from search"):
            return False
        self.report.record("search", (time.monotonic() - start) * 1000)
        # The real map now moves to the place and reports, without the click it held before.
        self.map_value = map_value_after_server_selection(self.map_value)
        return True


# --- browser -----------------------------------------------------------------------------------------

# True when the side panel's heading is `name`.
_PANEL_SHOWS_JS = "(name) => [...document.querySelectorAll('h2')].some((h) => h.innerText.trim() === name)"
_PANEL_NAME_JS = "() => { const h = document.querySelector('h2'); return h ? h.innerText.trim() : null; }"
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
            return await self.page.evaluate(_PANEL_NAME_JS)
        except PlaywrightError:  # the page is gone; the caller reports what it expected
            return None

    async def _await_panel(self, target: Target, *, timeout_s: float) -> None:
        await self.page.wait_for_function(_PANEL_SHOWS_JS, arg=target.name, polling=50, timeout=timeout_s * 1000)
        await self.page.wait_for_url(f"**feature={target.feature_id}&**", timeout=timeout_s * 1000)

    async def _map_frame(self):
        await self.page.locator(MAP_IFRAME).wait_for(timeout=OPEN_TIMEOUT_S * 1000)
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
