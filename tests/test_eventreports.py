"""One event once: the statements of one event merged, with every passage as a source (rules on
records made here; then the real seeds, two articles of ours reporting one event, and the index
file, which must list what the in-memory timeline lists)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from mapapp.app.timelinepanel import timeline_record
from mapapp.datadirs import BUNDLED, DataDirs
from mapapp.pipeline.eventreports import MAX_ALSO, merge_event_reports
from mapapp.pipeline.events import Event
from mapapp.pipeline.index import build_map_index
from mapapp.pipeline.store import IndexStore, build_store
from mapapp.pipeline.timeline import build_timeline_index

WEB = Path(__file__).resolve().parent / "data" / "web"


def statement(article_id: str, start: int, date: str | None, **changes) -> Event:
    precision = {4: "year", 7: "month", 10: "day"}.get(len(date or ""))
    sentence = f"{date or ''}坎高作业区建成投用"
    event = Event(
        feature_id="kangao-zone",
        kind="opened",
        date=date,
        date_precision=precision,  # type: ignore[arg-type]
        date_end=None,
        relative=False,
        expected=False,
        article_id=article_id,
        start=start,
        end=start + len(sentence),
        evidence="建成投用",
        sentence=sentence,
        evidence_spans=((len(sentence) - 4, len(sentence)),),
    )
    return dataclasses.replace(event, **changes)


DATES = {"a.txt": "2025-12", "b.txt": "2026-01", "c.txt": "2024-05"}


def test_two_articles_stating_one_event_give_one_event_with_both_passages():
    (event,) = merge_event_reports([statement("a.txt", 10, "2025-06"), statement("b.txt", 40, "2025-06")], DATES)
    assert (event.article_id, event.reports) == ("a.txt", 2)
    assert [(r.article_id, r.start) for r in event.also] == [("b.txt", 40)]


def test_the_most_precise_date_is_kept_and_a_coarser_one_joins_it():
    (event,) = merge_event_reports([statement("a.txt", 0, "2025"), statement("b.txt", 5, "2025-06-11")], DATES)
    assert event.date == "2025-06-11" and event.article_id == "b.txt"
    assert [r.date for r in event.also] == ["2025"]


def test_other_months_past_and_future_and_other_kinds_stay_apart():
    events = merge_event_reports(
        [
            statement("a.txt", 0, "2025-06"),
            statement("a.txt", 50, "2025-07"),
            statement("b.txt", 0, "2025-06", expected=True),
            statement("b.txt", 60, "2025-06", kind="completed"),
        ],
        DATES,
    )
    assert len(events) == 4 and all(e.reports == 1 and e.also == () for e in events)


def test_an_undated_statement_joins_the_latest_event_before_its_articles_date():
    events = merge_event_reports(
        [statement("a.txt", 0, "2023"), statement("a.txt", 9, "2025-06"), statement("b.txt", 3, None)], DATES
    )
    by_date = {e.date: e for e in events}
    assert by_date["2025-06"].reports == 2 and by_date["2025-06"].also[0].article_id == "b.txt"
    assert by_date["2023"].reports == 1


def test_undated_statements_with_nothing_dated_before_them_are_one_undated_event():
    # c.txt was written in 2024-05, before the dated event: it cannot be that one
    events = merge_event_reports(
        [statement("a.txt", 0, "2025-06"), statement("c.txt", 0, None), statement("c.txt", 80, None)], DATES
    )
    undated = [e for e in events if e.date is None]
    assert len(events) == 2 and len(undated) == 1 and undated[0].reports == 2


def test_undated_milestones_merge_only_when_stated_with_the_same_words():
    first = statement("a.txt", 0, None, kind="milestone")
    again = statement("b.txt", 0, None, kind="milestone")
    other = dataclasses.replace(
        statement("b.txt", 30, None, kind="milestone"),
        sentence="坎高作业区首航",
        evidence="首航",
        evidence_spans=((5, 7),),
    )
    events = merge_event_reports([first, again, other], DATES)
    assert sorted(e.reports for e in events) == [1, 2]


def test_an_event_reported_many_times_keeps_a_dozen_passages_and_the_count():
    events = merge_event_reports([statement(f"a{n:03d}.txt", 0, "2025-06") for n in range(40)], {})
    (event,) = events
    assert event.reports == 40 and len(event.also) == MAX_ALSO


def test_the_real_seeds_list_each_undated_event_once():
    timeline = build_timeline_index(build_map_index())
    (opened,) = [e for e in timeline.events["qujiang-gymnasium"] if e.kind == "opened"]
    assert opened.date is None and opened.reports == 2  # stated twice in one article (issue 22)
    for events in timeline.events.values():
        keys = [(e.kind, e.stage, e.expected, e.date) for e in events if e.kind != "milestone"]
        assert len(keys) == len(set(keys))


def test_two_articles_of_ours_reporting_one_event_show_it_once_in_memory_in_the_file_and_the_panel(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copyfile(WEB / "port_route.txt", seeds / "a_route.txt")
    shutil.copyfile(WEB / "port_report_other.txt", seeds / "b_bonded.txt")
    (seeds / "articles.toml").write_text(
        '["a_route.txt"]\nheadline = "航线开通"\ndate = "2025-06-11"\n\n'
        '["b_bonded.txt"]\nheadline = "综保区二期"\ndate = "2025-07-02"\n',
        encoding="utf-8",
    )
    dirs = DataDirs(seeds, BUNDLED.geodata_dir, BUNDLED.layers_dir)
    index = build_map_index(dirs.seeds_dir, dirs.geodata_dir, dirs.layers_dir)
    built = build_timeline_index(index)
    (event,) = [e for e in built.events["quzhou-bonded-zone-phase2"] if e.kind == "construction_started"]
    assert event.reports == 2 and {event.article_id, *(r.article_id for r in event.also)} == set(index.articles)
    build_store(dirs, tmp_path / "index.sqlite", processes=1)
    stored = IndexStore(tmp_path / "index.sqlite").timeline()
    assert stored.events["quzhou-bonded-zone-phase2"] == built.events["quzhou-bonded-zone-phase2"]
    articles = {aid: (a.headline, a.date) for aid, a in index.articles.items()}
    record = timeline_record(built.events["quzhou-bonded-zone-phase2"], [], articles, "en")
    assert record is not None and len(record["events"]) == len(built.events["quzhou-bonded-zone-phase2"])
    (item,) = [e for e in record["events"] if e["kind_id"] == "construction_started"]
    assert {"text": "reported in 2 passages", "title": ""} in item["badges"]
    sources = [item, *item["also"]]
    assert {f"{r['source_headline']} · {r['source_date']}" for r in sources} == {
        "航线开通 · 2025-06-11",
        "综保区二期 · 2025-07-02",
    }
    assert all("综保区二期" in r["passage"] for r in item["also"]) and item["more_reports"] is None
