"""Stage timelines for the as-of map, from the events test corpus (tests/data/events)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapapp.pipeline.index import build_map_index
from mapapp.pipeline.timeline import StageChange, build_timeline_index, first_day, stage_at

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def timelines():
    index = build_map_index(DATA / "events" / "seeds", DATA / "geodata", DATA / "layers")
    return build_timeline_index(index)


def test_first_day_of_a_partial_date():
    assert first_day("2025") == "2025-01-01"
    assert first_day("2025-12") == "2025-12-01"
    assert first_day("2025-06-11") == "2025-06-11"
    assert first_day("") is None


def test_a_dated_construction_then_an_expected_completion(timelines):
    # e1: 2024年3月5日 开工建设; 新的一年…建成 is expected, so only "planned" from the article's date,
    # which is below "under construction": the stage does not fall back. e2's 投运后…将 is a condition.
    assert timelines.stages["kangao-zone"] == (StageChange("2024-03-05", "under_construction"),)
    changes = timelines.stages["kangao-zone"]
    assert stage_at(changes, "2024-03-04") == "not_yet"
    assert stage_at(changes, "2024-03-05") == "under_construction"


def test_an_undated_opening_counts_from_its_articles_date(timelines):
    # e1 (2026-01-10): 大路章作业区已建成投用 (no date): open by the article's date
    changes = timelines.stages["dalu-zhang-zone"]
    assert stage_at(changes, "2026-01-09") == "not_yet"
    assert stage_at(changes, "2026-01-10") == "open"


def test_completed_before_mentioned_and_stages_only_rise(timelines):
    changes = timelines.stages["qujiang-gymnasium"]
    assert changes[0] == StageChange("2023-11-08", "open")  # e2: 于2023年11月8日建成
    assert [c.stage for c in changes] == ["open"]  # later "mentioned" does not lower it


def test_a_throughput_for_a_period_means_operating_then(timelines):
    changes = timelines.stages["qujiang-port-area"]
    assert stage_at(changes, "2024-12-31") == "not_yet"
    assert stage_at(changes, "2025-01-01") == "open"  # e2: 今年1至11月 … 吞吐量 (2025)


def test_an_expected_statement_makes_a_facility_only_planned(timelines):
    changes = timelines.stages["qujiang-administrative-service-centre"]
    # e1 (2026-01-10): 即将投用 -> planned; e2 (2025-12): 开业 (undated) -> open from 2025-12-01
    assert stage_at(changes, "2025-12-01") == "open"
    assert "planned" not in [c.stage for c in changes]  # planned after open does not show


def test_admin_areas_have_no_timeline(timelines):
    assert "qujiang-district" not in timelines.stages
    assert "quzhou-city" not in timelines.stages
