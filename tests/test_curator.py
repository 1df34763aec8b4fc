"""Curator mode's pure helpers: the credential switch, clicks -> draft geometry, escaped work-list HTML."""

from __future__ import annotations

import re

from mapapp.app.curator import (
    Draft,
    click_from_map_value,
    configured_hash,
    draft_with_click,
    geometry_from_draft,
    html_from_changes,
    html_from_report,
    html_from_sentences,
    suggested_precision,
    worst_precision,
)
from mapapp.curation.credentials import hash_password
from mapapp.curation.journal import Change
from mapapp.curation.reports import Report
from mapapp.paths import ROOT_DIR
from mapapp.pipeline.index import build_map_index

DATA = ROOT_DIR / "tests" / "data"
CJK = re.compile(r"[\u3400-\u9fff]")
HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
HASH = hash_password("correct horse battery")
# st_folium 0.27.4's value after a plain click on the map (returned_objects including last_clicked).
CLICKED = {
    "last_clicked": {"lat": 28.97, "lng": 118.93},
    "last_object_clicked": None,
    "last_active_drawing": None,
    "zoom": 15,
    "center": {"lat": 28.96, "lng": 118.92},
}


def test_curator_mode_needs_a_well_formed_hash_from_env_or_secrets():
    assert configured_hash({}, {}) is None
    assert configured_hash({"QZ_CURATOR_PASSWORD_HASH": HASH}, {}) == HASH
    assert configured_hash({}, {"curator_password_hash": HASH}) == HASH
    assert configured_hash({"QZ_CURATOR_PASSWORD_HASH": "hunter2"}, {"curator_password_hash": HASH}) is None
    assert configured_hash({}, {"curator_password_hash": {"nested": HASH}}) is None


def test_a_click_places_a_point_and_vertices_make_lines_and_polygons():
    assert click_from_map_value({"last_clicked": None, "zoom": 9})[0] is None
    assert click_from_map_value(None)[0] is None
    (lon, lat, zoom), seen = click_from_map_value(CLICKED)
    assert (lon, lat, zoom) == (118.93, 28.97, 15)
    assert click_from_map_value(CLICKED, seen)[0] is None  # the same click, reported again on a rerun
    on_feature = CLICKED | {"last_object_clicked": {"lat": 28.9, "lng": 118.8}, "last_object_clicked_count": 1}
    assert click_from_map_value(on_feature, seen)[0] == (118.8, 28.9, 15)  # a click that landed on a feature
    point = draft_with_click(draft_with_click(Draft(), 1.0, 2.0, 12), lon, lat, zoom)
    assert geometry_from_draft(point) == {"type": "Point", "coordinates": [118.93, 28.97]}
    line = Draft(shape="LineString")
    line = draft_with_click(line, 118.90, 28.90, 14)
    assert geometry_from_draft(line) is None  # one vertex is not a line yet
    line = draft_with_click(line, 118.95, 28.92, 14)
    assert geometry_from_draft(line) == {"type": "LineString", "coordinates": [[118.90, 28.90], [118.95, 28.92]]}
    polygon = Draft(shape="Polygon")
    for vertex in ((118.90, 28.90), (118.95, 28.90), (118.95, 28.95)):
        polygon = draft_with_click(polygon, *vertex, 13)
    ring = geometry_from_draft(polygon)["coordinates"][0]
    assert ring[0] == ring[-1] == [118.90, 28.90] and len(ring) == 4


def test_a_draft_clicked_on_one_basemap_is_not_saved_in_the_datum_of_another():
    on_gaode = draft_with_click(Draft(), 118.93, 28.97, 15, basemap="gaode")
    assert on_gaode.basemap == "gaode" and on_gaode.on("gaode") is on_gaode
    assert on_gaode.on("osm").vertices == ()  # GCJ-02 vertices would be 500 m off on OSM: click again
    line = draft_with_click(Draft(shape="LineString"), 118.90, 28.90, 14, basemap="gaode")
    line = draft_with_click(line, 118.95, 28.92, 14, basemap="osm")
    assert line.vertices == ((118.95, 28.92),) and line.basemap == "osm"


