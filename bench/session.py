"""A benchmark reader in headless Chromium: opens the app, clicks features, toggles layers, and times
each step in the page (INIT_JS) with the bytes it moved."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from bench.page import (
    FEATURE_POINT_JS,
    INIT_JS,
    LAYER_STATE_JS,
    MAP_DRAWN_JS,
    MAP_IFRAME,
    PANEL_JS,
    POPUP_JS,
    VIEW_JS,
)
from mapapp.errors import MapAppError

VIEWPORT = {"width": 1500, "height": 1100}
# The two readers of issues 22 and 23: a laptop, and a phone (touch; the panel is a bottom sheet).
PROFILES: dict[str, dict[str, Any]] = {
    "laptop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 3,
    },
}
WATCH_TIMEOUT_MS = 20_000
QUIET_MS = 700  # no WebSocket message for this long and no "running" widget: the app is idle
QUIET_TIMEOUT_MS = 10_000


class BenchError(MapAppError):
    """The benchmark could not measure something (what and why in the message)."""


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


class HttpLog:
    """Bytes on the wire per request (DevTools encodedDataLength), by url_category."""

    def __init__(self, page, app_url: str):
        self.app_url = app_url
        self.urls: dict[str, str] = {}
        self.types: dict[str, str] = {}  # DevTools' resource type of each request: Document, Script, Font ...
        self.finished: list[tuple[str, int]] = []
        self.finished_types: list[str] = []
        self.failed: list[str] = []
        cdp = page.context.new_cdp_session(page)

        def sent(e: dict[str, Any]) -> None:
            self.urls[e["requestId"]] = e["request"]["url"]
            self.types[e["requestId"]] = e.get("type", "Other")

        def finished(e: dict[str, Any]) -> None:
            self.finished.append((self.urls.get(e["requestId"], ""), int(e["encodedDataLength"])))
            self.finished_types.append(self.types.get(e["requestId"], "Other"))

        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.loadingFailed", lambda e: self.failed.append(self.urls.get(e["requestId"], "")))
        cdp.send("Network.enable")
        self.cdp = cdp  # keep the DevTools session (and its listeners) alive with the page

    def mark(self) -> int:
        return len(self.finished)

    def by_type(self, since: int = 0) -> dict[str, int]:
        """Bytes on the wire per DevTools resource type (Document, Script, Stylesheet, Font, Image, Fetch ...)."""
        totals: dict[str, int] = {}
        for (_, size), kind in zip(self.finished[since:], self.finished_types[since:], strict=True):
            totals[kind] = totals.get(kind, 0) + size
        return totals

    def by_category(self, since: int = 0) -> dict[str, int]:
        totals: dict[str, int] = {}
        for url, size in self.finished[since:]:
            category = url_category(url, self.app_url)
            totals[category] = totals.get(category, 0) + size
        return totals


class Session:
    """One reader: a browser context and page on the app, with the helpers the measurements need."""

    def __init__(
        self, browser, app_url: str, profile: str | None = None, *, context_options: Mapping[str, Any] | None = None
    ):
        """`profile` ("phone", "laptop") or `context_options` (Playwright's new_context keywords, which
        win) set the viewport and device; the default is the benchmark's wide desktop."""
        self.app_url = app_url
        self.touch = profile == "phone"
        options = {
            "locale": "zh-CN",
            **(PROFILES[profile] if profile else {"viewport": VIEWPORT}),
            **(context_options or {}),
        }
        self.context = browser.new_context(**options)
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
        # a phone's first map, if the page opened one (serve.sh, a narrow screen) and it drew before
        # Streamlit's did (else that one was the first map)
        preview = self.page.evaluate(
            "() => Promise.race([window.__qzb.watches.previewVisible || null, new Promise((r) => setTimeout(() => r(null), 0))])"
        )
        origin, dom_ready = self.page.evaluate(
            "() => [performance.timeOrigin, performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd]"
        )
        frame.wait_for_function(MAP_DRAWN_JS, timeout=120_000)
        self.quiet()
        ws = self.ws_since(0)
        http = self.http.by_category(http_mark)
        ws_bytes = sum(size for _, _, size in ws)
        received = [(t, size) for t, direction, size in ws if direction == "r"]
        largest = max(received, key=lambda item: item[1], default=None)
        return {
            "map_visible_ms": None if visible.get("timeout") else round(visible["painted"] - origin, 1),
            "preview_visible_ms": None
            if not preview or preview.get("timeout")
            else round(preview["painted"] - origin, 1),
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
                "beyond_streamlit": ws_bytes
                + sum(v for k, v in http.items() if k not in ("streamlit_bundle", "inline")),
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
        downs, clicks = frame.evaluate(
            "([d, c]) => [window.__qzb.downs.slice(d), window.__qzb.clicks.slice(c)]", list(mark)
        )
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
        if self.touch:  # the sheet would cover the lower map: closed first, as a reader closes it
            frame.evaluate(
                "() => { const b = document.querySelector('.qz-panel.qz-open .qz-close'); if (b) b.click(); }"
            )
            frame.wait_for_function("() => !document.querySelector('.qz-panel.qz-open')", timeout=5_000)
            self.page.wait_for_timeout(250)  # slid away
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

    def click(
        self, feature_id: str, name: str, *, block: str, popup: bool, timeout_ms: int = WATCH_TIMEOUT_MS
    ) -> dict[str, Any] | None:
        """A real mouse click on the feature; times to popup, first panel excerpt, complete panel."""
        point = self.feature_point(feature_id)
        if point is None:
            return None
        frame = self.frame()
        if popup:
            self.watch(frame, "popup", POPUP_JS, {"name": name}, timeout_ms)
        self.watch(frame, "panelFirst", PANEL_JS, {"name": name, "block": block, "first": True}, timeout_ms)
        self.watch(frame, "panelComplete", PANEL_JS, {"name": name, "id": feature_id, "first": False}, timeout_ms)
        ws_mark = self.ws_mark()
        http_mark = self.http.mark()
        mark = frame.evaluate("() => [window.__qzb.downs.length, window.__qzb.clicks.length]")
        if self.touch:
            self.page.touchscreen.tap(point["x"], point["y"])
        else:
            self.page.mouse.click(point["x"], point["y"])
        results = {
            name_: self.result(frame, name_) for name_ in (["popup"] if popup else []) + ["panelFirst", "panelComplete"]
        }
        down, press, input_delay = self.event_time(frame, mark)
        if down is None:
            raise BenchError(
                f"the click on {feature_id} at {point} did not reach the map iframe; expected a click event there"
            )
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
            "popup_in_dom_ms": round(results["popup"]["seen"] - down, 1)
            if popup and not results["popup"].get("timeout")
            else None,
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
            raise BenchError(
                f"the click on the layer {title!r} did not arrive; expected a click event in the map's layer switch"
            )
        synced = self.page.wait_for_function(
            "([id, on]) => (new URLSearchParams(location.search).get('layers') || '').split(',').includes(id) === on"
            " && performance.timeOrigin + performance.now()",
            arg=[layer_id, on],
            polling="raf",
            timeout=WATCH_TIMEOUT_MS,
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
