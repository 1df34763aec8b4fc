"""Build the folium map: the basemap, one overlay group per layer, the selection highlight.

This is the ONLY module where GeoJSON's [lon, lat] becomes Leaflet's [lat, lon] (`latlng_from_lonlat`).

The map is shown with streamlit-folium in two parts so that the reader's view survives reruns:
`build_base_map` depends on the basemap only (a new one rebuilds the component), while
`build_overlay_groups` (layers, language, selection) is passed as `feature_group_to_add`,
which the component swaps in place without touching zoom and centre.
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import folium
import shapely
from branca.element import Element, MacroElement
from folium.template import Template
from folium.utilities import JsCode
from shapely.geometry import mapping, shape

from mapapp.assets import LeafletUrls
from mapapp.coords import gcj02_from_wgs84, gcj02_geometry_from_wgs84, wgs84_from_gcj02
from mapapp.models import Excerpt, Feature, LayerSpec

Basemap = Literal["osm", "gaode", "none"]
BASEMAPS: tuple[str, ...] = get_args(Basemap)
Lang = Literal["zh", "en"]
LANGS: tuple[str, ...] = get_args(Lang)

DISTRICTS_LAYER_ID = "districts"  # admin polygons, drawn below everything else
QUZHOU_CENTER_LONLAT = (118.87, 28.94)
DEFAULT_ZOOM = 9
MIN_ZOOM, MAX_ZOOM = 3, 18
MAP_HEIGHT_PX = 640
ASSUMED_MAP_WIDTH_PX = 760  # for zoom-to-feature; the component does not report its width

PANE_AREAS = "qz-areas"  # district polygons and precision halos
PANE_LABELS = "qz-labels"
PANE_SELECTION = "qz-selection"
PANE_POINTS = "qz-points"

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

# Line colours by kind; a kind not listed takes its layer's colour.
KIND_COLORS: dict[str, str] = {
    "rail_line": "#c0392b",
    "expressway": "#e67e22",
    "road": "#b9770e",
    "bridge": "#7e5109",
    "waterway": "#1f6fb2",
    "flight_route": "#8e44ad",
    "shipping_route": "#16a085",
}
DASH_UNDER_CONSTRUCTION = "10 6"
DASH_SCHEMATIC = "2 7"
HALO_BASES = ("address", "area")
SELECTION_COLOR = "#ffd400"


@dataclass(frozen=True)
class MapLayer:
    """A layer the reader can switch on and off: a LayerSpec, or the district boundaries."""

    layer_id: str
    title_zh: str
    title_en: str
    group: str
    order: int
    default_visible: bool
    style: dict[str, Any] = field(compare=False)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


@dataclass(frozen=True)
class View:
    """What the map shows: a centre and a zoom level."""

    lat: float
    lon: float
    zoom: int


# --- coordinates ---------------------------------------------------------------------------


def latlng_from_lonlat(lon: float, lat: float) -> list[float]:
    """The one place where GeoJSON order [lon, lat] becomes Leaflet order [lat, lon]."""
    return [lat, lon]


def bounds_from_geometry(geometry: Mapping[str, Any]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a GeoJSON geometry."""
    return tuple(shape(geometry).bounds)  # type: ignore[return-value]


def view_from_bounds(
    bounds: tuple[float, float, float, float],
    *,
    width_px: int = ASSUMED_MAP_WIDTH_PX,
    height_px: int = MAP_HEIGHT_PX,
    max_zoom: int = 15,
    padding_px: int = 40,
) -> View:
    """The centre and the largest zoom (<= max_zoom) at which `bounds` fits the map (Web Mercator)."""
    west, south, east, north = bounds
    lon = (west + east) / 2
    y_south, y_north = _mercator_y(south), _mercator_y(north)
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - (y_south + y_north)))))
    zoom = max_zoom
    lon_span = (east - west) / 360
    y_span = abs(y_south - y_north)
    for span, px in ((lon_span, width_px), (y_span, height_px)):
        if span > 0:
            zoom = min(zoom, math.floor(math.log2(max(px - 2 * padding_px, 64) / (256 * span))))
    return View(lat=round(lat, 6), lon=round(lon, 6), zoom=max(MIN_ZOOM, min(zoom, MAX_ZOOM)))