def test_precision_is_suggested_from_the_zoom_of_the_last_click():
    near = suggested_precision(draft_with_click(Draft(), 118.93, 28.97, 17))
    far = suggested_precision(draft_with_click(Draft(), 118.93, 28.97, 10))
    assert near is not None and far is not None and near < far
    assert suggested_precision(Draft()) is None


def test_hostile_report_and_sentence_text_is_escaped():
    index = build_map_index(DATA / "seeds", DATA / "geodata", DATA / "layers")
    report = Report(7, "2026-01-01T00:00:00+00:00", "position", "qujiang-gymnasium", None, None, None, HOSTILE, "open")
    shown = html_from_report(report, index.features, index)
    assert "<script>" not in shown and "<img" not in shown
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in shown and "衢江区体育馆" in shown
    sentences = html_from_sentences([(HOSTILE, "a <b> c", "<b>")])
    assert "<script>" not in sentences and "<mark>&lt;b&gt;</mark>" in sentences
    change = Change("c1", HOSTILE, "2026", "add-place", HOSTILE, None, None, ())
    assert "<script>" not in html_from_changes([change], set())


def test_the_work_list_puts_the_least_certain_positions_first_and_skips_boundaries():
    index = build_map_index(DATA / "seeds", DATA / "geodata", DATA / "layers")
    worst = worst_precision(index.features.values(), 5)
    assert [f.precision_m for f in worst] == sorted((f.precision_m for f in worst), reverse=True)
    assert not any(f.properties.get("boundary") for f in worst)
    assert "quzhou-city" not in {f.feature_id for f in worst}


def test_a_candidates_sentences_mark_the_name_as_printed_even_in_traditional_characters(tmp_path):
    from mapapp.app.curator import sentences_of
    from mapapp.pipeline.candidates import find_candidates

    (tmp_path / "t_trad.txt").write_text("記者來到衢江區樟潭街道青竹灣村，村裡新修了碼頭。\n", encoding="utf-8")
    index = build_map_index(tmp_path, DATA / "geodata", DATA / "layers")
    candidate = next(c for c in find_candidates(index) if c.surface == "青竹湾村")
    assert [
        (name, "<mark>" in html_from_sentences([(h, s, name)])) for h, s, name in sentences_of(index, candidate)
    ] == [("青竹灣村", True)]


# --- placing like a map editor: drawings, precision, words ----------------------------------------

# st_folium 0.27.4's `all_drawings` after Leaflet.draw finished a line (recorded in headless Chromium).
DRAWN_LINE = [
    {
        "type": "Feature",
        "properties": {},
        "geometry": {
            "type": "LineString",
            "coordinates": [[118.817139, 29.00754], [118.88031, 28.981114], [118.929749, 28.99613]],
        },
    }
]


def test_the_drawing_control_s_shapes_become_the_draft():
    from mapapp.app.curator import drawing_from_map_value, vertices_from_drawings

    assert vertices_from_drawings(DRAWN_LINE) == (
        "LineString",
        ((118.817139, 29.00754), (118.88031, 28.981114), (118.929749, 28.99613)),
    )
    area = [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[1, 2], [3, 2], [3, 4], [1, 2]]]}}]
    assert vertices_from_drawings(area) == ("Polygon", ((1.0, 2.0), (3.0, 2.0), (3.0, 4.0)))  # the ring, once
    assert vertices_from_drawings(None) == (None, ()) and vertices_from_drawings([{"geometry": None}]) == (None, ())
    drawing, seen = drawing_from_map_value({"all_drawings": DRAWN_LINE}, None)
    assert drawing is not None and drawing[0] == "LineString"
    assert drawing_from_map_value({"all_drawings": DRAWN_LINE}, seen)[0] is None  # reported again: not new


