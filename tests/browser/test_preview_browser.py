"""A phone's first map (mapapp/app/previewfiles.py) through scripts/serve.sh, in headless Chromium.

Streamlit's own script is held back (the route answers it only when the test says so), so what the
phone shows meanwhile is the first map alone: it draws the places, a tap opens the place's sheet with
its excerpts and writes the URL, a panel action waits; when Streamlit's page is let through, its map
takes the place, the view and the action over and the first map is gone. A laptop never gets one.
Needs nginx: skips locally without it and FAILS under CI=true (like tests/test_serve.py)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import nginx_cluster
from mapdriver import PANEL_READY_JS, map_frame, url_feature

from bench.mapprobe import FEATURE_POINT_JS
from bench.pageload import LAPTOP, PHONE
from mapapp.map.markup import feature_name

STREAMLIT_SCRIPT = "**/static/js/index.*.js"  # Streamlit's page: nothing of it runs until this is answered
PREVIEW_FRAME = "iframe#qz-preview"
DRAWN_JS = "() => window.map !== undefined && document.querySelectorAll('#map_div path.leaflet-interactive').length > 0"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with nginx_cluster(tmp_path_factory.mktemp("serve-preview"), replicas=1) as served:
        yield served


class HeldPage:
    """A page whose Streamlit script waits until `release()`."""

    def __init__(self, page) -> None:
        self.page = page
        self.held: list = []
        self.asked = False
        page.route(STREAMLIT_SCRIPT, self._hold)

    def _hold(self, route) -> None:
        self.held.append(route)
        self.asked = True

    def release(self) -> None:
        for route in self.held:
            route.continue_()
        self.page.unroute(STREAMLIT_SCRIPT, self._hold)


def preview_frame(page):
    page.locator(PREVIEW_FRAME).wait_for(state="attached", timeout=30_000)
    for _ in range(300):
        for frame in page.frames:
            if "/app/static/preview." in frame.url and not frame.is_detached():
                return frame
        page.wait_for_timeout(100)
    raise AssertionError("the page opened no first map")


def tap_feature(page, frame, feature_id: str) -> None:
    """A real tap (touch events) where the feature's own path or icon is on top in `frame`."""
    point = frame.evaluate(FEATURE_POINT_JS, [feature_id, False])
    assert point is not None, f"{feature_id!r} is not drawn where it can be tapped"
    box = frame.frame_element().bounding_box()  # the point is in the frame's own coordinates
    page.touchscreen.tap(box["x"] + point["x"], box["y"] + point["y"])


def in_viewport(page, frame, selector: str) -> bool:
    """Once the sheet has slid in: the element's top part is on the screen (no scrolling needed)."""
    frame.wait_for_function("() => document.querySelector('.qz-panel').getAnimations().length === 0")
    box = frame.locator(selector).first.bounding_box()  # (in the page's coordinates already)
    return box is not None and box["y"] >= 0 and box["y"] + 40 <= page.viewport_size["height"]


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def test_a_phone_taps_the_first_map_and_streamlits_map_takes_the_place_over(phone, cluster, index):
    gym = "qujiang-gymnasium"
    held = HeldPage(phone)
    phone.goto(cluster.url, wait_until="commit")
    first = preview_frame(phone)
    first.wait_for_function(DRAWN_JS, timeout=60_000)
    assert held.held, "Streamlit's script was asked for and is still held"
    assert phone.locator('iframe[title="streamlit_folium.st_folium"]').count() == 0
    box = first.frame_element().bounding_box()
    assert box["y"] >= 40 and box["height"] > 0.8 * (PHONE["viewport"]["height"] - box["y"])  # under the title line
    tap_feature(phone, first, gym)
    first.wait_for_function(PANEL_READY_JS, arg=gym, timeout=30_000)
    assert first.locator(".qz-panel .qz-place h2").inner_text() == feature_name(index.features[gym], "zh")
    assert first.locator(".qz-panel .qz-excerpt").count() > 0
    assert in_viewport(phone, first, ".qz-panel .qz-excerpt")  # the sheet: excerpts without scrolling
    assert url_feature(phone) == gym
    view = parse_qs(urlsplit(phone.url).query)
    assert {"lat", "lon", "z"} <= set(view)

    held.release()
    phone.wait_for_function("() => !document.getElementById('qz-preview')", timeout=60_000)
    frame = map_frame(phone)
    frame.wait_for_function(PANEL_READY_JS, arg=gym, timeout=30_000)
    assert frame.locator(".qz-panel .qz-place h2").inner_text() == feature_name(index.features[gym], "zh")
    assert "qz-open" in frame.locator(".qz-panel").get_attribute("class")
    assert in_viewport(phone, frame, ".qz-panel .qz-excerpt")
    assert url_feature(phone) == gym


