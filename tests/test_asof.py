"""The as-of date: its URL parameter, the control's report in st_folium's value, the spec the map
gets, and the timeline section of the side panel (escaped)."""

from __future__ import annotations

import dataclasses

import pytest

from mapapp.app.timelinepanel import timeline_record
from mapapp.app.urlstate import UrlState, link_to_feature, query_from_state, state_from_query
from mapapp.map.asofcontrol import ASOF_TAG, asof_from_map_value, asof_spec
from mapapp.map.layerswitch import SWITCH_TAG, layer_ids_from_map_value
from mapapp.models import Article
from mapapp.pipeline.events import Event
from mapapp.pipeline.figures import Figure
from mapapp.pipeline.timeline import StageChange


def parse(query):
    return state_from_query(query, feature_ids=["kangao-zone"], layer_ids=["ports"])


@pytest.mark.parametrize("value", ["2025", "2025-06", "2025-06-11", "1900-01", "2100-12-31"])
def test_a_valid_asof_is_kept_and_written_back(value):
    state, notices = parse({"asof": value})
    assert (state.asof, notices) == (value, ())
    assert query_from_state(state, default_layer_ids=["ports"])["asof"] == value


@pytest.mark.parametrize("value", ["2025-13", "2025-02-30", "1899", "25-06", "2025/06", "soon", "2025-6"])
def test_a_bad_asof_is_refused_with_a_notice(value):
    state, notices = parse({"asof": value})
    assert state.asof is None
    assert [(n.param, n.value, n.reason) for n in notices] == [("asof", value, "bad_value")]
    assert "YYYY-MM" in notices[0].expected


def test_no_asof_is_off_and_not_written():
    state, notices = parse({})
    assert (state.asof, notices) == (None, ())
    assert "asof" not in query_from_state(state, default_layer_ids=["ports"])


def test_a_link_to_another_place_keeps_the_date():
    link = link_to_feature(UrlState(asof="2024-05"), "kangao-zone", default_layer_ids=["ports"])
    assert "feature=kangao-zone" in link and "asof=2024-05" in link


def test_the_controls_report_is_read_next_to_the_layer_switchs():
    value = {
        "selected_layers": [
            {"name": "ports", "url": SWITCH_TAG},
            {"name": "2025-06", "url": ASOF_TAG},
        ]
    }
    assert asof_from_map_value(value) == "2025-06"
    assert layer_ids_from_map_value(value, ["districts", "ports"]) == ("ports",)
    assert asof_from_map_value({"selected_layers": [{"name": "", "url": ASOF_TAG}]}) == ""  # turned off
    assert asof_from_map_value({"selected_layers": [{"name": "ports", "url": SWITCH_TAG}]}) is None
    assert asof_from_map_value(None) is None


def test_the_spec_spans_a_year_either_side_of_the_changes():
    spec = asof_spec(
        {
            "a": (StageChange("2024-03-05", "under_construction"), StageChange("2025-12-01", "open")),
            "b": (),
        },
        "en",
    )
    assert spec["timelines"] == {"a": [["2024-03-05", "under_construction"], ["2025-12-01", "open"]]}
    assert (spec["first"], spec["last"]) == ("2023-01", "2026-12")
    assert spec["words"]["open"] == "open / operating"


def _article(headline: str) -> Article:
    return Article("a.txt", "", headline, "", "", "2025-09", "test", ())


def _event(sentence: str, **changes) -> Event:
    """A construction_started event in 2025 for kangao-zone, stated by `sentence`."""
    event = Event(
        feature_id="kangao-zone",
        kind="construction_started",
        date="2025",
        date_precision="year",
        date_end=None,
        relative=False,
        expected=False,
        article_id="a.txt",
        start=0,
        end=len(sentence),
        evidence="开工建设",
        sentence=sentence,
        evidence_spans=(),
    )
    return dataclasses.replace(event, **changes)


def test_the_timeline_keeps_the_text_as_text_and_marks_the_evidence():
    sentence = "<b>x</b> 坎高作业区2025年开工建设"
    start = sentence.index("开工建设")
    event = _event(
        sentence,
        evidence="2025年 … 开工建设",
        evidence_spans=((start - 5, start), (start, start + 4)),
    )
    undated = Event(**{**event.__dict__, "date": None, "date_precision": None, "evidence_spans": ()})
    figure = Figure(
        feature_id="kangao-zone",
        quantity="investment",
        value=12.5,
        unit="亿元",
        approximate="约",
        from_value=None,
        period=None,
        period_end=None,
        relative=False,
        article_id="a.txt",
        start=0,
        end=3,
        evidence="约12.5亿元",
        sentence="<i>约12.5亿元</i>",
        evidence_span=(3, 10),
    )
    article = _article("<script>h</script>")
    out = timeline_record([undated, event], [figure], {"a.txt": (article.headline, article.date)}, "zh")
    # text stays text (the browser's panel sets it with textContent); the evidence is marked by range
    dated, undated_item = out["events"]
    assert dated["passage"] == sentence and dated["marks"] == [[start - 5, start], [start, start + 4]]
    assert dated["source"] == "<script>h</script> · 2025-09"
    # the dated event first; the undated one at its article's date, said so
    assert dated["date"] == "2025" and undated_item["date"] == "日期未载 · 见报 2025-09"
    assert out["figures"][0]["value"] == "约12.5亿元" and out["figures"][0]["sentence"] == "<i>约12.5亿元</i>"


def test_no_events_and_no_figures_is_no_section():
    assert timeline_record([], [], {}, "en") is None


def test_a_place_with_thousands_of_events_lists_a_capped_timeline_and_says_how_many_more():
    from dataclasses import replace

    from mapapp.app.timelinepanel import MAX_EVENTS, MAX_FIGURES

    base = _event("坎高作业区2025年开工建设")
    events = [replace(base, article_id=f"a{n:04d}.txt", date=f"{2000 + n % 20}") for n in range(500)]
    events.append(replace(base, date=None, date_precision=None))  # undated: after every dated one
    figure = Figure(
        "kangao-zone", "routes", 3, "条", "", None, "2025", None, False, "a.txt", 0, 2, "3条", "3条", (0, 2)
    )
    figures = [replace(figure, start=n) for n in range(100)]
    out = timeline_record(events, figures, {}, "en")
    assert len(out["events"]) == MAX_EVENTS
    assert len(out["figures"]) == MAX_FIGURES
    assert (
        out["more"]
        == f"{len(events) - MAX_EVENTS + len(figures) - MAX_FIGURES} more not listed (see the excerpts below)"
    )
    assert all(e["date"] != "date not given" for e in out["events"])  # the cut keeps dated events first
    few = timeline_record(events[:3], figures[:2], {}, "en")
    assert len(few["events"]) == 3 and few["more"] is None
