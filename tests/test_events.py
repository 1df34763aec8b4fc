"""Events and figures: kinds, which facility a statement belongs to, dates, and the golden output
on tests/data/events (sentences written for these tests, reviewed as a diff)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mapapp.errors import ProblemsError
from mapapp.models import Article
from mapapp.pipeline.corpus import article_from_text
from mapapp.pipeline.events import EVENT_KINDS, find_events, find_triggers
from mapapp.pipeline.figures import find_figures
from mapapp.pipeline.gazetteer import load_gazetteer
from mapapp.pipeline.layers import load_layers
from mapapp.pipeline.mentions import MentionFinder
from mapapp.pipeline.wordlists import EVENT_KINDS as WORD_KINDS
from mapapp.pipeline.wordlists import WORDS_TOML, read_event_words

DATA = Path(__file__).resolve().parent / "data"
EVENTS = DATA / "events"
ROOT = DATA.parents[1]
DATA_ARGS = ["--seeds", str(EVENTS / "seeds"), "--geodata", str(DATA / "geodata"), "--layers", str(DATA / "layers")]


@pytest.fixture(scope="module")
def gazetteer():
    layers, _ = load_layers(DATA / "layers")
    return load_gazetteer(DATA / "geodata", layers)


def events_of(gazetteer, text: str, date: str = "2026-01-10"):
    article = _article(text, date)
    mentions = MentionFinder(gazetteer).find(article)
    return find_events([article], mentions, gazetteer.features)


def figures_of(gazetteer, text: str, date: str = "2026-01-10"):
    article = _article(text, date)
    mentions = MentionFinder(gazetteer).find(article)
    return find_figures([article], mentions, gazetteer.features)


def _article(text: str, date: str) -> Article:
    return article_from_text("t.txt", text + "\n", {"headline": "标题", "date": date})


def brief(events):
    return [(e.feature_id, e.kind, e.date, e.expected) for e in events]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("开工建设", "construction_started"),
        ("正在建设", "construction_started"),
        ("建成投用", "opened"),  # the longer word wins over 建成
        ("竣工", "completed"),
        ("获批", "approved"),
        ("获得运营资质", "approved"),  # not 运营
        ("封关运作", "opened"),
        ("纳入全国铁路运行图", "milestone"),
        ("试运行", "milestone"),
        ("规划布局", "planned"),
    ],
)
def test_event_words_and_their_kinds(text, kind):
    triggers = find_triggers(f"某处{text}。")
    assert [(t.kind, t.end - t.start) for t in triggers] == [(kind, len(text))]
    assert kind in EVENT_KINDS


@pytest.mark.parametrize(
    "text",
    ["对外开放的新高地,扩大开放。", "通车里程达100公里", "运营商", "开工率", "城市建成区面积", "首发经济", "生态恢复"],
)
def test_words_that_only_look_like_events(text):
    assert find_triggers(text) == []


def test_new_routes_of_a_subject_are_its_milestone(gazetteer):
    events = events_of(gazetteer, "今年3月,衢江港区新增3条集装箱航线。")
    assert brief(events) == [("qujiang-port-area", "milestone", "2026-03", False)]


def test_opening_a_route_is_a_milestone_of_the_port_not_its_opening(gazetteer):
    events = events_of(gazetteer, "2025年,衢江港区开通了海河联运航线。")
    assert brief(events) == [("qujiang-port-area", "milestone", "2025", False)]


def test_every_name_in_a_list_before_the_word_shares_the_event(gazetteer):
    events = events_of(gazetteer, "大路章作业区、坎高作业区和衢江区体育馆先后建成投用。")
    assert {e.feature_id for e in events} == {"dalu-zhang-zone", "kangao-zone", "qujiang-gymnasium"}
    assert {e.kind for e in events} == {"opened"}


def test_a_name_before_the_word_but_not_joined_to_the_nearest_is_not_its_subject(gazetteer):
    events = events_of(gazetteer, "1月6日,满载宁波舟山港货物的船从衢江港区启航。")
    assert brief(events) == [("qujiang-port-area", "milestone", "2026-01-06", False)]


def test_a_place_where_something_opens_is_not_what_opened(gazetteer):
    events = events_of(gazetteer, "2025年年底,衢江区行政服务中心在衢江区体育馆旁开业。")
    assert brief(events) == [("qujiang-administrative-service-centre", "opened", "2025", False)]


def test_the_object_of_a_word_without_subject(gazetteer):
    events = events_of(gazetteer, "去年,还新增大路章作业区和坎高作业区。")
    assert brief(events) == [
        ("dalu-zhang-zone", "opened", "2025", False),
        ("kangao-zone", "opened", "2025", False),
    ]


def test_a_time_clause_belongs_to_the_name_that_opens_the_main_clause(gazetteer):
    events = events_of(gazetteer, "自去年8月正式运营以来,衢江区体育馆已承办比赛30场。")
    assert brief(events) == [("qujiang-gymnasium", "opened", "2025-08", False)]


def test_a_condition_is_not_an_event(gazetteer):
    assert events_of(gazetteer, "坎高作业区投运后,运输时间将缩短。") == ()


def test_a_part_that_is_not_on_the_map_owns_its_event(gazetteer):
    assert events_of(gazetteer, "去年衢江港区吞吐量增长,二期加快建设。") == ()


def test_the_future_is_expected_and_without_a_date_it_is_planned(gazetteer):
    undated = events_of(gazetteer, "坎高作业区即将建成。")
    assert brief(undated) == [("kangao-zone", "planned", None, True)]
    dated = events_of(gazetteer, "2月1日至3月28日,衢江港区将恢复航班。")
    assert brief(dated) == [("qujiang-port-area", "milestone", "2026-02-01", True)]
    assert dated[0].date_end == "2026-03-28"
    target = events_of(gazetteer, "到2027年建成坎高作业区。")
    assert brief(target) == [("kangao-zone", "completed", "2027", True)]
    past = events_of(gazetteer, "衢江港区将货物运往宁波,坎高作业区已建成。")
    assert brief(past) == [("kangao-zone", "completed", None, False)]  # 已: a fresh subject, the past


def test_a_sentence_that_opens_with_a_verb_takes_the_date_and_tense_before_it(gazetteer):
    events = events_of(gazetteer, "新的一年,衢江将加快港口建设。建成坎高作业区,提升装卸能力。")
    assert brief(events) == [("kangao-zone", "completed", "2026", True)]
    assert "前句" in events[0].evidence  # the date was printed in the sentence before


def test_a_date_that_names_no_event_dates_nothing(gazetteer):
    events = events_of(gazetteer, "2025年是建设之年,坎高作业区建成投用。")
    assert brief(events) == [("kangao-zone", "opened", None, False)]


def test_an_event_without_a_date_keeps_none(gazetteer):
    events = events_of(gazetteer, "去年,衢江港区开通新航线。", date="")
    assert brief(events) == [("qujiang-port-area", "milestone", None, False)]
    assert events[0].relative is False


def test_the_same_event_twice_in_a_sentence_is_one_with_the_precise_date(gazetteer):
    events = events_of(gazetteer, "坎高作业区于2025年6月11日正式封关运作,创造了当年获批、当年运作的速度。")
    assert brief(events) == [
        ("kangao-zone", "opened", "2025-06-11", False),
        ("kangao-zone", "approved", "2025", False),
    ]
    assert events[0].evidence == "2025年6月11日 … 封关运作 … 当年 … 运作"


def test_evidence_spans_point_at_the_words_in_the_sentence(gazetteer):
    (event,) = events_of(gazetteer, "去年9月,衢江区体育馆正式启用。")
    assert [event.sentence[s:e] for s, e in event.evidence_spans] == ["去年9月", "启用"]
    article = _article("去年9月,衢江区体育馆正式启用。", "2026-01-10")
    assert article.text[event.start : event.end] == event.sentence


def test_figures_units_periods_and_owners(gazetteer):
    figures = figures_of(
        gazetteer,
        "去年,衢江港区年吞吐量增至600多万吨,形成33条适水航线,建成12个千吨级泊位。"
        "坎高作业区总投资12.5亿元,占地300亩。"
        "坎高作业区投运后,衢州至宁波舟山港的运输时间将从6小时缩短至4小时。",
    )
    assert [(f.feature_id, f.quantity, f.value, f.unit, f.approximate, f.from_value, f.period) for f in figures] == [
        ("qujiang-port-area", "throughput", 600.0, "万吨", "多", None, "2025"),
        ("qujiang-port-area", "routes", 33.0, "条", "", None, "2025"),
        ("qujiang-port-area", "berths", 12.0, "个", "", None, "2025"),
        ("kangao-zone", "investment", 12.5, "亿元", "", None, None),
        ("kangao-zone", "area", 300.0, "亩", "", None, None),
        ("kangao-zone", "travel_time", 4.0, "小时", "", 6.0, None),  # not 宁波舟山港's: an end of the trip
    ]


def test_the_one_pattern_of_all_figure_shapes_matches_where_some_shape_does():
    # _figures_in skips a sentence this pattern does not match: it must match wherever a shape does
    from mapapp.pipeline.figures import _any_shape, _shapes

    shapes = _shapes()[0]
    assert _any_shape().pattern  # the words can be joined: not the match-everything fallback
    texts = [
        "年吞吐量增至600多万吨",
        "形成33条适水航线",
        "建成12个千吨级泊位",
        "总投资约12.5亿元",
        "占地300亩",
        "从6小时缩短至4小时",
        "超100万平方米",
        "共有3个,2025年",
        "增长1.5成",
        "第12.5条",
        "3.2.5小时",
        "没有数字",
    ]
    for text in texts:
        assert (_any_shape().search(text) is not None) == any(s.pattern.search(text) for s in shapes), text
    assert sum(_any_shape().search(text) is not None for text in texts) == 7  # the first seven


def test_a_total_after_a_list_ending_in_deng_is_no_ones(gazetteer):
    assert figures_of(gazetteer, "引进大路章作业区、坎高作业区等项目30个,总投资47.3亿元。") == ()


@pytest.mark.parametrize("golden", ["events.json", "figures.json"])
def test_output_matches_reviewed_golden_file(golden: str):
    # Regenerate with tests/data/events/make_golden.py and review the diff.
    command = golden.removesuffix(".json")
    result = subprocess.run(
        [sys.executable, "-m", "mapapp", command, "--json", *DATA_ARGS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    assert json.loads(result.stdout) == json.loads((EVENTS / "golden" / golden).read_text(encoding="utf-8"))


def test_the_kinds_in_the_words_file_checker_are_the_event_kinds():
    assert EVENT_KINDS == WORD_KINDS


def test_a_bad_words_file_is_refused_with_every_problem(tmp_path):
    good = WORDS_TOML.read_text(encoding="utf-8")
    bad = good.replace('kind = "approved"', 'kind = "approve"').replace(
        'past_markers = "已|已经|先后|相继|曾"', 'past_markers = "已|(已经"'
    )
    path = tmp_path / "eventwords.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ProblemsError) as raised:
        read_event_words(path)
    assert [str(p) for p in raised.value.problems] == [
        "eventwords.toml: '[events]': past_markers: is not a regular expression "
        "(missing ), unterminated subpattern at position 2): '已|(已经'",
        "eventwords.toml: '[[trigger]] #6': kind: is 'approve'; expected one of planned, approved, "
        "construction_started, completed, opened, milestone",
    ]
    path.write_text("[dates\n", encoding="utf-8")
    with pytest.raises(ProblemsError, match=r"eventwords.toml: cannot be read as UTF-8 TOML"):
        read_event_words(path)


def test_a_trial_is_a_milestone_of_something_built_but_not_yet_open(gazetteer):
    from mapapp.pipeline.timeline import build_stage_timelines, stage_at

    events = events_of(gazetteer, "2025年11月,衢江区体育馆试运行。2025年12月,衢江区体育馆正式启用。")
    assert [(e.kind, e.date, e.stage) for e in events] == [
        ("milestone", "2025-11", "under_construction"),
        ("opened", "2025-12", ""),
    ]
    stages = build_stage_timelines({}, gazetteer.features, {}, events, ())["qujiang-gymnasium"]
    assert stage_at(stages, "2025-11-15") == "under_construction"
    assert stage_at(stages, "2025-12-01") == "open"


def test_the_real_seeds_timelines_match_the_reviewed_golden_file():
    # 杭衢高铁, 衢州综合保税区 and 衢江港区, read sentence by sentence; regenerate with
    # tests/data/events/make_golden.py and review the diff.
    sys.path.insert(0, str(EVENTS))
    try:
        from make_golden import seed_events
    finally:
        sys.path.remove(str(EVENTS))
    result = subprocess.run(
        [sys.executable, "-m", "mapapp", "events", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    assert json.loads(seed_events(result.stdout)) == json.loads(
        (EVENTS / "golden" / "seeds-events.json").read_text(encoding="utf-8")
    )


@pytest.mark.parametrize(
    ("text", "kind", "stage"),
    [
        ("衢江港区自2019年通航以来吞吐量增长。", "opened", ""),
        ("坎高作业区全线贯通。", "completed", ""),
        ("坎高作业区启动建设。", "construction_started", ""),
        ("坎高作业区试通车。", "milestone", "under_construction"),  # not 通车: a trial
        ("坎高作业区主体结构封顶。", "milestone", "under_construction"),
    ],
)
def test_more_event_words(gazetteer, text, kind, stage):
    (event,) = events_of(gazetteer, text)
    assert (event.kind, event.stage) == (kind, stage)


def test_a_sentences_dates_are_found_when_asked_for_and_anchored_on_its_paragraph(gazetteer):
    # dates are found lazily (most sentences are never asked): asked in any order, a 当年 still takes
    # the year of the last date before it in its paragraph, and nothing across a paragraph break
    from mapapp.pipeline.clauses import sentence_views

    text = "2023年衢江区体育馆开工。它在当年建成,同年开放。\n\n当年的事不再提。\n"
    article = _article(text, "2026-01-10")
    mentions = MentionFinder(gazetteer).find(article)
    eager = [[d.value for d in view.dates] for view in sentence_views(article, mentions, gazetteer.features)]
    views = list(sentence_views(article, mentions, gazetteer.features))
    backwards = [[d.value for d in view.dates] for view in reversed(views)][::-1]
    assert eager == backwards
    assert [d for dates in eager for d in dates] == ["2023", "2023", "2023", None]
