"""placedata and placefiles: what a place's panel shows, as data, and the files written per data version.

The sentences here are written for the test (in the shape of the seeds'); the real data's records are
checked against the pipeline's own excerpts, never against typed-in text.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from mapapp.app import placedata, placefiles
from mapapp.app.placedata import PAGE_ARTICLES, ArticleInfo, excerpt_groups, excerpts_record, place_record
from mapapp.app.textspans import utf16_spans
from mapapp.app.timelinepanel import timeline_record
from mapapp.datadirs import BUNDLED, DataDirs
from mapapp.models import Excerpt, Source
from mapapp.pipeline.events import Event
from mapapp.pipeline.figures import Figure
from mapapp.pipeline.index import build_map_index
from mapapp.pipeline.timeline import build_timeline_index
from tests.datafactory import make_gym

GYM = make_gym(
    (Source("百科 <b>", "https://example.org/?a=1&b=2", "引文 <i>"), Source("seed", "seeds/003.txt", "q")),
    name_en="Qujiang <Gym>",
    description="Home court & more <script>",
)
INFO = {"003.txt": ArticleInfo("标题<x>", "2025-11", "zh", "衢州日报", ("http://example.org/a", "seeds/x"))}


def excerpt(text: str, start: int, end: int, *, article: str = "003.txt", kind: str = "body", count: int = 1):
    return Excerpt("gym", article, "标题<x>", "2025-11", kind, text, ((start, end),), count, 0, len(text))  # type: ignore[arg-type]


def test_facts_and_description_in_the_readers_language():
    zh = placedata.feature_facts(GYM, "zh")
    assert [label for label, _ in zh] == ["类别", "状态", "位置精度"]
    assert zh[0][1] == "体育场馆" and zh[1][1] == "运营中" and zh[2][1].startswith("±10 公里 · 只知所在区域")
    en = placedata.feature_facts(GYM, "en")
    assert en[0] == ["Category", "sports venue"]
    record = place_record(
        GYM,
        "en",
        excerpts={},
        events=(),
        figures=(),
        total_events=0,
        total_figures=0,
        articles={},
        related=[],
        layer_id="sports",
    )
    assert record["name"] == "Qujiang <Gym>" and record["other_name"] == "衢江区体育馆"
    assert record["description"] == "Home court & more <script>"  # text, never HTML: the browser sets textContent
    assert record["timeline"] is None and record["layer"] == "sports"


def test_sources_link_only_web_references():
    sources = placedata.sources_record(GYM)
    assert sources[0] == {
        "title": "百科 <b>",
        "url": "https://example.org/?a=1&b=2",
        "ref": sources[0]["ref"],
        "quote": "引文 <i>",
        "title_lang": "zh",
        "quote_lang": "zh",
    }
    assert sources[1]["url"] is None and sources[1]["ref"] == "seeds/003.txt"
    assert placedata.web_url("javascript:alert(1)") is None and placedata.web_url("seeds/x") is None


def test_excerpt_group_has_headline_date_outlet_link_count_and_badges():
    groups = excerpt_groups(
        [excerpt("衢江区体育馆", 0, 6, kind="caption", count=3), excerpt("主场设在衢江区体育馆。", 4, 10)],
        "zh",
        INFO,
    )
    [group] = groups
    assert (group["headline"], group["date"], group["outlet"], group["url"]) == (
        "标题<x>",
        "2025-11",
        "衢州日报",
        "http://example.org/a",
    )
    assert group["times"] == "出现 4 次"
    assert group["excerpts"][0]["badges"] == ["图片说明", "×3"] and group["excerpts"][1]["badges"] == []
    assert group["excerpts"][1]["marks"] == [[4, 10]]
    assert group["also"] == []  # "seeds/x" is not a page on the web


def test_a_reprinted_article_is_one_group_that_names_each_other_site_once():
    info = ArticleInfo(
        "标题",
        "2025-11",
        "zh",
        "衢州日报",
        ("https://news.example.cn/a.html", "http://www.portal.example.com/b.shtml", "https://news.example.cn/a.html"),
    )
    groups = excerpt_groups([excerpt("主场设在衢江区体育馆。", 4, 10)], "zh", {"003.txt": info})
    [group] = groups
    assert group["url"] == "https://news.example.cn/a.html"
    assert group["also"] == [{"site": "portal.example.com", "url": "http://www.portal.example.com/b.shtml"}]


def test_marks_count_utf16_units_like_javascript():
    text = "𠀀衢江区体育馆"  # a character outside the BMP first: two UTF-16 units
    assert utf16_spans(text, [(1, 7)]) == [[2, 8]]
    assert utf16_spans("abc", [(2, 9), (5, 6)]) == [[2, 3]]  # clipped to the text, empty ranges dropped


def test_pages_of_excerpts_name_the_next_page_and_say_when_the_rest_is_left_out():
    assert placedata.pages_for(0) == 1 and placedata.pages_for(PAGE_ARTICLES + 1) == 2
    first = excerpts_record("gym", "zh", page=1, excerpts=[], total=30, n_articles=PAGE_ARTICLES + 1, articles={})
    assert first["next"] == "gym.2.json" and first["more_articles"] == 1 and first["note"] is None
    last = excerpts_record("gym", "zh", page=2, excerpts=[], total=30, n_articles=PAGE_ARTICLES + 1, articles={})
    assert last["next"] is None and last["note"] is None
    many = 10_000
    final = placedata.pages_for(many)
    assert final == placedata.MAX_PAGES
    end = excerpts_record("gym", "en", page=final, excerpts=[], total=many, n_articles=many, articles={})
    assert end["next"] is None and str(placedata.MAX_PAGES * PAGE_ARTICLES) in end["note"]


def test_timeline_record_orders_events_and_words_figures():
    def event(date, kind, start, **extra):
        return Event(
            "gym", kind, date, None, None, extra.get("relative", False), extra.get("expected", False), "003.txt",
            start, start + 5, "2025年开通", "体育馆2025年开通。", ((3, 10),),
        )  # fmt: skip

    events = [
        event(None, "opened", 30),
        event("2024-05", "construction_started", 10, relative=True),
        event("2026", "completed", 20, expected=True),
    ]
    figure = Figure(
        "gym",
        "area",
        3.5,
        "万平方米",
        "约",
        None,
        "2025",
        None,
        False,
        "003.txt",
        0,
        5,
        "约3.5万平方米",
        "占地约3.5万平方米。",
        (2, 9),
    )
    record = timeline_record(events, [figure], {"003.txt": ("标题", "2025-11")}, "zh")
    assert [e["date"] for e in record["events"]] == ["2024-05", "日期未载 · 见报 2025-11", "2026"]
    assert record["events"][0]["badges"] == [{"text": "≈", "title": "据文章日期推算"}]
    assert record["events"][2]["expected"] and record["events"][2]["badges"][0]["text"] == "预计"
    assert (record["events"][0]["source_headline"], record["events"][0]["source_date"]) == ("标题", "2025-11")
    assert record["events"][0]["marks"] == [[3, 10]]
    assert record["figures"] == [
        {"quantity": "面积", "value": "约3.5万平方米", "period": "2025", "sentence": "占地约3.5万平方米。"}
    ]
    assert timeline_record([], [], {}, "zh") is None
    cut = timeline_record(events, [], {}, "en", total_events=45)
    assert cut["more"] == "42 more not listed (see the excerpts below)"


@pytest.fixture(scope="module")
def seeds_index():
    index = build_map_index(BUNDLED.seeds_dir, BUNDLED.geodata_dir, BUNDLED.layers_dir)
    return index, build_timeline_index(index)


def test_every_place_gets_a_file_per_language_with_the_pipelines_excerpts(seeds_index, tmp_path):
    index, timeline = seeds_index
    files = placefiles.ensure_place_files(BUNDLED, "d1", index=index, timeline=timeline, store=None, out_dir=tmp_path)
    for lang in ("zh", "en"):
        names = {p.name for p in (files.directory / lang).glob("*.json")}
        assert {f"{fid}.json" for fid in index.features} <= names
    feature_id, excerpts = next((fid, ex) for fid, ex in index.excerpts.items() if len({e.article_id for e in ex}) > 1)
    record = json.loads((files.directory / "zh" / f"{feature_id}.json").read_text(encoding="utf-8"))
    shown = [item["text"] for group in record["excerpts"]["groups"] for item in group["excerpts"]]
    assert shown == [e.text for e in excerpts]  # every excerpt, in the index's order (fewer than a page)
    assert record["excerpts"]["total"] == sum(e.count for e in excerpts)
    assert record["name"] == index.features[feature_id].name_zh
    english = json.loads((files.directory / "en" / f"{feature_id}.json").read_text(encoding="utf-8"))
    assert english["name"] == index.features[feature_id].name_en and english["facts"][0][0] == "Category"
    current = json.loads((tmp_path / files.source / "current.json").read_text(encoding="utf-8"))
    assert current == {"version": files.version, "digest": "d1"}


def test_a_new_digest_is_a_new_version_the_old_ones_are_pruned_and_other_data_kept_apart(seeds_index, tmp_path):
    index, timeline = seeds_index
    kwargs = {"index": index, "timeline": timeline, "store": None, "out_dir": tmp_path}
    first = placefiles.ensure_place_files(BUNDLED, "d1", **kwargs)
    stamp = (first.directory / "zh" / next(iter(index.features))).with_suffix(".json").stat().st_mtime_ns
    again = placefiles.ensure_place_files(BUNDLED, "d1", **kwargs)
    assert again.version == first.version  # written once per version
    assert (first.directory / "zh" / next(iter(index.features))).with_suffix(".json").stat().st_mtime_ns == stamp
    second = placefiles.ensure_place_files(BUNDLED, "d2", **kwargs)
    third = placefiles.ensure_place_files(BUNDLED, "d3", **kwargs)
    assert len({first.version, second.version, third.version}) == 3
    kept = sorted(p.name for p in (tmp_path / first.source).iterdir() if p.is_dir())
    assert kept == sorted([second.version, third.version])  # the current one and the one before it
    other = DataDirs(tmp_path / "s", tmp_path / "g", tmp_path / "l")
    elsewhere = placefiles.ensure_place_files(other, "d1", **kwargs)
    assert elsewhere.source != first.source and (tmp_path / first.source / third.version).is_dir()
    old = time.time() - placefiles.STALE_SOURCE_S - 60
    os.utime(tmp_path / elsewhere.source / "current.json", (old, old))
    placefiles.ensure_place_files(BUNDLED, "d3", **kwargs)
    assert not (tmp_path / elsewhere.source).exists()  # another data folder nobody served for a week


def test_the_code_that_shapes_a_record_is_part_of_its_version():
    assert placefiles.version_for("d", code="a") != placefiles.version_for("d", code="b")
    assert placefiles.version_for("d", code="a") != placefiles.version_for("e", code="a")
    assert placefiles.version_for("d", code="a", langs=("zh",)) != placefiles.version_for("d", code="a")


def test_an_article_in_another_language_than_the_interfaces_says_which():
    from dataclasses import replace

    english = ArticleInfo("Bonded zone opens", "2025-03", "en")
    sentence = replace(excerpt("The zone opened its hall.", 4, 8), lang="en")
    [group] = excerpt_groups([sentence], "zh", {"003.txt": english})
    assert group["lang"] == "en" and group["language"] == "英文" and group["excerpts"][0]["lang"] == "en"
    [same] = excerpt_groups([sentence], "en", {"003.txt": english})
    assert same["language"] == ""
    [chinese] = excerpt_groups([excerpt("主场设在衢江区体育馆。", 4, 10)], "en", INFO)
    assert chinese["language"] == "Chinese"