def view_for_feature(feature: Feature) -> View:
    """A view (WGS-84) that shows the whole feature; a point with a halo shows its whole halo."""
    geometry = feature.geometry
    west, south, east, north = bounds_from_geometry(geometry)
    if geometry.get("type") == "Point" and feature.location_basis in HALO_BASES:
        d_lat = feature.precision_m / 111_320
        d_lon = d_lat / max(math.cos(math.radians(south)), 0.01)
        west, south, east, north = west - d_lon, south - d_lat, east + d_lon, north + d_lat
    return view_from_bounds((west, south, east, north))


def _mercator_y(lat: float) -> float:
    """Web Mercator y in [0, 1], 0 at the north edge."""
    lat = max(-85.0511, min(85.0511, lat))
    s = math.sin(math.radians(lat))
    return 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)


def display_geometry(geometry: Mapping[str, Any], *, basemap: str) -> dict[str, Any]:
    """The geometry as drawn: lines and polygons thinned to ~10 m, GCJ-02 on the Gaode basemap."""
    geom = shape(geometry)
    if geom.geom_type != "Point" and _vertex_count(geometry) > 200:
        geom = geom.simplify(0.0001, preserve_topology=True)
    drawn = _rounded(mapping(geom))
    if basemap == "gaode":
        drawn = gcj02_geometry_from_wgs84(drawn)
    return drawn


def map_view_from_wgs84(view: View, *, basemap: str) -> View:
    """The view in the map's own coordinates: GCJ-02 on the Gaode basemap, else WGS-84."""
    if basemap != "gaode":
        return view
    lon, lat = gcj02_from_wgs84(view.lon, view.lat)
    return View(lat=round(lat, 6), lon=round(lon, 6), zoom=view.zoom)


def wgs84_view_from_map(view: View, *, basemap: str) -> View:
    """The view as stored in the URL (WGS-84) from the map's own coordinates."""
    if basemap != "gaode":
        return view
    lon, lat = wgs84_from_gcj02(view.lon, view.lat)
    return View(lat=round(lat, 6), lon=round(lon, 6), zoom=view.zoom)


def _vertex_count(geometry: Mapping[str, Any]) -> int:
    return len(shapely.get_coordinates(shape(geometry)))


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


# --- layers --------------------------------------------------------------------------------


def map_layers_from_specs(specs: Sequence[LayerSpec]) -> tuple[MapLayer, ...]:
    """The switchable layers: district boundaries first, then every LayerSpec in order."""
    admin_style = next((s.style for s in specs if "admin_area" in s.categories), {})
    districts = MapLayer(
        layer_id=DISTRICTS_LAYER_ID,
        title_zh="区县界",
        title_en="District boundaries",
        group="base",
        order=0,
        default_visible=True,
        style=dict(admin_style),
    )
    layers = [
        MapLayer(s.layer_id, s.title_zh, s.title_en, s.group, s.order, s.default_visible, dict(s.style))
        for s in specs
    ]
    return (districts, *sorted(layers, key=lambda m: (m.order, m.layer_id)))


def is_district(feature: Feature) -> bool:
    """Admin areas drawn as polygons go to the district layer (towns and villages stay points)."""
    return feature.category == "admin_area" and feature.geometry.get("type") in ("Polygon", "MultiPolygon")


def map_layer_id_for(feature: Feature) -> str:
    return DISTRICTS_LAYER_ID if is_district(feature) else feature.layer_id


def features_by_map_layer(features: Iterable[Feature]) -> dict[str, list[Feature]]:
    """Features grouped by the map layer that draws them, in feature-id order."""
    grouped: dict[str, list[Feature]] = {}
    for feature in sorted(features, key=lambda f: f.feature_id):
        if feature.geometry:
            grouped.setdefault(map_layer_id_for(feature), []).append(feature)
    return grouped


