"""Candidates a curator can trust (mapapp.pipeline.candidates), on the tiny corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mapapp.pipeline.candidates import _mend_split_names, load_candidate_rules
from mapapp.pipeline.index import build_map_index

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "golden" / "intake-candidates.json"


@pytest.fixture(scope="module")
def rows():
    return {row["surface"]: row for row in json.loads(GOLDEN.read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def candidates():
    from mapapp.pipeline.candidates import find_candidates

    rules, problems = load_candidate_rules(DATA / "geodata" / "candidates.toml")
    assert problems == []
    index = build_map_index(DATA / "intake", DATA / "geodata", DATA / "layers")
    return {c.surface: c for c in find_candidates(index, rules)}, index


def test_whole_names_with_their_kind(candidates):
    found, _ = candidates
    kinds = {name: c.kind for name, c in found.items()}
    assert kinds["龙游港区团石作业区"] == "port"  # the zone keeps its port area (the tagger cut it: 龙游港区 | 团石…)
    assert kinds["樟潭街道"] == "admin"  # a sub-district keeps 街道
    assert kinds["下张村"] == "admin"
    assert kinds["杭甬运河"] == "river"
    assert kinds["芝溪"] == kinds["婺江"] == "river"  # two-character rivers the tagger knows
    assert kinds["汉堡港"] == "port"  # a port abroad, not a river
    assert kinds["热那亚"] == "foreign city"
    assert kinds["衢江航电枢纽"] == "hub"
    assert kinds["釜山港"] == "port"  # sailed to: a port
    assert kinds["西雅图港"] == "port"  # the port of a city outside Quzhou (常山港 inside is a river)
    assert kinds["湖镇镇"] == kinds["上方镇"] == "admin"
    assert kinds["洛杉矶"] == "city"  # after a verb of destination
    assert "东至县" not in kinds and "衢州日报" not in kinds  # a county road; a newspaper named after the city


def test_parents_come_from_the_text(candidates):
    found, _ = candidates
    assert found["下张村"].parent == "樟潭街道"  # 位于衢江区樟潭街道下张村
    assert found["樟潭街道"].parent == "衢江区"
    assert found["汉堡港"].parent == "德国"
    assert found["湖镇镇"].parent == "龙游县"
    assert found["贺村镇"].parent == "江山市"
    # also after 衢州港 (a mention: the port written in front of its port area), its parent there
    assert found["龙游港区团石作业区"].count == 2 and found["龙游港区团石作业区"].parent == "衢州港"


def test_pronouns_slogans_generic_nouns_and_known_features_are_not_candidates(candidates):
    found, index = candidates
    for word in (
        "我市",
        "通江达海",
        "内河枢纽港",
        "码头",
        "江山港",
        "大路章作业区",
        "衢江港区",
        "美乡村",
        "和美乡村",
        "以上村",
    ):
        assert not any(word == name for name in found), word
    known = {name for feature in index.features.values() for name in feature.names}
    assert not known & set(found)


def test_each_candidate_has_up_to_three_sentences_with_the_offsets_of_the_name(candidates):
    found, index = candidates
    for candidate in found.values():
        assert 1 <= len(candidate.sentences) <= 3
        for sentence in candidate.sentences:
            printed = index.articles[sentence.article_id].text[sentence.start : sentence.end]
            assert printed in sentence.text
            assert len(printed) >= len(candidate.surface)


def test_golden_json_has_the_fields_a_curator_reads(rows):
    row = rows["下张村"]
    assert set(row) == {"surface", "count", "articles", "kind", "parent", "sentences"}
    assert row["articles"] == ["t6_candidates.txt"] and row["parent"] == "樟潭街道"
    assert set(row["sentences"][0]) == {"article", "start", "end", "text"}
    assert rows["杭甬运河"]["parent"] is None


def test_bad_rules_file_is_reported(tmp_path):
    path = tmp_path / "candidates.toml"
    path.write_text('[kinds]\n"村" = 3\n[words]\ngeneric = "港口"\n', encoding="utf-8")
    _, problems = load_candidate_rules(path)
    lines = [str(p) for p in problems]
    assert any("kinds" in line and "expected a table of suffix = kind strings" in line for line in lines)
    assert any("words.generic" in line and "expected a list of words" in line for line in lines)


def test_a_hub_named_after_a_river_named_after_a_county_is_one_whole_candidate(candidates):
    found, _ = candidates
    assert found["常山江航电枢纽"].kind == "hub"  # 常山江 is a known river (an alias of 常山港), not cut off
    assert "常山江" not in found


def test_an_english_article_gets_english_candidates_and_no_chinese_ones():
    from mapapp.paths import GEODATA_DIR
    from mapapp.pipeline.candidates import candidate_names_in_article
    from mapapp.pipeline.corpus import article_from_text
    from mapapp.pipeline.gazetteer import load_gazetteer

    rules, _ = load_candidate_rules(GEODATA_DIR / "candidates.toml")
    gazetteer = load_gazetteer(DATA / "geodata", ())
    english = article_from_text(
        "e.txt", "Ships sail from Zhangtan to 宁波舟山港 via the Qingshi Bridge.\n", {"lang": "en"}
    )
    chinese = article_from_text("c.txt", "货轮从樟潭街道出发。\n", {"lang": "zh"})
    # read by encandidates.py, as `candidates` reads it: the Chinese name inside is not proposed
    assert candidate_names_in_article(english, [], gazetteer, rules) == ["Zhangtan", "Qingshi Bridge"]
    assert candidate_names_in_article(chinese, [], gazetteer, rules) == ["樟潭街道"]


def _mended(text: str, names: list[str], covered: str = "") -> list[str]:
    """The tagger's names (each found once in `text`) after mending; `covered`: a known mention."""
    tagged = [(text.index(n), text.index(n) + len(n), "LOC") for n in names]
    mask = [False] * len(text)
    if covered:
        at = text.index(covered)
        mask[at : at + len(covered)] = [True] * len(covered)
    return [text[s:e] for s, e, _ in _mend_split_names(text, tagged, mask)]


def test_a_name_the_tagger_cut_one_character_from_is_mended():
    # one character tagged apart, right before the rest of the name
    assert _mended("规划在新设宁安北站附近建设公交枢纽。", ["宁", "安北站"]) == ["宁安北站"]
    # a list item but for its first character, next to items that are whole names
    stations = ["宁安", "安南", "平湖北", "嘉善西"]
    assert _mended("沿线设宁安、宁安南、平湖北、嘉善西四座车站。", stations) == ["宁安", "宁安南", "平湖北", "嘉善西"]
    # the neighbour is a place the map has (a mention), not a tagged name
    assert _mended("新设车站：衢州西、宁安南、平湖北站。", ["安南"], covered="衢州西") == ["宁安南"]


def test_verbs_and_function_words_are_not_joined_to_a_name():
    # a list of things to do, not of places: the verb stays out of the name
    assert _mended("来这里吃小吃、看古城、穿七巷、品茶香。", ["古城", "七巷"]) == ["古城", "七巷"]
    # 于 is a function word (位于 | 山区), not the front of a name
    assert _mended("项目位于山区。", ["于", "山区"]) == ["于", "山区"]
