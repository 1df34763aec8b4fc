"""An English article in the index file: the same index as the in-memory build (excerpts with their
language, events and figures), its excerpts found by word, and the index rebuilt incrementally
when only the English article changes. Own text, the real geodata."""

from __future__ import annotations

import shutil

import pytest

from mapapp.app.selection import search_features
from mapapp.datadirs import DataDirs
from mapapp.paths import GEODATA_DIR, LAYERS_DIR, SEEDS_DIR
from mapapp.pipeline.events import events_from_index
from mapapp.pipeline.index import build_map_index
from mapapp.pipeline.store import IndexStore, build_store, open_map_index

ENGLISH = """Bonded zone opens a new hall

The Quzhou Comprehensive Bonded Zone opened its second customs hall on March 3, 2025.
Exporters in Longyou and Jiangshan now clear goods there instead of at Ningbo-Zhoushan Port.
"""


@pytest.fixture()
def dirs(tmp_path) -> DataDirs:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    (seeds / "en_bonded.txt").write_text(ENGLISH, encoding="utf-8")
    with (seeds / "articles.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n["en_bonded.txt"]\nheadline = "Bonded zone opens a new hall"\ndate = "2025-03-04"\nlang = "en"\n')
    return DataDirs(seeds, GEODATA_DIR, LAYERS_DIR)


def test_english_excerpts_events_and_word_search_in_the_index_file(dirs, tmp_path):
    path = tmp_path / "index.sqlite"
    build_store(dirs, path, processes=1)
    store = IndexStore(path)
    stored = open_map_index(store, dirs)
    built = build_map_index(dirs.seeds_dir, dirs.geodata_dir, dirs.layers_dir)
    assert stored.articles["en_bonded.txt"] == built.articles["en_bonded.txt"]
    assert stored.articles["en_bonded.txt"].lang == "en"
    (excerpt,) = [e for e in store.excerpts_of("quzhou-bonded-zone") if e.article_id == "en_bonded.txt"]
    assert excerpt.lang == "en" and excerpt == next(
        e for e in built.excerpts["quzhou-bonded-zone"] if e.article_id == "en_bonded.txt"
    )
    assert {e.lang for e in store.excerpts_of("qujiang-district")} == {"zh"}
    events = [e for e in events_from_index(built) if e.article_id == "en_bonded.txt"]
    assert [(e.feature_id, e.kind, e.date) for e in events] == [("quzhou-bonded-zone", "opened", "2025-03-03")]
    stored_events = store.timeline().events["quzhou-bonded-zone"]
    assert [e for e in stored_events if e.article_id == "en_bonded.txt"] == events
    # by word, in any order, by stem: "opening ... hall" finds "opened its second customs hall"
    assert "quzhou-bonded-zone" in store.search_feature_ids("hall opening")
    assert "quzhou-bonded-zone" not in store.search_feature_ids("hall closing")
    assert store.search_feature_ids('"); DROP TABLE words; --') == set()  # a query is words, never FTS syntax
    found = store.search_feature_ids("customs hall opening")
    features = {fid: stored.features[fid] for fid in found}
    hits = search_features("customs hall opening", features, stored.excerpts, word_matched=found)
    assert [(h.feature_id, h.kind) for h in hits] == [("quzhou-bonded-zone", "excerpt")]


def test_changing_the_english_article_rematches_only_it(dirs, tmp_path):
    path = tmp_path / "index.sqlite"
    build_store(dirs, path, processes=1)
    (dirs.seeds_dir / "en_bonded.txt").write_text(ENGLISH.replace("Longyou and ", ""), encoding="utf-8")
    report = build_store(dirs, path, processes=1)
    assert (report.full, report.rematched) == (False, 1)
    store = IndexStore(path)
    assert "quzhou-bonded-zone" in store.search_feature_ids("customs hall")
    assert "longyou-county" not in {m.feature_id for m in store.mentions_of("en_bonded.txt")}
    kept = store.search_feature_ids("港口")  # the Chinese articles' search rows were copied
    assert kept


@pytest.mark.parametrize("query", ["second customs", "SECOND customs"])
def test_in_memory_search_finds_english_words_in_any_order(dirs, query):
    built = build_map_index(dirs.seeds_dir, dirs.geodata_dir, dirs.layers_dir)
    hits = search_features(query, built.features, built.excerpts)
    assert ("quzhou-bonded-zone", "excerpt") in [(h.feature_id, h.kind) for h in hits]
    hits = search_features("hall customs", built.features, built.excerpts)
    assert ("quzhou-bonded-zone", "excerpt") in [(h.feature_id, h.kind) for h in hits]
