"""selection: st_folium return values -> the clicked feature id; search."""

from __future__ import annotations

import pytest
from datafactory import make_gym

from mapapp.app.selection import (
    click_from_map_value,
    new_click,
    search_features,
    view_from_map_value,
)
from mapapp.map.viewport import View
from mapapp.models import Excerpt, Feature, Source

# Return values of st_folium (streamlit-folium 0.27.4, returned_objects=RETURNED_OBJECTS) recorded
# in headless Chromium from `window.__GLOBAL_DATA__.previous_data` in the map iframe after real mouse
# clicks (tests/browser/mapdriver.py): initial, click_line and click_point on the real app,
# click_polygon on the app run with small fake features (recorded before the click count was
# returned); popup_html and line coordinates trimmed.
RECORDED: dict[str, dict] = {
    "initial": {
        "last_object_clicked": None,
        "last_object_clicked_count": 0,
        "last_active_drawing": None,
        "zoom": 9,
        "center": {"lat": 28.94, "lng": 118.87},
    },
    "click_line": {
        "last_object_clicked": {"lat": 29.676121784724305, "lng": 119.53948974609376},
        "last_object_clicked_count": 3,
        "last_active_drawing": {
            "geometry": {
                "type": "LineString",
                "coordinates": [[120.2, 30.266667], [119.337, 29.4896], [119.186503, 28.993523], [118.8593, 28.9702]],
            },
            "id": "hangqu-hsr|shape|0",
            "properties": {
                "id": "hangqu-hsr",
                "label_html": "杭衢高速铁路",
                "name": "杭衢高速铁路",
                "part": "shape",
                "popup_html": '<div class="qz-popup"><b>杭衢高速铁路</b><div class="qz-popup-sub">Hangzhou–Quzhou hig…',
            },
            "type": "Feature",
        },
        "zoom": 9,
        "center": {"lat": 29.257648503615542, "lng": 119.09729003906251},
    },
    "click_point": {
        "last_object_clicked": {"lat": 28.963194, "lng": 118.95375},
        "last_object_clicked_count": 12,
        "last_active_drawing": {
            "geometry": {"type": "Point", "coordinates": [118.95375, 28.963194]},
            "id": "qujiang-gymnasium|dot|1",
            "properties": {
                "id": "qujiang-gymnasium",
                "label_html": "衢江区体育馆",
                "name": "衢江区体育馆",
                "part": "dot",
                "popup_html": '<div class="qz-popup"><b>衢江区体育馆</b><div class="qz-popup-sub">Qujiang District Gy…',
            },
            "type": "Feature",
        },
        "zoom": 9,
        "center": {"lat": 29.257648503615542, "lng": 119.09729003906251},
    },
    "click_polygon": {
        "last_object_clicked": {"lat": 29.077775612552088, "lng": 119.17419433593751},
        "last_active_drawing": {
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[118.9, 28.8], [119.2, 28.8], [119.2, 29.1], [118.9, 29.1], [118.9, 28.8]]],
            },
            "id": "qujiang-district|shape|1",
            "properties": {
                "id": "qujiang-district",
                "label_html": "衢江区",
                "name": "衢江区",
                "part": "shape",
                "popup_html": '<div class="qz-popup"><b>衢江区</b><div class="qz-popup-sub">Qujiang District</div>…',
            },
            "type": "Feature",
        },
        "zoom": 9,
        "center": {"lat": 28.94086176940557, "lng": 118.86932373046875},
    },
}


def recorded(name: str) -> dict:
    return RECORDED[name]


def test_click_on_a_line_gives_its_id_property():
    click = click_from_map_value(recorded("click_line"))
    assert click is not None and click.feature_id == "hangqu-hsr"
    value = recorded("click_line")
    assert click.signature == (
        "hangqu-hsr",
        value["last_object_clicked_count"],
        value["last_object_clicked"]["lat"],
        value["last_object_clicked"]["lng"],
    )


def test_click_on_a_point_gives_its_id_property():
    value = recorded("click_point")
    assert value["last_active_drawing"]["properties"]["part"] == "dot"  # drawn twice (halo + dot), one id
    assert click_from_map_value(value).feature_id == "qujiang-gymnasium"


def test_click_on_a_polygon_gives_its_id_property():
    assert click_from_map_value(recorded("click_polygon")).feature_id == "qujiang-district"


def test_pan_without_click_gives_no_click():
    assert click_from_map_value(recorded("initial")) is None


def test_the_tooltip_is_never_used():
    value = {
        "last_active_drawing": {"properties": {"name": "衢江区体育馆"}},
        "last_object_clicked_tooltip": "衢江区体育馆",
    }
    assert click_from_map_value(value) is None


@pytest.mark.parametrize(
    "value",
    [
        None,
        [],
        "x",
        {"last_active_drawing": None},
        {"last_active_drawing": {"properties": {"id": 5}}},
        {"last_active_drawing": {"properties": None}},
    ],
)
def test_garbage_gives_no_click(value):
    assert click_from_map_value(value) is None


def test_new_click_ignores_a_click_already_handled_and_a_later_pan():
    value = recorded("click_line")
    first = new_click(value, None)
    assert first is not None
    assert new_click(value, first.signature) is None
    panned = {**value, "center": {"lat": 29.5, "lng": 119.5}, "zoom": 8}
    assert new_click(panned, first.signature) is None


def test_a_marker_clicked_again_is_a_new_click():
    # A marker reports the same latlng every time; only the click count changes.
    value = recorded("click_point")
    first = new_click(value, None)
    again = {**value, "last_object_clicked_count": value["last_object_clicked_count"] + 2}
    assert new_click(again, first.signature) is not None


