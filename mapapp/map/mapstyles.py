"""How each kind of feature is drawn: panes, line colours and dashes, point icons, precision halos.

Pure data for Leaflet (style dicts, DivIcon options); colours from layer files are checked here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from mapapp.models import Feature

PANE_AREAS = "qz-areas"  # district polygons and precision halos
PANE_LABELS = "qz-labels"
PANE_SELECTION = "qz-selection"
PANE_POINTS = "qz-points"

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
# How a facility's stage is drawn, on the map as it is now (by its status) and on the "as of" map (by
# the stage the articles give for the chosen month; mapapp.map.asofcontrol sends these to the
# browser and its legend draws its samples with them): lines and area outlines solid when open,
# dashed under construction, dotted when planned (areas then unfilled), faded when not yet in the
# news. Points: see STAGE_POINT_CSS.
DASH_UNDER_CONSTRUCTION = "9 6"
DASH_PLANNED = "1 6"
STAGE_PATH_STYLES: dict[str, dict[str, Any]] = {
    "not_yet": {"opacity": 0.12, "fillOpacity": 0.03, "dashArray": None},
    "planned": {"dashArray": DASH_PLANNED, "fillOpacity": 0.0},
    "under_construction": {"dashArray": DASH_UNDER_CONSTRUCTION, "fillOpacity": 0.06},
    "open": {"dashArray": None},
}
STAGE_OF_STATUS = {"planned": "planned", "under_construction": "under_construction", "operating": "open"}
# A schematic line (drawn through sourced points, not surveyed) is see-through, whatever its stage.
SCHEMATIC_OPACITY = 0.5
# Points by stage: a class on the marker's element (qz-stage-<stage>), the same on the map as it is
# now, on the "as of" map and in its legend. Open: as drawn; under construction: a dashed orange
# ring, the dot's border dashed; planned: a dotted ring around a hollow dot; not yet: faded.
STAGE_POINT_CSS = """
.qz-stage-not_yet { opacity: .15 !important; filter: grayscale(1); }
.qz-stage-planned, .qz-stage-under_construction { border-radius: 50%; outline-offset: 2px; }
.qz-stage-planned { outline: 2px dotted #333; }
.qz-stage-planned .qz-dot { background: #fff !important; border-style: dotted !important; }
.qz-stage-under_construction { outline: 2px dashed #d9822b; }
.qz-stage-under_construction .qz-dot { border-style: dashed !important; }
.qz-stage-open .qz-dot { border-style: solid !important; }
"""
HALO_BASES = ("address", "area")  # location bases drawn as approximate, with a halo of precision_m
SELECTION_COLOR = "#ffd400"
DEFAULT_COLOR = "#333333"
_CSS_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")


def css_color(value: Any) -> str:
    """A layer's colour if it is a plain CSS colour (#hex or a name), else the default.

    Layer files come from curators; a value such as `red;background:url(...)` must not reach a
    style attribute (it could make the page fetch from another host).
    """
    return value if isinstance(value, str) and _CSS_COLOR.match(value) else DEFAULT_COLOR


def line_style(feature: Feature, style: Mapping[str, Any]) -> dict[str, Any]:
    """A line's or area's Leaflet style: its kind's (or layer's) colour, dashed by its status as the
    "as of" map dashes stages (STAGE_PATH_STYLES), see-through when schematic."""
    color = KIND_COLORS.get(feature.category, css_color(style.get("color")))
    drawn: dict[str, Any] = {
        "color": color,
        "weight": style.get("weight", 3),
        "opacity": style.get("opacity", 0.9),
        "dashArray": style.get("dash"),
        "fillColor": color,
        "fillOpacity": style.get("fill_opacity", 0.15),
    }
    stage = STAGE_OF_STATUS.get(feature.status)
    if stage in ("planned", "under_construction"):
        drawn.update(STAGE_PATH_STYLES[stage])
    if feature.location_basis == "schematic":
        drawn["opacity"] = round(drawn["opacity"] * SCHEMATIC_OPACITY, 3)
    return drawn


def point_style(
    feature: Feature, style: Mapping[str, Any], offset_px: tuple[float, float], *, approximate: bool
) -> dict[str, Any]:
    """DivIcon options for a point, fanned out by offset_px.

    Exact: a filled dot (a ring for stations, ports, airports), its border dashed while under
    construction, a dotted hollow ring while planned. Approximate (known by address or area): a hollow dot with a dashed outline; its
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
        if feature.status == "under_construction":
            css = css.replace("solid", "dashed")
        elif feature.status == "planned":
            css = f"background:#fff;border:3px dotted {color};"
        icon = f'<div class="qz-dot" style="{css}width:{diameter}px;height:{diameter}px"></div>'
    dx, dy = offset_px
    stage = STAGE_OF_STATUS.get(feature.status)
    return {
        "html": icon,
        "className": f"qz-point qz-stage-{stage}" if stage else "qz-point",
        "iconSize": [diameter, diameter],
        "iconAnchor": [round(diameter / 2 - dx, 1), round(diameter / 2 - dy, 1)],
    }


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
        "fillOpacity": (0.12 if precision <= 1_000 else 0.08 if precision <= 10_000 else 0.05)
        * (1.5 if selected else 1),
        "interactive": False,
        "pane": PANE_AREAS,
    }


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
