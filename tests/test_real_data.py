"""The real seeds/, geodata/ and layers/, validated exactly as a curator would."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from mapapp.pipeline.index import build_map_index

ROOT = Path(__file__).resolve().parent.parent
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


def test_validate_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "mapapp", "validate"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8"
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""
    assert result.stderr.startswith("ok: 5 articles")


def test_seeds_are_the_shared_articles_byte_for_byte():
    ours = sorted((ROOT / "seeds").glob("*.txt"))
    assert len(ours) == 5
    if SHARED_SEEDS.is_dir():  # CI clones main with shared/ beside it
        theirs = sorted(SHARED_SEEDS.glob("*.txt"))
        assert [p.name for p in ours] == [p.name for p in theirs]
        for a, b in zip(ours, theirs, strict=True):
            assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_every_feature_has_sources_precision_and_a_layer():
    index = build_map_index()
    layer_ids = {layer.layer_id for layer in index.layers}
    for feature in index.features.values():
        assert feature.sources and feature.precision_m > 0 and feature.layer_id in layer_ids
    for layer in index.layers:
        assert any(f.layer_id == layer.layer_id for f in index.features.values()), layer.layer_id


def test_design_card_places_are_features_and_mentioned():
    index = build_map_index()
    mentioned = {m.feature_id for m in index.mentions}
    names = {surface: ids[0] for surface, ids in index.gazetteer.surfaces.items() if len(ids) == 1}
    for name in [
        "衢江港区",
        "大路章作业区",
        "坎高作业区",
        "杭衢高铁",
        "沪昆高速铁路",
        "衢丽铁路",
        "九景衢铁路",
        "衢州综合保税区",
        "衢江区体育馆",
        "衢州市体育中心",
        "衢州机场",
        "塔科马港",
    ]:
        assert name in names, name
        assert names[name] in mentioned, name
