"""A reader in headless Chromium whose Streamlit replica dies behind nginx (scripts/serve.sh, 2 replicas).

The reader opens a link with a place selected and a view that is neither the default nor the place's
own (built with mapapp.app.urlstate from the data, never typed), or moves the map after opening it;
then the replica serving them (nginx's X-Qz-Replica answer for their qz_reader cookie) is SIGKILLed.
Within 10 s of the kill the page must show the same view as its URL (the Leaflet map's centre and zoom,
read from the map object in the component's iframe), the place in the place panel and no error, and a
click on a map feature must still select it; the new session takes the reader's state from the URL
(a language change then keeps the place and the view). Needs nginx and chromium: skips locally without them and
FAILS under CI=true (like tests/test_serve.py).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import signal
import time
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from conftest import nginx_cluster
from mapdriver import map_frame, map_view, open_app, panel_name, wait_for_panel, wait_until_idle
from playwright.sync_api import Error as PlaywrightError

from bench.mapprobe import DRAWN_IDS_JS, FEATURE_POINT_JS
from bench.servecluster import ServedCluster
from mapapp.app.urlstate import UrlState, query_from_state
from mapapp.map.maplayers import default_layer_ids, map_layers_from_specs
from mapapp.map.markup import feature_name
from mapapp.map.viewport import DEFAULT_ZOOM, View, view_for_feature

RECOVER_S = 10  # the reader has the same view back within this many seconds of the kill
READER_COOKIE = "qz_reader"
ERROR_SELECTORS = '[data-testid="stException"], [data-testid="stAlert"], [role="dialog"]'


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with nginx_cluster(tmp_path_factory.mktemp("failover"), replicas=2) as served:
        yield served


def _place(index, name_zh: str):
    found = [f for f in index.features.values() if f.name_zh == name_zh]
    assert len(found) == 1, f"expected one feature named {name_zh}, found {[f.feature_id for f in found]}"
    return found[0]


def _link(cluster: ServedCluster, index, state: UrlState) -> str:
    defaults = default_layer_ids(map_layers_from_specs(index.layers))
    return cluster.url + "?" + urlencode(query_from_state(state, default_layer_ids=defaults))


def _url_view(url: str) -> View:
    query = parse_qs(urlsplit(url).query)
    assert {"lat", "lon", "z"} <= query.keys(), f"the URL holds no view: {url}"
    return View(lat=float(query["lat"][0]), lon=float(query["lon"][0]), zoom=int(query["z"][0]))


def _pixel_deg(zoom: int) -> float:
    """Degrees of longitude in one screen pixel at `zoom` (a latitude degree near Quzhou is smaller)."""
    return 360 / (256 * 2**zoom)


def _shows(frame, view: View) -> bool:
    lat, lon, zoom = map_view(frame)
    return zoom == view.zoom and abs(lat - view.lat) <= _pixel_deg(zoom) and abs(lon - view.lon) <= _pixel_deg(zoom)


def _port_of(cluster: ServedCluster, cookie: str) -> int:
    """The replica nginx sends a reader with this cookie to (its X-Qz-Replica answer)."""
    request = urllib.request.Request(cluster.url + "_stcore/health", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.headers["X-Qz-Replica"].split(",")[-1].rsplit(":", 1)[1])


def _replica_port(cluster: ServedCluster, page) -> int:
    """The replica nginx sends this browser's reader to (by its qz_reader cookie)."""
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == READER_COOKIE)
    return _port_of(cluster, f"{READER_COOKIE}={cookie}")


def _warm_ups(cluster: ServedCluster, port: int) -> int:
    log = cluster.run_dir / f"replica-{port}.log"
    return log.read_text(encoding="utf-8", errors="replace").count(f"warm-up: 127.0.0.1:{port} ran the page in ")


def _wait_until_warm_again(cluster: ServedCluster, port: int, warmed: int) -> None:
    """serve.sh starts the killed replica again and warms it, and nginx sends readers to it again (it
    skips a replica that failed for fail_timeout): the next test starts from two replicas."""
    deadline = time.monotonic() + 120
    while _warm_ups(cluster, port) <= warmed:
        assert time.monotonic() < deadline, f"the replica on port {port} was not started and warmed again"
        time.sleep(0.5)
    probes = (f"{READER_COOKIE}=probe{n:03d}" for n in itertools.count())
    while _port_of(cluster, next(probes)) != port:
        assert time.monotonic() < deadline, f"nginx sends no reader to the replica on port {port} again"
        time.sleep(0.1)


def _errors(page) -> list[str]:
    texts = page.locator(ERROR_SELECTORS).all_inner_texts()
    if page.get_by_text(re.compile("having trouble loading")).count():
        texts.append("having trouble loading the map component")
    return texts


