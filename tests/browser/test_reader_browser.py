"""The reader's page on a laptop (1366x768) and a phone (390x844, touch), in headless Chromium.

Issues 22 and 23: the first click or tap selects even when the map is partly off-screen (the page
does not jump); a feature of a layer switched on in the map selects like any other; a click costs
the server nothing (no WebSocket message) and the URL follows it; on a phone the map fills the
screen under one line of title, a tap opens the excerpts in a bottom sheet without scrolling the
page, the sheet closes back to the map; nothing is clipped; touch targets are at least 44 px and
excerpt text at least 16 px. Expected names and sentences come from the pipeline at test time.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from mapdriver import map_frame, panel_name, url_feature, wait_for_panel

from bench.mapprobe import FEATURE_POINT_JS
from mapapp.coords import gcj02_from_wgs84, wgs84_from_gcj02
from mapapp.map.maplayers import map_layer_id_for

PROFILES = {
    "laptop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 3,
    },
}
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
# Counts the WebSocket messages the page sends (a run it asks the server for is one).
COUNT_SENT = """(() => {
  const Native = window.WebSocket;
  window.qzSent = 0;
  window.WebSocket = class extends Native { send(d) { window.qzSent += 1; return super.send(d); } };
})();"""
SCROLL_JS = "() => document.querySelector('[data-testid=\"stMain\"]').scrollTop"
# A link whose view is incomplete: the page says so above the map, which moves the map partly off-screen.
PUSHED_DOWN = "?z=12&layers=districts,admin,rail,roads,ports_waterways,bonded_logistics,sports"


@pytest.fixture(params=sorted(PROFILES))
def profile(request) -> str:
    return request.param


@pytest.fixture
def reader(browser, profile):
    context = browser.new_context(locale="zh-CN", **PROFILES[profile])
    context.add_init_script(COUNT_SENT)
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.profile = profile
    page.errors = errors
    yield page
    assert errors == []
    context.close()


def opened(page, url: str):
    page.goto(url)
    frame = map_frame(page)
    frame.wait_for_function(
        "() => window.map && window.qzReader && document.querySelector('.qz-panel') && "
        "document.querySelectorAll('path.leaflet-interactive').length > 0"
    )
    page.wait_for_timeout(800)  # the page settles (the URL's place drawn, the server's run done)
    return frame


def iframe_box(page) -> dict:
    return page.locator(MAP_IFRAME).bounding_box()


def press(page, frame, feature_id: str) -> None:
    """A click (laptop) or a tap (phone) where the feature's own shape is on top."""
    point = frame.evaluate(FEATURE_POINT_JS, [feature_id, False])
    assert point is not None, f"{feature_id} is not drawn where it can be pressed"
    box = iframe_box(page)
    x, y = box["x"] + point["x"], box["y"] + point["y"]
    if page.profile == "phone":
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)


def visible_point_feature(frame, page, candidates) -> str:
    """A feature from `candidates` that can be pressed where the page shows the map."""
    box, height = iframe_box(page), page.viewport_size["height"]
    for feature_id in candidates:
        point = frame.evaluate(FEATURE_POINT_JS, [feature_id, False])
        if point is not None and 60 < box["y"] + point["y"] < height - 60:
            return feature_id
    raise AssertionError(f"none of {candidates[:5]}... can be pressed on screen")


def sent(page) -> int:
    return page.evaluate("() => window.qzSent")


def test_the_first_press_on_a_partly_hidden_map_selects_and_the_page_does_not_move(reader, app_url, index):
    page = reader
    frame = opened(page, app_url + PUSHED_DOWN)
    box = iframe_box(page)
    assert box["y"] + box["height"] > page.viewport_size["height"] + 20, "the map should be partly off-screen"
    candidates = sorted(fid for fid, ex in index.excerpts.items() if ex and index.features[fid].geometry)
    feature_id = visible_point_feature(frame, page, candidates)
    scroll, before = page.evaluate(SCROLL_JS), sent(page)
    press(page, frame, feature_id)
    wait_for_panel(page, feature_id, timeout_s=5)
    assert page.evaluate(SCROLL_JS) == scroll  # focusing the map did not scroll the page
    assert panel_name(page) == index.features[feature_id].name_zh
    assert url_feature(page) == feature_id
    page.wait_for_timeout(500)
    assert sent(page) == before  # no run of the page on the server


def test_a_feature_of_a_layer_switched_on_in_the_map_selects_like_any_other(reader, app_url, index):
    page = reader
    gym_id = next(f.feature_id for f in index.features.values() if f.name_zh == "衢江区体育馆")
    layer_id = map_layer_id_for(index.features[gym_id])
    frame = opened(page, f"{app_url}?layers=districts,rail&lat=28.96&lon=118.95&z=11")
    assert frame.evaluate(FEATURE_POINT_JS, [gym_id, False]) is None  # its layer is off
    if frame.locator(".qz-switch.qz-collapsed").count():
        frame.locator(".qz-switch-head").click()
    frame.locator(f".qz-switch input[data-layer={layer_id}]").click()
    page.wait_for_function(
        "(id) => new URLSearchParams(location.search).get('layers').split(',').includes(id)", arg=layer_id
    )
    press(page, frame, gym_id)
    wait_for_panel(page, gym_id, timeout_s=5)
    assert panel_name(page) == "衢江区体育馆" and url_feature(page) == gym_id


