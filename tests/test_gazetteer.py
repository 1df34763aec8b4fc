"""Gazetteer checks: every bad feature is named by file, id and field; the rest is served."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from mapapp.pipeline.gazetteer import load_gazetteer
from mapapp.pipeline.layers import load_layers

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def geodata(tmp_path: Path) -> Path:
    target = tmp_path / "geodata"
    shutil.copytree(DATA / "geodata", target)
    return target


def _features(geodata: Path) -> list[dict]:
    return json.loads((geodata / "subset.geojson").read_text(encoding="utf-8"))["features"]


def _write(geodata: Path, name: str, features: list[dict]) -> None:
    (geodata / name).write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8"
    )


def _load(geodata: Path):
    layers, _ = load_layers(DATA / "layers")
    return load_gazetteer(geodata, layers)


def _by_id(features: list[dict], feature_id: str) -> dict:
    return copy.deepcopy(next(f for f in features if f["properties"]["id"] == feature_id))


def test_tiny_gazetteer_is_clean(geodata: Path):
    gazetteer = _load(geodata)
    assert gazetteer.problems == ()
    assert gazetteer.features["quzhou-city"].geometry["type"] in ("Polygon", "MultiPolygon")


def test_swapped_point_is_caught_by_id(geodata: Path):
    gym = _by_id(_features(geodata), "qujiang-gymnasium")
    lon, lat = gym["geometry"]["coordinates"]
    gym["properties"]["id"] = "swapped-gym"
    gym["properties"]["name_zh"] = "测试体育馆"
    gym["properties"]["aliases"] = []
    gym["geometry"]["coordinates"] = [lat, lon]
    _write(geodata, "bad.geojson", [gym])
    gazetteer = _load(geodata)
    [problem] = [p for p in gazetteer.problems if p.item == "swapped-gym"]
    assert problem.file == "bad.geojson" and problem.field == "geometry"
    assert "[lat, lon]: swap the two numbers" in problem.message
    assert "swapped-gym" not in gazetteer.features and "qujiang-gymnasium" in gazetteer.features


def test_point_outside_the_prefecture_is_caught_by_id(geodata: Path):
    # a point not marked external, moved 5° east into the sea, is named and skipped
    city = _by_id(_features(geodata), "qujiang-gymnasium")
    lon, lat = city["geometry"]["coordinates"]
    city["properties"].update(id="far-away", name_zh="远处", aliases=[])
    city["geometry"]["coordinates"] = [lon + 5.0, lat]
    _write(geodata, "bad.geojson", [city])
    [problem] = [p for p in _load(geodata).problems if p.item == "far-away"]
    assert "lies outside 衢州市" in problem.message and "or external: true" in problem.message


def test_feature_without_sources_is_caught_by_id(geodata: Path):
    gym = _by_id(_features(geodata), "qujiang-gymnasium")
    gym["properties"].update(id="no-sources", name_zh="无来源", aliases=[], sources=[])
    _write(geodata, "bad.geojson", [gym])
    problems = [str(p) for p in _load(geodata).problems]
    assert "bad.geojson: 'no-sources': sources: is []; expected a non-empty list of {title, ref, quote}" in problems


def test_duplicate_id_is_caught(geodata: Path):
    gym = _by_id(_features(geodata), "qujiang-gymnasium")
    gym["properties"].update(name_zh="重复", aliases=[])
    _write(geodata, "zz-dup.geojson", [gym])
    [problem] = [p for p in _load(geodata).problems if p.field == "id"]
    assert problem.file == "zz-dup.geojson" and problem.item == "qujiang-gymnasium"
    assert "already used by a feature in subset.geojson" in problem.message


def test_unknown_category_and_layer_and_bad_precision_are_all_reported(geodata: Path):
    gym = _by_id(_features(geodata), "qujiang-gymnasium")
    gym["properties"].update(
        id="bad-props", name_zh="坏属性", aliases=[], category="stadium", layer="nowhere", precision_m=-5
    )
    _write(geodata, "bad.geojson", [gym])
    fields = {p.field: p.message for p in _load(geodata).problems if p.item == "bad-props"}
    assert "stadium" in fields["category"] and "expected one of" in fields["category"]
    assert "nowhere" in fields["layer"]
    assert fields["precision_m"] == "is -5; expected a positive whole number of metres"


def test_alias_claimed_by_two_features_without_rule(geodata: Path):
    gym = _by_id(_features(geodata), "qujiang-gymnasium")
    gym["properties"].update(id="other-gym", name_zh="另一个体育馆", aliases=["衢江主场"])
    _write(geodata, "bad.geojson", [gym])
    [problem] = [p for p in _load(geodata).problems if p.field == "aliases"]
    assert "'衢江主场' is claimed by 2 features" in problem.message
    assert "disambiguation.toml" in problem.message


def test_malformed_geojson_and_invalid_geometry(geodata: Path):
    (geodata / "broken.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    bowtie = _by_id(_features(geodata), "qujiang-gymnasium")
    lon, lat = bowtie["geometry"]["coordinates"]
    bowtie["properties"].update(id="bowtie", name_zh="自交", aliases=[])
    d = 0.01
    bowtie["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + d, lat + d], [lon + d, lat], [lon, lat + d], [lon, lat]]],
    }
    _write(geodata, "bad.geojson", [bowtie])
    problems = _load(geodata).problems
    assert any(p.file == "broken.geojson" and "not valid JSON" in p.message for p in problems)
    assert any(p.item == "bowtie" and p.field == "geometry" and "not valid" in p.message for p in problems)


def test_crs_member_is_rejected(geodata: Path):
    data = json.loads((geodata / "subset.geojson").read_text(encoding="utf-8"))
    data["crs"] = {"type": "name", "properties": {"name": "EPSG:4490"}}
    (geodata / "subset.geojson").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert any(p.field == "crs" and "RFC 7946" in p.message for p in _load(geodata).problems)


def test_layer_that_selects_nothing_is_reported(tmp_path: Path, geodata: Path):
    layers_dir = tmp_path / "layers"
    shutil.copytree(DATA / "layers", layers_dir)
    (layers_dir / "air.toml").write_text(
        'id = "air"\ntitle_zh = "航空"\ntitle_en = "Air"\ngroup = "transport"\ncategories = ["airport"]\n',
        encoding="utf-8",
    )
    layers, problems = load_layers(layers_dir)
    assert problems == ()
    gazetteer = load_gazetteer(geodata, layers)
    assert any(p.item == "air" and "selects no feature" in p.message for p in gazetteer.problems)


def test_malformed_layer_toml_and_unknown_category(tmp_path: Path):
    (tmp_path / "a.toml").write_text('id = "a"\ntitle_zh = ', encoding="utf-8")
    (tmp_path / "b.toml").write_text(
        'id = "b"\ntitle_zh = "乙"\ntitle_en = "B"\ngroup = "x"\ncategories = ["castle"]\n', encoding="utf-8"
    )
    layers, problems = load_layers(tmp_path)
    assert layers == ()
    assert any(p.file == "a.toml" and p.field == "toml" for p in problems)
    assert any(p.file == "b.toml" and p.field == "categories" and "'castle'" in p.message for p in problems)
