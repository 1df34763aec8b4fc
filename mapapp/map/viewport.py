"""What the map shows: a centre and a zoom (View), fitted to a feature, in WGS-84 or GCJ-02.

Views are WGS-84 everywhere (URL, state) except on the Gaode basemap, whose tiles are GCJ-02: the
two converters here are the only crossing. Bounds are (west, south, east, north) in degrees.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shapely.geometry import shape

from mapapp.coords import gcj02_from_wgs84, wgs84_from_gcj02
from mapapp.map.mapstyles import HALO_BASES
from mapapp.models import Feature

QUZHOU_CENTER_LONLAT = (118.87, 28.94)
DEFAULT_ZOOM = 9
MIN_ZOOM, MAX_ZOOM = 3, 18
MAP_HEIGHT_PX = 640
ASSUMED_MAP_WIDTH_PX = 760  # for zoom-to-feature; the component does not report its width


@dataclass(frozen=True)
class View:
    """What the map shows: a centre and a zoom level."""

    lat: float
    lon: float
    zoom: int


# Where every map is built (mapview.build_base_map), in the map's own coordinates, before it is
# asked to show any other view.
START_VIEW = View(lat=QUZHOU_CENTER_LONLAT[1], lon=QUZHOU_CENTER_LONLAT[0], zoom=DEFAULT_ZOOM)


def bounds_from_geometry(geometry: Mapping[str, Any]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a GeoJSON geometry."""
    west, south, east, north = shape(geometry).bounds
    return (west, south, east, north)


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
