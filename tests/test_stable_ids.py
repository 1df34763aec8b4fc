"""The same map built twice renders to the same text, so Streamlit can re-use the map message."""

from __future__ import annotations

import pytest
from streamlit_folium import _get_feature_group_string, _get_map_string, get_full_id

from mapapp.map import mapview
from mapapp.map.assets import leaflet_urls
from mapapp.map.maplayers import map_layers_from_specs
from mapapp.pipeline.index import build_map_index


@pytest.fixture(scope="module")
def index():
    return build_map_index()


def _render(index) -> tuple[str, str, str]:
    layers = map_layers_from_specs(index.layers)
    with mapview.stable_element_ids():
        base = mapview.build_base_map(basemap="osm", leaflet=leaflet_urls())
        groups = mapview.build_overlay_groups(
            layers,
            index.features.values(),
            visible_layer_ids=[layer.layer_id for layer in layers],
            excerpts=index.excerpts,
            lang="zh",
            basemap="osm",
        )
    base.render()
    overlay = "".join(_get_feature_group_string(group, map=base, idx=n) for n, group in enumerate(groups))
    return get_full_id(base), _get_map_string(base), overlay  # the component's id, script, overlays


def test_same_inputs_render_the_same_text(index):
    first, second = _render(index), _render(index)
    assert first == second
    assert first[0] == "map_00000000000000000000000000000001"  # counted, not random


def test_outside_the_block_names_stay_random():
    assert mapview.folium.Map().get_name() != mapview.folium.Map().get_name()