@dataclass(frozen=True, eq=False)
class DisplayShapes:
    """What drawing needs from each feature's geometry on one basemap, worked out once.

    Thinning, GCJ-02 shifting, polygon areas and label points depend on the features and the
    basemap only, never on layers, language or selection: ui.py caches one per basemap and every
    run of every session reads it (it is never changed after it is built).
    """

    basemap: str
    geometry: dict[str, dict[str, Any]]  # feature id -> the geometry as drawn
    area: dict[str, float]  # feature id -> area in square degrees (0 for points and lines)
    anchor_lonlat: dict[str, tuple[float, float]]  # feature id -> where its popup and label sit
    district_label_ids: frozenset[str]  # district polygons that contain no other district
    offsets: dict[str, tuple[float, float]]  # point_offsets_px over all features


def build_display_shapes(features: Iterable[Feature], *, basemap: str) -> DisplayShapes:
    features = [f for f in features if f.geometry]
    geometry: dict[str, dict[str, Any]] = {}
    area: dict[str, float] = {}
    anchor: dict[str, tuple[float, float]] = {}
    drawn_shapes = {}
    for feature in features:
        drawn = display_geometry(feature.geometry, basemap=basemap)
        geometry[feature.feature_id] = drawn
        area[feature.feature_id] = shape(feature.geometry).area if feature.geometry["type"] != "Point" else 0.0
        drawn_shape = shape(drawn)
        drawn_shapes[feature.feature_id] = drawn_shape
        point = drawn_shape.centroid if drawn["type"] in ("Point", "MultiPoint") else drawn_shape.representative_point()
        anchor[feature.feature_id] = (point.x, point.y)
    districts = [f.feature_id for f in features if is_district(f)]
    innermost = frozenset(
        fid for fid in districts
        if not any(other != fid and drawn_shapes[fid].contains(shapely.Point(anchor[other])) for other in districts)
    )
    return DisplayShapes(basemap, geometry, area, anchor, innermost, point_offsets_px(features))


# --- HTML fragments (article text is data: always escaped) ------------------------------------


def feature_name(feature: Feature, lang: str) -> str:
    if lang == "en" and feature.name_en:
        return feature.name_en
    return feature.name_zh


def html_from_text_with_highlights(
    text: str, highlights: Sequence[tuple[int, int]], *, mark_class: str = ""
) -> str:
    """Escape `text` and wrap each [start, end) highlight in <mark>."""
    out: list[str] = []
    position = 0
    open_tag = f'<mark class="{html.escape(mark_class)}">' if mark_class else "<mark>"
    for start, end in sorted(highlights):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        out.append(html.escape(text[position:start]))
        out.append(f"{open_tag}{html.escape(text[start:end])}</mark>")
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)


