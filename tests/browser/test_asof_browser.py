"""The "as of" date control in the real map (headless Chromium): moving it redraws each facility in
the stage the articles give for that month, in the browser; the URL keeps the date and restores it.

The expected stages come from the pipeline (build_timeline_index on the bundled data), not from
typed-in dates: the test picks the month before a facility's first "open" change and a year after.
"""

from __future__ import annotations

import re
import time
from typing import Any

from mapdriver import map_frame, open_app, wait_for_panel, wait_until_idle

from mapapp.pipeline.timeline import build_timeline_index, first_day

STAGE_OF = "(id) => window.qzAsOf.stageOf(id)"
# What is drawn: the data-qz-stage attribute and the stroke opacity of the feature's own path
DRAWN_JS = """(id) => {
    var out = [];
    window.map.eachLayer(function (layer) {
        var props = layer.feature && layer.feature.properties;
        if (props && props.id === id && props.part && layer._path) {
            out.push({stage: layer._path.getAttribute('data-qz-stage'),
                      opacity: parseFloat(layer._path.getAttribute('stroke-opacity') || '1'),
                      dash: layer._path.getAttribute('stroke-dasharray')});
        }
    });
    return out;
}"""
# Move the slider to a month, as a reader's drag does (an input event on the range), and time the
# redraw: from the input event to the next animation frame after the map has been restyled.
MOVE_JS = """async (month) => {
    var range = document.querySelector('.qz-asof-range');
    var toggle = document.querySelector('.qz-asof-toggle');
    if (!toggle.checked) { toggle.click(); }
    var index = window.qzAsOf.months().indexOf(month);
    var t0 = performance.now();
    range.value = String(index);
    range.dispatchEvent(new Event('input', {bubbles: true}));
    await new Promise(requestAnimationFrame);
    return {index: index, ms: performance.now() - t0};
}"""


def _open_change(timelines, feature_id: str) -> str:
    return next(c.since for c in timelines.stages[feature_id] if c.stage == "open")


def _month_before(day: str) -> str:
    year, month = int(day[:4]), int(day[5:7])
    year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return f"{year:04d}-{month:02d}"


def _wait_for_url(page, pattern: str, timeout_s: float = 20) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if re.search(pattern, page.url):
            return page.url
        page.wait_for_timeout(200)
    raise AssertionError(f"the URL never matched {pattern!r}; it is {page.url}")


def test_moving_the_date_control_redraws_a_line_not_yet_open_then_open(page, app_url, index):
    timelines = build_timeline_index(index)
    opened = _open_change(timelines, "hangqu-hsr")  # the high-speed line: drawn as a path
    before = _month_before(opened)
    after = f"{int(opened[:4]) + 1:04d}-{opened[5:7]}"
    assert (first_day(before) or "") < opened <= (first_day(after) or "")

    frame: Any = open_app(page, app_url)
    assert frame.locator(".qz-asof").count() == 1
    assert frame.evaluate(STAGE_OF, "hangqu-hsr") is None  # off: drawn as it is now
    drawn_now = frame.evaluate(DRAWN_JS, "hangqu-hsr")

    moved = frame.evaluate(MOVE_JS, before)
    assert moved["index"] >= 0, f"the slider has no month {before}"
    stage_before = frame.evaluate(STAGE_OF, "hangqu-hsr")
    drawn_before = frame.evaluate(DRAWN_JS, "hangqu-hsr")
    assert stage_before != "open"
    assert drawn_before and all(d["stage"] == stage_before for d in drawn_before)
    assert frame.locator(".qz-asof-value").inner_text() == before

    timing = frame.evaluate(MOVE_JS, after)
    drawn_after = frame.evaluate(DRAWN_JS, "hangqu-hsr")
    assert frame.evaluate(STAGE_OF, "hangqu-hsr") == "open"
    # open: drawn as it is now (same stroke, dashes and opacity); before: faded or dashed
    assert [d["stage"] for d in drawn_after] == ["open"] * len(drawn_now)
    assert [(d["dash"], d["opacity"]) for d in drawn_after] == [(d["dash"], d["opacity"]) for d in drawn_now]
    assert [(d["dash"], d["opacity"]) for d in drawn_before] != [(d["dash"], d["opacity"]) for d in drawn_now]
    print(f"as-of redraw: {timing['ms']:.1f} ms (input event to next frame)")

    # the server learns the date after the map changed, and writes it into the shareable URL
    url = _wait_for_url(page, rf"asof={after}")
    wait_until_idle(page)

    # a fresh page on that URL opens at the same date, the line drawn open; a month before it
    # opened, a new page shows it not yet open
    frame = open_app(page, url)
    assert frame.evaluate("() => window.qzAsOf.get()") == after
    assert frame.evaluate(STAGE_OF, "hangqu-hsr") == "open"
    frame = open_app(page, re.sub(r"asof=[0-9-]+", f"asof={before}", url))
    assert frame.evaluate(STAGE_OF, "hangqu-hsr") == stage_before
    assert all(d["stage"] == stage_before for d in frame.evaluate(DRAWN_JS, "hangqu-hsr"))
    assert frame.locator(".qz-asof-value").inner_text() == before


def test_turning_the_control_off_restores_every_feature_and_drops_the_date_from_the_url(page, app_url, index):
    frame: Any = open_app(page, app_url + "?asof=2020-01")
    # in 2020 no article had been written: every facility on the map is not yet in the news
    stages = set(
        frame.evaluate(
            "() => { var s = []; window.map.eachLayer(function (l) {"
            " var el = l._path || l._icon; if (el && el.getAttribute('data-qz-stage')) {"
            " s.push(el.getAttribute('data-qz-stage')); } }); return s; }"
        )
    )
    assert stages == {"not_yet"}
    frame.locator(".qz-asof-toggle").click()
    assert frame.evaluate("() => document.querySelectorAll('[data-qz-stage]').length") == 0
    page.wait_for_timeout(300)
    deadline = time.monotonic() + 20
    while "asof=" in page.url and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert "asof=" not in page.url
    assert map_frame(page) is not None


def test_the_panel_of_a_facility_shows_its_timeline(page, app_url, index):
    timelines = build_timeline_index(index)
    frame = open_app(page, app_url + "?feature=quzhou-bonded-zone")
    wait_for_panel(page, "quzhou-bonded-zone")
    frame.locator(".qz-panel .qz-timeline").wait_for()
    items = frame.locator(".qz-panel .qz-tl-item")
    assert items.count() == len(timelines.events["quzhou-bonded-zone"])
    dates = frame.locator(".qz-panel .qz-tl-date").all_inner_texts()
    assert any(d.startswith(e.date) for e in timelines.events["quzhou-bonded-zone"] if e.date for d in dates)
