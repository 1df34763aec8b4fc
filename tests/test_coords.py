"""Tests for mapapp.coords: WGS-84 <-> GCJ-02 / BD-09 against published reference values."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest
from pyproj import Geod

from mapapp.coords import (
    gcj02_from_wgs84,
    gcj02_geometry_from_wgs84,
    is_in_gcj02_area,
    wgs84_from_bd09,
    wgs84_from_gcj02,
    wgs84_geometry_from_gcj02,
)
from mapapp.paths import ROOT_DIR

GEOD = Geod(ellps="WGS84")

# Published reference pairs from the test-suite of eviltransform, the reference implementation
# most GCJ-02 libraries are checked against:
#   googollee/eviltransform, python/test.py (commit 3416646a), TESTS = [
#     # wgsLat, wgsLng, gcjLat, gcjLng
#     (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # shanghai
#     (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # shenzhen
#     (39.911954, 116.377817, 39.91334545536069, 116.38404722455657)]  # beijing
# Reordered here to (lon, lat) pairs.
EVILTRANSFORM_WGS_GCJ = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]

# Quzhou municipal government, WGS-84, from en.wikipedia.org/wiki/Quzhou (infobox:
# "Coordinates (Quzhou municipal government): 28°58′13″N 118°51′33″E / 28.9702; 118.8593").
QUZHOU_GOVERNMENT = (118.8593, 28.9702)

# Seattle, en.wikipedia.org/wiki/Seattle: "47°36′35″N 122°19′59″W / 47.60972; -122.33306".
SEATTLE = (-122.33306, 47.60972)


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_WGS_GCJ)
def test_gcj02_from_wgs84_matches_eviltransform_reference(wgs, gcj):
    lon, lat = gcj02_from_wgs84(*wgs)
    # eviltransform's own test asserts 6 decimal places.
    assert lon == pytest.approx(gcj[0], abs=1e-6)
    assert lat == pytest.approx(gcj[1], abs=1e-6)


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_WGS_GCJ)
def test_wgs84_from_gcj02_inverts_eviltransform_reference(wgs, gcj):
    # eviltransform's gcj2wgs_exact test allows 0.5 m.
    assert metres_between(wgs84_from_gcj02(*gcj), wgs) < 0.5


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_WGS_GCJ)
def test_one_step_inverse_is_within_a_few_metres(wgs, gcj):
    assert metres_between(wgs84_from_gcj02(*gcj, precise=False), wgs) < 5


def test_gcj02_and_bd09_to_wgs84_match_gcoord_reference():
    # hujiulong/gcoord test/unit/crs/GCJ02.spec.js and BD09.spec.js (toBeCloseTo(x, 5)):
    #   GCJ02.to.WGS84([123, 45]) -> [122.99395597, 44.99804071]
    #   BD09.to.WGS84([123, 45])  -> [122.98762210, 44.99171540]
    lon, lat = wgs84_from_gcj02(123, 45)
    assert lon == pytest.approx(122.99395597, abs=5e-6)
    assert lat == pytest.approx(44.99804071, abs=5e-6)
    lon, lat = wgs84_from_bd09(123, 45)
    assert lon == pytest.approx(122.98762210, abs=5e-6)
    assert lat == pytest.approx(44.99171540, abs=5e-6)


def test_offset_near_quzhou_is_several_hundred_metres_to_the_east():
    gcj = gcj02_from_wgs84(*QUZHOU_GOVERNMENT)
    assert 300 < metres_between(QUZHOU_GOVERNMENT, gcj) < 900
    assert gcj[0] > QUZHOU_GOVERNMENT[0]  # GCJ-02 shifts east here


@pytest.mark.parametrize("d_lon", [-0.6, -0.2, 0.0, 0.3, 0.6])
@pytest.mark.parametrize("d_lat", [-0.5, 0.0, 0.4])
def test_round_trip_near_quzhou_is_below_one_metre(d_lon, d_lat):
    wgs = (QUZHOU_GOVERNMENT[0] + d_lon, QUZHOU_GOVERNMENT[1] + d_lat)
    assert metres_between(wgs84_from_gcj02(*gcj02_from_wgs84(*wgs)), wgs) < 1.0
    gcj = wgs
    assert metres_between(gcj02_from_wgs84(*wgs84_from_gcj02(*gcj)), gcj) < 1.0


def test_outside_china_nothing_is_shifted():
    assert not is_in_gcj02_area(*SEATTLE)
    assert gcj02_from_wgs84(*SEATTLE) == SEATTLE
    # prcoords' own iterative inverse would move this point by several km (its loop ignores
    # check_china); the wrapper must not.
    assert wgs84_from_gcj02(*SEATTLE) == SEATTLE
    assert gcj02_from_wgs84(183.0, 45.0) == (183.0, 45.0)  # gcoord's "not in China" case


def test_quzhou_is_in_the_gcj02_area():
    assert is_in_gcj02_area(*QUZHOU_GOVERNMENT)


def test_geometry_conversion_shifts_every_coordinate_and_keeps_the_input():
    polygon = {
        "type": "Polygon",
        "coordinates": [
            [[118.85, 28.96], [118.87, 28.96], [118.87, 28.98], [118.85, 28.96]],
        ],
    }
    before = copy.deepcopy(polygon)
    shifted = gcj02_geometry_from_wgs84(polygon)
    assert polygon == before
    assert shifted["type"] == "Polygon"
    for original, moved in zip(polygon["coordinates"][0], shifted["coordinates"][0], strict=True):
        assert tuple(moved) == pytest.approx(gcj02_from_wgs84(*original))
        assert 300 < metres_between(tuple(original), tuple(moved)) < 900


def test_geometry_conversion_handles_every_geojson_type():
    collection = {
        "type": "GeometryCollection",
        "geometries": [
            {"type": "Point", "coordinates": [118.8593, 28.9702, 60.0]},
            {"type": "MultiPoint", "coordinates": [[118.8, 28.9], [118.9, 29.0]]},
            {"type": "LineString", "coordinates": [[118.8, 28.9], [118.9, 29.0]]},
            {"type": "MultiLineString", "coordinates": [[[118.8, 28.9], [118.9, 29.0]]]},
            {
                "type": "MultiPolygon",
                "coordinates": [[[[118.8, 28.9], [118.9, 28.9], [118.9, 29.0], [118.8, 28.9]]]],
            },
        ],
    }
    shifted = gcj02_geometry_from_wgs84(collection)
    point = shifted["geometries"][0]["coordinates"]
    assert point[2] == 60.0  # altitude kept
    assert tuple(point[:2]) == pytest.approx(gcj02_from_wgs84(118.8593, 28.9702))
    assert shifted["geometries"][4]["coordinates"][0][0][1] == pytest.approx(list(gcj02_from_wgs84(118.9, 28.9)))
    back = wgs84_geometry_from_gcj02(shifted)
    assert back["geometries"][2]["coordinates"][1] == pytest.approx([118.9, 29.0], abs=1e-8)


def test_geometry_conversion_rejects_a_non_geometry():
    with pytest.raises(ValueError, match="GeoJSON geometry dict"):
        gcj02_geometry_from_wgs84({"coordinates": [1, 2]})
    with pytest.raises(ValueError, match="Polygon has no 'coordinates'"):
        gcj02_geometry_from_wgs84({"type": "Polygon"})


def test_importing_coords_and_boundaries_does_not_import_streamlit():
    code = (
        "import sys, mapapp.coords, mapapp.pipeline.boundaries; "
        "sys.exit(1 if any(m.split('.')[0] == 'streamlit' for m in sys.modules) else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT_DIR, check=False)
    assert result.returncode == 0
