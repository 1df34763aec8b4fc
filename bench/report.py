"""The benchmark's report: summaries of timings, the budgets of issue 5 and their verdicts, growth
with corpus size, and the Markdown tables printed and pasted into BENCHMARKS.md."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100), linear between closest ranks (numpy's default method)."""
    if not values:
        raise ValueError("percentile of no values; expected at least one measurement")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p!r}; expected 0..100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(values: Sequence[float]) -> dict[str, float | int]:
    """n, p50, p95, max and mean of durations in ms (rounded to 0.1 ms); {"n": 0} when empty."""
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), 1),
        "p95": round(percentile(values, 95), 1),
        "max": round(max(values), 1),
        "mean": round(statistics.fmean(values), 1),
    }


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; None shows as an empty cell, `|` in a cell is escaped."""

    def cell(value: object) -> str:
        return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")

    for number, row in enumerate(rows):
        if len(row) != len(headers):
            raise ValueError(f"table row {number} has {len(row)} cells; expected {len(headers)} like the header")
    text_rows = [[cell(v) for v in headers], *[[cell(v) for v in row] for row in rows]]
    widths = [max(len(r[i]) for r in text_rows) for i in range(len(headers))]
    out = ["| " + " | ".join(v.ljust(w) for v, w in zip(text_rows[0], widths, strict=True)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    out.extend("| " + " | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) + " |" for r in text_rows[1:])
    return "\n".join(out)


def format_ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1000:.2f} s" if value >= 10_000 else f"{value:.0f} ms"


def format_bytes(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.2f} MB"
    if value >= 1_000:
        return f"{value / 1_000:.1f} kB"
    return f"{value:.0f} B"


@dataclass(frozen=True)
class Budget:
    """A limit from issue 5: `path` points into the results, `limit` in the unit the path holds."""

    name: str
    path: tuple[str, ...]
    limit: float
    unit: Literal["ms", "bytes", "count", "flag"]


BUDGETS: tuple[Budget, ...] = (
    Budget("click → first excerpt visible, p95 ≤ 150 ms", ("app", "clicks", "popup_excerpt_ms", "p95"), 150, "ms"),
    Budget("click → side panel complete, p95 ≤ 600 ms", ("app", "clicks", "panel_complete_ms", "p95"), 600, "ms"),
    Budget("layer toggle → map updated ≤ 300 ms (worst toggle)", ("app", "toggles", "map_updated_ms"), 300, "ms"),
    Budget("layer toggle keeps the view (toggles that moved it)", ("app", "toggles", "view_moved"), 0, "count"),
    Budget("page open → map visible ≤ 3 s (new reader)", ("app", "open_new_reader", "map_visible_ms"), 3000, "ms"),
    Budget(
        "first load ≤ 1.5 MB (beyond Streamlit's bundle)",
        ("app", "open_new_reader", "bytes", "beyond_streamlit"),
        1_500_000,
        "bytes",
    ),
    Budget("index for 1,000 articles ≤ 10 s", ("pipeline", "index_synthetic", "seconds_ms"), 10_000, "ms"),
    Budget(
        "per-click cost does not grow with articles (panel p50, largest synthetic ÷ 5 articles ≤ 1.5)",
        ("scaling", "panel_growth"),
        1.5,
        "count",
    ),
)


def lookup(results: Mapping[str, Any], path: Sequence[str]) -> Any:
    value: Any = results
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def budget_verdicts(results: Mapping[str, Any], budgets: Sequence[Budget] = BUDGETS) -> list[dict[str, Any]]:
    """Per budget: the measured value, met (True/False, None if not measured) and the miss as a ratio."""
    verdicts = []
    for budget in budgets:
        value = lookup(results, budget.path)
        met = None if value is None else value <= budget.limit
        over = None
        if met is False:
            over = round(value / budget.limit, 2) if budget.limit else None
        verdicts.append(
            {
                "budget": budget.name,
                "measured": value,
                "limit": budget.limit,
                "unit": budget.unit,
                "met": met,
                "times_over": over,
            }
        )
    return verdicts


def ratio(baseline: float | None, app: float | None) -> str:
    if not baseline or not app:
        return "—"
    return f"{baseline / app:.1f}×"


def result_rows(r: Mapping[str, Any]) -> list[list[object]]:
    """The main table: measure, app, baseline, baseline ÷ app, budget."""
    app, base = r["app"], r.get("baseline", {})
    ac, bc = app["clicks"], base.get("clicks", {})

    def st(d: Mapping[str, Any], key: str, stat: str) -> float | None:
        return (d.get(key) or {}).get(stat)

    def side(label: str, a: float | None, b: float | None, budget: str = "", fmt=format_ms) -> list[object]:
        return [label, fmt(a), fmt(b), ratio(b, a), budget]

    rows: list[list[object]] = [
        side(
            "page open → map visible, new reader",
            app["open_new_reader"]["map_visible_ms"],
            base.get("open_new_reader", {}).get("map_visible_ms"),
            "≤ 3 s",
        ),
        side(
            "page open → map visible, first page after start (builds the index)",
            app["open_first_after_start"]["map_visible_ms"],
            base.get("open_first_after_start", {}).get("map_visible_ms"),
        ),
    ]
    for stat in ("p50", "p95"):
        rows.append(
            side(
                f"click → first excerpt visible, {stat} (app: popup; baseline: side panel)",
                st(ac, "popup_excerpt_ms", stat),
                st(bc, "panel_first_ms", stat),
                "p95 ≤ 150 ms" if stat == "p95" else "",
            )
        )
    for stat in ("p50", "p95"):
        rows.append(
            side(
                f"click → side panel complete, {stat}",
                st(ac, "panel_complete_ms", stat),
                st(bc, "panel_complete_ms", stat),
                "p95 ≤ 600 ms" if stat == "p95" else "",
            )
        )
    rows += [
        side(
            "click → value sent to the server, p50 (st_folium debounces 250 ms)",
            st(ac, "value_sent_ms", "p50"),
            st(bc, "value_sent_ms", "p50"),
        ),
        side("click → last byte of the rerun, p50", st(ac, "last_byte_ms", "p50"), st(bc, "last_byte_ms", "p50")),
        [
            "clicks measured: points / lines / polygons",
            "/".join(str(ac["kinds"][k]) for k in ("point", "line", "polygon")),
            "/".join(str(bc.get("kinds", {}).get(k, 0)) for k in ("point", "line", "polygon")),
            "",
            "≥ 20",
        ],
        ["server reruns per click, mean", ac["reruns_mean"], bc.get("reruns_mean"), "", ""],
        side("bytes per click, median (WebSocket)", ac["ws_bytes_median"], bc.get("ws_bytes_median"), "", format_bytes),
        [
            f"layer toggle → map updated, p50 / worst of {app['toggles']['summary_ms'].get('n', 0)}",
            f"{format_ms(app['toggles']['summary_ms'].get('p50'))} / {format_ms(app['toggles']['map_updated_ms'])}",
            "n/a",
            "",
            "≤ 300 ms",
        ],
        [
            "layer toggle → server has it (URL updated), p50 / worst",
            f"{format_ms(app['toggles'].get('url_synced_ms', {}).get('p50'))} / {format_ms(app['toggles'].get('url_synced_ms', {}).get('max'))}",
            "n/a",
            "",
            "",
        ],
        [
            "layer toggle keeps zoom and centre",
            f"{len(app['toggles']['each']) - app['toggles']['view_moved']} of {len(app['toggles']['each'])}",
            "n/a",
            "",
            "all",
        ],
    ]
    labels = (
        ("beyond_streamlit", "first load, beyond Streamlit's own bundle", "≤ 1.5 MB"),
        ("websocket", "  of which WebSocket (the page's data)", ""),
        ("streamlit_bundle", "first load, Streamlit's own bundle (cacheable)", ""),
        ("total", "first load, total", ""),
    )
    for key, label, budget in labels:
        rows.append(
            side(
                label,
                app["open_new_reader"]["bytes"].get(key),
                base.get("open_new_reader", {}).get("bytes", {}).get(key),
                budget,
                format_bytes,
            )
        )
    rows += [
        [
            "repeat visit (warm browser cache), total",
            format_bytes(app["open_repeat_visit"]["bytes"]["total"]),
            "",
            "",
            "",
        ],
        side("server RSS after start", app["rss_after_start"], base.get("rss_after_start"), "", format_bytes),
        side(
            "server RSS after 1 session", app["rss_after_1_session"], base.get("rss_after_1_session"), "", format_bytes
        ),
        ["server RSS after 10 sessions", format_bytes(app["rss_after_10_sessions"]), "", "", ""],
    ]
    pipeline = r.get("pipeline", {})
    for key in ("index_seeds", "index_synthetic_small", "index_synthetic"):
        if key in pipeline:
            what = (
                "the 5 seed articles" if key == "index_seeds" else f"{pipeline[key]['articles']:,} SYNTHETIC articles"
            )
            rows.append(
                [
                    f"build_map_index, {what}",
                    format_ms(pipeline[key]["seconds_ms"]),
                    "",
                    "",
                    "≤ 10 s" if key == "index_synthetic" else "",
                ]
            )
    warm = r.get("profile5", {})
    if warm:
        rows += [
            ["app start, warm cache: spawn → server answers", format_ms(warm["start_to_health_ms"]), "", "", ""],
            [
                "app start, warm cache: first page → map visible",
                format_ms(warm["open_first_after_start"]["map_visible_ms"]),
                "",
                "",
                "",
            ],
        ]
    for key in ("profile5", "synthetic_small", "synthetic"):
        run = r.get(key)
        if not run:
            continue
        c = run["clicks"]
        what = f"{run.get('articles', 5):,} {'SYNTHETIC ' if key != 'profile5' else ''}articles"
        rows.append(
            [
                f"same {c['n'] + len(c['skipped'])} features, {what}: popup p50 / panel complete p50 / bytes per click",
                f"{format_ms(st(c, 'popup_excerpt_ms', 'p50'))} / {format_ms(st(c, 'panel_complete_ms', 'p50'))} / {format_bytes(c.get('ws_bytes_median'))}"
                + (
                    f" ({c['timeouts']} of {c['n']} panels not complete after {run['timeout_ms'] / 1000:.0f} s)"
                    if c["timeouts"]
                    else ""
                ),
                "",
                "",
                "no growth" if key == "synthetic" else "",
            ]
        )
    scale = r.get("scaling", {})
    if scale.get("panel_growth_small_to_large") is not None:
        rows.append(
            [
                f"growth per click from {r['synthetic_small']['articles']:,} to {r['synthetic']['articles']:,} SYNTHETIC articles: panel p50 / bytes",
                f"{scale['panel_growth_small_to_large']}× / {scale['bytes_growth_small_to_large']}×",
                "",
                "",
                "",
            ]
        )
    return rows


TABLE_HEADERS = ("measure", "app", "baseline st_folium", "baseline ÷ app", "budget")
PROFILE_HEADERS = (
    "corpus",
    "reruns",
    "whole run",
    "build_overlay_groups",
    "folium → JS in st_folium",
    "component call",
    "render_panel",
    "GC in run",
    "GC after run",
    "stopped runs",
)


def profile_rows(r: Mapping[str, Any]) -> list[list[object]]:
    """Server time per rerun after a click, by part (profiled copy of the entry point)."""
    rows = []
    for key in ("profile5", "synthetic_small", "synthetic"):
        run = r.get(key)
        if not run:
            continue
        p = run["rerun_profile_ms"]
        rows.append(
            [
                f"{run.get('articles', 5):,} articles",
                p["runs"],
                *(
                    format_ms(p.get(k))
                    for k in (
                        "main",
                        "build_overlay_groups",
                        "folium_render",
                        "_component_func",
                        "render_panel",
                        "gc",
                        "gc_after_run",
                    )
                ),
                p["interrupted"],
            ]
        )
    return rows


def budget_rows(verdicts: Sequence[Mapping[str, Any]]) -> list[list[object]]:
    def measured(v: Mapping[str, Any]) -> str:
        value = v["measured"]
        if value is None:
            return "—"
        return {"ms": format_ms, "bytes": format_bytes}.get(v["unit"], str)(value)

    verdict = {True: "met", False: "MISSED", None: "not measured"}
    return [
        [v["budget"], measured(v), verdict[v["met"]] + (f" ({v['times_over']}× the limit)" if v["times_over"] else "")]
        for v in verdicts
    ]


def markdown_report(results: Mapping[str, Any]) -> str:
    """Machine, date and the three tables, as pasted into BENCHMARKS.md."""
    m = results["machine"]
    packages = ", ".join(f"{name} {version}" for name, version in sorted(m["packages"].items()))
    lines = [
        f"- date: {results['date']} (UTC); code {results.get('code', '?')}; whole run {results['wall_s']:.0f} s",
        f"- machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB RAM, {m['platform']}",
        f"- Python {m['python']}, Chromium {m.get('chromium', '?')} (headless), {packages}",
        f"- load average (1 min, other work on this machine included) {results['load_average_at_start'][0]:.1f} at start, "
        f"{results['load_average_at_end'][0]:.1f} at end, median {statistics.median(results.get('load_average_samples') or [0]):.1f} "
        f"and max {max(results.get('load_average_samples') or [0]):.1f} over the run",
        "",
        format_table(TABLE_HEADERS, result_rows(results)),
        "",
        "Server time per rerun after a click (median; profiled copy of the entry point, ui.py unchanged):",
        "",
        format_table(PROFILE_HEADERS, profile_rows(results)),
        "",
        format_table(("budget (issue 5)", "measured", "verdict"), budget_rows(results["budgets"])),
        "",
    ]
    return "\n".join(lines)


def scaling(results: Mapping[str, Any]) -> dict[str, Any]:
    """Per-click cost by corpus size; panel_growth is the largest corpus's panel p50 over the seeds'.

    When no panel of the largest corpus completed, panel_growth is a lower bound: timeout ÷ seeds' p50.
    """
    five = lookup(results, ("profile5", "clicks", "panel_complete_ms", "p50"))
    out: dict[str, Any] = {"panel_p50_ms": {}, "bytes_per_click": {}}
    for key in ("profile5", "synthetic_small", "synthetic"):
        run = results.get(key)
        if run:
            out["panel_p50_ms"][run["articles"]] = run["clicks"]["panel_complete_ms"].get("p50")
            out["bytes_per_click"][run["articles"]] = run["clicks"].get("ws_bytes_median")
    large, small = results.get("synthetic"), results.get("synthetic_small")
    if five and large:
        many = large["clicks"]["panel_complete_ms"].get("p50")
        out["panel_growth_is_lower_bound"] = many is None
        out["panel_growth"] = round((many if many is not None else large["timeout_ms"]) / five, 2)
    # Between two corpora that both name every place in far more articles than the panel lists.
    if small and large:
        a, b = small["clicks"]["panel_complete_ms"].get("p50"), large["clicks"]["panel_complete_ms"].get("p50")
        out["panel_growth_small_to_large"] = round(b / a, 2) if a and b else None
        a, b = small["clicks"].get("ws_bytes_median"), large["clicks"].get("ws_bytes_median")
        out["bytes_growth_small_to_large"] = round(b / a, 2) if a and b else None
    return out
