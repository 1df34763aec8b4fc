"""The pre-rendered component arguments are the ones st_folium itself would send (same map, same groups).

st_folium is called for real with its component function replaced by a recorder (single-threaded
test), on the real data: the base map with the layer switch and the reader's script, every layer's
group, the switch and the reader's words. Element names differ between one stable_element_ids block (st_folium's
way, here) and the separate blocks mapcomponent uses, so names are numbered by first appearance
before comparing; a separate check makes sure the joined parts never declare a name twice.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import streamlit_folium

from mapapp.app.mapcomponent import render_base_map, render_groups_js
from mapapp.app.selection import CURATOR_RETURNED_OBJECTS
from mapapp.datadirs import BUNDLED
from mapapp.map import mapview
from mapapp.map.assets import install_leaflet, leaflet_urls
from mapapp.map.maplayers import default_layer_ids, map_layers_from_specs
from mapapp.map.readerpanel import ReaderOptions, reader_group
from mapapp.pipeline.index import build_map_index

KEY = "map"
HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(scope="module")
def scene():
    install_leaflet()
    index = build_map_index(BUNDLED.seeds_dir, BUNDLED.geodata_dir, BUNDLED.layers_dir)
    layers = map_layers_from_specs(index.layers)
    return index, layers, None


READER = ReaderOptions(placedata="../../app/static/placedata/x", version="v1", basemap="osm")


def _base(switch_layers):
    return mapview.build_base_map(basemap="osm", leaflet=leaflet_urls(), switch_layers=switch_layers, reader=READER)


def _build(index, layers, selected):
    base = _base(default_layer_ids(layers))
    groups = mapview.build_overlay_groups(
        layers,
        index.features.values(),
        with_switch=True,
        excerpts=index.excerpts,
        lang="zh",
        basemap="osm",
    )
    return base, [*groups, reader_group("zh", {"pick": "<b>pick</b>"}, "v1")]


def _st_folium_args(index, layers, selected, monkeypatch) -> dict:
    recorded: dict = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: recorded.update(kwargs))
    with mapview.stable_element_ids():
        base, groups = _build(index, layers, selected)
    streamlit_folium.st_folium(
        base,
        key=KEY,
        height=600,
        use_container_width=True,
        feature_group_to_add=groups,
        returned_objects=list(CURATOR_RETURNED_OBJECTS),
    )
    return recorded


def _numbered(text: str) -> str:
    """Element names numbered by first appearance: equal structure, equal text."""
    order: dict[str, int] = {}
    return HEX_ID.sub(lambda m: f"ID{order.setdefault(m.group(0), len(order))}", text)


def test_parts_rendered_apart_are_what_st_folium_sends(scene, monkeypatch):
    index, layers, selected = scene
    expected = _st_folium_args(index, layers, selected, monkeypatch)
    rendered = render_base_map(
        lambda: _base(default_layer_ids(layers)), key=KEY, returned_objects=CURATOR_RETURNED_OBJECTS
    )
    all_groups = _build(index, layers, selected)[1]
    n_layers = len(all_groups) - 2  # then the switch, then the reader's words
    groups_js = render_groups_js(lambda: all_groups[:n_layers], first_index=0) + render_groups_js(
        lambda: _build(index, layers, selected)[1][n_layers:], first_index=n_layers
    )
    assert _numbered(rendered.script) == _numbered(expected["script"])
    assert rendered.header == expected["header"] and rendered.html == expected["html"]
    assert rendered.map_id == expected["id"]
    assert rendered.component_key == expected["key"]
    assert rendered.defaults == expected["default"]
    assert list(rendered.css_links) == expected["css_links"] and list(rendered.js_links) == expected["js_links"]
    assert _numbered(groups_js) == _numbered(expected["feature_group"])
    assert f"feature_group_feature_group_{n_layers + 1}" in groups_js  # the reader's words come last
    assert "window.qzReader.configure(" in groups_js and "window.qzReader.attach(" in rendered.script
    assert any(link.endswith(".js") and "/app/static/app/reader." in link for link in rendered.js_links)


def test_joined_parts_never_declare_a_name_twice(scene):
    index, layers, selected = scene
    rendered = render_base_map(lambda: _base(()), key=KEY, returned_objects=CURATOR_RETURNED_OBJECTS)
    all_groups = _build(index, layers, selected)[1]
    n_layers = len(all_groups) - 2
    groups_js = render_groups_js(lambda: all_groups[:n_layers], first_index=0) + render_groups_js(
        lambda: _build(index, layers, selected)[1][n_layers:], first_index=n_layers
    )
    # st_folium renames folium's elements by where they sit: <kind>_div_<n> in the map,
    # <kind>_feature_group_<group index>_<n> in a group.
    names = re.findall(r"\bvar\s+(\w+_(?:div|feature_group)(?:_\d+)+)\s*=", rendered.script + groups_js)
    declared = Counter(names)
    twice = {name: n for name, n in declared.items() if n > 1}
    assert not twice, f"declared more than once: {sorted(twice)[:10]}"
    assert len(declared) > 50  # the check saw the layers' elements
    assert "var map_div = L.map(" in rendered.script and "var map_div" not in groups_js