def test_same_feature_clicked_again_elsewhere_is_a_new_click():
    value = recorded("click_line")
    first = new_click(value, None)
    again = {**value, "last_object_clicked": {"lat": 1.0, "lng": 2.0}}
    assert new_click(again, first.signature) is not None


def test_view_from_map_value():
    value = {"center": {"lat": 28.9, "lng": 118.87 + 360}, "zoom": 11}
    assert view_from_map_value(value) == View(28.9, 118.87, 11)
    assert view_from_map_value({"zoom": 3}) is None
    assert view_from_map_value(recorded("initial")) is not None


def _feature(feature_id, name_zh, name_en, aliases=()):
    return Feature(
        feature_id,
        name_zh,
        name_en,
        tuple(aliases),
        "port_zone",
        "ports_waterways",
        "operating",
        100,
        "exact",
        False,
        (Source("t", "r", "q"),),
        "",
        {"type": "Point", "coordinates": [118.9, 28.9]},
        {},
    )


FEATURES = {
    f.feature_id: f
    for f in [
        _feature("dalu-zhang-zone", "大路章作业区", "Daluzhang Operation Zone", ["大篇章作业区"]),
        _feature("qujiang-port", "衢江港区", "Qujiang Port Area", ["衢江港"]),
        _feature("bonded", "衢州综合保税区", "Quzhou Comprehensive Bonded Zone", ["衢州综保区"]),
    ]
}
EXCERPTS = {
    "bonded": (
        Excerpt(
            "bonded",
            "001.txt",
            "h",
            "2026-01-01",
            "body",
            "衢州综保区于2025年6月11日正式封关运作。",
            ((0, 5),),
            1,
            0,
            10,
        ),
    )
}


@pytest.mark.parametrize(
    ("query", "expected_first", "kind"),
    [
        ("大路章", "dalu-zhang-zone", "name"),
        ("大篇章", "dalu-zhang-zone", "alias"),
        ("daluzhang", "dalu-zhang-zone", "name"),
        ("ＢＯＮＤＥＤ", "bonded", "name"),  # full-width, upper case
        ("综保区", "bonded", "alias"),
        ("封关", "bonded", "excerpt"),
        ("衢江港區", "qujiang-port", "name"),  # a query in traditional characters
        ("封關運作", "bonded", "excerpt"),
    ],
)
def test_search_names_aliases_and_excerpts(query, expected_first, kind):
    hits = search_features(query, FEATURES, EXCERPTS)
    assert hits[0].feature_id == expected_first and hits[0].kind == kind


def test_search_ranks_exact_names_first_and_ignores_blank():
    hits = search_features("衢江港区", FEATURES, EXCERPTS)
    assert [h.feature_id for h in hits] == ["qujiang-port"]
    assert search_features("   ", FEATURES, EXCERPTS) == []


# --- selecting ---------------------------------------------------------------------------------


def _layers():
    from mapapp.map.maplayers import map_layers_from_specs
    from mapapp.models import LayerSpec

    return map_layers_from_specs(
        [
            LayerSpec("rail", "铁路", "Rail", "transport", ("rail_line",), True, 20, {}),
            LayerSpec("sports", "体育场馆", "Sports", "society", ("sports_venue",), False, 80, {}),
        ]
    )


def _gym() -> Feature:
    return make_gym()


def test_selecting_a_place_in_a_hidden_layer_turns_the_layer_on_and_zooms_to_its_halo():
    from mapapp.app.selection import select_feature
    from mapapp.app.urlstate import UrlState

    change = select_feature(UrlState(lang="en"), _gym(), _layers(), zoom=True)
    assert change.turned_on_layer_id == "sports"
    assert change.state.feature_id == "gym" and change.state.layer_ids == ("districts", "rail", "sports")
    assert change.state.view == change.view and change.view.zoom <= 11  # the whole 10 km halo fits
    assert change.state.lang == "en"


def test_selecting_without_zoom_keeps_the_view_and_none_clears():
    from mapapp.app.selection import select_feature
    from mapapp.app.urlstate import UrlState

    before = UrlState(feature_id="x", layer_ids=("sports",), view=View(28.9, 118.9, 12))
    change = select_feature(before, _gym(), _layers(), zoom=False)
    assert change.turned_on_layer_id is None and change.view is None
    assert change.state.view == View(28.9, 118.9, 12) and change.state.layer_ids == ("sports",)
    cleared = select_feature(change.state, None, _layers(), zoom=True)
    assert cleared.state.feature_id is None and cleared.state.view == View(28.9, 118.9, 12)


def test_the_panels_requests_are_taken_once_each_and_only_when_well_formed():
    from mapapp.app.selection import PanelAction, action_from_map_value

    value = {"qz_action": {"kind": "read", "feature": "qujiang-gymnasium", "article": "003.txt", "n": 2}}
    assert action_from_map_value(value, None) == PanelAction("read", "qujiang-gymnasium", "003.txt", 2)
    assert action_from_map_value(value, 2) is None  # the same request, seen in a later run
    report = {"qz_action": {"kind": "report", "feature": "x", "n": 3}}
    assert action_from_map_value(report, 2) == PanelAction("report", "x", None, 3)
    for bad in (
        None,
        {"qz_action": "report"},
        {"qz_action": {"kind": "delete", "feature": "x", "n": 1}},
        {"qz_action": {"kind": "read", "feature": 5, "n": 1}},
        {"qz_action": {"kind": "read", "feature": "x", "n": "1"}},
        {"qz_action": {"kind": "read", "feature": "x", "article": ["a"], "n": 1}},
        {"last_active_drawing": {"properties": {"id": "x"}}},  # a curator's click is not a request
    ):
        assert action_from_map_value(bad, None) is None, bad