def _recovered(page, view: View | None, heading: str) -> list[str]:
    """What keeps the page from showing `view` in its map and URL (to a pixel; None: the view its URL
    holds now, which the map may still be moving, e.g. to show a click's popup whole), `heading` in its
    side panel, and no error."""
    problems = []
    view = view if view is not None else _url_view(page.url)
    try:
        frame = map_frame(page)
        if not frame.evaluate("() => !!window.map"):
            problems.append("no map in the component")
        elif not _shows(frame, view):
            problems.append(f"the map shows {map_view(frame)}")
    except PlaywrightError as error:  # a frame replaced while it is read: look again
        problems.append(f"the map frame is changing ({type(error).__name__})")
    url_view = _url_view(page.url)
    if url_view.zoom != view.zoom or max(abs(url_view.lat - view.lat), abs(url_view.lon - view.lon)) > _pixel_deg(
        view.zoom
    ):
        problems.append(f"the URL holds {url_view}")
    try:
        shown = panel_name(page)
    except PlaywrightError as error:
        shown = f"nothing readable ({type(error).__name__})"
    if shown != heading:
        problems.append(f"the place panel shows {shown!r}")
    problems += [f"error on the page: {text[:200]}" for text in _errors(page)]
    return problems


def _wait_recovered(page, view: View | None, heading: str, since: float) -> None:
    problems = ["not checked"]
    while time.monotonic() < since + RECOVER_S:
        problems = _recovered(page, view, heading)
        if not problems:
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"{RECOVER_S} s after the kill: " + "; ".join(problems))


def _clickable_feature(frame, but: set[str]) -> str:
    """A feature not in `but` that a click at the current view hits (the view is not moved)."""
    for feature_id in sorted(set(frame.evaluate(DRAWN_IDS_JS)) - but):
        if frame.evaluate(FEATURE_POINT_JS, [feature_id, False]) is not None:
            return feature_id
    raise AssertionError("no other feature can be clicked at this view")


def _click(page, index, but: set[str], lang: str) -> str:
    """Click a feature not in `but` on the map; wait until the URL and the place panel have it."""
    frame = map_frame(page)
    feature_id = _clickable_feature(frame, but)
    frame.locator("#map_div").click(position=frame.evaluate(FEATURE_POINT_JS, [feature_id, False]))
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("feature") == [feature_id], timeout=10_000)
    wait_for_panel(page, feature_id, timeout_s=10)
    assert panel_name(page) == feature_name(index.features[feature_id], lang)
    _settled(page)
    return feature_id


def _settled(page, quiet_ms: int = 1000) -> None:
    """Wait until the click's popup is open and neither the URL nor the map's view has changed for
    `quiet_ms`: the map may still pan so that the popup is seen whole (on a loaded machine over a second
    after the click's URL), and the URL follows it when it stops."""
    with contextlib.suppress(PlaywrightError):
        map_frame(page).locator(".leaflet-popup").first.wait_for(timeout=3_000)

    def now() -> tuple[str, object]:
        try:
            return page.url, map_view(map_frame(page))
        except PlaywrightError:  # a frame replaced while it is read: not settled
            return page.url, time.monotonic()

    last, since = now(), time.monotonic()
    deadline = since + 10
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        if (current := now()) != last:
            last, since = current, time.monotonic()
        elif (time.monotonic() - since) * 1000 >= quiet_ms:
            return
    raise AssertionError(f"the URL or the map kept changing for 10 s: {page.url}")


def _choose_by_search(page, place) -> None:
    """Type the place's name in the sidebar search and press its result; wait until the URL has it."""
    box = page.locator('[data-testid="stSidebar"] input[type="text"]').first
    box.fill(place.name_zh)
    box.press("Enter")
    wait_until_idle(page)
    page.locator('[data-testid="stSidebar"] button', has_text=place.name_zh).first.click()
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("feature") == [place.feature_id])
    wait_until_idle(page)


def _drag(page, dx: float, dy: float, *, wheel: bool = False) -> None:
    """Drag the map by (dx, dy) pixels with the mouse (and zoom in one wheel step), as a person would."""
    box = map_frame(page).locator("#map_div").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=8)
    page.mouse.up()
    if wheel:
        page.mouse.wheel(0, -120)


