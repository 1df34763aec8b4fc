"""The geometry as drawn: thinned, shifted to GCJ-02 for the Gaode basemap, worked out once per basemap."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from mapapp.coords import gcj02_geometry_from_wgs84
from mapapp.map.maplayers import is_district
from mapapp.map.mapstyles import point_offsets_px
from mapapp.models import Feature

# How much lines and polygons are thinned for drawing, in degrees. Every overlay is sent to the
# browser again on each rerun (one component message), so vertices nobody can see at the map's
# zooms cost every click: ~30 m inside the prefecture, ~500 m for provinces and cities outside it
# (drawn for context; their stated precision is kept in the data, not in the drawing).
LOCAL_TOLERANCE_DEG = 0.0003
EXTERNAL_TOLERANCE_DEG = 0.005
# Outside the prefecture a polygon's parts smaller than this (about 5 km by 5 km) are left out of the
# drawing (a province's hundreds of islets: ~200 kB of the map's message for a few pixels each); the
# largest part always stays, and the data keep every part.
EXTERNAL_MIN_PART_DEG2 = (10 * EXTERNAL_TOLERANCE_DEG) ** 2
EXTERNAL_DIGITS = 4  # ~11 m: finer than a 500 m thinning needs (inside the prefecture: 5, ~1 m)


def display_geometry(geometry: Mapping[str, Any], *, basemap: str, external: bool = False) -> dict[str, Any]:
    """The geometry as drawn: lines and polygons thinned, ~1 m rounding, GCJ-02 on the Gaode basemap."""
    geom = shape(geometry)
    thinned_out = False
    if geom.geom_type != "Point" and _vertex_count(geometry) > 50:
        if external:
            geom = _without_small_parts(geom, EXTERNAL_MIN_PART_DEG2)
        tolerance = EXTERNAL_TOLERANCE_DEG if external else LOCAL_TOLERANCE_DEG
        thinned = geom.simplify(tolerance, preserve_topology=True)
        if not thinned.is_empty and thinned.is_valid:
            geom = thinned
            thinned_out = external
    drawn = _rounded(mapping(geom), EXTERNAL_DIGITS if thinned_out else 5)
    if basemap == "gaode":
        drawn = gcj02_geometry_from_wgs84(drawn)
    return drawn


def _is_province(feature: Feature) -> bool:
    boundary = feature.properties.get("boundary")
    return isinstance(boundary, dict) and isinstance(boundary.get("adcode"), int) and boundary["adcode"] % 10000 == 0


def _vertex_count(geometry: Mapping[str, Any]) -> int:
    return len(shapely.get_coordinates(shape(geometry)))


def _without_small_parts(geom: BaseGeometry, min_area: float) -> BaseGeometry:
    """A multipolygon without its parts smaller than `min_area` (the largest one always kept)."""
    if geom.geom_type != "MultiPolygon":
        return geom
    parts = sorted(geom.geoms, key=lambda part: part.area, reverse=True)
    kept = [parts[0], *(part for part in parts[1:] if part.area >= min_area)]
    return kept[0] if len(kept) == 1 else shapely.MultiPolygon(kept)


def _rounded(value: Any, digits: int = 5) -> Any:
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, (list, tuple)):
        return [_rounded(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    return value


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
        drawn = display_geometry(
            feature.geometry,
            basemap=basemap,
            external=feature.external or (feature.category == "admin_area" and _is_province(feature)),
        )
        geometry[feature.feature_id] = drawn
        area[feature.feature_id] = shape(feature.geometry).area if feature.geometry["type"] != "Point" else 0.0
        drawn_shape = shape(drawn)
        drawn_shapes[feature.feature_id] = drawn_shape
        point = drawn_shape.centroid if drawn["type"] in ("Point", "MultiPoint") else drawn_shape.representative_point()
        anchor[feature.feature_id] = (point.x, point.y)
    districts = [f.feature_id for f in features if is_district(f)]
    innermost = frozenset(
        fid
        for fid in districts
        if not any(other != fid and drawn_shapes[fid].contains(shapely.Point(anchor[other])) for other in districts)
    )
    return DisplayShapes(basemap, geometry, area, anchor, innermost, point_offsets_px(features))
