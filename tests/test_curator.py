"""Curator mode's pure helpers: the credential switch, clicks -> draft geometry, escaped work-list HTML."""

from __future__ import annotations

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
