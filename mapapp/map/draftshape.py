"""The curator's unsaved placement on the map: a ring for a point, a dashed line or polygon.

Drawn in the map's own coordinates (the clicks came from it), without an `id` property, so a click
on the draft is never taken for a click on a feature.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium

from mapapp.map.mapview import latlng_from_lonlat

DRAFT_COLOR = "#d6336c"
DRAFT_GROUP_NAME = "qz-curator-draft"


def build_draft_group(shape: str, vertices: Sequence[tuple[float, float]]) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=DRAFT_GROUP_NAME, control=False)
    points = [latlng_from_lonlat(lon, lat) for lon, lat in vertices]
    for point in points:
        folium.CircleMarker(point, radius=7, color=DRAFT_COLOR, weight=3, fill=True, fill_opacity=0.3).add_to(group)
    if shape == "LineString" and len(points) >= 2:
        folium.PolyLine(points, color=DRAFT_COLOR, weight=3, dash_array="6 4").add_to(group)
    elif shape == "Polygon" and len(points) >= 3:
        folium.Polygon(points, color=DRAFT_COLOR, weight=3, dash_array="6 4", fill=True, fill_opacity=0.15).add_to(
            group
        )
    return group
