"""st_folium's component, fed pre-rendered arguments: an unchanged map costs a rerun nothing.

`st_folium(map, feature_group_to_add=groups)` turns the folium objects into the component's
arguments (the map's script, header and HTML; each group's script) on every call. For this app that
was ~60-70 ms of every rerun (BENCHMARKS.md), although the map and its groups change only with the
data, the basemap, the language, the layer switch's start and a selection drawn by the server. So
the rendering is split into the parts st_folium sends and each part is made once, by the caller's
cache (ui.py keys them on the data digest and what they depend on):

- `render_base_map`: the map itself (script, header, HTML, the component's key);
- `render_groups_js`: overlay groups as the `feature_group` script, numbered from `first_index`.

`show_map` then calls the component with exactly the arguments st_folium would have passed.

This reaches into streamlit-folium 0.27.4's module-private helpers (`_get_html`, `_get_header`,
`_get_map_string`, `_get_feature_group_string`, `generate_js_hash`, `_component_func`), which
st_folium itself calls in this order; requirements.txt pins the version, and
tests/test_mapcomponent.py checks the result against st_folium's own arguments.
Imported by ui.py only (it imports streamlit_folium, hence Streamlit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import streamlit_folium

from mapapp.map import mapview

# Parts of one map are built in separate stable_element_ids blocks; these starts keep their element
# names apart (no part builds anywhere near a million elements).
BASE_IDS_START = 1
GROUP_IDS_STEP = 1_000_000


@dataclass(frozen=True)
class RenderedMap:
    """The map part of st_folium's arguments (all but the overlay groups and the view request)."""

    script: str
    header: str
    html: str
    map_id: str
    component_key: str  # st_folium's hash of the script and the widget key
    defaults: dict[str, Any]
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def render_base_map(
    build: Callable[[], folium.Map], *, key: str, returned_objects: Sequence[str], return_on_hover: bool = False
) -> RenderedMap:
    """Build the map with `build()` and render it as st_folium does (render=True, a folium.Map)."""
    with mapview.stable_element_ids(BASE_IDS_START):
        folium_map = build()
    folium_map.get_root().render()
    folium_map.render()
    html = streamlit_folium._get_html(folium_map)
    header = streamlit_folium._get_header(folium_map)
    script = streamlit_folium._get_map_string(folium_map)
    try:
        south_west, north_east = folium_map.get_bounds()
    except AttributeError:
        south_west, north_east = [None, None], [None, None]
    all_defaults: dict[str, Any] = {
        "last_clicked": None,
        "last_object_clicked": None,
        "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None,
        "last_object_clicked_popup": None,
        "all_drawings": None,
        "last_active_drawing": None,
        "bounds": {
            "_southWest": {"lat": south_west[0], "lng": south_west[1]},
            "_northEast": {"lat": north_east[0], "lng": north_east[1]},
        },
        "zoom": folium_map.options.get("zoom"),
        "last_circle_radius": None,
        "last_circle_polygon": None,
        "selected_layers": None,
        "selected_tags": None,
        "last_geocoder_result": None,
    }
    return RenderedMap(
        script=script,
        header=header,
        html=html,
        map_id=streamlit_folium.get_full_id(folium_map),
        component_key=streamlit_folium.generate_js_hash(script, key, return_on_hover),
        defaults={k: v for k, v in all_defaults.items() if k in returned_objects},
        css_links=tuple(
            dict.fromkeys(href for elem in _walk(folium_map) for _, href in getattr(elem, "default_css", []))
        ),
        js_links=tuple(dict.fromkeys(src for elem in _walk(folium_map) for _, src in getattr(elem, "default_js", []))),
    )


def render_groups_js(build: Callable[[], Sequence[folium.FeatureGroup]], *, first_index: int) -> str:
    """Build overlay groups with `build()` and render them as st_folium's `feature_group` script,
    numbered from `first_index` (st_folium numbers the groups it is given from 0).

    Each call builds its groups in a block of element names of its own (by `first_index`), so parts
    rendered apart can be joined into one script.
    """
    with mapview.stable_element_ids(BASE_IDS_START + GROUP_IDS_STEP * (first_index + 1)):
        groups = build()
        # A throwaway parent: st_folium adds each group to the map it renders and then replaces
        # that map's name with "map_div", so the parent's own text never reaches the script.
        parent = folium.Map(tiles=None)
    return "".join(
        streamlit_folium._get_feature_group_string(group, map=parent, idx=first_index + offset)
        for offset, group in enumerate(groups)
    )


def show_map(
    rendered: RenderedMap,
    groups_js: str | None,
    *,
    key: str,
    session_state: Any,  # st.session_state (a mapping, not registered as one)
    height: int,
    width: int | None,
    returned_objects: Sequence[str],
    zoom: int | None = None,
    center: Sequence[float] | None = None,
    on_change: Callable[[], None] | None = None,
) -> Any:
    """Call st_folium's component with pre-rendered arguments; returns its value, as st_folium does.

    As in st_folium, the component's own key is the hash of the map's script, and the reader's value
    is copied to `session_state[key]` before `on_change` runs.
    """

    def _on_change() -> None:
        session_state[key] = session_state.get(rendered.component_key, {})
        if on_change is not None:
            on_change()

    return streamlit_folium._component_func(
        script=rendered.script,
        header=rendered.header,
        html=rendered.html,
        id=rendered.map_id,
        key=rendered.component_key,
        height=height,
        width=width,
        returned_objects=list(returned_objects),
        default=rendered.defaults,
        zoom=zoom,
        center=list(center) if center is not None else None,
        feature_group=groups_js,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(rendered.css_links),
        js_links=list(rendered.js_links),
        on_change=_on_change,
        wrap_longitude=False,
    )


def _walk(element: Any) -> Iterable[Any]:
    """Every element under `element` that may carry default_css / default_js (as st_folium walks)."""
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)
