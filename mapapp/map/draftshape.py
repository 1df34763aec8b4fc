"""The curator's unsaved placement on the map, in placing mode (mapapp.map.drawcontrol).

Drawn in the map's own coordinates (the clicks came from it), without an `id` property, so a click
on the draft is never taken for a click on a feature. A group exists for the whole of placing mode,
even before the first click: it is what turns the map's clicks from selecting into placing.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium

from mapapp.map.assets import LeafletDrawUrls
from mapapp.map.drawcontrol import PlacingSetup
from mapapp.map.mapview import latlng_from_lonlat

DRAFT_GROUP_NAME = "qz-curator-draft"


def build_draft_group(
    shape: str, vertices: Sequence[tuple[float, float]], *, lang: str, draw: LeafletDrawUrls | None
) -> folium.FeatureGroup:
    """Placing mode with the draft so far (`vertices` lon, lat); `draw` None: no drawing control installed."""
    group = folium.FeatureGroup(name=DRAFT_GROUP_NAME, control=False)
    points = [latlng_from_lonlat(lon, lat) for lon, lat in vertices]
    group.add_child(
        PlacingSetup(
            shape,
            points,
            lang=lang,
            js_url=draw.js if draw is not None else None,
            css_url=draw.css if draw is not None else None,
        )
    )
    return group