def html_from_excerpt(excerpt: Excerpt, *, max_chars: int | None = None) -> str:
    """The excerpt sentence, escaped, the mention(s) in <mark>; cut around the first mention."""
    text, highlights = excerpt.text, list(excerpt.highlights)
    if max_chars is not None and len(text) > max_chars:
        first = highlights[0][0] if highlights else 0
        start = max(0, min(first - max_chars // 3, len(text) - max_chars))
        end = start + max_chars
        highlights = [(s - start, e - start) for s, e in highlights if s >= start and e <= end]
        body = html_from_text_with_highlights(text[start:end], highlights)
        return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")
    return html_from_text_with_highlights(text, highlights)


def popup_html(feature: Feature, excerpts: Sequence[Excerpt], lang: str) -> str:
    """Pre-escaped popup content: the name and the first excerpt (shown at once on click)."""
    name = html.escape(feature_name(feature, lang))
    other = html.escape(feature.name_zh if lang == "en" else feature.name_en)
    parts = [f'<div class="qz-popup"><b>{name}</b>']
    if other and other != name:
        parts.append(f'<div class="qz-popup-sub">{other}</div>')
    if excerpts:
        first = excerpts[0]
        parts.append(f'<blockquote class="qz-popup-excerpt">{html_from_excerpt(first, max_chars=140)}</blockquote>')
        parts.append(f'<div class="qz-popup-source">{html.escape(first.headline)} · {html.escape(first.date)}</div>')
        more = len(excerpts) - 1
        if more > 0:
            parts.append(
                f'<div class="qz-popup-more">{"+" + str(more) + (" more excerpts" if lang == "en" else " 条摘录，见侧栏")}</div>'
            )
    else:
        parts.append('<div class="qz-popup-more">' + ("Not named in the articles" if lang == "en" else "文章未提及") + "</div>")
    parts.append("</div>")
    return "".join(parts)


# --- the map -------------------------------------------------------------------------------

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


def attribution_html(attributions: Sequence[str]) -> str:
    """Every data source's credit line, escaped, folded into one expandable attribution entry."""
    if not attributions:
        return ""
    items = "".join(f"<li>{html.escape(text)}</li>" for text in attributions)
    return f'<details class="qz-sources"><summary>数据来源 Data sources ({len(attributions)})</summary><ul>{items}</ul></details>'



def build_base_map(*, basemap: str, leaflet: LeafletUrls, attributions: Sequence[str] = ()) -> folium.Map:
    """The map with its basemap and panes; Leaflet comes from the app, nothing from a CDN."""
    m = folium.Map(
        location=latlng_from_lonlat(*QUZHOU_CENTER_LONLAT),
        zoom_start=DEFAULT_ZOOM,
        tiles=None,
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
        control_scale=True,
    )
    # folium points these at CDNs (plus jQuery, Bootstrap, awesome-markers, unused here).
    m.default_js = [("leaflet", leaflet.js)]
    m.default_css = [("leaflet_css", leaflet.css)]
    m.get_root().header.add_child(Element(_CSS), name="qz_css")
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
    return m


# Runs for every feature of every overlay. Content is pre-escaped HTML from Python (popup_html),
# bound as a map-level popup so that it survives the component swapping the overlay groups.
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
        window.qzSelectedFeatureId = props.id;
        if (props.popup_html && layer._map) {
            var at = e.originalEvent ? layer._map.mouseEventToLatLng(e.originalEvent) : e.latlng;
            L.popup({maxWidth: 340, className: "qz-popup-box"})
                .setLatLng(at)
                .setContent(props.popup_html)
                .openOn(layer._map);
        }
    });
}
"""
)


def _feature_dict(
    feature: Feature, geometry: dict[str, Any], lang: str, excerpts: Sequence[Excerpt], *, part: str, halo: dict[str, Any] | None = None
) -> dict:
    label = html.escape(feature_name(feature, lang))
    if halo is not None:
        label += f'<br><span class="qz-tip-approx">{html.escape(approximate_note(feature, lang))}</span>'
    properties = {
        "id": feature.feature_id,
        "part": part,  # shape (line, polygon, exact point) | dot (an approximate point)
        "name": feature_name(feature, lang),
        "label_html": label,
        "popup_html": popup_html(feature, excerpts, lang),
    }
    if halo is not None:
        properties["halo"] = halo  # L.circle options, drawn on hover
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def approximate_note(feature: Feature, lang: str) -> str:
    """The tooltip's second line for a place known only by address or area."""
    radius = f"{feature.precision_m / 1000:g} km" if feature.precision_m >= 1000 else f"{feature.precision_m} m"
    return f"approximate location (±{radius})" if lang == "en" else f"位置约略（±{radius}）"


def _line_style(feature: Feature, style: Mapping[str, Any]) -> dict[str, Any]:
    color = KIND_COLORS.get(feature.category, css_color(style.get("color")))
    dash = style.get("dash")
    if feature.status in ("under_construction", "planned"):
        dash = DASH_UNDER_CONSTRUCTION
    if feature.location_basis == "schematic":
        dash = DASH_SCHEMATIC
    return {
        "color": color,
        "weight": style.get("weight", 3),
        "opacity": style.get("opacity", 0.9),
        "dashArray": dash,
        "fillColor": color,
        "fillOpacity": style.get("fill_opacity", 0.15),
    }