def test_a_place_s_own_geometry_is_the_draft_to_edit_in_the_basemap_s_datum():
    from mapapp.app.curator import draft_from_feature

    index = build_map_index(DATA / "seeds", DATA / "geodata", DATA / "layers")
    gym = index.features["qujiang-gymnasium"]
    on_osm, on_gaode = draft_from_feature(gym, "osm"), draft_from_feature(gym, "gaode")
    assert on_osm.shape == "Point" and on_osm.vertices == (tuple(gym.geometry["coordinates"]),)
    shift = abs(on_gaode.vertices[0][0] - on_osm.vertices[0][0])
    assert 0.001 < shift < 0.01 and on_gaode.basemap == "gaode"  # GCJ-02: a few hundred metres east


def test_the_precision_prompt_asks_to_zoom_in_for_a_venue_but_not_for_a_district():
    from mapapp.app.curator import precision_prompt, zoom_for_precision
    from mapapp.curation.placement import precision_from_zoom

    coarse = precision_from_zoom(9, 28.95)
    zh = precision_prompt(coarse, "sports_venue", 28.95, "zh")
    assert zh is not None and "体育场馆需要 ±50 米以内" in zh and f"第 {zoom_for_precision(50, 28.95)} 级" in zh
    en = precision_prompt(coarse, "rail_station", 28.95, "en")
    assert en is not None and "a rail station needs ±50 m or better" in en and not CJK.search(en)
    assert precision_prompt(coarse, "admin_area", 28.95, "zh") is None  # ±2.7 km is fine for a district
    assert precision_from_zoom(zoom_for_precision(50, 28.95), 28.95) <= 50


def _feature(lon: float, lat: float, name_zh: str = "衢江区体育馆", name_en: str = "Qujiang Gymnasium") -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"id": "qujiang-gymnasium", "name_zh": name_zh, "name_en": name_en},
    }


def test_messages_say_what_changed_in_words_in_either_language():
    from mapapp.app.curator import message_from_change

    before, after = _feature(118.9500, 28.9400), _feature(118.9512, 28.9400)  # 0.0012° east: about 117 m
    moved = Change("c1", "Ann", "2026-05-01T08:00:00+00:00", "move", "qujiang-gymnasium", before, after, ())
    assert message_from_change(moved, "zh") == "衢江区体育馆 移动了 117 米"
    assert message_from_change(moved, "en") == "Qujiang Gymnasium moved 117 m"
    undone = Change("c2", "Ann", "2026-05-01T08:01:00+00:00", "undo", "qujiang-gymnasium", after, before, (), "c1")
    assert message_from_change(undone, "zh", [moved, undone]) == "已撤销：衢江区体育馆 移动了 117 米"
    added = Change("c3", "Ann", "2026", "add-place", "x-park", None, _feature(1, 2, "某某公园", ""), ())
    assert message_from_change(added, "en") == "Added 某某公园 (point)"  # no English name: the Chinese one
    assert "c1" not in html_from_changes([moved, undone], {"c1"}, lang="en")  # no raw change ids
    assert "(undone)" in html_from_changes([moved, undone], {"c1"}, lang="en")


def test_refusals_are_said_in_the_page_s_language_with_their_detail():
    from mapapp.app.curator import refusal_in

    assert refusal_in("title is empty; expected some text", "zh") == "来源标题为空：请填写。"
    assert (
        refusal_in("quote has 1200 characters; expected at most 1000", "zh")
        == "引文有 1200 个字，最多 1000 个：请删短。"
    )
    broken = (
        "the change was refused, it would break the data:\n"
        "places.geojson: 'x-park': parent: is 'nowhere', which is not a feature id"
    )
    zh = refusal_in(broken, "zh")
    assert zh.startswith("保存被拒绝，这样会破坏数据：") and "x-park" in zh and "上级地点" in zh and "nowhere" in zh
    assert not CJK.search(refusal_in("title is empty; expected some text", "en"))


def test_the_sign_in_log_is_escaped_and_names_no_password():
    from mapapp.app.curator import html_from_signins
    from mapapp.curation.ratelimit import SignInRecord

    records = [SignInRecord(1_780_000_000.0, "203.0.113.9", HOSTILE, "failed", 2.0)]
    shown = html_from_signins(records, "zh")
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "口令错误" in shown and "2.0 秒" in shown
    assert "wrong password" in html_from_signins(records, "en")
