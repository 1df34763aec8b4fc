"""The app in headless Chromium, offline (tile hosts blocked): draw, toggle, click, deep links.

Expected sentences come from the pipeline at test time (idx.excerpts), never typed by hand.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from mapdriver import (
    click_feature,
    drawn_feature_ids,
    map_frame,
    map_view,
    open_app,
    panel_name,
    switch_layer,
    url_feature,
    wait_for_excerpt,
    wait_for_panel,
    wait_until_idle,
)

from bench.mapprobe import FEATURE_POINT_JS
from mapapp.map.maplayers import is_district, map_layer_id_for
from mapapp.map.viewport import view_for_feature
from mapapp.models import Excerpt


def feature_id_named(index, name: str) -> str:
    """The feature whose official name (else one of whose aliases) is `name`."""
    found = [f.feature_id for f in index.features.values() if f.name_zh == name]
    found = found or [f.feature_id for f in index.features.values() if name in f.aliases]
    assert len(found) == 1, f"expected one feature named {name}, found {found}"
    return found[0]


def excerpt_with(index, feature_id: str, words: str) -> Excerpt:
    found = [e for e in index.excerpts.get(feature_id, ()) if words in e.text]
    assert found, f"the pipeline gives {feature_id} no excerpt with {words!r}"
    return found[0]


def fragment(excerpt: Excerpt, around: int = 10) -> str:
    """A piece of the excerpt around its first highlight, as the panel shows it."""
    start, end = excerpt.highlights[0] if excerpt.highlights else (0, 0)
    return excerpt.text[max(0, start - around) : end + around].strip()


def test_map_draws_offline_and_no_request_leaves_the_app(page, app_url, requests_log):
    frame = open_app(page, app_url)
    assert len(drawn_feature_ids(frame)) > 10
    assert requests_log.foreign(app_url) == []
    assert any("/app/static/vendor/leaflet-" in url for url in requests_log.urls)


def test_hiding_rail_in_the_map_removes_rail_lines_keeps_the_view_and_updates_the_link(page, app_url, index):
    rail_ids = {f.feature_id for f in index.features.values() if map_layer_id_for(f) == "rail"}
    frame = open_app(page, app_url)
    assert drawn_feature_ids(frame) & rail_ids
    frame.evaluate("() => window.map.setView([28.97, 118.93], 11, {animate: false})")
    wait_until_idle(page)
    before = map_view(frame)
    assert before[2] == 11
    # On this narrow map the switch starts folded, showing only its button.
    assert frame.locator(".qz-switch-head").get_attribute("aria-expanded") == "false"
    assert not frame.locator(".qz-switch-body").is_visible()
    box = frame.locator(".qz-switch input[data-layer=rail]")
    assert box.is_checked()
    switch_layer(frame, "铁路")
    assert frame.locator(".qz-switch-head").get_attribute("aria-expanded") == "true"
    # The switch works in the browser: the lines are gone before any answer from the server.
    assert not drawn_feature_ids(frame) & rail_ids
    assert not box.is_checked()
    wait_until_idle(page)
    assert not map_frame(page).is_detached() and map_frame(page) == frame  # the map was not rebuilt
    assert not drawn_feature_ids(frame) & rail_ids  # and the server's answer did not bring them back
    after = map_view(frame)
    assert after[2] == before[2]
    assert after[0] == pytest.approx(before[0], abs=1e-6) and after[1] == pytest.approx(before[1], abs=1e-6)
    page.wait_for_function("() => !new URLSearchParams(location.search).get('layers').split(',').includes('rail')")
    layers = parse_qs(urlsplit(page.url).query)["layers"][0].split(",")
    assert "rail" not in layers and "roads" in layers
    # And back on: the lines return, drawn again; the switch stayed open through the server's answer.
    assert frame.locator(".qz-switch-body").is_visible()
    switch_layer(frame, "铁路")
    assert drawn_feature_ids(frame) & rail_ids
    page.wait_for_function("() => new URLSearchParams(location.search).get('layers').split(',').includes('rail')")


def test_search_for_a_place_in_a_hidden_layer_turns_its_layer_on(page, app_url, index):
    zone_id = feature_id_named(index, "衢州综合保税区")
    layer_id = map_layer_id_for(index.features[zone_id])
    frame = open_app(page, f"{app_url}?layers=rail")
    assert zone_id not in drawn_feature_ids(frame)
    assert not frame.locator(f".qz-switch input[data-layer={layer_id}]").is_checked()
    box = page.locator('[data-testid="stSidebar"] input[type="text"]').first
    box.fill("综保区")
    box.press("Enter")
    wait_until_idle(page)
    page.locator('[data-testid="stSidebar"] button', has_text="衢州综合保税区").first.click()
    frame = map_frame(page)
    frame.wait_for_function(
        "(id) => { let found = false; window.map.eachLayer((l) => { if (l.feature && l.feature.properties.id === id) found = true; }); return found; }",
        arg=zone_id,
    )
    assert frame.locator(f".qz-switch input[data-layer={layer_id}]").is_checked()
    page.wait_for_function(
        "(id) => new URLSearchParams(location.search).get('layers').split(',').includes(id)", arg=layer_id
    )


def test_switching_basemap_keeps_the_view_the_overlays_and_the_switched_off_layers(page, app_url, index):
    frame = open_app(page, app_url)
    frame.evaluate("() => window.map.setView([28.97, 118.93], 11, {animate: false})")
    wait_until_idle(page)
    switch_layer(frame, "公路")  # roads off in the browser; the new map must start from that
    page.wait_for_function("() => !new URLSearchParams(location.search).get('layers').split(',').includes('roads')")
    wait_until_idle(page)
    drawn = drawn_feature_ids(frame)
    assert not any(map_layer_id_for(index.features[fid]) == "roads" for fid in drawn)
    page.locator('[data-testid="stSidebar"]').get_by_text("无底图", exact=True).click()
    page.wait_for_function("() => true")  # let the click reach the server
    for _ in range(100):  # a new basemap rebuilds the component: its iframe is replaced
        if frame.is_detached():
            break
        page.wait_for_timeout(100)
    assert frame.is_detached()
    frame = map_frame(page)
    frame.wait_for_function(
        "() => window.map && window.map.getZoom() === 11 && document.querySelectorAll('path.leaflet-interactive').length > 0"
    )
    lat, lon, _ = map_view(frame)
    assert lat == pytest.approx(28.97, abs=1e-3) and lon == pytest.approx(118.93, abs=1e-3)  # within a pixel at zoom 11
    assert drawn_feature_ids(frame) == drawn  # the same layers: roads still off
    assert not frame.locator(".qz-switch input[data-layer=roads]").is_checked()
    assert frame.locator(".leaflet-tile-pane img").count() == 0


def test_click_port_zone_shows_its_upgrade_sentence(page, app_url, index):
    zone_id = feature_id_named(index, "大路章作业区")
    excerpt = excerpt_with(index, zone_id, "一期技改")
    open_app(page, app_url)
    click_feature(page, zone_id)
    popup = map_frame(page).locator(".qz-popup").last
    popup.wait_for()  # the popup answers at once
    assert index.features[zone_id].name_zh in popup.inner_text()
    wait_for_excerpt(page, fragment(excerpt))
    assert url_feature(page) == zone_id  # the URL follows the click in the browser


def test_click_bonded_zone_shows_its_opening_sentence(page, app_url, index):
    zone_id = feature_id_named(index, "衢州综合保税区")
    excerpt = excerpt_with(index, zone_id, "封关")
    open_app(page, app_url)
    click_feature(page, zone_id)
    wait_for_excerpt(page, fragment(excerpt))


def test_click_rail_line_shows_its_sentences(page, app_url, index):
    line_id = feature_id_named(index, "杭衢高铁")
    excerpts = index.excerpts[line_id]
    assert excerpts
    open_app(page, app_url)
    click_feature(page, line_id)
    for excerpt in excerpts[:4]:
        wait_for_excerpt(page, fragment(excerpt))


def test_click_district_polygon_shows_its_excerpts(page, app_url, index):
    districts = [
        f for f in index.features.values() if is_district(f) and index.excerpts.get(f.feature_id) and not f.external
    ]
    assert districts, "no district polygon with excerpts"
    district = min(districts, key=lambda f: (f.name_zh != "衢江区", f.feature_id))
    open_app(page, app_url)
    click_feature(page, district.feature_id)
    wait_for_excerpt(page, fragment(index.excerpts[district.feature_id][0]))
    assert panel_name(page) == district.name_zh


def test_deep_link_selects_the_gymnasium(page, app_url, index):
    gym_id = feature_id_named(index, "衢江区体育馆")
    excerpt = excerpt_with(index, gym_id, "浙BA")
    frame = open_app(page, f"{app_url}?feature={gym_id}")
    wait_for_excerpt(page, fragment(excerpt))
    name = index.features[gym_id].name_zh
    assert panel_name(page) == name
    assert name in frame.locator(".qz-popup").last.inner_text()
    assert frame.evaluate("() => window.map.getZoom()") >= 10


def test_full_link_restores_layers_basemap_language_and_view(page, app_url, index):
    gym_id = feature_id_named(index, "衢江区体育馆")
    frame = open_app(
        page, f"{app_url}?feature={gym_id}&layers=sports,rail&basemap=none&lang=en&lat=28.97&lon=118.93&z=12"
    )
    lat, lon, zoom = map_view(frame)
    assert (round(lat, 2), round(lon, 2), zoom) == (28.97, 118.93, 12)
    drawn_layers = {map_layer_id_for(index.features[fid]) for fid in drawn_feature_ids(frame)}
    assert drawn_layers <= {"sports", "rail"}
    assert frame.locator(".leaflet-tile-pane img").count() == 0  # no basemap
    assert frame.locator(".qz-switch-head").inner_text() == "Layers"  # English interface, in the map too
    switched_on = frame.locator(".qz-switch input:checked").evaluate_all("(boxes) => boxes.map((b) => b.dataset.layer)")
    assert sorted(switched_on) == ["rail", "sports"]
    query = parse_qs(urlsplit(page.url).query)
    assert query["lang"] == ["en"] and query["basemap"] == ["none"] and query["feature"] == [gym_id]
    wait_for_panel(page, gym_id)
    assert panel_name(page) == index.features[gym_id].name_en  # the panel in English too


def test_garbage_in_the_link_gives_a_notice_and_a_working_map(page, app_url):
    evil = "<img src=x onerror=window.qzPwned=1>"
    frame = open_app(page, f"{app_url}?feature={quote(evil)}&z=abc&layers={'x' * 5000}")
    notices = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any(evil in text for text in notices), notices
    assert len(drawn_feature_ids(frame)) > 10
    assert page.evaluate("() => window.qzPwned") is None


def test_search_selects_and_zooms(page, app_url, index):
    zone_id = feature_id_named(index, "衢州综合保税区")
    open_app(page, app_url)
    box = page.locator('[data-testid="stSidebar"] input[type="text"]').first
    box.fill("综保区")
    box.press("Enter")
    wait_until_idle(page)
    page.locator('[data-testid="stSidebar"] button', has_text=index.features[zone_id].name_zh).first.click()
    wait_for_excerpt(page, fragment(excerpt_with(index, zone_id, "封关")))
    expected_zoom = view_for_feature(index.features[zone_id]).zoom
    map_frame(page).wait_for_function("(z) => window.map.getZoom() === z", arg=expected_zoom)
    assert url_feature(page) == zone_id


def test_reader_mention_selects_its_place(page, app_url, index):
    gym_id = feature_id_named(index, "衢江区体育馆")
    frame = open_app(page, f"{app_url}?feature={gym_id}")
    wait_for_panel(page, gym_id)
    frame.locator(".qz-panel .qz-read").first.click()  # the whole article: a dialog from the server
    dialog = page.locator('[role="dialog"]')
    dialog.locator(".qz-article").wait_for()
    link = dialog.locator("a.qz-mention").filter(has_not=page.locator("mark.qz-selected")).first
    target = parse_qs(urlsplit(link.get_attribute("href")).query)["feature"][0]
    link.click()
    page.wait_for_url(f"**feature={target}**")
    wait_for_panel(page, target)
    assert panel_name(page) == index.features[target].name_zh


AREA_PATHS_JS = "() => document.querySelectorAll('.leaflet-qz-areas-pane path').length"


def test_approximate_place_shows_its_halo_on_hover_and_when_selected_and_districts_stay_clickable(page, app_url, index):
    gym_id = feature_id_named(index, "衢江区体育馆")
    assert index.features[gym_id].location_basis in ("address", "area")
    frame = open_app(page, app_url)
    districts_only = frame.evaluate(AREA_PATHS_JS)  # no halo while nothing is selected or hovered
    point = frame.evaluate(FEATURE_POINT_JS, [gym_id, True])
    wait_until_idle(page)
    frame = map_frame(page)
    point = frame.evaluate(FEATURE_POINT_JS, [gym_id, False])
    assert point is not None
    frame.locator("#map_div").hover(position=point)
    frame.wait_for_function(
        "(n) => document.querySelectorAll('.leaflet-qz-areas-pane path').length === n + 1", arg=districts_only
    )
    assert "位置约略" in frame.locator(".leaflet-tooltip").first.inner_text()
    frame.locator("#map_div").hover(position={"x": 5, "y": 300})
    frame.wait_for_function(
        "(n) => document.querySelectorAll('.leaflet-qz-areas-pane path').length === n", arg=districts_only
    )

    district_id = feature_id_named(index, "衢江区")
    frame = open_app(page, f"{app_url}?feature={gym_id}")
    assert frame.evaluate(AREA_PATHS_JS) == districts_only + 1  # the selected place's halo
    click_feature(page, district_id)  # through the halo, which lies over the district
    wait_for_excerpt(page, fragment(index.excerpts[district_id][0]))
    assert panel_name(page) == "衢江区"
