"""Names inside longer names (geodata/longer_names.toml), on the tiny corpus and in single sentences."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mapapp.errors import Problem
from mapapp.pipeline.index import build_map_index
from mapapp.pipeline.longernames import load_longer_names

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def index():
    return build_map_index(DATA / "intake", DATA / "geodata", DATA / "layers")


def found_in(tmp_path: Path, sentence: str) -> list[tuple[str, str]]:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copyfile(DATA / "seeds" / "articles.toml", seeds / "articles.toml")
    (seeds / "x.txt").write_text(sentence + "\n", encoding="utf-8")
    index = build_map_index(seeds, DATA / "geodata", DATA / "layers")
    return [(m.surface, m.feature_id) for m in index.mentions]


def test_rivers_named_like_counties_are_the_rivers(index):
    found = [(m.surface, m.feature_id) for m in index.mentions if m.article_id == "t5_rivers.txt"]
    assert ("江山港", "jiangshan-river") in found and ("常山港", "changshan-river") in found
    assert ("江山市", "jiangshan-city") in found and ("常山县", "changshan-county") in found
    assert not any(fid in ("jiangshan-city", "changshan-county") and len(s) == 2 for s, fid in found)


@pytest.mark.parametrize(
    ("sentence", "not_linked"),
    [
        ("常山江两岸风光秀丽。", "changshan-county"),  # <county>江 with no feature: still not the county
        ("常山溪流入常山港。", "changshan-county"),  # <county>溪
        ("常山江航电枢纽正在建设。", "changshan-county"),  # hub named after a river named after a county
        ("衢江航电枢纽正在建设。", "qujiang-district"),  # hub named after 衢江: not the district
        ("衢江航电枢纽正在建设。", "qujiang-river"),  # ... and not a mention of the river either
        ("龙游港区团石作业区已经开港。", "longyou-county"),  # a port zone in another county
        ("西雅图港迎来新航线。", "seattle"),  # a city's port is not the city (its name has no 市 to exempt it)
    ],
)
def test_a_short_name_at_the_front_of_a_longer_name_is_not_a_mention(tmp_path, sentence, not_linked):
    assert not any(fid == not_linked for _, fid in found_in(tmp_path, sentence))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("衢州市衢江区樟潭街道召开会议。", ("衢州市衢江区", "qujiang-district")),  # qualified by its parent
        ("游客来到常山参观。", ("常山", "changshan-county")),  # the bare short name still counts
        ("龙游溪口镇老街很热闹。", ("龙游", "longyou-county")),  # 溪口镇 is a town of the county, not a river
        ("两条江在双港口汇成衢江。", ("衢江", "qujiang-river")),  # after a verb of flowing: the river
        ("溪水最终注入衢江。", ("衢江", "qujiang-river")),
        ("衢江大地处处是新景。", ("衢江", "qujiang-district")),  # the district, as before
        ("衢江水位持续上涨。", ("衢江", "qujiang-river")),
        ("货轮沿衢江顺流而下。", ("衢江", "qujiang-river")),
        ("货物经衢江、兰江、富春江直达杭州。", ("衢江", "qujiang-river")),  # in a list of rivers
        ("常山港与衢江交汇。", ("衢江", "qujiang-river")),
        ("衢江蜿蜒穿过城区。", ("衢江", "qujiang-river")),
        # a known place right after the short name: the short name is its parent written in front,
        # one mention of the inner place (衢州 + 江山港 is not "衢州江" + 山港)
        ("衢州江山港水位上涨。", ("衢州江山港", "jiangshan-river")),
    ],
)
def test_qualified_names_and_flowing_into_qujiang_still_count(tmp_path, sentence, expected):
    assert expected in found_in(tmp_path, sentence)


def test_qujiang_in_a_list_of_slogans_is_still_the_district(tmp_path):
    found = found_in(tmp_path, "统筹推进平安衢江、法治衢江、美丽衢江建设。")
    assert [fid for surface, fid in found if surface == "衢江"] == ["qujiang-district"] * 3


def test_bad_rules_are_reported_with_file_rule_and_field(tmp_path):
    path = tmp_path / "longer_names.toml"
    path.write_text(
        '[[longer]]\nid = "r1"\ncategories = ["county"]\nafter = "港"\nkind = "river"\n'
        '[[longer]]\nid = "r2"\ncategories = ["admin_area"]\nafter = "^(港"\nkind = "river"\nnames = "some"\n',
        encoding="utf-8",
    )
    problems: list[Problem] = []
    assert load_longer_names(path, problems) == ()
    lines = [str(p) for p in problems]
    assert any("'r1': categories: is ['county']" in line for line in lines)
    assert any("'r1': after: is '港'; expected a regex anchored with ^" in line for line in lines)
    assert any("'r2': names: is 'some'" in line for line in lines)
    assert any("'r2': after: is not a valid regular expression" in line for line in lines)
