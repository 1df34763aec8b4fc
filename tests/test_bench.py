"""The benchmark's pure parts: percentiles, the synthetic corpus, target choice, tables, budgets.

No app, no browser and no timing assertions here: the numbers themselves belong in BENCHMARKS.md.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from bench.bench import geometry_kind, pick_click_targets
from bench.pipeline import build_synthetic_corpus
from bench.report import (
    BUDGETS,
    Budget,
    budget_verdicts,
    format_bytes,
    format_ms,
    format_table,
    markdown_report,
    percentile,
    profile_rows,
    result_rows,
    scaling,
    summary_ms,
)
from bench.server import rerun_profile
from bench.session import url_category
from mapapp.paths import ROOT_DIR
from mapapp.pipeline.corpus import load_corpus

TINY_SEEDS = ROOT_DIR / "tests" / "data" / "seeds"


def test_bench_does_not_import_streamlit():
    code = "import sys, bench.bench; print('streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT_DIR)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([1, 2, 3, 4], 50, 2.5),
        ([10], 95, 10),
        ([3, 1, 2], 0, 1),
        ([3, 1, 2], 100, 3),
        (list(range(1, 21)), 95, 19.05),  # numpy.percentile(range(1, 21), 95) == 19.05
        ([100, 200], 25, 125),
    ],
)
def test_percentile_interpolates_between_closest_ranks(values, p, expected):
    assert percentile(values, p) == pytest.approx(expected)


def test_percentile_rejects_no_values_and_bad_p():
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match=r"expected 0\.\.100"):
        percentile([1], 101)


def test_summary_ms():
    assert summary_ms([]) == {"n": 0}
    assert summary_ms([30, 10, 20, 40]) == {"n": 4, "p50": 25.0, "p95": 38.5, "max": 40, "mean": 25.0}


def test_geometry_kind():
    assert [geometry_kind(t) for t in ("Point", "MultiLineString", "MultiPolygon")] == ["point", "line", "polygon"]
    with pytest.raises(ValueError, match="'GeometryCollection'"):
        geometry_kind("GeometryCollection")


def test_pick_click_targets_takes_kinds_in_turn_and_ids_in_order():
    kinds = {"p2": "point", "p1": "point", "p3": "point", "l1": "line", "g1": "polygon", "g2": "polygon"}
    assert pick_click_targets(kinds, 5) == ["p1", "l1", "g1", "p2", "g2"]
    assert pick_click_targets(kinds, 10) == ["p1", "l1", "g1", "p2", "g2", "p3"]
    assert pick_click_targets({}, 3) == []


def test_synthetic_corpus_repeats_the_seeds_under_new_ids(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("衢江港区大路章作业区开港。\n", encoding="utf-8")
    (seeds / "b.txt").write_text('第二篇 "quoted" \\ text。\n', encoding="utf-8")
    (seeds / "articles.toml").write_text('["a.txt"]\nheadline = "港口"\ndate = "2025-01"\n', encoding="utf-8")
    out = tmp_path / "synthetic"

    ids = build_synthetic_corpus(seeds, out, 12)

    assert ids[:3] == ["syn00-a.txt", "syn01-b.txt", "syn02-a.txt"]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert (out / "syn11-b.txt").read_bytes() == (seeds / "b.txt").read_bytes()
    meta = tomllib.loads((out / "articles.toml").read_text(encoding="utf-8"))
    assert meta["syn02-a.txt"] == {"headline": "[synthetic 2] 港口", "date": "2025-01", "reprint_check": "off"}
    assert meta["syn01-b.txt"] == {"headline": "[synthetic 1] b", "reprint_check": "off"}
    corpus = load_corpus(out)
    assert [a.article_id for a in corpus.articles] == ids
    assert corpus.problems == ()


def test_synthetic_corpus_of_the_tiny_test_seeds_reads_like_the_seeds(tmp_path):
    seeds = sorted(path.name for path in TINY_SEEDS.glob("*.txt"))
    ids = build_synthetic_corpus(TINY_SEEDS, tmp_path, 2 * len(seeds))
    assert ids == [f"syn{i}-{seeds[i % len(seeds)]}" for i in range(2 * len(seeds))]  # fewer than 10: one digit
    original = {a.article_id: a for a in load_corpus(TINY_SEEDS).articles}
    synthetic = load_corpus(tmp_path)
    for article in synthetic.articles:
        seed = original[article.article_id.split("-", 1)[1]]
        assert article.sentences == seed.sentences and article.date == seed.date


def test_synthetic_corpus_says_what_is_wrong(tmp_path):
    with pytest.raises(ValueError, match=r"no \.txt articles"):
        build_synthetic_corpus(tmp_path, tmp_path / "out", 3)
    (tmp_path / "a.txt").write_text("x。", encoding="utf-8")
    with pytest.raises(ValueError, match="n_articles is 0; expected at least 1"):
        build_synthetic_corpus(tmp_path, tmp_path / "out", 0)


def test_format_table():
    table = format_table(("measure", "app"), [["click", "28 ms"], ["a|b", None]])
    assert table.splitlines() == [
        "| measure | app   |",
        "|---------|-------|",
        "| click   | 28 ms |",
        "| a\\|b    |       |",
    ]
    with pytest.raises(ValueError, match="row 0 has 1 cells; expected 2"):
        format_table(("a", "b"), [["only one"]])


@pytest.mark.parametrize(
    ("value", "ms", "size"),
    [
        (None, "—", "—"),
        (28.4, "28 ms", "28 B"),
        (1500, "1500 ms", "1.5 kB"),
        (12_345, "12.35 s", "12.3 kB"),
        (1_394_971, "1394.97 s", "1.39 MB"),
    ],
)
def test_format_ms_and_bytes(value, ms, size):
    assert format_ms(value) == ms
    assert format_bytes(value) == size


def test_budget_verdicts():
    budgets = (
        Budget("fast", ("a", "p95"), 150, "ms"),
        Budget("slow", ("b",), 600, "ms"),
        Budget("absent", ("c", "d"), 1, "count"),
    )
    verdicts = budget_verdicts({"a": {"p95": 40.0}, "b": 1800.0}, budgets)
    assert [(v["budget"], v["met"], v["times_over"]) for v in verdicts] == [
        ("fast", True, None),
        ("slow", False, 3.0),
        ("absent", None, None),
    ]


def test_every_issue_budget_points_into_the_results():
    paths = {b.path[0] for b in BUDGETS}
    assert paths == {"app", "pipeline", "scaling"}


@pytest.mark.parametrize(
    ("url", "category"),
    [
        ("http://127.0.0.1:8501/static/js/index.DormvYxC.js", "streamlit_bundle"),
        ("http://127.0.0.1:8501/favicon.png", "streamlit_bundle"),
        ("http://127.0.0.1:8501/component/streamlit_folium.st_folium/index.html", "component_bundle"),
        ("http://127.0.0.1:8501/app/static/vendor/leaflet-1.9.3/leaflet.js", "app_static"),
        ("http://127.0.0.1:8501/_stcore/host-config", "page_and_api"),
        ("http://127.0.0.1:8501/", "page_and_api"),
        ("https://tile.openstreetmap.org/9/1/2.png", "foreign"),
        ("data:image/png;base64,AAAA", "inline"),
    ],
)
def test_url_category(url, category):
    assert url_category(url, "http://127.0.0.1:8501/") == category


def test_rerun_profile_leaves_out_the_page_load_and_stopped_runs():
    def run(main, ended="finished", gc=(0, 0), **parts):
        return {
            "main": main,
            "ended": ended,
            "gc_total_at_start": gc[0],
            "gc_total_at_end": gc[1],
            "gc": gc[1] - gc[0],
            **parts,
        }

    runs = [
        run(5000, gc=(0, 400)),  # the first run: page load, index built
        run(
            300, gc=(500, 502), st_folium=200, _component_func=20, build_overlay_groups=50
        ),  # 100 ms collected after run 0
        run(500, gc=(620, 630), st_folium=240, _component_func=40, build_overlay_groups=70),  # 118 ms after run 1
        run(900, "StopException", gc=(750, 750)),  # 120 ms after run 2
    ]
    profile = rerun_profile(runs)
    assert profile["runs"] == 2 and profile["interrupted"] == 1
    assert profile["main"] == 400 and profile["st_folium"] == 220 and profile["folium_render"] == 190
    assert profile["render_panel"] is None
    assert profile["gc"] == 6 and profile["gc_after_run"] == 119


def _results(large_panel_p50: float | None) -> dict:
    def run(articles: int, p50: float | None) -> dict:
        return {
            "articles": articles,
            "timeout_ms": 30_000,
            "clicks": {"panel_complete_ms": {"p50": p50} if p50 else {"n": 0}, "ws_bytes_median": 1e6},
        }

    return {"profile5": run(5, 1000.0), "synthetic_small": run(100, 3000.0), "synthetic": run(1000, large_panel_p50)}


def test_scaling_ratio_and_lower_bound():
    measured = scaling(_results(4000.0))
    assert measured["panel_growth"] == 4.0 and measured["panel_growth_is_lower_bound"] is False
    assert measured["panel_growth_small_to_large"] == 1.33 and measured["bytes_growth_small_to_large"] == 1.0
    assert measured["panel_p50_ms"] == {5: 1000.0, 100: 3000.0, 1000: 4000.0}
    timed_out = scaling(_results(None))
    assert timed_out["panel_growth"] == 30.0 and timed_out["panel_growth_is_lower_bound"] is True


def _clicks(panel_p50: float | None, *, popup: bool = True) -> dict:
    ms = {"n": 3, "p50": panel_p50, "p95": panel_p50, "max": panel_p50, "mean": panel_p50} if panel_p50 else {"n": 0}
    return {
        "n": 3,
        "kinds": {"point": 1, "line": 1, "polygon": 1},
        "timeouts": 0 if panel_p50 else 3,
        "skipped": [],
        "popup_excerpt_ms": {"n": 3, "p50": 25.0, "p95": 48.0} if popup else {"n": 0},
        "panel_first_ms": ms,
        "panel_complete_ms": ms,
        "value_sent_ms": {"p50": 266.0},
        "last_byte_ms": {"p50": 900.0},
        "reruns_mean": 1.2,
        "ws_bytes_median": 1_290_000,
    }


def _profiled(articles: int, panel_p50: float | None) -> dict:
    return {
        "articles": articles,
        "timeout_ms": 30_000,
        "start_to_health_ms": 470.0,
        "open_first_after_start": {"map_visible_ms": 4200.0},
        "clicks": _clicks(panel_p50),
        "rerun_profile_ms": {
            "runs": 3,
            "interrupted": 0,
            "main": 380.0,
            "build_overlay_groups": 3.0,
            "folium_render": 290.0,
            "_component_func": 12.0,
            "render_panel": 10.0,
        },
    }


def _full_results() -> dict:
    opened = {
        "map_visible_ms": 2688.0,
        "bytes": {
            "beyond_streamlit": 1_350_000,
            "websocket": 1_240_000,
            "streamlit_bundle": 4_440_000,
            "total": 5_790_000,
        },
    }
    results = {
        "date": "2026-11-22T01:35:15+00:00",
        "wall_s": 240.0,
        "load_average_at_start": [1.0, 1.0, 1.0],
        "load_average_at_end": [2.0, 1.0, 1.0],
        "machine": {
            "nproc": 2,
            "cpu_model": "AMD EPYC",
            "ram_gib": 23.5,
            "platform": "Linux",
            "python": "3.11.7",
            "chromium": "156",
            "packages": {"streamlit": "1.67.0"},
        },
        "app": {
            "open_new_reader": opened,
            "open_first_after_start": {"map_visible_ms": 4831.0},
            "open_repeat_visit": {"bytes": {"total": 1_290_000}},
            "clicks": _clicks(1087.0),
            "toggles": {
                "summary_ms": {"n": 2, "p50": 477.0},
                "map_updated_ms": 1461.0,
                "view_moved": 0,
                "each": [{}, {}],
            },
            "rss_after_start": 56e6,
            "rss_after_1_session": 197e6,
            "rss_after_10_sessions": 216e6,
        },
        "baseline": {
            "open_new_reader": opened,
            "open_first_after_start": {"map_visible_ms": 4134.0},
            "clicks": _clicks(821.0, popup=False),
            "rss_after_start": 56e6,
            "rss_after_1_session": 210e6,
        },
        "pipeline": {
            "index_seeds": {"seconds_ms": 654.0},
            "index_synthetic_small": {"seconds_ms": 893.0, "articles": 100},
            "index_synthetic": {"seconds_ms": 3996.0, "articles": 1000},
        },
        "profile5": _profiled(5, 1245.0),
        "synthetic_small": _profiled(100, 6092.0),
        "synthetic": _profiled(1000, None),
    }
    results["scaling"] = scaling(results)
    results["budgets"] = budget_verdicts(results)
    return results


def test_report_has_every_section_and_the_verdicts():
    results = _full_results()
    report = markdown_report(results)
    assert "- machine: 2 CPUs (AMD EPYC), 23.5 GiB RAM, Linux" in report
    assert "| page open → map visible, new reader " in report and "| budget (issue 5) " in report
    rows = {row[0]: row for row in result_rows(results)}
    assert rows["click → first excerpt visible, p50 (app: popup; baseline: side panel)"][1:4] == [
        "25 ms",
        "821 ms",
        "32.8×",
    ]
    assert rows["click → side panel complete, p50"][1:4] == ["1087 ms", "821 ms", "0.8×"]
    assert rows["build_map_index, 1,000 SYNTHETIC articles"][1] == "3996 ms"
    verdicts = {v["budget"].split(",")[0]: v["met"] for v in results["budgets"]}
    assert verdicts["click → first excerpt visible"] is True
    assert verdicts["click → side panel complete"] is False
    assert results["scaling"]["panel_growth_is_lower_bound"] is True
    assert [row[0] for row in profile_rows(results)] == ["5 articles", "100 articles", "1,000 articles"]


def test_bench_intake_takes_each_seed_article_in_once_and_its_reprint_as_another_source(capsys):
    from bench import intake as intake_bench
    from mapapp.paths import SEEDS_DIR

    n = len(list(SEEDS_DIR.glob("*.txt")))
    assert intake_bench.main(["--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert f"pages: {2 * n} " in out and f"outcomes: added {n}, reprint {n}\n" in out
