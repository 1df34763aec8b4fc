"""The reader's language and the "as of" styles in the real page, on a phone (390×844, touch) and a
laptop (1366×768) profile, in headless Chromium.

No stray language: the page is opened in each language on the place with the most timeline and
figures, its place panel open (drawn in the map's frame by reader.js) and its popup open, and every
text node of the page, of the map and of its panel, and every popup and tooltip the map holds, is
checked with tests/wordcheck.py: no Chinese in English mode but place names and quoted text, no
English in Chinese mode but those and a few proper names. What the check lets pass is only what the
app marks as data (translate="no", with its language); so that marking cannot hide the interface's
own words, every marked run must be found in the data itself: an article's text, headline or outlet,
a place's names, sources, description or note, or a credit.

As-of styles: on a month the pipeline gives the most different stages, every drawn line and area is
dashed like its stage's sample in the control's legend, every point carries the ring of its stage's
sample, and open, under construction and planned look different from one another.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from mapdriver import map_frame, open_app, wait_for_panel, wait_until_idle

from bench.pageload import LAPTOP, PHONE
from mapapp.map.attributions import load_source_attributions
from mapapp.map.mapview import TILE_HOSTS
from mapapp.map.wording import TEXT, TIMELINE_WORDS
from mapapp.paths import GEODATA_DIR
from mapapp.pipeline.timeline import build_timeline_index
from tests.wordcheck import CHROME_JS_SELECTOR, DATA, RUNS_JS, strays

PROFILES = {"phone": PHONE, "laptop": LAPTOP}
# Every popup and tooltip the map holds (their HTML, from the drawn features' properties)
FRAGMENTS_JS = """() => {
    const out = [];
    window.map.eachLayer((l) => {
        const p = l.feature && l.feature.properties;
        if (p && p.popup_html) out.push(p.popup_html);
        if (p && p.label_html) out.push(p.label_html);
    });
    return out;
}"""


@pytest.fixture(params=sorted(PROFILES))
def device(request, browser):
    """A page on the phone or the laptop profile; tile servers blocked as in conftest's `page`."""
    context = browser.new_context(**PROFILES[request.param])

    def route(route):
        host = urlsplit(route.request.url).hostname or ""
        return route.abort() if any(host.endswith(tile) for tile in TILE_HOSTS) else route.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.profile = request.param
    yield page
    context.close()


@pytest.fixture(scope="module")
def timeline(index):
    return build_timeline_index(index)


def _richest_place(index, timeline) -> str:
    """The place whose panel shows the most: timeline events and figures, then excerpts."""
    return max(
        index.features,
        key=lambda fid: (
            len(timeline.events.get(fid, ())) + 3 * len(timeline.figures.get(fid, ())),
            len(index.excerpts.get(fid, ())),
        ),
    )


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _data_text(index) -> str:
    """Everything the app may show as data, whitespace taken out (excerpts join hard-wrapped lines)."""
    pieces = list(load_source_attributions(GEODATA_DIR / "sources"))
    for article in index.articles.values():
        pieces += [article.text, article.headline, article.outlet]
    for feature in index.features.values():
        pieces += [feature.name_zh, feature.name_en, *feature.aliases, feature.description]
        pieces += [value for key, value in feature.properties.items() if isinstance(value, str) and key != "id"]
        for source in feature.sources:
            pieces += [source.title, source.ref, source.quote]
    return "\x00".join(_squeezed(piece or "") for piece in pieces)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_words_of_the_other_language_in_the_page_the_map_the_panel_and_its_popups(
    device, app_url, index, timeline, lang
):
    place = _richest_place(index, timeline)
    device.goto(f"{app_url}?lang={lang}&feature={place}&asof=2025-06")
    frame = map_frame(device)
    wait_for_panel(device, place, timeout_s=60)
    frame.wait_for_function("() => document.querySelector('.qz-asof')")
    if device.profile == "laptop":  # (a phone shows the bottom sheet instead of the popup)
        frame.wait_for_function("() => document.querySelector('.leaflet-popup .qz-popup')")
    wait_until_idle(device)
    frame = map_frame(device)
    args = {"chrome": CHROME_JS_SELECTOR}
    page_runs = device.evaluate(RUNS_JS, {**args, "fragments": []})
    map_runs = frame.evaluate(RUNS_JS, {**args, "fragments": frame.evaluate(FRAGMENTS_JS)})
    runs = [tuple(run) for run in page_runs + map_runs]
    texts = "".join(text for text, _ in runs)
    # what must be there: the panel's timeline and figures, its excerpts, the credits
    panel = frame.locator(".qz-panel .qz-place")
    assert panel.locator(".qz-timeline").count() == 1 and panel.locator(".qz-excerpt").count() > 0
    for key in ("timeline", "figures"):
        assert TIMELINE_WORDS[lang][key] in texts
    assert ("数据来源" if lang == "zh" else "Data sources") in texts
    assert TEXT[lang]["excerpts"] in texts
    names = [n for f in index.features.values() for n in (f.name_zh, f.name_en, *f.aliases) if n]
    found = strays(runs, lang, names)
    assert not found, sorted({(s.found, s.text[:80]) for s in found})
    # only data passes unchecked: every run marked as data is in the data (never the interface's words)
    data = _data_text(index)
    # (a popup's or a headline's shortened text is pieces of the data with "…" between)
    marked = {piece for text, marker in runs if marker == DATA for piece in _squeezed(text).split("…")} - {""}
    assert marked, "nothing marked as data: the check would have nothing to let pass"
    not_data = sorted(text for text in marked if text.strip("“”\"'()（）·,，.。:：") not in data)
    assert not not_data, not_data


