"""Mention finding on the tiny corpus (tests/data): the hard cases, each asserted by offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapapp.pipeline.index import build_map_index

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def index():
    return build_map_index(DATA / "seeds", DATA / "geodata", DATA / "layers")


def _mentions(index, article_id):
    return [(m.surface, m.feature_id) for m in index.mentions if m.article_id == article_id]


def test_offsets_are_exact_python_str_offsets_into_the_file(index):
    for mention in index.mentions:
        text = (DATA / "seeds" / mention.article_id).open(encoding="utf-8", newline="").read()
        assert text[mention.start : mention.end] == mention.surface


def test_parent_in_front_makes_one_mention_of_the_inner_place(index):
    found = _mentions(index, "t1_port.txt")
    assert ("衢州港衢江港区", "qujiang-port-area") in found
    assert ("衢江港区大路章作业区", "dalu-zhang-zone") in found
    assert ("衢州市衢江区体育馆", "qujiang-gymnasium") in found
    assert not any(fid == "quzhou-port" for _, fid in found)


def test_longest_match_gymnasium_is_not_the_district(index):
    found = _mentions(index, "t1_port.txt")
    assert ("衢江区体育馆", "qujiang-gymnasium") in found  # the caption


def test_name_broken_by_a_layout_break_is_found(index):
    found = _mentions(index, "t1_port.txt")
    assert ("衢\n\n州", "quzhou-city") in found


def test_variant_spelling_resolves_through_an_alias(index):
    assert ("衢江港区大篇章作业区", "dalu-zhang-zone") in _mentions(index, "t2_repeat.txt")


def test_bare_qujiang_is_the_district_but_qujiang_zhi_pan_is_the_river(index):
    found = _mentions(index, "t1_port.txt")
    assert found.count(("衢江区", "qujiang-district")) == 2
    river = [m for m in index.mentions if m.feature_id == "qujiang-river"]
    assert len(river) == 1
    text = (DATA / "seeds" / "t1_port.txt").read_text(encoding="utf-8")
    assert text[river[0].end : river[0].end + 2] == "之畔"
    assert river[0].rule == "qujiang-river-banks"


def test_one_character_abbreviation_counts_only_in_set_phrases(index):
    singles = [m for m in index.mentions if m.surface == "衢"]
    assert len(singles) == 1  # 在衢举行; 四省通衢 is an idiom
    assert singles[0].feature_id == "quzhou-city"
    text = (DATA / "seeds" / "t1_port.txt").read_text(encoding="utf-8")
    assert text[singles[0].start - 1 : singles[0].end + 2] == "在衢举行"


def test_full_width_punctuation_sentences_are_matched(index):
    # t1's last sentence uses a full-width comma; 衢州市联队 there is a team named after the city
    found = _mentions(index, "t1_port.txt")
    assert found[-2:] == [("衢州市衢江区体育馆", "qujiang-gymnasium"), ("衢", "quzhou-city")]
    assert ("衢州市", "quzhou-city") not in found


def test_foreign_port_written_with_country_and_city_is_one_mention(index):
    found = _mentions(index, "t1_port.txt")
    assert ("美国西雅图塔科马港", "tacoma-port") in found
    assert not any(fid in ("united-states", "seattle") for _, fid in found)


def test_shared_name_without_rule_is_never_guessed(tmp_path):
    import json
    import shutil

    geodata = tmp_path / "geodata"
    shutil.copytree(DATA / "geodata", geodata)
    (geodata / "disambiguation.toml").write_text("", encoding="utf-8")
    index = build_map_index(DATA / "seeds", geodata, DATA / "layers")
    assert not any(m.surface == "衢江" for m in index.mentions)
    assert any("'衢江' is claimed by 2 features" in p.message for p in index.problems)
    data = json.loads((geodata / "subset.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
