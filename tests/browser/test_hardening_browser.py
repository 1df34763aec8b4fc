"""Hostile text, broken data, bad links and no network, in the real page (headless Chromium).

The app is started on temporary data folders (QZ_SEEDS_DIR, QZ_GEODATA_DIR, QZ_LAYERS_DIR) made by
tests/datafactory.py. A payload that ran would set window.qzPwned or open a dialog; both are watched
in the page and in the map's iframe.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from datafactory import BROKEN_EXPECTED, EVIL, SCRIPT
from mapdriver import (
    click_feature,
    drawn_feature_ids,
    map_frame,
    open_app,
    wait_for_excerpt,
    wait_until_idle,
)

from bench.mapprobe import FEATURE_POINT_JS
from mapapp.map.maplayers import map_layer_id_for
from mapapp.map.mapview import TILE_HOSTS
from mapapp.map.wording import TEXT

# Runs in every frame before the page's own scripts: a dialog a payload opens is recorded as a flag.
TRAP_DIALOGS = """
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (message) => { window.qzPwned = name + ":" + message; };
}
"""
# Elements a payload would have created if it had been parsed as markup.
PAYLOAD_ELEMENTS = "img[src='x'], svg[onload], [onerror], a[href^='javascript']"


@pytest.fixture
def watched_page(browser):
    """A page whose dialogs are recorded, with every request away from the app's host aborted."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    context.add_init_script(TRAP_DIALOGS)
    page = context.new_page()
    page.dialogs = []
    page.aborted = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))

    def route(route):
        if urlsplit(route.request.url).hostname not in ("127.0.0.1", None):
            page.aborted.append(route.request.url)
            return route.abort("internetdisconnected")
        return route.continue_()

    context.route("**/*", route)
    page.set_default_timeout(30_000)
    yield page
    context.close()


def not_tiles(urls: list[str]) -> list[str]:
    return [url for url in urls if not (urlsplit(url).hostname or "").endswith(TILE_HOSTS)]


def assert_nothing_ran(page) -> None:
    assert page.dialogs == []
    for frame in page.frames:
        if frame.is_detached():
            continue
        assert frame.evaluate("() => window.qzPwned") is None, frame.url
        assert frame.locator(PAYLOAD_ELEMENTS).count() == 0, frame.url
    main_scripts = page.evaluate("() => [...document.scripts].filter((s) => s.textContent.includes('qzPwned')).length")
    assert main_scripts == 0


def test_hostile_text_is_shown_literally_everywhere_and_runs_nothing(watched_page, hostile_app_url, hostile_data):
    page, data = watched_page, hostile_data
    frame = open_app(page, f"{hostile_app_url}?feature={data.feature_id}")
    wait_for_excerpt(page, data.name_zh)

    # the place panel (in the map's frame, drawn with textContent): name, English name, facts,
    # description, sources, excerpts under their headline
    panel = frame.locator(".qz-panel")
    assert panel.locator(".qz-place h2").inner_text().strip() == data.name_zh
    assert panel.locator(".qz-other").inner_text() == data.name_en
    assert data.description in panel.locator(".qz-description").inner_text()
    panel.locator("details.qz-sources summary").click()
    sources = panel.locator("details.qz-sources").inner_text()
    assert data.source_title in sources and data.source_quote in sources
    assert panel.locator(".qz-headline").first.inner_text().startswith(data.headline)
    assert any(data.sentence[-40:] in text.replace("\n", "") for text in panel.locator(".qz-excerpt").all_inner_texts())

    # the whole article (a dialog the panel asks the server for): the mention a link back to the place
    panel.locator(".qz-read").first.click()
    dialog = page.locator('[role="dialog"]')
    reader = dialog.locator(".qz-article").inner_text()
    assert data.sentence in reader and f"{EVIL}又一段" in reader
    assert dialog.locator("a.qz-mention", has_text=data.name_zh).first.get_attribute("href").startswith("?feature=")
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")

    # the map: the deep link's popup, and the tooltip on hover
    assert data.name_zh in frame.locator(".qz-popup").last.inner_text()
    point = frame.evaluate(FEATURE_POINT_JS, [data.feature_id, False])
    assert point is not None
    frame.locator("#map_div").hover(position=point)
    frame.locator(".leaflet-tooltip").first.wait_for()
    assert data.name_zh in frame.locator(".leaflet-tooltip").first.inner_text()

    # the layer switch in the map: the layer's title as text
    assert data.layer_title_zh in [text.strip() for text in frame.locator(".qz-switch label").all_inner_texts()]

    # the sidebar: search results
    box = page.locator('[data-testid="stSidebar"] input[type="text"]').first
    box.fill("毒馆")
    box.press("Enter")
    wait_until_idle(page)
    labels = page.locator('[data-testid="stSidebar"] button').all_inner_texts()
    assert f"{data.name_zh} ({data.alias})" in [label.strip() for label in labels]

    assert_nothing_ran(page)
    assert not_tiles(page.aborted) == []  # nothing but the basemap tried to leave the machine


