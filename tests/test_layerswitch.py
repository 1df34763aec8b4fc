"""The in-map layer switch: what it lists, and how its report in st_folium's value is read."""

from __future__ import annotations

import json

from mapapp.map.layerswitch import SWITCH_TAG, layer_ids_from_map_value, switch_spec
from mapapp.map.maplayers import MapLayer

LAYERS = (
    MapLayer("districts", "区县界", "District boundaries", "base", 0, True, {"color": "#555"}),
    MapLayer("rail", "铁路", "Rail", "transport", 20, True, {"color": "#c0392b"}),
    MapLayer("roads", "公路", "Roads", "transport", 30, False, {}),
    MapLayer("sports", "体育场馆", "Sports venues", "society", 60, True, {"color": "#27ae60"}),
)
KNOWN = [layer.layer_id for layer in LAYERS]


def test_spec_lists_transport_first_then_base_then_the_rest_in_the_readers_language():
    spec = switch_spec(LAYERS, "en")
    assert spec["title"] == "Layers"
    assert [group["title"] for group in spec["groups"]] == ["Transport", "Base", "Society"]
    assert [layer["id"] for group in spec["groups"] for layer in group["layers"]] == [
        "rail",
        "roads",
        "districts",
        "sports",
    ]
    assert spec["groups"][0]["layers"][0] == {"id": "rail", "title": "Rail", "color": "#c0392b"}
    assert spec["groups"][0]["layers"][1]["color"] == "#666"  # a layer without a colour gets a neutral swatch


def test_spec_leaves_out_layers_that_draw_nothing_and_empty_groups():
    spec = switch_spec(LAYERS, "zh", drawn_layer_ids={"rail", "districts"})
    assert [(g["title"], [layer["title"] for layer in g["layers"]]) for g in spec["groups"]] == [
        ("交通", ["铁路"]),
        ("基础", ["区县界"]),
    ]


def test_reported_layers_are_read_in_layer_order_and_unknown_ids_dropped():
    value = {"selected_layers": [{"name": "sports,bogus,rail", "url": SWITCH_TAG}]}
    assert layer_ids_from_map_value(value, KNOWN) == ("rail", "sports")


def test_all_layers_off_is_a_report_not_a_missing_one():
    assert layer_ids_from_map_value({"selected_layers": [{"name": "", "url": SWITCH_TAG}]}, KNOWN) == ()


def test_no_report_from_the_switch_gives_none():
    for value in (
        None,
        {},
        {"selected_layers": None},
        {"selected_layers": []},
        {"selected_layers": [{"name": "rail", "url": "https://wms.example/"}]},  # a WMS layer, not ours
        {"selected_layers": [{"name": 3, "url": SWITCH_TAG}]},
        "rail",
    ):
        assert layer_ids_from_map_value(value, KNOWN) is None, value


def test_spec_is_json_for_the_page():
    hostile = MapLayer("x", "<b>毒</b>", "<b>x</b>", "society", 1, True, {"color": "red;background:url(x)"})
    spec = switch_spec((hostile,), "zh")
    assert json.loads(json.dumps(spec)) == spec
    assert spec["groups"][0]["layers"][0]["title"] == "<b>毒</b>"  # kept as data: the page sets textContent