@pytest.mark.parametrize("profile", ["phone"])  # the phone layout: run on this profile only, never skipped
def test_a_phone_shows_the_map_under_one_line_and_the_excerpts_in_a_sheet(reader, app_url, index):
    page = reader
    frame = opened(page, app_url)
    box, height = iframe_box(page), page.viewport_size["height"]
    assert box["y"] <= 50 and abs(box["y"] + box["height"] - height) <= 1  # one line of title, then the map
    assert page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]'); return m.scrollHeight <= m.clientHeight; }"
    )
    title = page.locator(".st-key-qz_title h1").bounding_box()
    assert title["height"] <= 50
    for x in (20, 120, 370):  # Streamlit's header covers the title line only: below it, every tap is the map's
        assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName", [x, box["y"] + 3]) == "IFRAME"
    zone_id = next(f.feature_id for f in index.features.values() if f.name_zh == "大路章作业区")
    feature_id = visible_point_feature(frame, page, [zone_id, *sorted(index.excerpts)])
    press(page, frame, feature_id)
    wait_for_panel(page, feature_id, timeout_s=5)
    frame.wait_for_function("() => document.querySelector('.qz-panel').getAnimations().length === 0")  # slid in
    first = frame.locator(".qz-panel .qz-excerpt").first
    r, box = first.bounding_box(), iframe_box(page)  # (the frame's box is in page coordinates already)
    assert r["y"] >= 0 and r["y"] + 40 <= height, "the first excerpt is not on screen"
    sheet = frame.locator(".qz-panel").bounding_box()
    assert sheet["y"] >= box["y"] and sheet["y"] + sheet["height"] <= height + 1
    assert page.evaluate(SCROLL_JS) == 0
    assert frame.locator(".leaflet-popup").count() == 0  # the sheet says it; no popup under it
    # the place stays on the map, above the sheet
    ring = frame.locator(".qz-selection-ring, .leaflet-qz-selection-pane path").first.bounding_box()
    assert ring is not None and ring["y"] < sheet["y"]
    frame.locator(".qz-panel .qz-close").click()
    frame.wait_for_function("() => !document.querySelector('.qz-panel').classList.contains('qz-open')")
    assert url_feature(page) is None


