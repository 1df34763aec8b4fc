"""The load test: its arithmetic, its verdicts, and a short run of 20 concurrent sessions.

The full run is `python -m bench.loadtest --seconds 60 --sessions 20`; here it lasts
QZ_LOADTEST_SECONDS (default 12) so that CI stays quick. Timings are printed, not asserted.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections import Counter

import pytest

from bench.loadreaders import Reader
from bench.loadreport import (
    LoadReport,
    Target,
    format_report,
    percentile,
    pools_for,
    targets_from_index,
)
from mapapp.paths import ROOT_DIR

SESSIONS = 20
SECONDS = float(os.environ.get("QZ_LOADTEST_SECONDS", "12"))


def test_percentile_interpolates_between_ranks():
    assert percentile([3, 1, 2], 50) == 2
    assert percentile([10, 20], 95) == pytest.approx(19.5)
    assert percentile([5], 95) == 5
    assert math.isnan(percentile([], 50))


def test_pools_are_disjoint_and_cover_every_place():
    targets = [Target(f"f{n}", f"名{n}") for n in range(45)]
    pools = pools_for(targets, 20)
    assert len(pools) == 20 and all(pools)
    dealt = [t for pool in pools for t in pool]
    assert sorted(dealt, key=lambda t: t.feature_id) == sorted(targets, key=lambda t: t.feature_id)
    assert len(set(dealt)) == len(dealt)


def test_fewer_places_than_sessions_are_shared_and_none_is_an_error():
    assert pools_for([Target("a", "甲")], 3) == [[Target("a", "甲")]] * 3
    with pytest.raises(ValueError, match="no places to select"):
        pools_for([], 2)


def test_targets_have_unique_panel_headings():
    from mapapp.pipeline.index import build_map_index

    targets = targets_from_index(build_map_index())
    assert len(targets) > 100
    assert len({t.name for t in targets}) == len(targets)


def test_reader_tells_a_leak_from_an_error():
    report = LoadReport(clients="protocol", sessions=2, seconds=1, think_s=0)
    mine = Target("a", "甲")
    reader = Reader(0, [mine], {"甲": 0, "乙": 1}, report, think_s=0)
    assert reader.judge(mine, "甲", "a", "clicked")
    assert not reader.judge(mine, "乙", "b", "clicked")
    assert not reader.judge(mine, "甲", None, "clicked")
    assert len(report.leaks) == 1 and "was shown '乙'" in report.leaks[0]
    assert len(report.errors) == 1 and "URL feature=None" in report.errors[0]
    assert not report.ok


def test_readers_take_turns_and_pause_a_readers_time_with_jitter():
    report = LoadReport(clients="protocol", sessions=3, seconds=1, think_s=5)
    even = {"click": 1, "search": 1, "link": 1}
    readers = [Reader(n, [Target("a", "甲")], {"甲": 0}, report, think_s=5.0, mix=even) for n in range(3)]
    first = [[reader.action_at(step) for step in range(12)] for reader in readers]
    assert {action for actions in first for action in actions} == {"click", "search", "link"}
    assert first[0] != first[1]  # each reader draws its own
    again = Reader(0, [Target("a", "甲")], {"甲": 0}, report, think_s=5.0, mix=even)
    assert [again.action_at(step) for step in range(12)] == first[0]  # and the same on every run
    pauses = [readers[0].pause_s() for _ in range(400)]
    assert min(pauses) >= 2.5 and max(pauses) <= 7.5  # 5 s ±50%
    assert min(pauses) < 3.0 and max(pauses) > 7.0  # and the whole range is used


def test_after_one_of_each_actions_are_drawn_from_the_mix():
    report = LoadReport(clients="protocol", sessions=1, seconds=1, think_s=5)
    reader = Reader(0, [Target("a", "甲")], {"甲": 0}, report, think_s=5.0, mix={"click": 8, "search": 1, "link": 1})
    drawn = Counter(reader.action_at(step) for step in range(4000))
    assert 0.75 < drawn["click"] / 4000 < 0.85 and drawn["search"] > 300 and drawn["link"] > 300
    only_clicks = Reader(0, [Target("a", "甲")], {"甲": 0}, report, think_s=5.0, mix={"click": 1})
    assert {only_clicks.action_at(step) for step in range(4, 100)} == {"click"}


def test_a_reader_who_lost_their_view_fails_the_run():
    report = LoadReport(clients="protocol", sessions=1, seconds=1, think_s=0)
    report.record("click", 100.0)
    assert report.ok
    report.lost_view.append("session 0: did not get a back within 30 s")
    assert not report.ok
    assert "readers who lost their view: 1" in format_report(report.summary())


def test_report_is_ok_only_with_selections_and_memory_under_the_limit():
    report = LoadReport(clients="protocol", sessions=1, seconds=1, think_s=0, max_rss_mb=100)
    assert not report.ok  # nothing was selected
    report.record("click", 120.0)
    report.rss_mb = [(0.0, 90.0), (1.0, 99.0)]
    assert report.ok
    report.rss_mb.append((2.0, 101.0))
    assert not report.ok
    assert "FAILED" in format_report(report.summary())


def test_20_sessions_select_their_own_places_with_no_error_or_leak(tmp_path):
    out = tmp_path / "load.json"
    command = [
        sys.executable,
        "-m",
        "bench.loadtest",
        "--sessions",
        str(SESSIONS),
        "--seconds",
        str(SECONDS),
        "--think-s",
        "0.5",
        "--json",
        str(out),
    ]
    result = subprocess.run(command, cwd=ROOT_DIR, capture_output=True, text=True, encoding="utf-8", timeout=600)
    print(result.stdout)  # the latency table, for the CI log
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["errors"] == [] and summary["leaks"] == [], result.stdout
    assert summary["actions"]["open"]["count"] == SESSIONS
    # every session finishes the action it started before time ran out; a third start with each kind
    for action in ("click", "search", "link"):
        assert summary["actions"][action]["count"] >= SESSIONS // 3, action
    rss = summary["rss_mb"]
    assert rss["peak"] <= rss["limit"] and rss["after_close"] <= rss["peak"]
    assert result.returncode == 0 and summary["ok"]