def _kill_readers_replica_and_reconnect(cluster: ServedCluster, page) -> tuple[int, int, float]:
    """SIGKILL the reader's replica; wait until Streamlit's client has its WebSocket open again (to the
    replica left). The killed port, how often it had been warmed, and when it was killed."""
    sockets: list = [None]  # the connection opened before the kill (the listener comes after it)
    page.on("websocket", lambda socket: sockets.append(socket))
    port = _replica_port(cluster, page)
    victim = next(r for r in cluster.replicas() if r.port == port)
    warmed = _warm_ups(cluster, port)
    os.kill(victim.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    while not (len(sockets) >= 2 and not sockets[-1].is_closed()):
        assert time.monotonic() < killed_at + RECOVER_S, "the page did not reconnect"
        page.wait_for_timeout(100)
    return port, warmed, killed_at


def test_a_link_with_a_view_comes_back_with_that_view_when_the_readers_replica_dies(cluster, page, index):
    place = _place(index, "衢江区体育馆")
    own = view_for_feature(place)
    view = View(lat=own.lat, lon=own.lon, zoom=own.zoom + 1)  # not where selecting the place alone zooms
    assert view.zoom != DEFAULT_ZOOM
    page.goto(_link(cluster, index, UrlState(feature_id=place.feature_id, basemap="none", lang="en", view=view)))
    frame = map_frame(page)
    frame.wait_for_function("() => window.map && document.querySelectorAll('path.leaflet-interactive').length > 0")
    # The replica dies while the page is still settling: the map has just been drawn and reported.
    port, warmed, killed_at = _kill_readers_replica_and_reconnect(cluster, page)
    _wait_recovered(page, view, feature_name(place, "en"), killed_at)
    # The reader's next click on the map selects what they clicked (the map moves only as far as its
    # popup needs to be seen whole), and the URL follows the map.
    clicked = _click(page, index, {place.feature_id}, "en")
    _wait_recovered(page, None, feature_name(index.features[clicked], "en"), time.monotonic())
    _wait_until_warm_again(cluster, port, warmed)


def test_a_reader_who_moved_the_map_gets_the_moved_view_back_when_their_replica_dies(cluster, page, index):
    place = _place(index, "衢江区体育馆")
    open_app(page, _link(cluster, index, UrlState(feature_id=place.feature_id)))
    opened = _url_view(page.url)
    # A click on the map, then the place again from the search: the click is not the selection now.
    clicked = _click(page, index, {place.feature_id}, "zh")
    _choose_by_search(page, place)
    # The reader drags the map and zooms in; the URL follows.
    _drag(page, -140, -90, wheel=True)
    page.wait_for_url(lambda url: _url_view(url).zoom > opened.zoom, timeout=10_000)
    wait_until_idle(page)
    moved = _url_view(page.url)
    assert (moved.lat, moved.lon) != (opened.lat, opened.lon)
    assert _shows(map_frame(page), moved), (map_view(map_frame(page)), moved)

    port, warmed, killed_at = _kill_readers_replica_and_reconnect(cluster, page)
    _wait_recovered(page, moved, place.name_zh, killed_at)
    # The first thing the replica left hears from the reader is a drag: the earlier click is not
    # taken for a new one, and the map and the URL agree.
    _drag(page, 60, 40)
    page.wait_for_timeout(1500)
    wait_until_idle(page)
    _wait_recovered(page, None, place.name_zh, time.monotonic())
    assert parse_qs(urlsplit(page.url).query)["feature"] == [place.feature_id]
    # A click on the map still selects.
    clicked = _click(page, index, {place.feature_id, clicked}, "zh")
    view = _url_view(page.url)
    _wait_recovered(page, view, feature_name(index.features[clicked], "zh"), time.monotonic())
    # The new session takes that click and that view from the URL: a run it makes writes them back.
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('lang') === 'en'", timeout=10_000)
    _wait_recovered(page, view, feature_name(index.features[clicked], "en"), time.monotonic())
    assert parse_qs(urlsplit(page.url).query)["feature"] == [clicked]
    # And the URL alone brings the same view back in a new page.
    page.reload()
    _wait_recovered(page, view, feature_name(index.features[clicked], "en"), time.monotonic())
    _wait_until_warm_again(cluster, port, warmed)


def test_a_place_chosen_by_search_after_a_click_is_kept_when_the_replica_dies_right_after(cluster, page, index):
    # The new session's first run comes with the URL the search wrote (the address bar): the click
    # before the search must not come back.
    place = _place(index, "衢江区体育馆")
    open_app(page, _link(cluster, index, UrlState(feature_id=place.feature_id)))
    clicked = _click(page, index, {place.feature_id}, "zh")
    _choose_by_search(page, place)
    chosen = _url_view(page.url)
    port, warmed, killed_at = _kill_readers_replica_and_reconnect(cluster, page)
    _wait_recovered(page, chosen, place.name_zh, killed_at)
    page.wait_for_timeout(1000)  # and it stays so: no later run brings the click back
    assert parse_qs(urlsplit(page.url).query)["feature"] == [place.feature_id], (clicked, page.url)
    _wait_until_warm_again(cluster, port, warmed)
