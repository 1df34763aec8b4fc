"""mapview: coordinates, styles, escaping, self-contained assets (with small fake features)."""

from __future__ import annotations

import json
import re

import pytest

from mapapp.map import displayshapes, maplayers, mapstyles, mapview, markup, viewport, wording
from mapapp.map.assets import LeafletUrls
from mapapp.models import Excerpt, Feature, LayerSpec, Source

LEAFLET = LeafletUrls(
    js="../../app/static/vendor/leaflet-1.9.3/leaflet.js",
    css="../../app/static/vendor/leaflet-1.9.3/leaflet.css",
    image_path="../../app/static/vendor/leaflet-1.9.3/images/",
)
EVIL = '<script>window.qzPwned = 1</script><img src=x onerror="window.qzPwned = 2">'


def make_feature(
    feature_id, name_zh, category, layer_id, geometry, *, basis="exact", status="operating", precision_m=50
):
    return Feature(
        feature_id=feature_id,
        name_zh=name_zh,
        name_en=feature_id.replace("-", " ").title(),
        aliases=(),
        category=category,
        layer_id=layer_id,
        status=status,
        precision_m=precision_m,
        location_basis=basis,
        external=False,
        sources=(Source("test", "tests/test_mapview.py", "made up"),),
        description="",
        geometry=geometry,
        properties={},
    )


