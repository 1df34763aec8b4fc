"""Curation: every action through the one write path, the journal, byte-exact undo, refusals, races, crashes.

Every test works on a temporary copy of tests/data (seeds, geodata, layers). Positions are taken from
a feature already in that data (the gymnasium), nudged, so no coordinate is typed from memory.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mapapp.coords import wgs84_from_gcj02
from mapapp.curation.actions import (
    NewPlace,
    add_alias,
    add_place,
    correct_mention,
    dismiss_candidate,
    move_feature,
    set_descriptions,
    undo,
)
from mapapp.curation.geojsonfile import text_from_features
from mapapp.curation.placement import Placement, basis_from_precision, point_geometry, precision_from_zoom
from mapapp.curation.store import TEMP_SUFFIX, DataStore
from mapapp.errors import CurationError
from mapapp.models import Source
from mapapp.pipeline.candidates import find_candidates
from mapapp.pipeline.index import build_map_index

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SOURCE = Source("衢江区政务公开 (test source)", "https://example.org/notice/1", "位于衢江区体育馆东侧")
NEW_ARTICLE = "t9_curated.txt"
# A sentence written for these tests, in the shape of the real ones.
NEW_ARTICLE_TEXT = "测试新区\n\n去年开工的星河测试公园位于衢江区，星河测试公园今年开放。\n"


class Folders:
    def __init__(self, root: Path):
        self.seeds, self.geodata, self.layers = root / "seeds", root / "geodata", root / "layers"
        for name in ("seeds", "geodata", "layers"):
            shutil.copytree(DATA / name, root / name)
        (self.seeds / NEW_ARTICLE).write_text(NEW_ARTICLE_TEXT, encoding="utf-8")
        self.store = DataStore(self.geodata, layers_dir=self.layers)

    def index(self):
        return build_map_index(self.seeds, self.geodata, self.layers)

    def files(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(self.geodata.iterdir()) if p.is_file() and p.name[0] != "."}

    def gymnasium_lonlat(self) -> tuple[float, float]:
        lon, lat = self.index().features["qujiang-gymnasium"].geometry["coordinates"]
        return lon, lat


@pytest.fixture
def data(tmp_path) -> Folders:
    return Folders(tmp_path)


def new_park(**changes) -> NewPlace:
    fields = {"name_zh": "星河测试公园", "category": "sports_venue", "layer": "sports", "name_en": "Xinghe Test Park"}
    return NewPlace(**(fields | changes))


def near(data: Folders, *, crs="wgs84", basemap="osm", d_lon=0.004) -> Placement:
    lon, lat = data.gymnasium_lonlat()
    return Placement(point_geometry(lon + d_lon, lat), crs, 30, basemap=basemap, zoom=16)


def test_add_place_lands_on_the_map_with_its_mentions_source_and_journal_entry(data):
    change = add_place(data.store, "Ann", new_park(), near(data), SOURCE)
    index = data.index()
    feature = index.features[change.subject]
    assert change.subject == "xinghe-test-park" and change.action == "add-place" and change.who == "Ann"
    assert feature.name_zh == "星河测试公园" and feature.precision_m == 30 and feature.location_basis == "exact"
    assert feature.sources[0] == SOURCE
    assert feature.sources[1].title == "Curator placement (osm)"
    assert not [p for p in index.problems if p.severity == "error"]
    found = [m for m in index.mentions if m.feature_id == change.subject]
    assert [(m.article_id, m.surface) for m in found] == [(NEW_ARTICLE, "星河测试公园")] * 2
    assert index.excerpts[change.subject][0].article_id == NEW_ARTICLE
    [entry] = data.store.changes()
    assert entry.change_id == change.change_id and entry.before is None
    assert entry.after["properties"]["id"] == change.subject


def test_a_point_on_the_gaode_basemap_is_stored_as_wgs84_and_one_on_osm_as_is(data):
    lon, lat = data.gymnasium_lonlat()
    gaode = add_place(data.store, "Ann", new_park(), near(data, crs="gcj02", basemap="gaode"), SOURCE)
    osm = add_place(
        data.store, "Ann", new_park(name_zh="月亮测试公园", name_en="Moon Test Park"), near(data, d_lon=0.006), SOURCE
    )
    features = data.index().features
    expected = wgs84_from_gcj02(lon + 0.004, lat)
    stored = features[gaode.subject].geometry["coordinates"]
    assert stored == pytest.approx([round(expected[0], 6), round(expected[1], 6)], abs=1e-9)
    assert abs(stored[0] - (lon + 0.004)) > 0.002  # the datum shift here is hundreds of metres
    assert features[osm.subject].geometry["coordinates"] == [round(lon + 0.006, 6), lat]
    assert "GCJ-02" in features[gaode.subject].properties["position_note"]


def test_a_gaode_drawing_is_converted_vertex_by_vertex(data):
    lon, lat = data.gymnasium_lonlat()
    ring = [[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat]]
    drawing = Placement({"type": "Polygon", "coordinates": [ring]}, "gcj02", 200, basemap="gaode", zoom=14)
    change = add_place(data.store, "Ann", new_park(), drawing, SOURCE)
    stored = data.index().features[change.subject].geometry["coordinates"][0]
    assert stored == [[round(v, 6) for v in wgs84_from_gcj02(*vertex)] for vertex in ring]
    assert data.index().features[change.subject].location_basis == "address"


def test_files_stay_in_the_stable_diff_friendly_form(data):
    before = (data.geodata / "subset.geojson").read_text(encoding="utf-8")
    add_place(data.store, "Ann", new_park(), near(data), SOURCE)
    text = (data.geodata / "subset.geojson").read_text(encoding="utf-8")
    assert text == text_from_features(json.loads(text)["features"])
    assert text.endswith("}\n") and "\\u" not in text
    ids = [f["properties"]["id"] for f in json.loads(text)["features"]]
    assert ids == sorted(ids)
    # only the new feature's lines are added: the rest of the file is byte-identical
    old_lines, new_lines = before.splitlines(), text.splitlines()
    assert len(new_lines) > len(old_lines) and set(old_lines) <= set(new_lines)


def test_undo_restores_every_file_byte_for_byte_in_reverse_order(data):
    original = data.files()
    add_place(data.store, "Ann", new_park(), near(data), SOURCE)
    move_feature(data.store, "Bo", "qujiang-gymnasium", near(data, d_lon=0.001), SOURCE)
    add_alias(data.store, "Bo", "qujiang-gymnasium", "衢江体育馆")
    dismiss_candidate(data.store, "Bo", "四港")
    set_descriptions(data.store, "Bo", "qujiang-gymnasium", "衢江区的体育馆。", "The district's gymnasium.")
    assert data.files() != original
    for _ in range(5):
        undo(data.store, "Ann")
    assert data.files() == original  # not_places.json, created by the dismissal, is gone again
    with pytest.raises(CurationError, match="no change to undo"):
        undo(data.store, "Ann")
    actions = [c.action for c in data.store.changes()]
    assert actions == ["add-place", "move", "add-alias", "dismiss", "describe"] + ["undo"] * 5


def test_undo_of_an_earlier_change_is_refused_when_a_later_one_wrote_the_same_file(data):
    first = add_place(data.store, "Ann", new_park(), near(data), SOURCE)
    second = add_alias(data.store, "Bo", "qujiang-gymnasium", "衢江体育馆")
    with pytest.raises(CurationError, match=f"changed since {first.change_id} \\(by {second.change_id}\\)"):
        undo(data.store, "Ann", first.change_id)
    undo(data.store, "Ann", second.change_id)
    undo(data.store, "Ann", first.change_id)
    assert "xinghe-test-park" not in data.index().features
    with pytest.raises(CurationError, match="is already undone"):
        undo(data.store, "Ann", first.change_id)


def test_an_undo_can_itself_be_undone(data):
    change = add_place(data.store, "Ann", new_park(), near(data), SOURCE)
    after_add = data.files()
    reverted = undo(data.store, "Ann")
    undo(data.store, "Ann", reverted.change_id)
    assert data.files() == after_add and change.subject in data.index().features


def test_an_invalid_change_is_refused_with_the_validators_message_and_nothing_is_written(data):
    original = data.files()
    with pytest.raises(CurationError, match=r"subset.geojson: 'xinghe-test-park': layer: is 'admin', which does not"):
        add_place(data.store, "Ann", new_park(layer="admin"), near(data), SOURCE)
    with pytest.raises(CurationError, match=r"parent: is 'no-such-place', which is not a feature id"):
        add_place(data.store, "Ann", new_park(parent="no-such-place"), near(data), SOURCE)
    with pytest.raises(CurationError, match=r"lies outside 衢州市"):
        add_place(data.store, "Ann", new_park(), Placement(point_geometry(116.4, 39.9), "wgs84", 30), SOURCE)
    with pytest.raises(
        CurationError,
        match=r"'衢江港区' is claimed by 2 features \(qujiang-gymnasium, qujiang-port-area\) with no rule",
    ):
        add_alias(data.store, "Ann", "qujiang-gymnasium", "衢江港区")
    assert data.files() == original and data.store.changes() == []


def test_a_position_needs_a_whole_source_and_a_curator_name(data):
    with pytest.raises(CurationError, match="quote is empty; expected some text"):
        add_place(data.store, "Ann", new_park(), near(data), Source("A title", "https://example.org", " "))
    with pytest.raises(CurationError, match="curator name is ' '"):
        add_place(data.store, " ", new_park(), near(data), SOURCE)
    with pytest.raises(CurationError, match=r"geometry is .*expected a GeoJSON Point"):
        add_place(data.store, "Ann", new_park(), Placement({"type": "Circle"}, "wgs84", 30), SOURCE)


def test_move_replaces_geometry_precision_and_basis_and_keeps_the_old_record_in_the_journal(data):
    before = data.index().features["qujiang-gymnasium"]
    change = move_feature(data.store, "Bo", "qujiang-gymnasium", near(data, d_lon=0.002), SOURCE)
    after = data.index().features["qujiang-gymnasium"]
    assert after.geometry["coordinates"][0] == pytest.approx(before.geometry["coordinates"][0] + 0.002, abs=1e-6)
    assert after.precision_m == 30 and after.location_basis == "exact"
    assert after.sources[0] == SOURCE and set(before.sources) <= set(after.sources)
    assert change.before["geometry"] == before.geometry and change.after["geometry"] == after.geometry
    with pytest.raises(CurationError, match="no feature with id 'nowhere'"):
        move_feature(data.store, "Bo", "nowhere", near(data), SOURCE)
    with pytest.raises(CurationError, match="is drawn from boundary"):
        move_feature(data.store, "Bo", "quzhou-city", near(data), SOURCE)


def test_a_new_alias_is_matched_in_the_text(data):
    add_place(data.store, "Ann", new_park(), near(data), SOURCE)
    (data.seeds / "t8_alias.txt").write_text("星河园今天开放。\n", encoding="utf-8")
    add_alias(data.store, "Ann", "xinghe-test-park", "星河园")
    found = [m for m in data.index().mentions if m.article_id == "t8_alias.txt"]
    assert [(m.surface, m.feature_id, m.rule) for m in found] == [("星河园", "xinghe-test-park", "alias")]


def test_a_dismissed_candidate_never_returns(data):
    (data.seeds / "t7_village.txt").write_text("记者来到衢江区樟潭街道青竹村，村里新修了码头。\n", encoding="utf-8")
    assert "青竹村" in {c.surface for c in find_candidates(data.index())}
    dismiss_candidate(data.store, "Ann", "青竹村")
    assert "青竹村" not in {c.surface for c in find_candidates(data.index())}
    with pytest.raises(CurationError, match="'青竹村' is already dismissed"):
        dismiss_candidate(data.store, "Ann", "青竹村")


def test_a_corrected_mention_names_the_right_feature_or_none(data):
    index = data.index()
    river = next(m for m in index.mentions if m.feature_id == "qujiang-river")
    correct_mention(
        data.store,
        "Ann",
        article_id=river.article_id,
        start=river.start,
        end=river.end,
        surface=river.surface,
        feature_id="qujiang-district",
    )
    moved = [m for m in data.index().mentions if (m.article_id, m.start) == (river.article_id, river.start)]
    assert [(m.feature_id, m.rule) for m in moved] == [("qujiang-district", "curator")]
    correct_mention(
        data.store,
        "Ann",
        article_id=river.article_id,
        start=river.start,
        end=river.end,
        surface=river.surface,
        feature_id="",
    )
    assert not [m for m in data.index().mentions if (m.article_id, m.start) == (river.article_id, river.start)]
    assert len(json.loads((data.geodata / "mention_corrections.json").read_text(encoding="utf-8"))) == 1
    with pytest.raises(CurationError, match="feature_id: is 'nowhere'; expected a feature id"):
        correct_mention(
            data.store, "Ann", article_id=river.article_id, start=1, end=3, surface="xx", feature_id="nowhere"
        )


def test_two_curators_saving_at_once_both_land(data):
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def save(name_zh: str, name_en: str, d_lon: float) -> None:
        try:
            start.wait()
            add_place(data.store, name_en, new_park(name_zh=name_zh, name_en=name_en), near(data, d_lon=d_lon), SOURCE)
        except BaseException as error:  # handed to the main thread, which fails the test with it
            errors.append(error)

    threads = [
        threading.Thread(target=save, args=("甲测试馆", "Jia Test Hall", 0.003)),
        threading.Thread(target=save, args=("乙测试馆", "Yi Test Hall", 0.005)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {"jia-test-hall", "yi-test-hall"} <= set(data.index().features)
    assert len(data.store.changes()) == 2


KILLED_SAVE = """
import os, sys, time
from pathlib import Path
from mapapp.curation import store
from mapapp.curation.actions import NewPlace, add_place
from mapapp.curation.placement import Placement, point_geometry
from mapapp.models import Source

