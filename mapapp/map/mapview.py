"""Build the folium map: the basemap, one overlay group per layer, the selection highlight.

This is the ONLY module where GeoJSON's [lon, lat] becomes Leaflet's [lat, lon] (`latlng_from_lonlat`).

The map is shown with streamlit-folium in two parts so that the reader's view survives reruns:
`build_base_map` depends on the basemap only (a new one rebuilds the component), while
`build_overlay_groups` (layers, language, selection) is passed as `feature_group_to_add`,
which the component swaps in place without touching zoom and centre.
"""

from __future__ import annotations

import html
import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Literal, get_args

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from mapapp.map import lazytemplates  # noqa: F401  (branca compiles rendered scripts lazily: see the module)
from mapapp.map.assets import LeafletUrls
from mapapp.map.displayshapes import DisplayShapes, build_display_shapes
from mapapp.map.layerswitch import CSS as SWITCH_CSS
from mapapp.map.layerswitch import LayerSwitchSetup, control_group, register_group, switch_spec
from mapapp.map.maplayers import (
    DISTRICTS_LAYER_ID,
    MapLayer,
    features_by_map_layer,
)
from mapapp.map.mapstyles import (
    HALO_BASES,
    PANE_AREAS,
    PANE_LABELS,
    PANE_POINTS,
    PANE_SELECTION,
    halo_options,
    line_style,
    point_style,
)
from mapapp.map.markup import approximate_note, attribution_html, feature_name, popup_html
from mapapp.map.readerpanel import READER_CSS, ReaderOptions, ReaderSetup
from mapapp.map.viewport import MAX_ZOOM, MIN_ZOOM, START_VIEW
from mapapp.models import Excerpt, Feature

Basemap = Literal["osm", "gaode", "none"]
BASEMAPS: tuple[str, ...] = get_args(Basemap)
Lang = Literal["zh", "en"]
LANGS: tuple[str, ...] = get_args(Lang)

TILES: dict[str, dict[str, str]] = {
    "osm": {
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attr": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        "subdomains": "abc",
    },
    "gaode": {
        "url": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "attr": "&copy; 高德地图 AutoNavi (GCJ-02)",
        "subdomains": "1234",
    },
}
TILE_HOSTS: tuple[str, ...] = ("tile.openstreetmap.org", "is.autonavi.com")


def latlng_from_lonlat(lon: float, lat: float) -> list[float]:
    """The one place where GeoJSON order [lon, lat] becomes Leaflet order [lat, lon]."""
    return [lat, lon]


_CSS = """
<style>
.leaflet-container { background: #eef0ea; font-family: system-ui, sans-serif; }
.qz-popup { max-width: 320px; font-size: 13px; line-height: 1.45; }
.qz-popup-sub { color: #666; font-size: 12px; }
.qz-popup-excerpt { margin: 6px 0; padding-left: 8px; border-left: 3px solid #ccc; }
.qz-popup-excerpt mark { background: #ffe066; }
.qz-popup-source, .qz-popup-more { color: #666; font-size: 11px; }
.leaflet-control-attribution details.qz-sources { display: inline; }
.qz-sources[open] ul { max-height: 220px; overflow-y: auto; margin: 4px 0; padding-left: 16px; text-align: left; }
.qz-sources summary { cursor: pointer; display: inline; }
.qz-point { cursor: pointer; }
.qz-dot { box-sizing: border-box; border-radius: 50%; box-shadow: 0 0 2px rgba(0,0,0,.6); }
.qz-approx { display: block; filter: drop-shadow(0 0 1px rgba(0,0,0,.35)); }
.qz-tip-approx { color: #666; font-size: 11px; }
.qz-ring { box-sizing: border-box; margin: 4px; border-radius: 50%; border: 4px solid #ffd400; box-shadow: 0 0 4px #000; }
.qz-label { color: #333; font-size: 12px; font-weight: 600; white-space: nowrap;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; transform: translate(-50%, -50%); }
</style>
"""


