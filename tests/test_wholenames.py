"""The one linking rule (mapapp/pipeline/wholenames.py, words in geodata/name_parts.toml): a known name
is a mention only where it is the whole name at that position, or a place written in front of another."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapapp.errors import Problem
from mapapp.models import Article
from mapapp.paths import GEODATA_DIR, LAYERS_DIR
from mapapp.pipeline.corpus import article_from_text
from mapapp.pipeline.gazetteer import load_gazetteer
from mapapp.pipeline.layers import load_layers
from mapapp.pipeline.mentions import MentionFinder
from mapapp.pipeline.nameparts import load_name_parts


@pytest.fixture(scope="module")
def finder() -> MentionFinder:
    layers, _ = load_layers(LAYERS_DIR)
    return MentionFinder(load_gazetteer(GEODATA_DIR, layers))


def links(finder: MentionFinder, text: str, *, lang: str = "zh") -> list[tuple[str, str]]:
    article: Article = article_from_text("x.txt", text + "\n", {"headline": "", "lang": lang})
    return [(m.surface, m.feature_id) for m in finder.find(article)]


@pytest.mark.parametrize(
    ("text", "not_linked"),
    [
        ("西安路（衢江中路至北门街）禁止通行。", "qujiang-district"),  # a street named after the river
        ("衢江南路双向车道封闭施工。", "qujiang-district"),
        ("衢江大桥在烟花燃放期间禁止行人停留。", "qujiang-river"),
        ("衢江站为预留车站。", "qujiang-district"),  # a reserved station
        ("再经浮石路进入府山公园。", "fushi-subdistrict"),  # a street named after a sub-district
        ("规划中的铁路拟设开化、常山南、衢州北等站。", "changshan-county"),  # <county>南 in a list of stations
        ("省政府同意设立浙江常山经济开发区。", "changshan-county"),
        ("省政府同意设立浙江常山经济开发区。", "zhejiang-province"),  # the front of a front
        ("衢州绿色产业集聚区已并入新城。", "quzhou-city"),  # generic modifiers, then a head
        ("衢州市第三人民医院搬迁后原址改建公园。", "quzhou-city"),
        ("衢州港规划形成衢江港区、常山港区和江山港区。", "changshan-river"),  # 常山港 + 区: a port area
        ("龙游港区桥头江作业区位于湖镇。", "longyou-county"),
        ("常山江航电枢纽正在建设。", "changshan-county"),
        ("衢江航电枢纽正在建设。", "qujiang-district"),
        ("杭金衢高速衢州东出口匝道封闭。", "quzhou-city"),  # a direction, then a head
        ("规划中的宁波至衢州铁路拟在龙游设站。", "ningbo"),  # a route named after its two ends
        ("规划中的宁波至衢州铁路拟在龙游设站。", "quzhou-city"),
        ("衢州—宁波高速公路的改扩建工程开工。", "quzhou-city"),
        ("衢州—宁波高速公路的改扩建工程开工。", "ningbo"),
        ("衢州西至今还没有开通公交线路。", "quzhou-west-station"),  # 至今: so far, no station after it
    ],
)
def test_a_known_name_that_is_only_the_front_of_a_longer_name_is_not_a_mention(finder, text, not_linked):
    assert not any(fid == not_linked for _, fid in links(finder, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("衢州市衢江区樟潭街道召开会议。", ("衢州市衢江区", "qujiang-district")),  # parents written first
        ("游客来到常山参观。", ("常山", "changshan-county")),
        ("龙游溪口镇老街很热闹。", ("龙游", "longyou-county")),  # a town of the county
        ("衢江区委、区政府提出建设青年衢江。", ("衢江区", "qujiang-district")),  # an organ of the district
        ("衢州市公安局交通警察支队决定实施交通管制。", ("衢州市", "quzhou-city")),
        ("请途经衢州市区的车辆提前规划路线。", ("衢州市", "quzhou-city")),  # a part of the city
        ("因衢州站站前广场改造，道路单向通行。", ("衢州站", "quzhou-station")),  # a facility's square
        ("项目选址在衢江以南、宾港中路以东。", ("衢江", "qujiang-river")),  # the river as a boundary
        ("新建的滨江公园紧邻衢江。", ("衢江", "qujiang-river")),  # the river as a neighbour
        ("新大桥跨衢江连接南北两岸。", ("衢江", "qujiang-river")),
        ("衢江港区大路章作业区二期完工。", ("衢江港区大路章作业区", "dalu-zhang-zone")),
        ("开通后杭州至衢州间将有两条高铁通道。", ("杭州", "hangzhou")),  # a stretch between, not a route's name
        ("开通后杭州至衢州间将有两条高铁通道。", ("衢州", "quzhou-city")),
        ("周末从杭州到衢州的游客明显增多。", ("衢州", "quzhou-city")),
    ],
)
def test_whole_names_and_chains_of_places_are_mentions(finder, text, expected):
    assert expected in links(finder, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市图书馆、市美术馆和市文化馆照常开放。", ("市图书馆", "quzhou-library")),  # the city left out
        ("全程马拉松在市体育中心折返。", ("市体育中心", "quzhou-sports-centre")),
        ("全程马拉松从衢州“两中心”出发。", ("衢州“两中心”", "quzhou-culture-arts-civic-service-centre")),
        ("鹏辉能源的厂区紧邻大路章作业区。", ("鹏辉能源", "quzhou-penghui-energy")),  # a company's short name
        ("共设建德南、龙游北、衢州西、江山6座车站。", ("龙游北", "longyou-north-station")),  # bare, in a list
        ("共设建德南、龙游北、衢州西、江山6座车站。", ("江山", "jiangshan-station")),  # a place in a list of stations
        ("江山站同时接入沪昆铁路、沪昆高铁和杭衢高铁。", ("沪昆铁路", "zhegan-railway")),  # the conventional line
        ("江山站同时接入沪昆铁路、沪昆高铁和杭衢高铁。", ("沪昆高铁", "hukun-hsr")),
        ("杭州至衢州高铁昨日完成全线铺轨。", ("杭州至衢州高铁", "hangqu-hsr")),  # 高速铁路 written 高铁
        ("沪昆高速铁路部分车次停运。", ("沪昆高速铁路", "hukun-hsr")),
        ("周末杭州西至衢州西站加开两趟列车。", ("杭州西", "hangzhou-west-station")),  # bare, paired with a station
        ("从衢州西站到杭州西的车票已经售罄。", ("杭州西", "hangzhou-west-station")),
        ("351国道沿线的村庄迎来客流。", ("351国道", "g351-qujiang")),  # a national road's number with 国道
        ("车辆可经G351国道直达开化县城。", ("G351国道", "g351-qujiang")),
        ("国道351线拓宽工程进入收尾阶段。", ("国道351线", "g351-qujiang")),
    ],
)
def test_short_and_variant_forms_are_made_by_rule(finder, text, expected):
    assert expected in links(finder, text)


def test_a_district_prefix_left_out_counts_only_in_an_article_about_the_district(finder):
    assert ("区体育馆", "qujiang-gymnasium") in links(finder, "衢江区举办篮球赛。比赛在区体育馆进行。")
    assert not any(s == "区体育馆" for s, _ in links(finder, "篮球赛在区体育馆进行。"))


def test_a_line_that_shares_a_stem_is_not_the_high_speed_line(finder):
    found = links(finder, "沪昆铁路和沪昆高速公路都经过衢州。")
    assert ("沪昆铁路", "hukun-hsr") not in found and not any(fid == "hukun-hsr" for _, fid in found)


def test_articles_in_another_language_are_left_to_their_own_finder(finder):
    assert links(finder, "衢州市衢江区", lang="en") == []


def test_bad_name_parts_are_reported_with_file_and_table(tmp_path: Path):
    path = tmp_path / "name_parts.toml"
    path.write_text('generic = [1]\nnamed_after = ["nowhere"]\n[heads]\n"路" = ""\n', encoding="utf-8")
    problems: list[Problem] = []
    parts = load_name_parts(path, problems)
    lines = [str(p) for p in problems]
    assert any("'heads'" in line and "expected a table of head = kind strings" in line for line in lines)
    assert any("'generic'" in line and "expected a list of words" in line for line in lines)
    assert any("names kind 'nowhere', which no head has" in line for line in lines)
    assert parts.heads == {}


def test_road_numbers_get_their_kind_and_expressway_numbers_do_not():
    from types import SimpleNamespace

    from mapapp.pipeline.variants import _road_number_variants

    def made(*names: str) -> set[str]:
        return {v.surface for v in _road_number_variants(SimpleNamespace(names=names, feature_id="r"))}

    assert made("G351") == {"G351国道", "351国道", "国道351", "国道351线"}
    assert made("S222") == {"S222省道", "222省道", "省道222", "省道222线"}
    assert made("G60", "G1512", "沪昆高速", "G3510") == set()  # expressways, and names that are no number