real_replace = os.replace

def stall(src, dst):  # the data file's temporary is written and fsynced; its rename never happens
    if not str(dst).endswith(".geojson"):
        return real_replace(src, dst)  # the journal's blobs
    Path(sys.argv[2]).write_text("ready")
    time.sleep(60)

os.replace = stall
geodata, _, layers, lon, lat = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
add_place(
    store.DataStore(Path(geodata), layers_dir=Path(layers)),
    "Killed",
    NewPlace("星河测试公园", "sports_venue", "sports", name_en="Xinghe Test Park"),
    Placement(point_geometry(lon, lat), "wgs84", 30),
    Source("t", "https://example.org", "q"),
)
"""


def test_a_save_killed_between_temporary_write_and_rename_is_finished_by_the_next_save(data, tmp_path):
    original = data.files()
    ready = tmp_path / "ready"
    lon, lat = data.gymnasium_lonlat()
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_SAVE, str(data.geodata), str(ready), str(data.layers), str(lon), str(lat)],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while not ready.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert ready.exists(), "the save never reached the rename"
    assert list(data.geodata.glob(f".*{TEMP_SUFFIX}")), "the temporary file should exist at this point"
    process.kill()
    process.wait()
    # the data is as it was (never half a file); the accepted change is in the journal already
    assert data.files() == original
    assert [(c.who, c.subject) for c in data.store.changes()] == [("Killed", "xinghe-test-park")]
    assert not [p for p in data.index().problems if p.severity == "error"]
    assert "xinghe-test-park" not in data.index().features
    # the next save clears the dead save's temporary file, writes the killed save's files, and lands
    add_place(data.store, "Ann", new_park(name_zh="月湾测试公园", name_en="Yuewan Test Park"), near(data), SOURCE)
    assert not list(data.geodata.glob(f".*{TEMP_SUFFIX}"))
    features = data.index().features
    assert "xinghe-test-park" in features and "yuewan-test-park" in features
    assert [c.who for c in data.store.changes()] == ["Killed", "Ann"]
    # and the killed save's change is undone like any other (after the later one in the same file)
    undo(data.store, "Ann")
    undo(data.store, "Ann", data.store.changes()[0].change_id)
    assert data.files() == original


def test_precision_follows_the_zoom_and_the_basis_follows_the_precision():
    assert precision_from_zoom(18, 29.0) < precision_from_zoom(14, 29.0) < precision_from_zoom(10, 29.0)
    assert 10 <= precision_from_zoom(16, 29.0) <= 30  # ~2.1 m per pixel at zoom 16 in Quzhou
    assert basis_from_precision(30, "Point") == "exact"
    assert basis_from_precision(800, "Point") == "address"
    assert basis_from_precision(20_000, "Polygon") == "area"
    assert basis_from_precision(500, "LineString") == "schematic"
