"""The index file: the same index as the in-memory build, incremental rebuilds, parallel matching,
search in SQLite (FTS5 trigram), and the CLI that writes it. Tiny test corpus (tests/data) and the
real seeds."""

from __future__ import annotations

import copy
import json
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

from mapapp.app.selection import normalize_for_search, search_features
from mapapp.datadirs import BUNDLED, DataDirs
from mapapp.paths import ROOT_DIR
from mapapp.pipeline import store as store_module
from mapapp.pipeline.index import MapIndex, build_map_index
from mapapp.pipeline.store import (
    IndexStore,
    StoreError,
    build_store,
    ensure_store,
    open_map_index,
    search_form,
    stored_digest,
)
from tests.datafactory import copy_tiny_data, write_features


def _dirs(folders) -> DataDirs:
    return DataDirs(folders.seeds_dir, folders.geodata_dir, folders.layers_dir)


def _same_index(stored: MapIndex, built: MapIndex) -> None:
    assert list(stored.articles) == list(built.articles)
    for article_id, article in built.articles.items():
        assert stored.articles[article_id] == article
    assert list(stored.mentions) == list(built.mentions)
    assert set(stored.excerpts) == set(built.excerpts)
    for feature_id, excerpts in built.excerpts.items():
        assert tuple(stored.excerpts[feature_id]) == excerpts, feature_id
        assert len(stored.excerpts[feature_id]) == len(excerpts)
        assert stored.excerpts[feature_id][0] == excerpts[0]
    assert stored.related == built.related
    assert stored.problems == built.problems
    assert stored.features.keys() == built.features.keys()


@pytest.fixture()
def tiny(tmp_path):
    folders = copy_tiny_data(tmp_path / "data")
    return _dirs(folders)


def test_the_file_holds_the_same_index_as_the_in_memory_build(tiny, tmp_path):
    path = tmp_path / "index.sqlite"
    report = build_store(tiny, path, processes=1)
    assert report.full and report.rematched == report.articles == 2
    built = build_map_index(tiny.seeds_dir, tiny.geodata_dir, tiny.layers_dir)
    _same_index(open_map_index(IndexStore(path), tiny), built)
    assert "t1_port.txt" in open_map_index(IndexStore(path), tiny).articles
    assert "nope.txt" not in open_map_index(IndexStore(path), tiny).articles


def test_the_real_seeds_in_two_worker_processes_give_the_same_index(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "PARALLEL_MIN_ARTICLES", 2)
    path = tmp_path / "seeds.sqlite"
    build_store(BUNDLED, path, processes=2)
    _same_index(open_map_index(IndexStore(path), BUNDLED), build_map_index())


def test_a_changed_article_alone_is_matched_again(tiny, tmp_path):
    path = tmp_path / "index.sqlite"
    build_store(tiny, path, processes=1)
    article = tiny.seeds_dir / "t2_repeat.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\n衢江区体育馆今天开放。\n", encoding="utf-8")
    assert stored_digest(path) != ensure_digest(tiny)
    report = build_store(tiny, path, processes=1)
    assert not report.full and report.rematched == 1
    _same_index(
        open_map_index(IndexStore(path), tiny), build_map_index(tiny.seeds_dir, tiny.geodata_dir, tiny.layers_dir)
    )
    # nothing changed: ensure_store leaves the file alone
    before = path.stat().st_mtime_ns
    assert ensure_store(tiny, path) == stored_digest(path)
    assert path.stat().st_mtime_ns == before


def _summary_tables(path) -> dict[str, set[tuple]]:
    with sqlite3.connect(path) as db:
        return {
            table: set(db.execute(f"SELECT * FROM {table}"))
            for table in ("feature_stats", "related", "search", "stages")
        }


def test_an_incremental_rebuild_has_the_summaries_and_search_of_a_full_one(tiny, tmp_path):
    # the summaries are gathered as rows are written; the kept articles' share comes from the old file
    path = tmp_path / "index.sqlite"
    build_store(tiny, path, processes=1)
    article = tiny.seeds_dir / "t2_repeat.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\n衢江区体育馆今天开放。\n", encoding="utf-8")
    assert not build_store(tiny, path, processes=1).full
    fresh = tmp_path / "fresh.sqlite"
    assert build_store(tiny, fresh, processes=1).full
    incremental, full = _summary_tables(path), _summary_tables(fresh)
    assert all(full.values()), full  # every table has rows: the comparison says something
    assert incremental == full


