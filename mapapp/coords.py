"""Convert lon/lat between WGS-84 and the Chinese web-map datums GCJ-02 and BD-09.

Thin wrappers over the `prcoords` package (the algorithm is not re-implemented here). Every
function takes and returns `(lon, lat)` in degrees, lon first, like GeoJSON; prcoords itself
works in `(lat, lon)` order, and the swap happens only in this module.

Gaode (AMap) and Tencent maps use GCJ-02, Baidu uses BD-09; the gazetteer stores WGS-84.
Outside the GCJ-02 area (prcoords' rough bounding box of China) no datum shift applies and
points are returned unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import prcoords

LonLat = tuple[float, float]


def is_in_gcj02_area(lon: float, lat: float) -> bool:
    """True if (lon, lat) lies in the box where prcoords applies the GCJ-02 shift."""
    return bool(prcoords.sanity_in_china_p(prcoords.Coords(lat=lat, lon=lon)))


def gcj02_from_wgs84(lon: float, lat: float) -> LonLat:
    """WGS-84 (lon, lat) -> GCJ-02 (lon, lat), e.g. to place a point on Gaode tiles."""
    if not is_in_gcj02_area(lon, lat):
        return (lon, lat)
    shifted = prcoords.wgs_gcj(prcoords.Coords(lat=lat, lon=lon), check_china=False)
    return (shifted.lon, shifted.lat)


def wgs84_from_gcj02(lon: float, lat: float, *, precise: bool = True) -> LonLat:
    """GCJ-02 (lon, lat) -> WGS-84 (lon, lat).

    `precise=True` iterates to sub-millimetre accuracy; `precise=False` uses prcoords' one-step
    inverse (error under 4 m in China, about 2.5x faster: enough for simplified polygons).
    """
    # Check the area here, not in prcoords: in prcoords 1.0.2 the iterative ("bored") inverse
    # ignores check_china inside its loop and shifts points far outside China.
    if not is_in_gcj02_area(lon, lat):
        return (lon, lat)
    gcj = prcoords.Coords(lat=lat, lon=lon)
    unshifted = prcoords.gcj_wgs_bored(gcj) if precise else prcoords.gcj_wgs(gcj, check_china=False)
    return (unshifted.lon, unshifted.lat)


def wgs84_from_bd09(lon: float, lat: float) -> LonLat:
    """BD-09 (Baidu) (lon, lat) -> WGS-84 (lon, lat)."""
    gcj = prcoords.bd_gcj_bored(prcoords.Coords(lat=lat, lon=lon))
    return wgs84_from_gcj02(gcj.lon, gcj.lat)


def gcj02_geometry_from_wgs84(geometry: dict[str, Any]) -> dict[str, Any]:
    """Shift every coordinate of a WGS-84 GeoJSON geometry dict onto GCJ-02 (Gaode tiles).

    Returns a new dict; the input is not modified. Handles every RFC 7946 geometry type,
    GeometryCollection included.
    """
    return _map_geometry(geometry, gcj02_from_wgs84)


def wgs84_geometry_from_gcj02(geometry: dict[str, Any]) -> dict[str, Any]:
    """Shift every coordinate of a GCJ-02 GeoJSON geometry dict back to WGS-84."""
    return _map_geometry(geometry, wgs84_from_gcj02)


def _map_geometry(geometry: dict[str, Any], convert: Callable[[float, float], LonLat]) -> dict[str, Any]:
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise ValueError(f"expected a GeoJSON geometry dict with a 'type', got {geometry!r:.80}")
    kind = geometry["type"]
    if kind == "GeometryCollection":
        return {
            **geometry,
            "geometries": [_map_geometry(g, convert) for g in geometry["geometries"]],
        }
    if "coordinates" not in geometry:
        raise ValueError(f"GeoJSON {kind} has no 'coordinates'")
    return {**geometry, "coordinates": _map_positions(geometry["coordinates"], convert)}


def _map_positions(positions: Any, convert: Callable[[float, float], LonLat]) -> Any:
    # A position is a list of numbers ([lon, lat] or [lon, lat, alt]); anything else nests.
    if positions and isinstance(positions[0], (int, float)):
        lon, lat = convert(float(positions[0]), float(positions[1]))
        return [lon, lat, *positions[2:]]
    return [_map_positions(p, convert) for p in positions]