def _point_style(feature: Feature, style: Mapping[str, Any], offset_px: tuple[float, float], *, approximate: bool) -> dict[str, Any]:
    """DivIcon options for a point, fanned out by offset_px.

    Exact: a filled dot (a ring for stations, ports, airports), its border dashed while under
    construction. Approximate (known by address or area): a hollow dot with a dashed outline; its
    halo shows only on hover and when selected, so that dozens of wide halos do not grey out the map.
    """
    color = css_color(style.get("color"))
    if approximate:
        # SVG, not a CSS dashed border: CSS draws four thick dashes on a circle this small.
        diameter = 14
        icon = (
            f'<svg class="qz-approx" width="{diameter}" height="{diameter}" viewBox="0 0 14 14">'
            f'<circle cx="7" cy="7" r="5.6" fill="#fff" fill-opacity=".8" stroke="{color}" stroke-width="1.8" stroke-dasharray="2.2 1.5"/>'
            f'<circle cx="7" cy="7" r="1.7" fill="{color}"/></svg>'
        )
    else:
        diameter = 2 * int(style.get("radius", 6)) + 2
        if feature.category in ("rail_station", "port", "airport"):
            css = f"background:#fff;border:3px solid {color};"
        else:
            css = f"background:{color};border:2px solid #fff;"
        if feature.status in ("under_construction", "planned"):
            css = css.replace("solid", "dashed")
        icon = f'<div class="qz-dot" style="{css}width:{diameter}px;height:{diameter}px"></div>'
    dx, dy = offset_px
    return {
        "html": icon,
        "className": "qz-point",
        "iconSize": [diameter, diameter],
        "iconAnchor": [round(diameter / 2 - dx, 1), round(diameter / 2 - dy, 1)],
    }


_CSS_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")
DEFAULT_COLOR = "#333333"


def css_color(value: Any) -> str:
    """A layer's colour if it is a plain CSS colour (#hex or a name), else the default.

    Layer files come from curators; a value such as `red;background:url(...)` must not reach a
    style attribute (it could make the page fetch from another host).
    """
    return value if isinstance(value, str) and _CSS_COLOR.match(value) else DEFAULT_COLOR


def point_offsets_px(features: Iterable[Feature], *, spacing_px: float = 9.0) -> dict[str, tuple[float, float]]:
    """Screen offsets that fan out points sharing one position (sunflower pattern).

    Many places known only by area share their area's anchor point; drawn on top of each other only
    the last could be clicked. Their halos stay centred on the true anchor.
    """
    groups: dict[tuple[float, float], list[str]] = {}
    for feature in features:
        if feature.geometry and feature.geometry.get("type") == "Point":
            lon, lat = feature.geometry["coordinates"][:2]
            groups.setdefault((round(lon, 4), round(lat, 4)), []).append(feature.feature_id)
    offsets: dict[str, tuple[float, float]] = {}
    golden_angle = math.pi * (3 - math.sqrt(5))
    for feature_ids in groups.values():
        if len(feature_ids) == 1:
            offsets[feature_ids[0]] = (0.0, 0.0)
            continue
        for k, feature_id in enumerate(sorted(feature_ids)):
            r = spacing_px * math.sqrt(k + 0.6)
            offsets[feature_id] = (round(r * math.cos(k * golden_angle), 1), round(r * math.sin(k * golden_angle), 1))
    return offsets


def halo_options(feature: Feature, style: Mapping[str, Any], *, selected: bool = False) -> dict[str, Any]:
    """L.circle options for the uncertainty of a point known by address or area: precision_m.

    Never clickable (clicks go to the dot, or through to the district under it). Larger halos are
    fainter; the selected place's halo is a little stronger than a hovered one.
    """
    color = css_color(style.get("color"))
    precision = feature.precision_m
    return {
        "radius": precision,  # metres: L.Circle
        "color": color,
        "weight": 1,
        "opacity": 0.6,
        "dashArray": "3 4",
        "fill": True,
        "fillColor": color,
        "fillOpacity": (0.12 if precision <= 1_000 else 0.08 if precision <= 10_000 else 0.05) * (1.5 if selected else 1),
        "interactive": False,
        "pane": PANE_AREAS,
    }


