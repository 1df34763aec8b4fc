"""An article dropped into seeds/ while the app runs is served on the next rerun, without a restart.

The app runs on a temporary copy of seeds/, geodata/ and layers/ (QZ_*_DIR). A reader has a place
selected; a new article naming that place is written into the seeds folder; after one rerun (a
search) the article's sentence is found by search and shown in the place's panel (a new data
version of the place files, which the open panel is drawn again from), and the reader's selection
survived. Removing the article takes its sentence away again on the next rerun. A second reader's
page that saw none of those runs gets the new text on its next click: the place files are named by
the data version, which the panel asks for on every click (current.json).
"""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import app_served
from mapdriver import (
    click_feature,
    open_app,
    panel_excerpts,
    panel_name,
    wait_for_excerpt,
    wait_for_panel,
    wait_until_idle,
)

from mapapp.paths import GEODATA_DIR, LAYERS_DIR, SEEDS_DIR
from mapapp.pipeline.datawatch import DEFAULT_INTERVAL_S

# Written for this test in the shape of a news report; it names 江山港, which no seed article does.
NEW_ARTICLE = "江山港试航船队今日启程\n\n今天上午，一支试航船队从贺村出发，沿江山港顺流而下，在双港口驶入衢江。\n"
PHRASE = "试航船队从贺村出发"
RIVER_ID = "jiangshan-river"


@pytest.fixture(scope="module")
def live_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("live-data")
    for name, folder in (("seeds", SEEDS_DIR), ("geodata", GEODATA_DIR), ("layers", LAYERS_DIR)):
        shutil.copytree(folder, root / name)
    return root


@pytest.fixture(scope="module")
def live_app_url(tmp_path_factory, live_data):
    env = {
        "QZ_SEEDS_DIR": str(live_data / "seeds"),
        "QZ_GEODATA_DIR": str(live_data / "geodata"),
        "QZ_LAYERS_DIR": str(live_data / "layers"),
    }
    with app_served(tmp_path_factory.mktemp("live-app"), env) as url:
        yield url


def search(page, query: str) -> None:
    """Type a query in the sidebar search: one rerun of the script."""
    box = page.locator('[data-testid="stSidebar"] input[type="text"]').first
    box.fill(query)
    box.press("Enter")
    wait_until_idle(page)


def test_an_article_dropped_into_seeds_is_searchable_and_in_the_panel_after_one_rerun(
    page, browser, live_app_url, live_data
):
    open_app(page, f"{live_app_url}?feature={RIVER_ID}")
    wait_for_panel(page, RIVER_ID)
    assert panel_name(page) == "江山港"
    assert not any(PHRASE in text for text in panel_excerpts(page))
    other = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()  # a second reader
    open_app(other, live_app_url)
    search(page, PHRASE)
    assert page.locator('[data-testid="stSidebar"] button', has_text="江山港").count() == 0

    article = live_data / "seeds" / "900_live_reload.txt"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    page.wait_for_timeout(int(DEFAULT_INTERVAL_S * 1000) + 300)  # the app re-stamps the files at most once a second
    search(page, "贺村出发")

    # The reader's selection survived the new index, and the panel shows the new sentence.
    wait_for_excerpt(page, PHRASE)
    assert panel_name(page) == "江山港"
    # The second reader's page had no run since: its next click reads the new version.
    click_feature(other, RIVER_ID)
    wait_for_excerpt(other, PHRASE)
    other.context.close()
    # Search finds the place through the new sentence.
    hit = page.locator('[data-testid="stSidebar"] button', has_text=re.compile(r"^\s*江山港")).first
    hit.wait_for()
    hit.click()
    wait_for_excerpt(page, PHRASE)

    article.unlink()
    page.wait_for_timeout(int(DEFAULT_INTERVAL_S * 1000) + 300)
    search(page, "贺村")
    wait_for_panel(page, RIVER_ID)
    assert panel_name(page) == "江山港"
    page.wait_for_function("() => true")
    for _ in range(50):  # the panel is drawn again from the new version
        if not any(PHRASE in text for text in panel_excerpts(page)):
            break
        page.wait_for_timeout(100)
    assert not any(PHRASE in text for text in panel_excerpts(page))
