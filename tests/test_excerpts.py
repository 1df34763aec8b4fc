"""The excerpt index: whole sentences, highlights, captions, repeats merged."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapapp.paths import GEODATA_DIR, LAYERS_DIR, SEEDS_DIR
from mapapp.pipeline.index import build_map_index

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def tiny():
    return build_map_index(DATA / "seeds", DATA / "geodata", DATA / "layers")


@pytest.fixture(scope="module")
def real():
    return build_map_index(SEEDS_DIR, GEODATA_DIR, LAYERS_DIR)


def test_highlights_cover_the_mention_in_the_display_text(tiny):
    for feature_id, excerpts in tiny.excerpts.items():
        feature = tiny.features[feature_id]
        for excerpt in excerpts:
            assert excerpt.highlights
            for start, end in excerpt.highlights:
                shown = excerpt.text[start:end]
                assert any(name in shown or shown in name for name in feature.names) or shown == "衢"


def test_sentence_broken_by_a_blank_line_reads_whole(tiny):
    [excerpt] = [e for e in tiny.excerpts["quzhou-city"] if "发展路径" in e.text]
    assert "\n" not in excerpt.text
    assert excerpt.text.startswith("科技创新") and excerpt.text.endswith("发展路径。")


def test_repeated_sentence_is_one_excerpt_with_a_count(tiny):
    repeated = [e for e in tiny.excerpts["quzhou-city"] if e.article_id == "t2_repeat.txt"]
    assert len(repeated) == 1 and repeated[0].count == 2


def test_repeated_caption_is_one_caption_excerpt(tiny):
    [caption] = tiny.excerpts["qujiang-administrative-service-centre"]
    assert caption.kind == "caption" and caption.count == 3
    assert caption.headline == "重复块" and caption.date == "2024-02"


def test_related_places_are_co_mentioned_in_sentences(tiny):
    related = dict(tiny.related["dalu-zhang-zone"])
    assert related.get("kangao-zone") == 1 and related.get("qujiang-district") == 1


def test_real_dalu_zhang_zone_has_both_sentences(real):
    excerpts = real.excerpts["dalu-zhang-zone"]
    by_article = {e.article_id[:3]: e for e in excerpts}
    assert set(by_article) == {"000", "004"}
    assert "一期技改" in by_article["000"].text and by_article["000"].text.endswith("。")
    assert "大篇章作业区" in by_article["004"].text
    start, end = by_article["004"].highlights[0]
    assert by_article["004"].text[start:end].endswith("大篇章作业区")


def test_real_004_repeated_block_yields_each_sentence_once(real):
    texts = [e.text for excerpts in real.excerpts.values() for e in excerpts if e.article_id.startswith("004")]
    per_feature = [(e.feature_id, e.article_id, e.text) for excerpts in real.excerpts.values() for e in excerpts]
    assert len(per_feature) == len(set(per_feature))
    twice = [e for e in real.excerpts["quzhou-city"] if e.article_id.startswith("004") and e.count == 2]
    assert twice, "the repeated block's sentence about 衢州 should be merged with count 2"
    assert all(t.count("\n") == 0 for t in texts)


def test_routes_get_the_sentences_that_name_both_ends(real):
    [flight] = real.excerpts["route-quzhou-taiyuan"]
    assert "衢州机场" in flight.text and "太原" in flight.text
    shown = [flight.text[s:e] for s, e in flight.highlights]
    assert shown == ["衢州机场", "太原"]
    container = real.excerpts["qujiang-meishan-tacoma-route"]
    assert {e.article_id[:3] for e in container} == {"000", "001"}
    assert all("塔科马港" in e.text for e in container)
    assert not any(m.feature_id == "route-quzhou-taiyuan" for m in real.mentions)  # not a text mention