def _geojson(
    features: list[dict], style_by_id: dict[str, dict], *, name: str, pane: str | None = None, marker: Any = None
) -> folium.GeoJson:
    def style_function(item: dict) -> dict:
        props = item["properties"]
        return style_by_id[f"{props['id']}|{props['part']}"]

    for index, item in enumerate(features):
        # folium keys its style map by a unique `feature.id` (not the feature's own id).
        item["id"] = f"{item['properties']['id']}|{item['properties']['part']}|{index}"
    kwargs = {"pane": pane} if pane else {}
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
                styles[f"{fid}|dot"] = _point_style(feature, layer.style, offset, approximate=True)
            else:
                points.append(_feature_dict(feature, geometry, lang, feature_excerpts, part="shape"))
                styles[f"{fid}|shape"] = _point_style(feature, layer.style, offset, approximate=False)
        else:
            lines.append(_feature_dict(feature, geometry, lang, feature_excerpts, part="shape"))
            styles[f"{fid}|shape"] = _line_style(feature, layer.style)
            if layer.layer_id == DISTRICTS_LAYER_ID and fid in shapes.district_label_ids:
                labels.append(feature)
    if lines:
        pane = PANE_AREAS if layer.layer_id == DISTRICTS_LAYER_ID else None
        _geojson(lines, styles, name=f"{layer.layer_id}-shapes", pane=pane).add_to(group)
    if points:
        _geojson(points, styles, name=f"{layer.layer_id}-points", marker=folium.Marker(icon=folium.DivIcon(), pane=PANE_POINTS)).add_to(group)
    for feature in labels:
        folium.Marker(
            latlng_from_lonlat(*shapes.anchor_lonlat[feature.feature_id]),
            icon=folium.DivIcon(html=f'<div class="qz-label">{html.escape(feature_name(feature, lang))}</div>', icon_size=(0, 0)),
            interactive=False,
            keyboard=False,
            pane=PANE_LABELS,
        ).add_to(group)
    return group


class _SelectionPopup(MacroElement):
    """Opens the selected feature's popup when the selection came from the URL or the search.

    A click sets window.qzSelectedFeatureId itself (and shows its popup at once), so this does nothing then.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.qzSelectedFeatureId !== {{ this.feature_id|tojson }}) {
            window.qzSelectedFeatureId = {{ this.feature_id|tojson }};
            L.popup({maxWidth: 340, autoPan: false, className: "qz-popup-box"})
                .setLatLng({{ this.latlng|tojson }})
                .setContent({{ this.popup_html|tojson }})
                .openOn({{ this._parent._parent.get_name() }});
        }
        {% endmacro %}
        """
    )

    def __init__(self, feature_id: str, latlng: list[float], popup_html: str):
        super().__init__()
        self._name = "SelectionPopup"
        self.feature_id = feature_id
        self.latlng = latlng
        self.popup_html = popup_html


def build_selection_group(
    feature: Feature,
    *,
    excerpts: Sequence[Excerpt],
    lang: str,
    basemap: str,
    shapes: DisplayShapes | None = None,
    style: Mapping[str, Any] | None = None,
) -> folium.FeatureGroup:
    """A non-interactive highlight under the selected feature, and its popup for deep links.

    An approximate place also gets its halo (precision_m around its anchor), drawn with the layer's
    `style` colour.
    """
    group = folium.FeatureGroup(name="selection")
    shapes = shapes if shapes is not None else build_display_shapes([feature], basemap=basemap)
    geometry = shapes.geometry[feature.feature_id]
    offset_px = shapes.offsets.get(feature.feature_id, (0.0, 0.0))
    is_point = geometry["type"] in ("Point", "MultiPoint")
    data = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": geometry, "properties": {"id": feature.feature_id}}]}
    if is_point and feature.location_basis in HALO_BASES:
        # Through GeoJson (not folium.Circle, which drops the pane and interactive options).
        halo = halo_options(feature, style or {}, selected=True)
        folium.GeoJson(data, name="selection-halo", style_function=lambda _item: halo, marker=folium.Circle(radius=1)).add_to(group)
    if is_point:
        # A ring around the (possibly fanned-out) dot: same offset as the dot's icon.
        size, (dx, dy) = 30, offset_px
        ring = {
            "html": f'<div class="qz-ring" style="width:{size - 8}px;height:{size - 8}px"></div>',
            "className": "qz-selection-ring",
            "iconSize": [size, size],
            "iconAnchor": [size / 2 - dx, size / 2 - dy],
        }
        folium.GeoJson(
            data,
            name="selection",
            style_function=lambda _item: ring,
            marker=folium.Marker(icon=folium.DivIcon(), interactive=False, keyboard=False, pane=PANE_SELECTION),
        ).add_to(group)
    else:
        highlight = {"color": SELECTION_COLOR, "weight": 10, "opacity": 0.85, "fillColor": SELECTION_COLOR, "fillOpacity": 0.08}
        folium.GeoJson(
            data, name="selection", style_function=lambda _item: highlight, interactive=False, pane=PANE_SELECTION
        ).add_to(group)
    anchor = latlng_from_lonlat(*shapes.anchor_lonlat[feature.feature_id])
    group.add_child(_SelectionPopup(feature.feature_id, anchor, popup_html(feature, excerpts, lang)))
    return group


