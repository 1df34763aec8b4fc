"""Curator mode and readers' reports in headless Chromium, on a temporary copy of the real data.

The curator signs in, places a candidate by clicking the map with a source, sees it on the map with
its excerpts, and undoes it (the files come back byte for byte). A reader without the credential
finds no curator action, whatever the URL says. A reader's hostile report reaches the curator as text.
The candidate and its expected sentences come from the pipeline at test time.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import app_served
from mapdriver import (
    click_feature,
    drawn_feature_ids,
    map_frame,
    open_app,
    wait_for_excerpt,
    wait_for_panel,
    wait_until_idle,
)

from mapapp.coords import wgs84_from_gcj02
from mapapp.curation.credentials import hash_password
from mapapp.paths import ROOT_DIR
from mapapp.pipeline.candidates import find_candidates
from mapapp.pipeline.index import build_map_index

PASSWORD = "correct horse battery staple"
HOSTILE = '<img src=x onerror="window.qzPwned=1"><script>window.qzPwned=2</script>'
CURATOR_CLASS = '[class*="st-key-qzc_"]'


class CuratedData:
    def __init__(self, root: Path):
        self.root = root
        for name in ("seeds", "geodata", "layers"):
            shutil.copytree(ROOT_DIR / name, root / name)
        self.state = root / "state"
        self.original = self.files()

    def files(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in (self.root / "geodata").iterdir() if p.is_file()}

    def env(self, *, credential: bool) -> dict[str, str]:
        env = {
            "QZ_SEEDS_DIR": str(self.root / "seeds"),
            "QZ_GEODATA_DIR": str(self.root / "geodata"),
            "QZ_LAYERS_DIR": str(self.root / "layers"),
            "QZ_STATE_DIR": str(self.state),
        }
        if credential:
            env["QZ_CURATOR_PASSWORD_HASH"] = hash_password(PASSWORD)
        return env


@pytest.fixture(scope="module")
def curated(tmp_path_factory) -> CuratedData:
    return CuratedData(tmp_path_factory.mktemp("curated"))


@pytest.fixture(scope="module")
def curator_app_url(tmp_path_factory, curated):
    with app_served(tmp_path_factory.mktemp("curator-app"), curated.env(credential=True)) as url:
        yield url


def wait_for_drawn(page, feature_id: str, *, drawn: bool = True, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while (feature_id in drawn_feature_ids(map_frame(page))) != drawn:
        if time.monotonic() > deadline:
            state = "drawn" if drawn else "gone"
            pytest.fail(f"{feature_id} is not {state} on the map after {timeout_s:g} s")
        page.wait_for_timeout(200)


def sign_in(page, name: str = "Ann", password: str = PASSWORD) -> None:
    page.get_by_text("编辑登录").click()
    page.get_by_label("姓名").fill(name)
    page.get_by_label("口令").fill(password)
    page.get_by_role("button", name="登录").click()
    wait_until_idle(page)


def candidate_to_place(curated: CuratedData) -> tuple[int, str]:
    """The first candidate in the work list with a name of four characters or more (a park, a hall ...)."""
    index = build_map_index(curated.root / "seeds", curated.root / "geodata", curated.root / "layers")
    for position, candidate in enumerate(find_candidates(index)[:10]):
        if len(candidate.surface) >= 4:
            return position, candidate.surface
    pytest.fail("no place-like candidate in the first ten of the work list")


def test_a_curator_places_a_candidate_by_clicking_the_map_sees_it_and_undoes_it(page, curator_app_url, curated):
    position, surface = candidate_to_place(curated)
    open_app(page, curator_app_url + "?basemap=gaode")  # Gaode: the click is GCJ-02 and must be stored as WGS-84
    sign_in(page)
    assert page.get_by_text("编辑工作台").is_visible()
    page.locator(f".st-key-qzc_c_place_{position} button").click()
    wait_until_idle(page)
    assert page.get_by_label("name_zh").input_value() == surface
    frame = map_frame(page)
    box = frame.locator("#map_div").bounding_box()
    frame.locator("#map_div").click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.55})
    clicked = frame.evaluate("() => window.__GLOBAL_DATA__.lat_lng_clicked")  # what st_folium reports
    wait_until_idle(page)
    page.locator(".st-key-qzc_f_category").click()
    page.keyboard.type("landmark")
    page.keyboard.press("Enter")
    wait_until_idle(page)
    page.get_by_label("name_en").fill("Curated Test Place")
    page.get_by_label("来源标题").fill("Test source " + HOSTILE)
    page.get_by_label("网址或出处").fill("https://example.org/source")
    page.get_by_label("引文").fill("a quote the curator copied")
    page.get_by_role("button", name="保存").click()
    wait_until_idle(page)
    # on the map, selected, with the sentences the pipeline finds for the new name
    wait_for_excerpt(page, surface)
    wait_for_drawn(page, "curated-test-place")
    # the curator's source is in the place panel, as text (the hostile title ran nothing)
    frame = map_frame(page)
    assert HOSTILE in frame.locator("details.qz-sources").filter(has_text="Test source").first.text_content()
    assert page.evaluate("() => window.qzPwned") is None and frame.evaluate("() => window.qzPwned") is None
    changed = curated.files()
    assert changed["places.geojson"] != curated.original["places.geojson"]
    [stored] = [
        f for f in json.loads(changed["places.geojson"])["features"] if f["properties"]["id"] == "curated-test-place"
    ]
    lon, lat = wgs84_from_gcj02(clicked["lng"], clicked["lat"])
    assert stored["geometry"]["coordinates"] == [round(lon, 6), round(lat, 6)]
    assert abs(lon - clicked["lng"]) > 0.001  # the datum shift (hundreds of metres) was applied
    assert stored["properties"]["name_zh"] == surface and stored["properties"]["sources"][0]["title"].endswith(HOSTILE)
    # undo from the log tab: the files are back byte for byte and the place leaves the map
    page.get_by_role("tab", name="记录").click()
    page.get_by_role("button", name="撤销最近一次修改").click()
    wait_until_idle(page)
    deadline = time.monotonic() + 30  # the click's rerun may start after wait_until_idle looked (a busy machine)
    while curated.files() != curated.original and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert curated.files() == curated.original
    wait_for_drawn(page, "curated-test-place", drawn=False)


@pytest.mark.parametrize("query", ["", "?curator=1&mode=curate&qzc_curator=Ann&qzc_task=add&admin=true"])
def test_a_reader_without_the_credential_finds_no_curator_action(page, app_url, query):
    open_app(page, app_url + query)
    assert page.get_by_text("编辑模式未开启").count() == 1  # says plainly that it is off, and how to turn it on
    assert "QZ_CURATOR_PASSWORD_HASH" in page.get_by_text("编辑模式未开启").inner_text()
    assert page.locator(CURATOR_CLASS).count() == 0
    assert page.get_by_text("编辑登录").count() == 0 and page.get_by_text("编辑工作台").count() == 0


def test_without_signing_in_crafted_parameters_open_nothing_on_a_curator_deployment(page, curator_app_url):
    open_app(page, curator_app_url + "?qzc_curator=Ann&curator=1&mode=curate")
    assert page.get_by_text("编辑登录").count() == 1  # only the sign-in
    assert page.get_by_text("编辑工作台").count() == 0
    assert page.locator(".st-key-qzc_undo, .st-key-qzc_place_form, [class*='st-key-qzc_c_']").count() == 0
    sign_in(page, password="not the password at all")
    assert page.get_by_text("姓名或口令不对。").count() == 1
    assert page.get_by_text("编辑工作台").count() == 0


def test_a_reader_report_is_stored_and_shown_to_the_curator_as_text(page, curator_app_url, curated):
    open_app(page, curator_app_url)
    click_feature(page, "qujiang-gymnasium")
    wait_for_panel(page, "qujiang-gymnasium")
    map_frame(page).locator(".qz-panel button.qz-report").click()  # the panel asks for the form: a dialog
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("说明（可选）").fill(HOSTILE)
    dialog.get_by_role("button", name="发送").click()
    wait_until_idle(page)
    assert dialog.get_by_text("谢谢，编辑会查看。").count() == 1
    page.keyboard.press("Escape")
    rows = sqlite3.connect(curated.state / "reports.sqlite3").execute("SELECT kind, feature_id, comment FROM reports")
    assert ("position", "qujiang-gymnasium", HOSTILE) in rows.fetchall()
    assert page.locator(".qz-report").count() == 0  # a reader sees no reports, not even their own
    sign_in(page)
    report = page.locator(".qz-report").filter(has_text="onerror")
    assert HOSTILE in report.first.inner_text()  # shown literally
    assert page.locator("img[src=x]").count() == 0
    assert page.evaluate("() => window.qzPwned") is None
