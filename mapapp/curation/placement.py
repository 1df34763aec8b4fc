"""Where a curator put a place: the geometry in the basemap's datum, made WGS-84, with a precision.

A click or drawing on the Gaode basemap is GCJ-02 and is converted with mapapp.coords; one on OSM
(or typed as WGS-84) is stored as is. The precision suggested for a click follows the map's zoom
(how many metres a few screen pixels cover there); the curator can change it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, get_args

from mapapp.coords import wgs84_geometry_from_gcj02
from mapapp.curation.geojsonfile import rounded_geometry
from mapapp.errors import CurationError

Crs = Literal["wgs84", "gcj02"]
CRSES: tuple[str, ...] = get_args(Crs)
# The datum of each basemap's tiles (mapapp.map.mapview.TILES); "none" draws WGS-84 shapes only.
CRS_OF_BASEMAP: dict[str, Crs] = {"osm": "wgs84", "gaode": "gcj02", "none": "wgs84"}
CRS_TITLES: dict[str, str] = {"wgs84": "WGS-84", "gcj02": "GCJ-02"}
CLICK_UNCERTAINTY_PX = 10  # a careful click lands within about this many pixels of the place
_EARTH_METRES_PER_PIXEL_Z0 = 156_543.034  # Web Mercator ground resolution at the equator, zoom 0, 256 px tiles
_SHAPES = ("Point", "LineString", "Polygon")


@dataclass(frozen=True)
class Placement:
    """A geometry as the curator made it, in `crs`, with the precision they vouch for."""

    geometry: dict[str, Any]
    crs: Crs
    precision_m: int
    location_basis: str | None = None  # None: suggested from precision and shape
    basemap: str = ""  # the basemap it was made on ("" = typed on the command line)
    zoom: int | None = None


def point_geometry(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def wgs84_geometry(placement: Placement) -> dict[str, Any]:
    """The placement's geometry in WGS-84, rounded to 6 decimals; a bad geometry is refused."""
    geometry = placement.geometry
    if placement.crs not in CRSES:
        raise CurationError(f"crs is {placement.crs!r}; expected one of {', '.join(CRSES)}")
    if not isinstance(geometry, dict) or geometry.get("type") not in _SHAPES or "coordinates" not in geometry:
        raise CurationError(f"geometry is {str(geometry)[:80]!r}; expected a GeoJSON {', '.join(_SHAPES)}")
    try:
        converted = wgs84_geometry_from_gcj02(geometry) if placement.crs == "gcj02" else geometry
        return rounded_geometry({"type": converted["type"], "coordinates": converted["coordinates"]})
    except (TypeError, ValueError, IndexError) as exc:
        raise CurationError(f"geometry coordinates cannot be read ({exc}); expected [lon, lat] numbers") from exc


def precision_from_zoom(zoom: float, lat: float) -> int:
    """Metres that CLICK_UNCERTAINTY_PX pixels cover at this zoom and latitude (at least 5 m)."""
    metres_per_pixel = _EARTH_METRES_PER_PIXEL_Z0 * math.cos(math.radians(lat)) / 2**zoom
    return max(5, int(round(CLICK_UNCERTAINTY_PX * metres_per_pixel, -1 if metres_per_pixel < 100 else -2)))


def basis_from_precision(precision_m: int, geometry_type: str) -> str:
    """The location_basis a placement of this precision supports (geodata/README.md)."""
    if geometry_type == "LineString" and precision_m > 100:
        return "schematic"
    if precision_m <= 100:
        return "exact"
    if precision_m <= 2000:
        return "address"
    return "area"


BASEMAP_NAMES: dict[str, tuple[str, str]] = {
    "osm": ("OpenStreetMap 底图", "the OpenStreetMap basemap"),
    "gaode": ("高德底图", "the Gaode basemap"),
    "none": ("无底图的地图", "the map without a basemap"),
}


def placement_notes(placement: Placement, who: str, when: str) -> tuple[str, str]:
    """How the position was found, in Chinese and in English (position_note, position_note_en)."""
    zh_where, en_where = BASEMAP_NAMES.get(placement.basemap, (placement.basemap, f"the {placement.basemap} basemap"))
    if not placement.basemap:
        zh_where, en_where = "命令行", "the command line"
    zh_zoom = f"，缩放级别 {placement.zoom}" if placement.zoom is not None else ""
    en_zoom = f" at zoom {placement.zoom}" if placement.zoom is not None else ""
    if placement.crs == "gcj02":
        zh_datum, en_datum = "GCJ-02 坐标，已转换为 WGS-84", "GCJ-02, converted to WGS-84"
    else:
        zh_datum, en_datum = "WGS-84 坐标", "WGS-84"
    zh = f"{who} 于 {when[:10]} 在{zh_where}上放置（{zh_datum}{zh_zoom}）；误差约 ±{placement.precision_m} 米。"
    en = f"Placed by {who} on {en_where}{en_zoom} ({en_datum}), {when[:10]}; ±{placement.precision_m} m."
    return zh, en


def placement_note(placement: Placement, who: str, when: str) -> str:
    """The English note (placement_notes)."""
    return placement_notes(placement, who, when)[1]


def placement_source(placement: Placement, who: str, when: str, stored: dict[str, Any]) -> dict[str, str]:
    """A source entry for the position itself: where the curator clicked and what was stored."""
    given = placement.geometry.get("coordinates")
    shown = given if placement.geometry.get("type") == "Point" else f"{placement.geometry.get('type')}"
    stored_shown = stored["coordinates"] if stored["type"] == "Point" else stored["type"]
    where = placement.basemap or "command line"
    return {
        "title": f"Curator placement ({where})",
        "ref": f"curator:{who}@{when}",
        "quote": f"{CRS_TITLES[placement.crs]} {shown} -> WGS-84 {stored_shown}",
    }
