"""An English article in the app: a reader clicks a place on the map and its panel shows the
English excerpt, as printed, in both interface languages; the Chinese interface marks it as English.
The article is written for this test; the other data is the bundled data."""

from __future__ import annotations

import shutil

import pytest
from conftest import app_served
from mapdriver import click_feature, map_frame, open_app, wait_for_excerpt

from mapapp.datadirs import DataDirs
from mapapp.map.wording import TEXT
from mapapp.paths import GEODATA_DIR, LAYERS_DIR, SEEDS_DIR

ENGLISH = """Bonded zone opens a new customs hall

The Quzhou Comprehensive Bonded Zone opened its second customs hall on March 3, 2025.
"""
SENTENCE = "opened its second customs hall"


@pytest.fixture(scope="module")
def english_app_url(tmp_path_factory):
    seeds = tmp_path_factory.mktemp("en-app") / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    (seeds / "en_bonded.txt").write_text(ENGLISH, encoding="utf-8")
    with (seeds / "articles.toml").open("a", encoding="utf-8") as toml:
        toml.write(
            '\n["en_bonded.txt"]\nheadline = "Bonded zone opens a new customs hall"\ndate = "2025-03-04"\nlang = "en"\n'
        )
    dirs = DataDirs(seeds, GEODATA_DIR, LAYERS_DIR)
    env = {
        "QZ_SEEDS_DIR": str(dirs.seeds_dir),
        "QZ_GEODATA_DIR": str(dirs.geodata_dir),
        "QZ_LAYERS_DIR": str(dirs.layers_dir),
    }
    with app_served(tmp_path_factory.mktemp("en-app-log"), env) as url:
        yield url


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_english_excerpt_shows_in_the_panel_in_both_languages(page, english_app_url, lang):
    open_app(page, f"{english_app_url}?lang={lang}")
    click_feature(page, "quzhou-bonded-zone")
    map_frame(page).locator(".qz-popup").last.wait_for()
    wait_for_excerpt(page, SENTENCE)
    frame = map_frame(page)
    panel = frame.locator(".qz-panel")  # the place panel, drawn in the map's frame
    english = panel.locator(".qz-excerpt[lang='en']", has_text=SENTENCE)
    assert english.count() == 1  # shown as printed, marked as English text
    group = panel.locator(
        ".qz-group", has=frame.locator(".qz-headline[lang='en']", has_text="Bonded zone opens a new customs hall")
    )
    assert group.count() == 1
    marker = group.locator(".qz-lang")
    if lang == "zh":
        assert marker.inner_text() == TEXT["zh"]["lang_en"]  # "英文" beside the article in the Chinese interface
    else:
        assert marker.count() == 0  # in the English interface an English article needs no mark
        chinese = panel.locator(".qz-group", has=frame.locator(".qz-headline[lang='zh']")).locator(".qz-lang")
        assert chinese.count() >= 1 and chinese.first.inner_text() == TEXT["en"]["lang_zh"]