def build_overlay_groups(
    layers: Sequence[MapLayer],
    features: Iterable[Feature],
    *,
    visible_layer_ids: Iterable[str],
    excerpts: Mapping[str, Sequence[Excerpt]],
    lang: str,
    basemap: str,
    selected_feature: Feature | None = None,
    shapes: DisplayShapes | None = None,
) -> list[folium.FeatureGroup]:
    """A FeatureGroup per visible layer (layer order, districts first), then the selection.

    `shapes` (build_display_shapes over the same features and basemap) saves the geometry work; it
    is made over all layers, so that a fanned-out dot keeps its place when other layers are toggled.
    """
    features = list(features)
    visible = set(visible_layer_ids)
    grouped = features_by_map_layer(features)
    shapes = shapes if shapes is not None else build_display_shapes(features, basemap=basemap)
    groups = [
        build_layer_group(layer, grouped[layer.layer_id], excerpts=excerpts, lang=lang, basemap=basemap, shapes=shapes)
        for layer in layers
        if layer.layer_id in visible and grouped.get(layer.layer_id)
    ]
    if selected_feature is not None and selected_feature.geometry:
        layer_id = map_layer_id_for(selected_feature)
        style = next((layer.style for layer in layers if layer.layer_id == layer_id), {})
        groups.append(
            build_selection_group(
                selected_feature, excerpts=excerpts.get(selected_feature.feature_id, ()), lang=lang, basemap=basemap, shapes=shapes, style=style
            )
        )
    return groups


# --- attributions --------------------------------------------------------------------------


def load_source_attributions(sources_dir: Path) -> tuple[str, ...]:
    """Every distinct attribution that geodata/sources/*.md asks the map to show, as plain text.

    A file lists them in the column of its source table whose header names the attribution
    ("attribution the map shows"); a file without such a table gives its `Attribution:` line,
    else its first heading.
    """
    lines: list[str] = []
    for path in sorted(sources_dir.glob("*.md")) if sources_dir.is_dir() else []:
        for found in attributions_in_markdown(path.read_text(encoding="utf-8")):
            if found not in lines:
                lines.append(found)
    return tuple(lines)


def attributions_in_markdown(text: str) -> list[str]:
    found: list[str] = []
    heading = ""
    column: int | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line.startswith("|"):
            column = None
            key, _, value = line.lstrip("-* ").replace("**", "").partition(":")
            if key.strip().lower() == "attribution" and value.strip():
                found.append(value.strip().strip("`"))
            if not heading and line.startswith("#"):
                heading = line.lstrip("#").strip()
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if column is None:
            column = next((i for i, cell in enumerate(cells) if "attribution" in cell.lower()), None)
            continue
        if column < len(cells) and not set(cells[column]) <= set("-: "):
            value = cells[column]
            if value.startswith('"') and value.endswith('"') and value.count('"') == 2:
                value = value[1:-1]
            if value and not value.lower().startswith("as in "):  # "as in seeds/articles.toml": not a credit line
                found.append(value)
    return found or ([heading] if heading else [])