class _MapSetup(MacroElement):
    """Leaflet settings that folium has no keyword for: the default icon path, data attributions."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.Icon.Default.imagePath = {{ this.image_path|tojson }};
        {%- if this.attribution_html %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution_html|tojson }});
        {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, image_path: str, attributions: Sequence[str]):
        super().__init__()
        self._name = "MapSetup"
        self.image_path = image_path
        self.attribution_html = attribution_html(attributions)


# --- stable element names ----------------------------------------------------------------------
# folium (through branca) names every element with 16 random bytes, so building the same map twice
# gives different text, and Streamlit re-sends a component whole unless its message is byte-for-byte
# the one it sent before (it then sends a short reference). Inside `stable_element_ids()` names count
# up in construction order instead: the same inputs give the same text, and a rerun that changes
# only the side panel costs the map nothing. Outside the block branca's own random names are used.
_stable_ids = threading.local()
_branca_generate_id = Element._generate_id


def _generate_element_id(cls) -> str:
    counter: Iterator[int] | None = getattr(_stable_ids, "counter", None)
    if counter is None:
        return _branca_generate_id()
    return f"{next(counter):032x}"


Element._generate_id = classmethod(_generate_element_id)  # type: ignore[method-assign,assignment]


@contextmanager
def stable_element_ids(start: int = 1) -> Iterator[None]:
    """Build folium elements with names that depend only on construction order (per thread).

    Parts of one map built in separate blocks (and cached apart) take `start`s far enough apart
    that their names cannot meet.
    """
    _stable_ids.counter = itertools.count(start)
    try:
        yield
    finally:
        _stable_ids.counter = None


def build_base_map(
    *,
    basemap: str,
    leaflet: LeafletUrls,
    attributions: Sequence[str] = (),
    switch_layers: Sequence[str] | None = None,
    reader: ReaderOptions | None = None,
) -> folium.Map:
    """The map with its basemap and panes; Leaflet comes from the app, nothing from a CDN.

    `switch_layers` (the visible layer ids) sets up the in-map layer switch (mapapp.map.layerswitch),
    which then owns which layers are shown; the overlays must then be built `with_switch`.
    `reader` loads the reader's script (mapapp.map.readerpanel): the panel and the URL in the browser.
    """
    m = folium.Map(
        location=latlng_from_lonlat(START_VIEW.lon, START_VIEW.lat),
        zoom_start=START_VIEW.zoom,
        tiles=None,
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
        control_scale=True,
    )
    # folium points these at CDNs (plus jQuery, Bootstrap, awesome-markers, unused here).
    m.default_js = [("leaflet", leaflet.js)]
    m.default_css = [("leaflet_css", leaflet.css)]
    if reader is not None:  # after Leaflet, before the map is made (it patches Leaflet's focus handling)
        m.default_js.append(("qz_reader", leaflet.reader_js))
    root = m.get_root()
    assert isinstance(root, Figure)  # a folium.Map is always rooted in a branca Figure
    root.header.add_child(Element(_CSS), name="qz_css")
    if basemap in TILES:
        tiles = TILES[basemap]
        folium.TileLayer(
            tiles=tiles["url"], attr=tiles["attr"], subdomains=tiles["subdomains"], max_zoom=MAX_ZOOM, name=basemap
        ).add_to(m)
    for name, z_index, interactive in (
        (PANE_AREAS, 380, True),
        (PANE_LABELS, 390, False),
        (PANE_SELECTION, 440, False),
        (PANE_POINTS, 450, True),
    ):
        folium.map.CustomPane(name, z_index=z_index, pointer_events=interactive).add_to(m)
    m.add_child(_MapSetup(leaflet.image_path, attributions))
    if switch_layers is not None:
        root.header.add_child(Element(SWITCH_CSS), name="qz_switch_css")
        m.add_child(LayerSwitchSetup(switch_layers))
    if reader is not None:
        # Inline, not a file: the layout must hold when the map is made (st_folium adds CSS files last).
        root.header.add_child(Element(f"<style>{READER_CSS}</style>"), name="qz_reader_css")
        m.add_child(ReaderSetup(reader))
    return m


# Runs for every feature of every overlay. The tooltip is pre-escaped HTML from Python (label_html);
# a click goes to the reader's script, which opens the popup (popup_html, pre-escaped) and the panel.
_ON_EACH_FEATURE = JsCode(
    """