@pytest.mark.parametrize("profile", ["phone"])  # the phone layout: run on this profile only, never skipped
def test_touch_targets_and_text_sizes_on_a_phone(reader, app_url, index):
    page = reader
    gym_id = next(f.feature_id for f in index.features.values() if f.name_zh == "衢江区体育馆")
    frame = opened(page, f"{app_url}?feature={gym_id}")
    wait_for_panel(page, gym_id)
    opener = page.locator('[data-testid="stExpandSidebarButton"]').bounding_box()
    assert opener["width"] >= 44 and opener["height"] >= 44
    label = page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-testid=\"stExpandSidebarButton\"]'), '::after').content"
    )
    assert "搜索" in label  # the sidebar (search, language, basemap) is one labelled tap away
    frame.locator(".qz-switch-head").click()
    targets = [
        ".leaflet-control-zoom-in",
        ".leaflet-control-zoom-out",
        ".qz-switch-head",
        ".qz-switch label",
        ".qz-asof label.qz-asof-on",
        ".qz-panel .qz-close",
        ".qz-panel .qz-sheet-handle",
        ".qz-panel .qz-button",
    ]
    small = []
    for selector in targets:
        for n, box in enumerate(
            frame.locator(selector).evaluate_all("(els) => els.map((e) => e.getBoundingClientRect().toJSON())")
        ):
            if box["width"] and (box["width"] < 44 or box["height"] < 44):
                small.append(f"{selector}[{n}] {box['width']:.0f}x{box['height']:.0f}")
    assert small == []
    sizes = frame.locator(".qz-panel .qz-excerpt").evaluate_all(
        "(els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes and min(sizes) >= 16


def test_popups_and_tooltips_stay_inside_the_map(reader, app_url, index):
    page = reader
    frame = opened(page, app_url)
    # A place moved to just below the map's top edge: its popup and tooltip are the ones that would be cut.
    feature_id = next(f.feature_id for f in index.features.values() if f.name_zh == "衢江区体育馆")
    frame.evaluate(
        """(id) => { let at = null;
          window.map.eachLayer((l) => { if (l.feature && l._icon && l.feature.properties.id === id) at = l.getLatLng(); });
          const p = window.map.latLngToContainerPoint(at), size = window.map.getSize();
          window.map.panBy([p.x - size.x / 2, p.y - 40], {animate: false}); }""",
        feature_id,
    )
    page.wait_for_timeout(300)
    box = frame.locator("#map_div").bounding_box()

    def inside(selector: str) -> bool:
        r = frame.locator(selector).last.bounding_box()
        return (
            r["x"] >= box["x"] - 1
            and r["y"] >= box["y"] - 1
            and r["x"] + r["width"] <= box["x"] + box["width"] + 1
            and r["y"] + r["height"] <= box["y"] + box["height"] + 1
        )

    if page.profile == "laptop":
        point = frame.evaluate(FEATURE_POINT_JS, [feature_id, False])
        frame.locator("#map_div").hover(position=point)
        frame.locator(".leaflet-tooltip").last.wait_for()
        page.wait_for_timeout(100)
        assert inside(".leaflet-tooltip")
        press(page, frame, feature_id)
        frame.locator(".leaflet-popup").last.wait_for()
        page.wait_for_timeout(400)  # the map pans to show the whole popup
        assert inside(".leaflet-popup")
    else:
        press(page, frame, feature_id)
        wait_for_panel(page, feature_id, timeout_s=5)
        frame.wait_for_function("() => document.querySelector('.qz-panel').getAnimations().length === 0")
        if frame.locator(".leaflet-tooltip").count():
            assert inside(".leaflet-tooltip")
        sheet = frame.locator(".qz-panel").bounding_box()
        assert sheet["x"] >= box["x"] - 1 and sheet["x"] + sheet["width"] <= box["x"] + box["width"] + 1


def test_a_related_place_and_the_copy_button_work_in_the_browser(reader, app_url, index):
    page = reader
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url.rstrip("/"))
    feature_id = next(fid for fid, related in sorted(index.related.items()) if related and fid in index.features)
    frame = opened(page, f"{app_url}?feature={feature_id}")
    wait_for_panel(page, feature_id)
    before = sent(page)
    button = frame.locator(".qz-panel .qz-related-place").first
    target = button.get_attribute("data-feature")
    button.click()
    wait_for_panel(page, target, timeout_s=5)
    assert url_feature(page) == target and sent(page) == before
    frame.locator(".qz-panel .qz-copy").click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert parse_qs(urlsplit(copied).query)["feature"] == [target] and copied == page.url


@pytest.mark.parametrize("profile", ["laptop"])  # once is enough: run on this profile only, never skipped
def test_the_browsers_gcj02_conversion_agrees_with_mapapp_coords(reader, app_url):
    page = reader
    frame = opened(page, app_url)
    points = [(118.87, 28.94), (118.6, 29.3), (121.47, 31.23), (116.4, 39.9), (-122.33, 47.61)]
    for lon, lat in points:
        got_lat, got_lon = frame.evaluate("([lat, lon]) => window.qzReader.gcjFromWgs(lat, lon)", [lat, lon])
        want_lon, want_lat = gcj02_from_wgs84(lon, lat)
        assert abs(got_lat - want_lat) < 1e-9 and abs(got_lon - want_lon) < 1e-9
        back_lat, back_lon = frame.evaluate(
            "([lat, lon]) => window.qzReader.wgsFromGcj(lat, lon)", [want_lat, want_lon]
        )
        ref_lon, ref_lat = wgs84_from_gcj02(want_lon, want_lat)
        assert abs(back_lat - ref_lat) < 1e-6 and abs(back_lon - ref_lon) < 1e-6  # prcoords iterates to 1e-5°...
        assert abs(back_lat - lat) < 1e-8 and abs(back_lon - lon) < 1e-8  # ...the browser to the point it came from


@pytest.mark.parametrize("profile", ["laptop"])  # once is enough: run on this profile only, never skipped
def test_a_run_of_the_page_after_clicks_keeps_what_the_browser_shows(reader, app_url, index):
    # The page sends its address bar with every run it asks for (reader.js tells Streamlit's page to):
    # a language change after a click keeps the clicked place, the layers and the view.
    page = reader
    frame = opened(page, app_url)
    feature_id = visible_point_feature(frame, page, sorted(fid for fid, ex in index.excerpts.items() if ex))
    press(page, frame, feature_id)
    wait_for_panel(page, feature_id, timeout_s=5)
    before = parse_qs(urlsplit(page.url).query)
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('lang') === 'en'")
    after = parse_qs(urlsplit(page.url).query)
    assert after["feature"] == [feature_id]
    assert {k: after.get(k) for k in ("layers", "lat", "lon", "z")} == {
        k: before.get(k) for k in ("layers", "lat", "lon", "z")
    }
    wait_for_panel(page, feature_id)
    frame.wait_for_function(
        "(name) => document.querySelector('.qz-panel .qz-place h2').textContent === name",
        arg=index.features[feature_id].name_en or index.features[feature_id].name_zh,
    )
