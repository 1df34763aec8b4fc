"""Drive the map in the page: find the Leaflet map in the st_folium iframe, click features by id, read
the place panel (drawn inside the same iframe by mapapp/map/js/reader.js)."""

from __future__ import annotations

import time
import weakref

from bench.mapprobe import DRAWN_IDS_JS, FEATURE_POINT_JS, MAP_IFRAME

MAP_DRAWN_JS = "() => window.map !== undefined && document.querySelectorAll('path.leaflet-interactive').length > 0"


def map_frame(page):
    """The map's iframe; while a rebuilt map replaces the old one (a new basemap, curator mode), the new one."""
    page.locator(MAP_IFRAME).first.wait_for()
    page.wait_for_function(f"() => document.querySelectorAll({MAP_IFRAME!r}).length === 1", timeout=30_000)
    for _ in range(200):
        for frame in page.frames:
            if "streamlit_folium.st_folium" in frame.url and not frame.is_detached():
                return frame
        page.wait_for_timeout(100)  # (not time.sleep: Playwright handles the page's events meanwhile)
    raise AssertionError("no streamlit_folium iframe in the page")


_LAST_MESSAGE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
QUIET_S = 1.0  # a watched page is idle once its Streamlit connection has carried nothing for this long


def watch_websockets(page) -> None:
    """Note when the page's WebSocket last carried a message either way, so that wait_until_idle also
    waits out a run too short to show Streamlit's status widget (e.g. the one a rebuilt map asks for
    when it reports its first view: a button pressed during it can be lost). Call before page.goto."""
    seen = _LAST_MESSAGE[page] = [time.monotonic()]

    def on_socket(socket) -> None:
        seen[0] = time.monotonic()
        for event in ("framereceived", "framesent"):
            socket.on(event, lambda _payload: seen.__setitem__(0, time.monotonic()))

    page.on("websocket", on_socket)


def wait_until_idle(page, timeout_s: float = 30) -> None:
    """Wait until Streamlit has finished its run (the 'running' status widget is gone) and, on a page
    given to watch_websockets, until its connection has been quiet for QUIET_S."""
    page.wait_for_timeout(400)  # a run the page asked for has started by then
    deadline = time.monotonic() + timeout_s
    while page.locator('[data-testid="stStatusWidget"]').count() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    seen = _LAST_MESSAGE.get(page)
    while seen is not None and time.monotonic() - seen[0] < QUIET_S and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # (Playwright delivers the socket's events while it waits)
    page.wait_for_timeout(300)


def open_app(page, url: str) -> object:
    page.goto(url)
    frame = map_frame(page)
    frame.wait_for_function(MAP_DRAWN_JS, timeout=60_000)
    wait_until_idle(page)
    return frame


def drawn_feature_ids(frame) -> set[str]:
    """The ids of the features drawn on the map (once a map being rebuilt has its Leaflet map again)."""
    frame.wait_for_function("() => window.map !== undefined", timeout=30_000)
    return set(frame.evaluate(DRAWN_IDS_JS))


def map_view(frame) -> tuple[float, float, int]:
    return tuple(
        frame.evaluate("() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }")
    )


def click_feature(page, feature_id: str) -> None:
    """Click the feature with a real mouse click where its own path is on top (once a map being rebuilt,
    after a data change, has drawn again)."""
    frame = map_frame(page)
    frame.wait_for_function(MAP_DRAWN_JS, timeout=60_000)
    point = frame.evaluate(FEATURE_POINT_JS, [feature_id, False])
    if point is None:
        point = frame.evaluate(FEATURE_POINT_JS, [feature_id, True])
        wait_until_idle(page)
        frame = map_frame(page)
        point = frame.evaluate(FEATURE_POINT_JS, [feature_id, False])
    assert point is not None, f"feature {feature_id!r} is not drawn where it can be clicked"
    frame.locator("#map_div").click(position=point)


PANEL_READY_JS = "(id) => { const p = document.querySelector('.qz-panel'); return !!p && p.getAttribute('data-ready') === id && p.getAttribute('aria-busy') === 'false'; }"


def wait_for_panel(page, feature_id: str, timeout_s: float = 30) -> None:
    """Wait until the place panel shows `feature_id` in full (its file read and drawn)."""
    map_frame(page).wait_for_function(PANEL_READY_JS, arg=feature_id, timeout=timeout_s * 1000)


def panel_name(page) -> str | None:
    """The heading of the place the panel shows (None if it shows none)."""
    return map_frame(page).evaluate(
        "() => { const h = document.querySelector('.qz-panel .qz-place h2'); return h ? h.textContent : null; }"
    )


def panel_excerpts(page) -> list[str]:
    return map_frame(page).locator(".qz-panel .qz-excerpt").all_inner_texts()


def wait_for_excerpt(page, fragment: str, timeout_s: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout_s
    texts: list[str] = []
    while time.monotonic() < deadline:
        texts = panel_excerpts(page)
        if any(fragment in text for text in texts):
            return texts
        page.wait_for_timeout(100)
    raise AssertionError(f"no excerpt with {fragment!r} in the place panel; it shows {texts!r}")


def url_feature(page) -> str | None:
    return page.evaluate("() => new URLSearchParams(location.search).get('feature')")


def open_layer_switch(frame) -> None:
    """Unfold the layer switch in the map (it starts folded on a narrow map)."""
    if frame.locator(".qz-switch.qz-collapsed").count():
        frame.locator(".qz-switch-head").click()
    frame.locator(".qz-switch-body").wait_for(state="visible")


def switch_layer(frame, title: str) -> None:
    """Click the layer titled `title` in the map's layer switch, as a reader would."""
    open_layer_switch(frame)
    frame.locator(".qz-switch label", has_text=title).click()
