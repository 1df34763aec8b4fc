"""Events, figures and stages in the index file: the same TimelineIndex as build_timeline_index on the
in-memory index (tiny corpus and the real seeds), rebuilt when the event words change, and the words'
problems carried through as the in-memory build reports them."""

from __future__ import annotations

import pytest

from mapapp.datadirs import BUNDLED, DataDirs
from mapapp.errors import Problem
from mapapp.pipeline import store as store_module
from mapapp.pipeline.index import build_map_index
from mapapp.pipeline.store import IndexStore, build_store, ensure_store, stored_digest
from mapapp.pipeline.timeline import TimelineIndex, build_timeline_index
from tests.datafactory import copy_tiny_data


def _same_timeline(stored: TimelineIndex, built: TimelineIndex) -> None:
    assert stored.stages == built.stages
    assert list(stored.stages) == list(built.stages)
    assert set(stored.events) == set(built.events)
    for feature_id, events in built.events.items():
        assert stored.events[feature_id] == events, feature_id
    assert set(stored.figures) == set(built.figures)
    for feature_id, figures in built.figures.items():
        assert stored.figures[feature_id] == figures, feature_id
    assert stored.events.get("no-such-feature") is None
    assert stored.problems == built.problems


@pytest.fixture()
def tiny(tmp_path) -> DataDirs:
    folders = copy_tiny_data(tmp_path / "data")
    return DataDirs(folders.seeds_dir, folders.geodata_dir, folders.layers_dir)


def test_the_real_seeds_timeline_from_the_file_is_the_in_memory_one(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "PARALLEL_MIN_ARTICLES", 2)  # rows found in two worker processes
    path = tmp_path / "seeds.sqlite"
    build_store(BUNDLED, path, processes=2)
    built = build_timeline_index(build_map_index())
    assert sum(len(e) for e in built.events.values()) > 5 and built.figures and built.stages  # a real test
    _same_timeline(IndexStore(path).timeline(), built)


def test_a_changed_article_keeps_the_others_timeline_rows(tiny, tmp_path):
    path = tmp_path / "index.sqlite"
    build_store(tiny, path, processes=1)
    article = tiny.seeds_dir / "t2_repeat.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\n衢江区体育馆于2024年5月建成开放。\n", encoding="utf-8")
    report = build_store(tiny, path, processes=1)
    assert not report.full and report.rematched == 1
    built = build_timeline_index(build_map_index(tiny.seeds_dir, tiny.geodata_dir, tiny.layers_dir))
    assert any(e.article_id == "t2_repeat.txt" for events in built.events.values() for e in events)
    _same_timeline(IndexStore(path).timeline(), built)


def test_other_event_words_make_the_file_out_of_date_and_rematch_everything(tiny, tmp_path, monkeypatch):
    path = tmp_path / "index.sqlite"
    digest = ensure_store(tiny, path)
    assert stored_digest(path) == digest
    monkeypatch.setattr(store_module, "words_digest", lambda: "other-words")
    assert stored_digest(path) is None
    report = build_store(tiny, path, processes=1)
    assert report.full and report.rematched == report.articles
    assert stored_digest(path) == digest


def test_unusable_event_words_are_reported_and_give_no_events(tiny, tmp_path, monkeypatch):
    problem = Problem("eventwords.toml", "[[trigger]]", "", "has no entries; expected at least one list of event words")
    monkeypatch.setattr(store_module, "words_problems", lambda: (problem,))
    path = tmp_path / "index.sqlite"
    build_store(tiny, path, processes=1)
    timeline = IndexStore(path).timeline()
    assert timeline.problems == (problem,)
    assert dict(timeline.events) == {} and dict(timeline.figures) == {} and timeline.stages == {}


def test_the_panels_cut_of_a_long_timeline_is_made_in_sqlite_as_in_python(tmp_path):
    # the panel reads only the events and figures it lists (a facility had 6,000 in 10,000 articles):
    # the file cuts them in SQL in the order timeline.event_cut_key / figure_cut_key give in memory
    from bench.pipeline import build_synthetic_corpus
    from mapapp.pipeline.timeline import event_cut_key, figure_cut_key, first_rows

    seeds = tmp_path / "seeds"
    build_synthetic_corpus(BUNDLED.seeds_dir, seeds, 15)  # each seed three times: many ties to break
    dirs = DataDirs(seeds, BUNDLED.geodata_dir, BUNDLED.layers_dir)
    build_store(dirs, tmp_path / "index.sqlite", processes=1)
    stored = IndexStore(tmp_path / "index.sqlite").timeline()
    built = build_timeline_index(build_map_index(seeds, dirs.geodata_dir, dirs.layers_dir))
    # each event is listed once (reported by the three copies of its article), so lists are short
    assert max(len(events) for events in built.events.values()) > 2  # some lists are cut below
    assert min(e.reports for events in built.events.values() for e in events) >= 3
    assert max(len(figures) for figures in built.figures.values()) > 7
    for rows_of, key in ((lambda t: t.events, event_cut_key), (lambda t: t.figures, figure_cut_key)):
        for feature_id in rows_of(built):
            for limit in (1, 2, 7, 40, 10_000):
                assert first_rows(rows_of(stored), feature_id, limit, key) == first_rows(
                    rows_of(built), feature_id, limit, key
                ), (feature_id, limit)
    assert first_rows(stored.events, "no-such-feature", 5, event_cut_key) == ((), 0)
