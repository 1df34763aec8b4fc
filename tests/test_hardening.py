"""Broken and hostile input, without a browser: `validate` names every problem, the rest is served,
and every HTML fragment made from the data is escaped.

The browser tests (tests/browser/test_hardening_browser.py) check the same data in the real page.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from datafactory import BROKEN_EXPECTED, EVIL, HUGE_ARTICLE_BYTES, SCRIPT

from mapapp.app import panel
from mapapp.map import mapview
from mapapp.paths import ROOT_DIR
from mapapp.pipeline.corpus import MAX_SEED_BYTES, read_seed_text
from mapapp.pipeline.index import build_map_index

# The only markup the app itself writes into panel and popup HTML.
OWN_TAGS = {"div", "span", "b", "br", "p", "mark", "a", "ul", "li", "details", "summary", "code", "blockquote"}


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def live_markup(fragment: str) -> list[str]:
    """Tags, event handlers and link targets in `fragment` that the app did not write itself."""
    parser = _TagCollector()
    parser.feed(fragment)
    found = []
    for tag, attrs in parser.tags:
        if tag not in OWN_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (name == "href" and not (value or "").startswith(("https://", "http://", "?"))):
                found.append(f"{tag} {name}={value!r}")
    return found


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mapapp", *args], cwd=ROOT_DIR, capture_output=True, text=True, encoding="utf-8"
    )


# --- broken input ------------------------------------------------------------------------------


def test_validate_names_file_item_field_and_expectation_of_every_broken_input(broken_data):
    result = run_cli("validate", *broken_data.cli_args())
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    for file_name, item, field, words in BROKEN_EXPECTED:
        prefix = f"{file_name}: '{item}': {field}: " if item else f"{file_name}: {field}: "
        matching = [line for line in lines if line.startswith(prefix)]
        assert len(matching) == 1, f"expected one line starting {prefix!r}; validate printed:\n{result.stdout}"
        assert words in matching[0] and "expected" in matching[0]
    assert len(lines) == len(BROKEN_EXPECTED), result.stdout  # nothing else was reported as an error


def test_malformed_article_metadata_is_named_and_the_articles_are_still_read(broken_data, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(broken_data.seeds_dir, seeds)
    (seeds / "articles.toml").write_text('["t1_port.txt"]\nheadline = "港口专题\n', encoding="utf-8")
    index = build_map_index(seeds, broken_data.geodata_dir, broken_data.layers_dir)
    [problem] = [p for p in index.problems if p.file == "articles.toml" and p.severity == "error"]
    assert problem.field == "toml" and "is not valid TOML" in problem.message and "expected" in problem.message
    assert set(index.articles) == {"t1_port.txt", "t2_repeat.txt"}  # with default metadata
    assert index.articles["t1_port.txt"].headline == "港口专题"  # the first line


def test_broken_data_skips_the_bad_items_and_serves_the_rest(broken_data):
    index = build_map_index(broken_data.seeds_dir, broken_data.geodata_dir, broken_data.layers_dir)
    assert set(index.articles) == {"t1_port.txt", "t2_repeat.txt"}
    assert {"bowtie-park", "swapped-gym", "lost-place"}.isdisjoint(index.features)
    assert {"kangao-zone", "dalu-zhang-zone", "qujiang-gymnasium", "quzhou-city"} <= set(index.features)
    assert [layer.layer_id for layer in index.layers] == ["admin", "ports_waterways", "sports", "public_services"]
    assert any("一期技改" in excerpt.text for excerpt in index.excerpts["dalu-zhang-zone"])


def test_seed_size_limit_refuses_a_5_mb_article_and_takes_one_at_the_limit(tmp_path):
    # A real article is about 10 KB (seeds/ holds five of 9.5-12 KB). The reader view ships the whole
    # text to the browser, so an article of megabytes is a pasted dump, not news: it is refused with
    # its size and how to fix it, and the rest of the corpus is served.
    assert HUGE_ARTICLE_BYTES > MAX_SEED_BYTES
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"a" * HUGE_ARTICLE_BYTES)
    text, [problem] = read_seed_text(huge)
    assert text is None
    assert (
        str(problem)
        == f"huge.txt: size: is {HUGE_ARTICLE_BYTES:,} bytes; expected at most {MAX_SEED_BYTES:,} (split very long articles)"
    )
    at_limit = tmp_path / "at_limit.txt"
    at_limit.write_bytes("衢".encode() * (MAX_SEED_BYTES // 3))
    text, problems = read_seed_text(at_limit)
    assert problems == [] and len(text) == MAX_SEED_BYTES // 3


# --- hostile text ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_index(hostile_data):
    folders = hostile_data.folders
    return build_map_index(folders.seeds_dir, folders.geodata_dir, folders.layers_dir)


def test_hostile_data_is_valid_data(hostile_index, hostile_data):
    # Markup in names and text is not an error: it must be shown, literally.
    assert [p for p in hostile_index.problems if p.severity == "error"] == []
    assert hostile_data.feature_id in hostile_index.features
    assert any(hostile_data.name_zh in e.text for e in hostile_index.excerpts[hostile_data.feature_id])


def test_every_html_fragment_from_hostile_data_is_escaped(hostile_index, hostile_data):
    feature = hostile_index.features[hostile_data.feature_id]
    excerpts = hostile_index.excerpts[feature.feature_id]
    article = hostile_index.articles["t9_evil.txt"]
    mentions = [m for m in hostile_index.mentions if m.article_id == article.article_id]
    fragments = {
        "reader": panel.html_from_article(
            article, mentions, selected_feature_id=feature.feature_id, link_for=lambda fid: f"?feature={fid}"
        ),
        "popup zh": mapview.popup_html(feature, excerpts, "zh"),
        "popup en": mapview.popup_html(feature, excerpts, "en"),
    }
    for where, fragment in fragments.items():
        assert live_markup(fragment) == [], where
        assert html.escape(SCRIPT) in fragment, where


def test_the_place_panel_data_from_hostile_data_is_text_and_links_only_web_addresses(hostile_index, hostile_data):
    """The place panel is drawn in the browser with textContent (tests/browser/test_hardening_browser.py):
    its data keeps the hostile text as it is, and only http(s) sources become links."""
    from mapapp.app import placedata

    feature = hostile_index.features[hostile_data.feature_id]
    sources = placedata.sources_record(feature)
    assert [s["url"] for s in sources if s["ref"].startswith("javascript:")] == [None]
    assert any(s["url"] and s["url"].startswith("https://example.org/") for s in sources)
    groups = placedata.excerpt_groups(hostile_index.excerpts[feature.feature_id], "zh", {})
    assert any(hostile_data.sentence[-20:] in e["text"] for g in groups for e in g["excerpts"])
    assert (
        placedata.place_record(
            feature,
            "zh",
            excerpts={},
            events=(),
            figures=(),
            total_events=0,
            total_figures=0,
            articles={},
            related=[],
            layer_id="x",
        )["description"]
        == hostile_data.description
    )


def test_escape_markdown_leaves_no_markup_character_unescaped():
    escaped = panel.escape_markdown(EVIL)
    unescaped = re.sub(r"\\.", "", escaped)  # drop every escaped pair; what is left must be inert
    assert not set(unescaped) & set("<>[]()`*_$:\\{}!#|~")
    assert re.sub(r"\\(.)", r"\1", escaped) == EVIL  # and nothing else was changed