function (feature, layer) {
    var props = feature.properties || {};
    if (props.label_html) {
        layer.bindTooltip(props.label_html, {sticky: true, direction: "top", opacity: 0.95});
    }
    if (props.halo) {
        // An approximate place shows how far off it may be while the pointer is on it.
        var halo = null;
        var hide = function () { if (halo) { halo.remove(); halo = null; } };
        layer.on("mouseover", function () {
            if (!halo && layer._map) { halo = L.circle(layer.getLatLng(), props.halo).addTo(layer._map); }
        });
        layer.on("mouseout", hide);
        layer.on("remove", hide);
    }
    layer.on("click", function (e) {
        // The reader's panel, popup, highlight and URL (mapapp/map/js/reader.js): no server round trip.
        if (window.qzReader) { window.qzReader.clicked(props.id, e); }
    });
}
"""
)


def _feature_dict(
    feature: Feature,
    geometry: dict[str, Any],
    lang: str,
    excerpts: Sequence[Excerpt],
    *,
    part: str,
    halo: dict[str, Any] | None = None,
) -> dict:
    label = html.escape(feature_name(feature, lang))
    if halo is not None:
        label += f'<br><span class="qz-tip-approx">{html.escape(approximate_note(feature, lang))}</span>'
    properties: dict[str, Any] = {
        "id": feature.feature_id,
        "part": part,  # shape (line, polygon, exact point) | dot (an approximate point)
        "name": feature_name(feature, lang),
        "label_html": label,
        "popup_html": popup_html(feature, excerpts, lang),
    }
    if halo is not None:
        properties["halo"] = halo  # L.circle options, drawn on hover
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _geojson(
    features: list[dict], style_by_id: dict[str, dict], *, name: str, pane: str | None = None, marker: Any = None
) -> folium.GeoJson:
    def style_function(item: dict) -> dict:
        props = item["properties"]
        return style_by_id[f"{props['id']}|{props['part']}"]

    for index, item in enumerate(features):
        # folium keys its style map by a unique `feature.id` (not the feature's own id).
        item["id"] = f"{item['properties']['id']}|{item['properties']['part']}|{index}"
    kwargs: dict[str, Any] = {"pane": pane} if pane else {}
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        style_function=style_function,
        on_each_feature=_ON_EACH_FEATURE,
        marker=marker,
        **kwargs,
    )


def build_layer_group(
    layer: MapLayer,
    features: Sequence[Feature],
    *,
    excerpts: Mapping[str, Sequence[Excerpt]],
    lang: str,
    basemap: str,
    shapes: DisplayShapes | None = None,
) -> folium.FeatureGroup:
    """One overlay: lines and polygons, exact points as dots, approximate points as hollow dots."""
    shapes = shapes if shapes is not None else build_display_shapes(features, basemap=basemap)
    group = folium.FeatureGroup(name=layer.layer_id)
    group.add_child(register_group(layer.layer_id))
    lines: list[dict] = []
    points: list[dict] = []
    styles: dict[str, dict] = {}
    labels: list[Feature] = []
    # Larger polygons first, so that a click inside a district finds the district, not the prefecture.
    ordered = sorted(features, key=lambda f: -shapes.area[f.feature_id])
    for feature in ordered:
        fid = feature.feature_id
        geometry = shapes.geometry[fid]
        feature_excerpts = excerpts.get(fid, ())
        offset = shapes.offsets.get(fid, (0.0, 0.0))
        if geometry["type"] in ("Point", "MultiPoint"):
            if feature.location_basis in HALO_BASES:
                halo = halo_options(feature, layer.style)
                points.append(_feature_dict(feature, geometry, lang, feature_excerpts, part="dot", halo=halo))
                styles[f"{fid}|dot"] = point_style(feature, layer.style, offset, approximate=True)
            else:
                points.append(_feature_dict(feature, geometry, lang, feature_excerpts, part="shape"))
                styles[f"{fid}|shape"] = point_style(feature, layer.style, offset, approximate=False)
        else:
            lines.append(_feature_dict(feature, geometry, lang, feature_excerpts, part="shape"))
            styles[f"{fid}|shape"] = line_style(feature, layer.style)
            if layer.layer_id == DISTRICTS_LAYER_ID and fid in shapes.district_label_ids:
                labels.append(feature)
    if lines:
        pane = PANE_AREAS if layer.layer_id == DISTRICTS_LAYER_ID else None
        _geojson(lines, styles, name=f"{layer.layer_id}-shapes", pane=pane).add_to(group)
    if points:
        _geojson(
            points,
            styles,
            name=f"{layer.layer_id}-points",
            marker=folium.Marker(icon=folium.DivIcon(), pane=PANE_POINTS),
        ).add_to(group)
    for feature in labels:
        folium.Marker(
            latlng_from_lonlat(*shapes.anchor_lonlat[feature.feature_id]),
            icon=folium.DivIcon(
                html=f'<div class="qz-label">{html.escape(feature_name(feature, lang))}</div>', icon_size=(0, 0)
            ),
            interactive=False,
            keyboard=False,
            pane=PANE_LABELS,
        ).add_to(group)
    return group


def build_overlay_groups(
    layers: Sequence[MapLayer],
    features: Iterable[Feature],
    *,
    excerpts: Mapping[str, Sequence[Excerpt]],
    lang: str,
    basemap: str,
    visible_layer_ids: Iterable[str] | None = None,
    shapes: DisplayShapes | None = None,
    with_switch: bool = False,
) -> list[folium.FeatureGroup]:
    """A FeatureGroup per visible layer (layer order, districts first); the selected place is drawn
    in the browser (mapapp/map/js/reader.js).

    `visible_layer_ids` None means every layer. `with_switch` (for a map built with
    `switch_layers`): every layer is drawn, whatever `visible_layer_ids` says, and the groups end
    with the in-map layer switch, which hides the layers that are off in the browser.

    `shapes` (build_display_shapes over the same features and basemap) saves the geometry work; it
    is made over all layers, so that a fanned-out dot keeps its place when other layers are toggled.
    """
    features = list(features)
    all_ids = {layer.layer_id for layer in layers}
    visible = all_ids if with_switch or visible_layer_ids is None else set(visible_layer_ids)
    grouped = features_by_map_layer(features)
    shapes = shapes if shapes is not None else build_display_shapes(features, basemap=basemap)
    groups = [
        build_layer_group(layer, grouped[layer.layer_id], excerpts=excerpts, lang=lang, basemap=basemap, shapes=shapes)
        for layer in layers
        if layer.layer_id in visible and grouped.get(layer.layer_id)
    ]
    if with_switch:
        groups.append(control_group(switch_spec(layers, lang, drawn_layer_ids=grouped)))
    return groups