def box(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


RAIL = make_feature(
    "hangqu-hsr",
    "杭衢高铁",
    "rail_line",
    "rail",
    {"type": "LineString", "coordinates": [[118.80, 28.90], [119.20, 29.30]]},
    status="under_construction",
)
SCHEMATIC = make_feature(
    "container-route",
    "集装箱航线",
    "shipping_route",
    "routes",
    {"type": "LineString", "coordinates": [[118.9, 28.9], [121.8, 29.9]]},
    basis="schematic",
)
GYM = make_feature(
    "qujiang-gym",
    "衢江区体育馆",
    "sports_venue",
    "sports",
    {"type": "Point", "coordinates": [118.95, 28.98]},
    basis="address",
    precision_m=300,
)
STATION = make_feature(
    "quzhou-west", "衢州西站", "rail_station", "rail", {"type": "Point", "coordinates": [118.80, 28.95]}
)
DISTRICT = make_feature("qujiang-district", "衢江区", "admin_area", "admin", box(118.9, 28.8, 119.2, 29.1))
PREFECTURE = make_feature("quzhou", "衢州市", "admin_area", "admin", box(118.0, 28.2, 119.5, 29.5))
TOWN = make_feature(
    "gaojia-town",
    "高家镇",
    "admin_area",
    "admin",
    {"type": "Point", "coordinates": [119.0, 29.0]},
    basis="area",
    precision_m=3000,
)
FEATURES = [RAIL, SCHEMATIC, GYM, STATION, DISTRICT, PREFECTURE, TOWN]
SPECS = (
    LayerSpec(
        "admin",
        "行政区划",
        "Administrative areas",
        "base",
        ("admin_area", "new_town"),
        True,
        10,
        {"color": "#555555", "weight": 1.5, "fill_opacity": 0.04},
    ),
    LayerSpec(
        "rail",
        "铁路",
        "Rail",
        "transport",
        ("rail_line", "rail_station"),
        True,
        20,
        {"color": "#c0392b", "weight": 3.5, "radius": 6},
    ),
    LayerSpec(
        "routes", "远程线路", "Routes", "transport", ("shipping_route",), False, 60, {"color": "#16a085", "dash": "8 6"}
    ),
    LayerSpec(
        "sports", "体育场馆", "Sports venues", "society", ("sports_venue",), True, 80, {"color": "#27ae60", "radius": 7}
    ),
)
LAYERS = maplayers.map_layers_from_specs(SPECS)
GYM_SENTENCE = "“浙BA”衢州市联队的主场设在衢州市衢江区体育馆" + EVIL + "。"
GYM_AT = GYM_SENTENCE.index("衢江区体育馆")
EXCERPTS = {
    "qujiang-gym": (
        Excerpt(
            "qujiang-gym",
            "003.txt",
            "推动经济高质量发展" + EVIL,
            "2025-11-20",
            "body",
            GYM_SENTENCE,
            ((GYM_AT, GYM_AT + 6),),
            1,
            0,
            30,
        ),
        Excerpt(
            "qujiang-gym",
            "003.txt",
            "推动经济高质量发展",
            "2025-11-20",
            "caption",
            "衢江区体育馆",
            ((0, 6),),
            2,
            40,
            46,
        ),
    ),
}


def render(groups, basemap="osm"):
    m = mapview.build_base_map(basemap=basemap, leaflet=LEAFLET)
    for group in groups:
        group.add_to(m)
    return m, m.get_root().render()


def geojson_payloads(page: str) -> list[dict]:
    return [json.loads(raw) for raw in re.findall(r"_add\((\{.*?\})\);\n", page)]


def all_features(page: str) -> list[dict]:
    return [f for payload in geojson_payloads(page) for f in payload["features"]]


def build(visible=None, **kwargs):
    visible = visible if visible is not None else [layer.layer_id for layer in LAYERS]
    return mapview.build_overlay_groups(
        LAYERS,
        FEATURES,
        visible_layer_ids=visible,
        excerpts=EXCERPTS,
        lang=kwargs.pop("lang", "zh"),
        basemap=kwargs.pop("basemap", "osm"),
        **kwargs,
    )


def test_latlng_from_lonlat_flips_geojson_order():
    assert mapview.latlng_from_lonlat(118.87, 28.94) == [28.94, 118.87]


def test_view_from_bounds_centres_and_fits():
    view = viewport.view_from_bounds((118.0, 28.0, 120.0, 30.0), width_px=760, height_px=640)
    assert view.lon == pytest.approx(119.0)
    assert 28.9 < view.lat < 29.1  # Mercator centre lies a little north of the mean latitude
    assert view.zoom == 8  # 2 degrees are 364 px at zoom 8, 728 px (too wide) at zoom 9
    assert viewport.view_from_bounds((119.0, 29.0, 119.0, 29.0)).zoom == 15  # a point: max zoom


def test_view_for_a_halo_point_shows_the_whole_halo():
    assert viewport.view_for_feature(TOWN).zoom < viewport.view_for_feature(STATION).zoom


def test_districts_layer_comes_first_and_takes_admin_polygons_only():
    assert LAYERS[0].layer_id == maplayers.DISTRICTS_LAYER_ID
    grouped = maplayers.features_by_map_layer(FEATURES)
    assert [f.feature_id for f in grouped["districts"]] == ["qujiang-district", "quzhou"]
    assert [f.feature_id for f in grouped["admin"]] == ["gaojia-town"]


def test_every_drawn_feature_carries_its_id():
    _, page = render(build())
    ids = {f["properties"]["id"] for f in all_features(page)}
    assert ids == {f.feature_id for f in FEATURES}


def test_hidden_layers_are_not_drawn():
    _, page = render(build(visible=["districts", "sports"]))
    ids = {f["properties"]["id"] for f in all_features(page)}
    assert ids == {"qujiang-district", "quzhou", "qujiang-gym"}


def test_popup_and_tooltip_are_escaped_html():
    _, page = render(build())
    gym = [f for f in all_features(page) if f["properties"]["id"] == "qujiang-gym"]
    assert [f["properties"]["part"] for f in gym] == ["dot"]
    assert gym[0]["properties"]["label_html"] == (
        '<span lang="zh" translate="no">衢江区体育馆</span><br><span class="qz-tip-approx">位置约略（±300 米）</span>'
    )
    popup = gym[0]["properties"]["popup_html"]
    assert "<script>" not in popup and "<img" not in popup
    assert "&lt;script&gt;window.qzPwned = 1&lt;/script&gt;" in popup
    assert "<mark>衢江区体育馆</mark>" in popup
    assert "另有 1 条摘录" in popup  # a second excerpt waits in the side panel
    assert "<script>window.qzPwned" not in page


def test_styles_dash_under_construction_and_schematic_lines():
    _, page = render(build())
    assert '"dashArray": "9 6"' in page  # 杭衢高铁 under construction
    assert '"opacity": 0.45' in page  # the schematic container route is see-through, not dotted


@pytest.mark.parametrize(
    ("status", "dash", "fill"),
    [("operating", None, 0.15), ("under_construction", "9 6", 0.06), ("planned", "1 6", 0.0)],
)
def test_each_status_is_drawn_as_the_as_of_map_draws_that_stage(status, dash, fill):
    from dataclasses import replace

    stage = mapstyles.STAGE_OF_STATUS[status]
    line = replace(STATION, status=status, geometry={"type": "LineString", "coordinates": [[0, 0], [1, 1]]})
    style = mapstyles.line_style(line, {"color": "#123456"})
    assert (style["dashArray"], style["fillOpacity"], style["opacity"]) == (dash, fill, 0.9)
    assert {k: style[k] for k in mapstyles.STAGE_PATH_STYLES[stage]} == mapstyles.STAGE_PATH_STYLES[stage]
    schematic = mapstyles.line_style(replace(line, location_basis="schematic"), {"color": "#123456"})
    assert schematic["opacity"] == 0.45 and schematic["dashArray"] == dash  # see-through; the stage still shows
    point = mapstyles.point_style(replace(STATION, status=status), {"color": "#123456"}, (0, 0), approximate=False)
    assert point["className"] == f"qz-point qz-stage-{stage}"  # the same class the as-of map and legend use
    dashes = {"operating": "solid", "under_construction": "dashed", "planned": "dotted"}[status]
    assert f"border:3px {dashes} #123456" in point["html"]  # a station: a ring


def test_approximate_points_are_hollow_dots_whose_halo_shows_on_hover_only():
    _, page = render(build())
    assert "new L.circle(" not in page  # no halo is drawn for a place that is not selected
    props = {f["properties"]["id"]: f["properties"] for f in all_features(page)}
    halos = {fid: p["halo"] for fid, p in props.items() if "halo" in p}
    assert set(halos) == {"qujiang-gym", "gaojia-town"}  # address and area; not the exact station
    assert sorted(halo["radius"] for halo in halos.values()) == [300, 3000]  # precision_m, in metres
    assert all(halo["fill"] and 0 < halo["fillOpacity"] < 0.3 and not halo["interactive"] for halo in halos.values())
    assert "L.circle(layer.getLatLng(), props.halo)" in page and 'layer.on("mouseout", hide)' in page
    icons = [json.loads(raw) for raw in re.findall(r"return (\{.*?\});", page) if "qz-point" in raw]
    hollow = [icon for icon in icons if "qz-approx" in icon["html"]]
    assert len(hollow) == 2 and all(
        "stroke-dasharray" in icon["html"] and 'fill="#fff"' in icon["html"] for icon in hollow
    )
    assert (
        len(icons) - len(hollow) == 1 and "qz-dot" in (set(map(str, icons)) - set(map(str, hollow))).pop()
    )  # the station
    assert props["quzhou-west"]["part"] == "shape" and "halo" not in props["quzhou-west"]


def test_districts_stay_clickable_under_the_halos():
    _, full = render(build())
    district_styles = [
        json.loads(raw) for raw in re.findall(r"return (\{.*?\});", full) if '"fillOpacity": 0.04' in raw
    ]
    assert district_styles and all(style.get("interactive", True) for style in district_styles)


def test_a_click_goes_to_the_readers_script_not_to_a_popup_of_its_own():
    # The reader's script (mapapp/map/js/reader.js) opens the popup, the panel and the URL; the
    # selected place is drawn in the browser, never by the server (tests/browser/test_reader_browser.py).
    _, page = render(build())
    assert "window.qzReader.clicked(props.id, e)" in page
    assert "bindPopup" not in page and "qzSelectedFeatureId !==" not in page


def test_layer_colours_must_be_plain_css_colours():
    assert mapstyles.css_color("#1f6fb2") == "#1f6fb2" and mapstyles.css_color("teal") == "teal"
    for bad in ("red;background:url(https://example.org/x)", '"><script>', None, 12):
        assert mapstyles.css_color(bad) == mapstyles.DEFAULT_COLOR


def test_points_sharing_a_position_are_fanned_out_distinctly():
    twins = [
        make_feature(
            f"venue-{i}",
            f"场馆{i}",
            "sports_venue",
            "sports",
            {"type": "Point", "coordinates": [118.9537, 28.9632]},
            basis="area",
            precision_m=10000,
        )
        for i in range(47)
    ]
    offsets = mapstyles.point_offsets_px([*twins, STATION])
    assert offsets["quzhou-west"] == (0.0, 0.0)  # alone: no offset
    fanned = [offsets[f.feature_id] for f in twins]
    assert len(set(fanned)) == 47
    nearest = min(
        ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 for i, a in enumerate(fanned) for b in fanned[i + 1 :]
    )
    assert nearest >= 9  # dots (9 px wide) do not cover each other
    assert max((x * x + y * y) ** 0.5 for x, y in fanned) < 70


def test_district_labels_only_innermost_and_escaped():
    evil_district = make_feature("evil", "<b>区</b>", "admin_area", "admin", box(118.3, 28.3, 118.5, 28.5))
    groups = mapview.build_overlay_groups(
        LAYERS,
        [DISTRICT, PREFECTURE, evil_district],
        visible_layer_ids=["districts"],
        excerpts={},
        lang="zh",
        basemap="osm",
    )
    _, page = render(groups)
    icons = [json.loads(raw) for raw in re.findall(r'"html": ("(?:[^"\\]|\\.)*")', page)]
    assert sorted(icons) == sorted(
        [
            '<div class="qz-label" lang="zh" translate="no">衢江区</div>',
            '<div class="qz-label" lang="zh" translate="no">&lt;b&gt;区&lt;/b&gt;</div>',
        ]
    )


def test_english_names_on_request():
    _, page = render(build(lang="en"))
    names = {f["properties"]["id"]: f["properties"]["name"] for f in all_features(page)}
    assert names["qujiang-gym"] == "Qujiang Gym"


def test_map_loads_only_the_app_served_leaflet():
    m, page = render(build())
    links = []
    for element in _walk(m):
        links += [url for _, url in getattr(element, "default_js", [])]
        links += [url for _, url in getattr(element, "default_css", [])]
    assert links and all(url.startswith("../../app/static/vendor/leaflet-") for url in links)
    assert "cdn" not in page and "jquery" not in page.lower() and "bootstrap" not in page.lower()
    assert 'L.Icon.Default.imagePath = "../../app/static/vendor/leaflet-1.9.3/images/"' in page


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


@pytest.mark.parametrize(("basemap", "host"), [("osm", "tile.openstreetmap.org"), ("gaode", "is.autonavi.com")])
def test_basemaps_and_attributions(basemap, host):
    from mapapp.map.credits import credits_group

    tile_attr = mapview.TILES[basemap]["attr"]
    for lang, summary in (("zh", "数据来源（1）"), ("en", "Data sources (1)")):
        _, page = render([credits_group(basemap, tile_attr, ["数据来源 <b>x</b>"], lang)], basemap=basemap)
        assert host in page
        replaced, credits = json.loads("[" + re.search(r"\.attributionControl, (.*)\);\n", page).group(1) + "]")
        assert replaced == tile_attr  # the tile layer's own credit gives way to the reader's-language one
        assert summary in credits[1]
        # a credit is data: escaped, marked
        assert '<li lang="zh" translate="no">数据来源 &lt;b&gt;x&lt;/b&gt;</li>' in credits[1]
        assert credits[0] == wording.title_in(wording.TILE_CREDITS[basemap], lang)


def test_no_basemap_has_no_tiles():
    _, page = render([], basemap="none")
    assert "L.tileLayer" not in page


def test_gaode_overlays_are_shifted_to_gcj02():
    drawn = displayshapes.display_geometry(STATION.geometry, basemap="gaode")
    lon, lat = drawn["coordinates"]
    # GCJ-02 moves points in Zhejiang by a few hundred metres, east and south-north.
    assert 0.002 < lon - 118.80 < 0.01 and -0.01 < lat - 28.95 < 0.0


def test_views_are_wgs84_in_the_url_and_gcj02_on_the_gaode_map():
    view = viewport.View(28.95, 118.80, 12)
    shifted = viewport.map_view_from_wgs84(view, basemap="gaode")
    assert (shifted.lon, shifted.lat) == tuple(
        round(v, 6) for v in displayshapes.display_geometry(STATION.geometry, basemap="gaode")["coordinates"]
    )
    back = viewport.wgs84_view_from_map(shifted, basemap="gaode")
    assert back.lat == pytest.approx(view.lat, abs=1e-5) and back.lon == pytest.approx(view.lon, abs=1e-5)
    assert viewport.map_view_from_wgs84(view, basemap="osm") == view


def test_long_lines_are_thinned_for_display():
    wiggly = {"type": "LineString", "coordinates": [[118.0 + i * 1e-4, 29.0 + (i % 2) * 1e-6] for i in range(1000)]}
    drawn = displayshapes.display_geometry(wiggly, basemap="osm")
    assert len(drawn["coordinates"]) < 50
    assert drawn["coordinates"][0] == [118.0, 29.0]


def _square(lon: float, lat: float, side: float, vertices_per_side: int = 20) -> list[list[float]]:
    steps = [i * side / vertices_per_side for i in range(vertices_per_side)]
    ring = [[lon + d, lat] for d in steps] + [[lon + side, lat + d] for d in steps]
    ring += [[lon + side - d, lat + side] for d in steps] + [[lon, lat + side - d] for d in steps]
    return [*ring, ring[0]]


def test_context_outlines_leave_out_islets_and_local_ones_keep_every_part():
    coast = {
        "type": "MultiPolygon",
        "coordinates": [
            [_square(120.0, 28.0, 2.0)],  # the mainland
            [_square(122.5, 29.5, 0.1)],  # an island ~11 km across: kept
            *([_square(122.5 + i * 0.05, 30.0, 0.01)] for i in range(5)),  # islets ~1 km across: left out
        ],
    }
    drawn = displayshapes.display_geometry(coast, basemap="osm", external=True)
    assert drawn["type"] == "MultiPolygon" and len(drawn["coordinates"]) == 2
    assert all(len(str(v).split(".")[-1]) <= 4 for part in drawn["coordinates"] for v in part[0][0])
    local = displayshapes.display_geometry(coast, basemap="osm", external=False)
    assert len(local["coordinates"]) == 7  # inside the prefecture nothing is left out
    islet = {"type": "MultiPolygon", "coordinates": [[_square(122.5, 30.0, 0.01)], [_square(122.6, 30.0, 0.005)]]}
    alone = displayshapes.display_geometry(islet, basemap="osm", external=True)  # all small: the largest stays
    assert alone["type"] == "Polygon" and min(v[0] for v in alone["coordinates"][0]) == 122.5


def test_html_from_excerpt_cuts_around_the_mention():
    excerpt = EXCERPTS["qujiang-gym"][0]
    cut = markup.html_from_excerpt(excerpt, max_chars=20)
    assert "<mark>衢江区体育馆</mark>" in cut and cut.startswith("…")


def test_html_from_text_with_highlights_escapes_everything():
    assert markup.html_from_text_with_highlights("a<b>c&d", [(1, 4)]) == "a<mark>&lt;b&gt;</mark>c&amp;d"


def test_display_shapes_are_worked_out_once_and_give_the_same_map():
    shapes = displayshapes.build_display_shapes(FEATURES, basemap="osm")
    assert shapes.district_label_ids == {"qujiang-district"}  # the prefecture contains it: no label
    assert shapes.area["quzhou"] > shapes.area["qujiang-district"] > 0 == shapes.area["qujiang-gym"]
    kwargs = {
        "visible_layer_ids": ["districts", "rail", "sports"],
        "excerpts": EXCERPTS,
        "lang": "zh",
        "basemap": "osm",
    }
    _, with_shapes = render(mapview.build_overlay_groups(LAYERS, FEATURES, shapes=shapes, **kwargs))
    _, without = render(mapview.build_overlay_groups(LAYERS, FEATURES, **kwargs))
    strip_ids = lambda text: re.sub(r"_[0-9a-f]{32}", "_ID", text)  # noqa: E731 - folium's random element ids
    assert strip_ids(with_shapes) == strip_ids(without)


def _gym_excerpt(kind: str, text: str) -> Excerpt:
    start = text.index("衢江区体育馆")
    return Excerpt("qujiang-gym", "003.txt", "标题", "2025-11-20", kind, text, ((start, start + 6),), 1, 0, len(text))


def test_a_popup_leads_with_a_sentence_that_names_the_place_not_a_caption_or_a_heading():
    gym = next(f for f in FEATURES if f.feature_id == "qujiang-gym")
    caption = _gym_excerpt("caption", "衢江区体育馆外景")
    heading = _gym_excerpt("heading", "衢江区体育馆迎来新赛季")
    sentence = _gym_excerpt("body", "本赛季的揭幕战在衢江区体育馆打响。")
    assert markup.lead_excerpt([caption, heading, sentence]) == sentence
    popup = markup.popup_html(gym, [caption, heading, sentence], "en")
    assert "<mark>衢江区体育馆</mark>打响。" in popup and "外景" not in popup
    assert "2 more excerpts" in popup
    # only a caption names it: the popup shows it, said to be a photo caption
    only = markup.popup_html(gym, [caption], "en")
    assert '<span class="qz-popup-kind">photo caption</span>' in only and "<mark>衢江区体育馆</mark>外景" in only
    assert "图片说明" in markup.popup_html(gym, [caption], "zh")
    assert "more excerpt" not in only