class HeldReplies:
    """Streamlit's WebSocket through the test: what the server sends waits until `release()`."""

    def __init__(self, page) -> None:
        self.held: list = []
        self.page_side = None
        self.holding = True
        page.route_web_socket("**/_stcore/stream", self._connect)

    def _connect(self, route) -> None:
        self.page_side = route
        server = route.connect_to_server()
        server.on_message(self._from_server)
        route.on_message(server.send)  # the page's messages go on as they come

    def _from_server(self, message) -> None:
        if self.holding:
            self.held.append(message)
        else:
            self.page_side.send(message)

    def release(self) -> None:
        self.holding = False
        for message in self.held:
            self.page_side.send(message)
        self.held.clear()


def test_a_tap_in_the_first_map_while_streamlits_first_run_is_on_its_way_is_kept(phone, cluster, index):
    """The run a bare link asks for writes the link's layers, basemap and language into the URL,
    replacing the query: a place tapped meanwhile in the first map stays selected."""
    gym = "qujiang-gymnasium"
    script, replies = HeldPage(phone), HeldReplies(phone)
    phone.goto(cluster.url, wait_until="commit")
    first = preview_frame(phone)
    first.wait_for_function(DRAWN_JS, timeout=60_000)
    script.release()
    deadline = time.monotonic() + 60
    while not replies.held and time.monotonic() < deadline:  # the first run asked for, with the bare URL
        phone.wait_for_timeout(100)
    assert replies.held, "Streamlit's page opened its session"
    tap_feature(phone, first, gym)
    first.wait_for_function(PANEL_READY_JS, arg=gym, timeout=30_000)
    assert url_feature(phone) == gym
    replies.release()
    phone.wait_for_function("() => !document.getElementById('qz-preview')", timeout=60_000)
    map_frame(phone).wait_for_function(PANEL_READY_JS, arg=gym, timeout=30_000)
    query = parse_qs(urlsplit(phone.url).query)
    assert query["feature"] == [gym]
    assert query["lang"] == ["zh"] and "layers" in query  # what the server wrote is there too


def test_an_article_asked_for_in_the_first_map_opens_when_streamlit_is_there(phone, cluster, index):
    gym = "qujiang-gymnasium"
    held = HeldPage(phone)
    phone.goto(f"{cluster.url}?feature={gym}", wait_until="commit")  # a shared link to the place
    first = preview_frame(phone)
    first.wait_for_function(PANEL_READY_JS, arg=gym, timeout=60_000)  # the link's place, in the first map
    first.locator(".qz-panel .qz-read").first.tap()  # the whole article: the server's dialog
    phone.wait_for_timeout(300)
    assert phone.locator('[role="dialog"]').count() == 0  # nothing to show it yet
    held.release()
    dialog = phone.locator('[role="dialog"]')
    dialog.locator(".qz-article").wait_for(timeout=60_000)
    assert dialog.locator("mark").count() > 0  # the place's mentions marked in the article
    assert phone.locator(PREVIEW_FRAME).count() == 0


def test_a_laptop_gets_no_first_map(browser, cluster):
    context = browser.new_context(**LAPTOP)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(cluster.url)
        map_frame(page).wait_for_function(DRAWN_JS, timeout=60_000)
        assert page.locator(PREVIEW_FRAME).count() == 0
        assert not [url for url in requested if "/preview" in url]
    finally:
        context.close()