def _stage_on(changes, month: str) -> str | None:
    """The stage a facility is drawn in for `month` (as window.qzAsOf.stageOf does)."""
    day = month + "-31"
    stage = "not_yet" if changes else None
    for change in changes:
        if change.since <= day:
            stage = change.stage
    return stage


def _richest_month(index, timeline) -> str:
    """The month whose map shows the most different (stage, point or path) pairs."""
    from mapapp.map.asofcontrol import asof_spec

    spec = asof_spec(timeline.stages, "en")
    year, month = int(spec["first"][:4]), int(spec["first"][5:7])
    best, best_count = spec["first"], -1
    while f"{year:04d}-{month:02d}" <= spec["last"]:
        current = f"{year:04d}-{month:02d}"
        pairs = {
            (_stage_on(changes, current), index.features[fid].geometry["type"] == "Point")
            for fid, changes in timeline.stages.items()
            if fid in index.features and index.features[fid].geometry
        }
        if len(pairs) > best_count:
            best, best_count = current, len(pairs)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return best


DRAWN_STAGES_JS = """() => {
    const out = [];
    window.map.eachLayer((l) => {
        const p = l.feature && l.feature.properties;
        const el = l._path || l._icon;
        if (!p || !p.part || !el || !el.getAttribute('data-qz-stage')) return;
        const dot = l._icon && l._icon.querySelector('.qz-dot');
        out.push({
            id: p.id, stage: el.getAttribute('data-qz-stage'), path: !!l._path,
            dash: l._path ? l._path.getAttribute('stroke-dasharray') : null,
            outline: l._icon ? getComputedStyle(l._icon).outlineStyle : null,
            border: dot ? getComputedStyle(dot).borderTopStyle : null,
        });
    });
    return out;
}"""
LEGEND_JS = """() => {
    const out = {};
    for (const svg of document.querySelectorAll('.qz-asof-legend .qz-leg-line')) {
        const stage = [...svg.classList].find((c) => c.startsWith('qz-leg-line-')).slice('qz-leg-line-'.length);
        const point = document.querySelector('.qz-asof-legend .qz-leg-point.qz-stage-' + stage);
        out[stage] = {
            dash: svg.querySelector('line').getAttribute('stroke-dasharray'),
            outline: getComputedStyle(point).outlineStyle,
            border: getComputedStyle(point.querySelector('.qz-dot')).borderTopStyle,
            label: document.querySelector('.qz-asof-legend .qz-leg-' + stage).textContent,
        };
    }
    return out;
}"""


def test_the_as_of_map_draws_each_stage_as_its_legend_sample(device, app_url, index, timeline):
    month = _richest_month(index, timeline)
    frame = open_app(device, f"{app_url}?asof={month}")
    frame.wait_for_function("() => document.querySelector('.qz-asof-legend .qz-leg-line')")
    legend = frame.evaluate(LEGEND_JS)
    assert set(legend) == {"not_yet", "planned", "under_construction", "open"}
    looks = {stage: (legend[stage]["dash"], legend[stage]["outline"]) for stage in legend}
    assert len({looks["open"], looks["under_construction"], looks["planned"]}) == 3, looks  # all different
    assert len({legend[s]["dash"] for s in ("open", "under_construction", "planned")}) == 3  # lines too
    drawn = frame.evaluate(DRAWN_STAGES_JS)
    checked = set()
    for item in drawn:
        sample = legend.get(item["stage"])
        if sample is None:  # "mentioned": in the news with no stage, drawn as it is now
            continue
        if item["path"]:
            assert item["dash"] == sample["dash"], item
        else:
            assert item["outline"] == sample["outline"], item
            if item["border"] is not None and item["stage"] != "not_yet":
                assert item["border"] == sample["border"], item
        checked.add((item["stage"], item["path"]))
    expected = {
        (_stage_on(changes, month), index.features[fid].geometry["type"] != "Point")
        for fid, changes in timeline.stages.items()
        if fid in index.features and index.features[fid].geometry
    } - {("mentioned", True), ("mentioned", False)}
    assert len(checked) >= 3 and checked <= expected, (month, checked, expected)  # hidden layers draw nothing