def test_changed_metadata_rematches_its_article_and_a_geodata_change_rematches_all(tiny, tmp_path):
    path = tmp_path / "index.sqlite"
    build_store(tiny, path, processes=1)
    toml = tiny.seeds_dir / "articles.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('headline = "重复块"', 'headline = "重复块（改）"'), "utf-8"
    )
    report = build_store(tiny, path, processes=1)
    assert not report.full and report.rematched == 1
    stored = open_map_index(IndexStore(path), tiny)
    assert {e.headline for es in stored.excerpts.values() for e in es if e.article_id == "t2_repeat.txt"} == {
        "重复块（改）"
    }
    time.sleep(0.01)
    geo = tiny.geodata_dir / "disambiguation.toml"
    geo.write_text(geo.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = build_store(tiny, path, processes=1)
    assert report.full and report.rematched == 2


def test_search_runs_in_sqlite_and_finds_what_the_app_search_finds(tiny, tmp_path):
    path = tmp_path / "index.sqlite"
    build_store(tiny, path, processes=1)
    store = IndexStore(path)
    index = build_map_index(tiny.seeds_dir, tiny.geodata_dir, tiny.layers_dir)
    for query in ("衢江", "体育馆", "衢江港区", "ＱＵ", "qu jiang", "集装箱装上货船", "没有这个词"):
        expected = {hit.feature_id for hit in search_features(query, index.features, index.excerpts, limit=1000)}
        assert store.search_feature_ids(query) == expected, query
    assert store.search_feature_ids("%") == set() and store.search_feature_ids("  ") == set()


def test_search_form_is_the_apps_normal_form():
    for text in ("ＣＢＤ 中心", "Qu Jiang", "衢江\u3000港区", "ǅ"):
        assert search_form(text) == normalize_for_search(text)


def test_the_bundled_sqlite_has_fts5_with_the_trigram_tokenizer():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(form, tokenize = 'trigram')")
    db.execute("INSERT INTO t VALUES (?)", ("衢江港区大路章作业区",))
    assert db.execute("SELECT count(*) FROM t WHERE t MATCH ?", ("大路章",)).fetchone() == (1,)


def test_a_missing_or_foreign_file_says_what_is_wrong(tmp_path):
    with pytest.raises(StoreError, match=r"no index file; expected one written by `python -m mapapp index build`"):
        IndexStore(tmp_path / "missing.sqlite")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('schema', '0')")
    with pytest.raises(StoreError, match=rf"index schema '0'; expected '{store_module.SCHEMA_VERSION}' \(rebuild it\)"):
        IndexStore(other)
    assert stored_digest(other) is None


def test_cli_index_build_writes_the_file(tiny, tmp_path):
    out = tmp_path / "cli.sqlite"
    args = ["--seeds", str(tiny.seeds_dir), "--geodata", str(tiny.geodata_dir), "--layers", str(tiny.layers_dir)]
    result = subprocess.run(
        [sys.executable, "-m", "mapapp", "index", "build", *args, "--out", str(out)],
        cwd=ROOT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "2 articles" in result.stderr and "every article matched" in result.stderr
    assert stored_digest(out) == ensure_digest(tiny)
    shutil.rmtree(tiny.seeds_dir)
    assert ensure_digest(tiny) != stored_digest(out)


def ensure_digest(dirs: DataDirs) -> str:
    from mapapp.pipeline.fingerprint import fingerprint_data

    return fingerprint_data(dirs.seeds_dir, dirs.geodata_dir, dirs.layers_dir).digest


def test_a_click_reads_only_a_dozen_articles_excerpts_and_their_totals(tmp_path):
    """The panel's query: excerpts from the first N articles, and the totals from feature_stats."""
    from bench.pipeline import build_synthetic_corpus
    from mapapp.paths import SEEDS_DIR

    seeds = tmp_path / "seeds"
    build_synthetic_corpus(SEEDS_DIR, seeds, 30)  # the seeds repeated: every place named in 6+ articles
    dirs = DataDirs(seeds, BUNDLED.geodata_dir, BUNDLED.layers_dir)
    path = tmp_path / "index.sqlite"
    build_store(dirs, path, processes=1)
    store = IndexStore(path)
    built = build_map_index(seeds, BUNDLED.geodata_dir, BUNDLED.layers_dir)
    feature_id = max(built.excerpts, key=lambda fid: len({e.article_id for e in built.excerpts[fid]}))
    everything = built.excerpts[feature_id]
    articles = list(dict.fromkeys(e.article_id for e in everything))
    assert len(articles) > 12
    first = store.excerpts_of(feature_id, max_articles=12)
    assert first == tuple(e for e in everything if e.article_id in articles[:12])
    assert store.excerpt_totals(feature_id) == (sum(e.count for e in everything), len(articles))
    assert store.excerpt_totals("no-such-feature") == (0, 0)


def test_a_geodata_change_relinks_every_article_without_tagging_it_again(tiny, tmp_path, monkeypatch):
    path = tmp_path / "index.sqlite"
    build_store(tiny, path, processes=1)
    first = {a: IndexStore(path).names_of(a) for a in IndexStore(path).article_ids}
    assert all(first.values())  # every Chinese article's names are kept
    # a geodata change: 联队 (a team) is no longer a head that makes 衢州市 the front of a longer name
    parts = tiny.geodata_dir / "name_parts.toml"
    parts.write_text(parts.read_text(encoding="utf-8").replace('"联队" = "company"\n', ""), encoding="utf-8")

    def no_tagging(texts):
        raise AssertionError("tagged again although no article text changed")

    monkeypatch.setattr(store_module, "names_in_texts", no_tagging)
    report = build_store(tiny, path, processes=1)
    assert report.full and report.rematched == report.articles  # every article re-linked ...
    assert {a: IndexStore(path).names_of(a) for a in first} == first  # ... with the names kept
    mentions = [(m.surface, m.feature_id) for m in open_map_index(IndexStore(path), tiny).mentions]
    assert ("衢州市", "quzhou-city") in mentions  # 衢州市联队: the city, by the changed words


def _contents(path):
    """Every table of an index file as sorted rows (the order rows are written in may differ)."""
    with sqlite3.connect(path) as db:
        tables = [
            name
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith(("search_", "words_"))  # FTS5's own tables
        ]
        return {table: sorted(db.execute(f"SELECT * FROM {table}"), key=repr) for table in tables}


def test_a_relink_copies_the_rows_of_articles_linked_as_before_and_equals_a_fresh_build(tiny, tmp_path, monkeypatch):
    path = tmp_path / "index.sqlite"
    build_store(tiny, path, processes=1)
    # a rule-file change that changes the links of some articles only (衢州市联队, as above)
    parts = tiny.geodata_dir / "name_parts.toml"
    parts.write_text(parts.read_text(encoding="utf-8").replace('"联队" = "company"\n', ""), encoding="utf-8")
    derived_for: list[str] = []
    timeline_rows = store_module.timeline_rows

    def counted(article, *args, **kwargs):
        derived_for.append(article.article_id)
        return timeline_rows(article, *args, **kwargs)

    monkeypatch.setattr(store_module, "timeline_rows", counted)
    report = build_store(tiny, path, processes=1)
    monkeypatch.undo()
    assert report.rematched == report.articles  # every article linked again ...
    assert 0 < len(derived_for) < report.articles  # ... what follows from the links made again only where they changed
    fresh = tmp_path / "fresh.sqlite"
    build_store(tiny, fresh, processes=1)
    assert _contents(path) == _contents(fresh)


def test_a_new_place_named_nowhere_keeps_every_chinese_article_s_rows(tiny, tmp_path, monkeypatch):
    path = tmp_path / "index.sqlite"
    build_store(tiny, path, processes=1)
    subset = tiny.geodata_dir / "subset.geojson"
    features = json.loads(subset.read_text(encoding="utf-8"))["features"]
    added = copy.deepcopy(features[0])
    added["properties"].update(id="a-new-hall", name_zh="从未提及馆", name_en="A New Hall", aliases=[])
    write_features(subset, [*features, added])
    derived_for: list[str] = []
    timeline_rows = store_module.timeline_rows

    def counted(article, *args, **kwargs):
        derived_for.append(article.article_id)
        return timeline_rows(article, *args, **kwargs)

    monkeypatch.setattr(store_module, "timeline_rows", counted)
    report = build_store(tiny, path, processes=1)
    monkeypatch.undo()
    assert report.full and report.rematched == report.articles
    assert derived_for == []  # linked as before, and what their rows read of the features is unchanged
    fresh = tmp_path / "fresh.sqlite"
    build_store(tiny, fresh, processes=1)
    assert _contents(path) == _contents(fresh)


def test_an_article_whose_text_changed_is_tagged_again(tiny, tmp_path):
    path = tmp_path / "index.sqlite"
    build_store(tiny, path, processes=1)
    article = tiny.seeds_dir / "t1_port.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\n新闻发布会在龙游县湖镇镇举行。\n", encoding="utf-8")
    build_store(tiny, path, processes=1)
    names = IndexStore(path).names_of("t1_port.txt") or ()
    text = article.read_text(encoding="utf-8")
    assert any(text[s:e] == "湖镇镇" for s, e, _ in names) or any(text[s:e] == "龙游县湖镇镇" for s, e, _ in names)
