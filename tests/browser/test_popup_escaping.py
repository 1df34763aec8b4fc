"""Article text shown in the map popup and tooltip is text, never markup: checked in Chromium.

The map is rendered by mapview to a standalone HTML file (Leaflet and the reader's script from
static/ via file://), so this test needs neither Streamlit nor the real geodata. (The place panel's
hostile text is checked on the app itself: test_hardening_browser.py.)
"""

from __future__ import annotations

from bench.mapprobe import FEATURE_POINT_JS
from mapapp.map import maplayers, mapview
from mapapp.map.assets import LeafletUrls, install_leaflet, install_reader_files, reader_file_name
from mapapp.map.readerpanel import ReaderOptions, reader_group
from mapapp.models import Excerpt, Feature, LayerSpec, Source

EVIL = '<script>window.qzPwned = 1</script><img src=x onerror="window.qzPwned = 2">'


def _evil_map_html(tmp_path) -> str:
    leaflet_dir = install_leaflet()
    reader_js = install_reader_files() / reader_file_name("reader.js")
    leaflet = LeafletUrls(
        js=(leaflet_dir / "leaflet.js").as_uri(),
        css=(leaflet_dir / "leaflet.css").as_uri(),
        image_path=(leaflet_dir / "images").as_uri() + "/",
        reader_js=reader_js.as_uri(),
    )
    feature = Feature(
        "evil-gym",
        "体育馆" + EVIL,
        "Evil gym",
        (),
        "sports_venue",
        "sports",
        "operating",
        300,
        "address",
        False,
        (Source("t", "r", "q"),),
        "",
        {"type": "Point", "coordinates": [118.95, 28.98]},
        {},
    )
    sentence = "主场设在体育馆" + EVIL + "。"
    excerpt = Excerpt("evil-gym", "a.txt", "标题" + EVIL, "2025-01-01", "body", sentence, ((4, 7),), 1, 0, 10)
    spec = LayerSpec(
        "sports", "体育场馆", "Sports", "society", ("sports_venue",), True, 80, {"color": "#27ae60", "radius": 7}
    )
    layers = maplayers.map_layers_from_specs([spec])
    reader = ReaderOptions(placedata=(tmp_path / "placedata").as_uri(), version="v", basemap="none")
    m = mapview.build_base_map(basemap="none", leaflet=leaflet, switch_layers=["sports"], reader=reader)
    groups = mapview.build_overlay_groups(
        layers, [feature], excerpts={"evil-gym": (excerpt,)}, lang="zh", basemap="none", with_switch=True
    )
    for group in [*groups, reader_group("zh", {"pick": "", "place_loading": "…", "place_failed": "x"}, "v")]:
        group.add_to(m)
    path = tmp_path / "evil.html"
    path.write_text(m.get_root().render(), encoding="utf-8")
    return path.as_uri()


def test_script_in_article_text_is_not_executed(browser, tmp_path):
    page = browser.new_page()
    try:
        page.goto(_evil_map_html(tmp_path))
        page.wait_for_function(
            "() => Object.keys(window).some((k) => k.startsWith('map_') && window[k] instanceof L.Map)"
        )
        page.evaluate(
            "() => { window.map = window[Object.keys(window).find((k) => k.startsWith('map_') && window[k] instanceof L.Map)]; }"
        )
        point = page.evaluate(FEATURE_POINT_JS, ["evil-gym", False])
        assert point is not None
        page.locator(".folium-map").click(position=point)
        popup = page.locator(".qz-popup")
        popup.wait_for()
        assert "<script>window.qzPwned = 1</script>" in popup.inner_text()
        assert popup.locator("script, img").count() == 0
        page.locator(".folium-map").hover(position=point)
        page.locator(".leaflet-tooltip").wait_for()
        assert "<script>" in page.locator(".leaflet-tooltip").inner_text()
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.qzPwned") is None
    finally:
        page.close()