def test_broken_data_gives_a_notice_and_a_working_map(watched_page, broken_app_url):
    page = watched_page
    frame = open_app(page, broken_app_url)
    notice = page.locator('[data-testid="stAlert"]').first.inner_text()
    assert f"已跳过 {len(BROKEN_EXPECTED)} 项" in notice
    drawn = drawn_feature_ids(frame)
    assert {"dalu-zhang-zone", "qujiang-gymnasium"} <= drawn and not {
        "bowtie-park",
        "swapped-gym",
        "lost-place",
    } & drawn
    click_feature(page, "dalu-zhang-zone")
    wait_for_excerpt(page, "一期技改")
    # opened last: the list moves the map down while it unfolds
    page.locator('[data-testid="stExpander"] summary', has_text=TEXT["zh"]["problems_details"]).click()
    details = page.locator('[data-testid="stExpander"]', has_text=TEXT["zh"]["problems_details"]).inner_text()
    for file_name, item, _field, _words in BROKEN_EXPECTED:
        assert file_name in details and item in details


def test_bad_links_give_notices_echo_nothing_live_and_keep_the_map(watched_page, app_url, index):
    page = watched_page
    markdown = "[x](javascript:alert(1))**b**"
    huge = "衢" * 10 + "x" * 100_000  # 100 KB
    frame = open_app(
        page,
        f"{app_url}?feature={quote(EVIL)}&lang={quote(markdown)}&layers={quote(SCRIPT)},rail&lat=1e999&lon=x&z=9&basemap={quote(huge)}",
    )
    notices = [text for text in page.locator('[data-testid="stAlert"]').all_inner_texts() if "链接参数" in text]
    assert any(EVIL[:50] in text for text in notices), notices  # shown literally (shortened to 60 characters)
    assert any(markdown in text for text in notices)
    assert any(SCRIPT in text for text in notices)
    assert any("lat" in text for text in notices) and any("basemap" in text and "衢衢衢" in text for text in notices)
    assert len(notices) == 6  # feature, lang, layers, lat, lon, basemap
    assert {map_layer_id_for(index.features[fid]) for fid in drawn_feature_ids(frame)} == {"rail"}
    assert "layers=rail" in page.url and "feature=" not in page.url
    assert_nothing_ran(page)


def test_without_any_network_the_overlays_draw_and_click(watched_page, app_url, index):
    page = watched_page
    frame = open_app(page, app_url)
    assert page.aborted, "expected the basemap to ask for tiles (and be refused)"
    assert not_tiles(page.aborted) == []
    assert frame.locator(".leaflet-tile-loaded").count() == 0
    assert len(drawn_feature_ids(frame)) > 10
    zone_id = next(f.feature_id for f in index.features.values() if f.name_zh == "大路章作业区")
    click_feature(page, zone_id)
    map_frame(page).locator(".qz-popup").last.wait_for()
    wait_for_excerpt(page, "一期技改")
