"""Smoke tests of the whole page with streamlit.testing (no browser): real seeds, geodata, layers.

The place panel is drawn in the browser from the files the page writes (tests/browser); here the
server's side is checked: the URL, the map it sends, and the place files the map points to."""

from __future__ import annotations

import html
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from mapapp.app.panel import escape_markdown
from mapapp.paths import ROOT_DIR, STATIC_DIR

APP = str(ROOT_DIR / "streamlit_app.py")


def run_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture(scope="module")
def index():
    from mapapp.pipeline.index import build_map_index

    return build_map_index()


def map_args(at: AppTest) -> dict:
    """The arguments the app sent to the st_folium component."""
    [component] = [e for e in at.main if getattr(e, "type", None) == "component_instance"]
    return json.loads(component.proto.json_args)


def layer_switch_titles(at: AppTest) -> list[str]:
    """The layer titles the in-map switch lists (its spec, read from the overlays the app sent)."""
    found = re.search(r"window\.qzLayers\.control\((\{.*\})\); \}", map_args(at)["feature_group"])
    assert found, "the overlays carry no layer switch"
    return [layer["title"] for group in json.loads(found.group(1))["groups"] for layer in group["layers"]]


def place_record(at: AppTest, feature_id: str, lang: str = "zh") -> dict:
    """The place file the map sent to this page points to (reader.js reads it on a click)."""
    found = re.search(r"window\.qzReader\.attach\(\w+, (\{.*?\})\); \}", map_args(at)["script"])
    assert found, "the map carries no reader set-up"
    options = json.loads(found.group(1))
    folder = options["placedata"].split("/app/static/", 1)[1]
    current = json.loads((STATIC_DIR / folder / "current.json").read_text(encoding="utf-8"))
    assert current["version"] == options["version"]
    return json.loads(
        (STATIC_DIR / folder / current["version"] / lang / f"{feature_id}.json").read_text(encoding="utf-8")
    )


def feature_id_named(index, name_zh: str) -> str:
    return next(f.feature_id for f in index.features.values() if f.name_zh == name_zh)


def test_page_comes_up_in_chinese_pointing_to_the_layer_switch_in_the_map():
    at = run_app()
    assert at.title[0].value == "衢州新闻地图"
    assert not at.sidebar.checkbox  # layers are switched in the map (mapapp.map.layerswitch), not here
    titles = layer_switch_titles(at)
    assert titles[:5] == ["铁路", "公路", "港口与航道", "航空", "远程线路"]  # 交通 first, in layer order
    assert "区县界" in titles
    assert "开关图层：点地图右上角的“图层”。" in [caption.value for caption in at.sidebar.caption]
    assert at.query_params["lang"] == "zh" and at.query_params["basemap"] == "osm"


def test_english_on_request():
    at = run_app(lang="en")
    assert at.title[0].value == "Quzhou news map"
    assert any("top right" in caption.value for caption in at.sidebar.caption)
    assert "Rail" in layer_switch_titles(at)


def test_deep_link_selects_the_place_and_its_panel_is_ready(index):
    gym_id = feature_id_named(index, "衢江区体育馆")
    at = run_app(feature=gym_id)
    assert at.query_params["feature"] == gym_id
    assert at.query_params["z"]  # zoomed to the gymnasium
    record = place_record(at, gym_id)
    assert record["name"] == "衢江区体育馆"
    assert [e["text"] for g in record["excerpts"]["groups"] for e in g["excerpts"]] == [
        e.text for e in index.excerpts[gym_id]
    ]
    assert place_record(at, gym_id, "en")["name"] == index.features[gym_id].name_en


def test_deep_link_turns_on_the_layer_of_the_selected_place(index):
    gym_id = feature_id_named(index, "衢江区体育馆")
    at = run_app(feature=gym_id, layers="rail", lat="28.9", lon="118.9", z="11")
    assert at.query_params["layers"].split(",") == ["rail", "sports"]
    assert (at.query_params["lat"], at.query_params["z"]) == ("28.90000", "11")  # the link's view wins


def test_unknown_feature_gives_a_notice_and_no_selection():
    at = run_app(feature="no-such-place", layers="rail,bogus")
    warnings = [w.value for w in at.warning]
    assert any("no\\-such\\-place" in w for w in warnings) and any("bogus" in w for w in warnings)
    assert "feature" not in at.query_params
    assert at.query_params["layers"] == "rail"


def test_search_then_choose_selects_and_updates_the_url_without_sending_the_map_again(index):
    zone_id = feature_id_named(index, "衢州综合保税区")
    at = run_app()
    before = map_args(at)
    at.text_input(key="w_search").input("综保区").run()
    at.button(key=f"w_hit_{zone_id}").click().run()
    assert not at.exception
    assert at.query_params["feature"] == zone_id and at.query_params["z"]
    # The map's script follows the URL (panel, layers, view): the map itself is not sent again.
    assert map_args(at) == before


def test_the_browsers_url_is_the_state_the_server_takes(index):
    gym_id = feature_id_named(index, "衢江区体育馆")
    zone_id = feature_id_named(index, "衢州综合保税区")
    at = run_app(feature=gym_id)
    # The reader clicks the zone, pans and switches layers in the browser: the URL says so (reader.js).
    at.query_params["feature"] = zone_id
    at.query_params["layers"] = "rail,bonded_logistics"
    at.query_params["lat"], at.query_params["lon"], at.query_params["z"] = "29.1", "118.8", "12"
    at.radio(key="w_lang").set_value("en").run()  # then changes the language: the server writes the URL
    assert not at.exception
    assert at.query_params["lang"] == "en" and at.query_params["feature"] == zone_id
    assert at.query_params["layers"] == "rail,bonded_logistics"
    assert (at.query_params["lat"], at.query_params["lon"], at.query_params["z"]) == ("29.10000", "118.80000", "12")


def test_pure_modules_do_not_import_streamlit():
    import subprocess
    import sys

    code = (
        "import sys; import mapapp.map.mapview, mapapp.app.selection, mapapp.app.urlstate, mapapp.map.assets; "
        "sys.exit('streamlit' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT_DIR).returncode == 0


def _point_app_at(monkeypatch, folders) -> None:
    for name, value in folders.env().items():
        monkeypatch.setenv(name, value)


def test_app_on_broken_data_lists_what_it_skipped_and_serves_the_rest(monkeypatch, broken_data):
    from datafactory import BROKEN_EXPECTED

    _point_app_at(monkeypatch, broken_data)
    at = run_app(feature="dalu-zhang-zone")
    [notice] = [w.value for w in at.warning]
    assert f"已跳过 {len(BROKEN_EXPECTED)} 项" in notice
    # the validator's own lines (escaped HTML, marked as English), introduced in the reader's language
    listed = "\n".join(block.proto.body for block in at.expander[0].get("html"))
    assert "以下为数据校验的原文" in listed and "<ul lang='en'>" in listed
    for file_name, item, _field, _words in BROKEN_EXPECTED:
        assert html.escape(file_name) in listed and html.escape(item) in listed
    assert place_record(at, "dalu-zhang-zone")["name"] == "大路章作业区"  # the good data is served
    assert layer_switch_titles(at) == ["港口与航道", "区县界", "行政区划", "体育场馆", "公共服务"]


def test_app_on_hostile_data_passes_names_to_markdown_escaped(monkeypatch, hostile_data):
    _point_app_at(monkeypatch, hostile_data.folders)
    at = run_app(feature=hostile_data.feature_id)
    assert (
        place_record(at, hostile_data.feature_id)["name"] == hostile_data.name_zh
    )  # text; the browser sets textContent
    assert hostile_data.layer_title_zh in layer_switch_titles(at)  # as data; the map sets it as textContent
    assert "<" not in map_args(at)["feature_group"].split("window.qzLayers.control(")[1].split(");")[0]
    at.text_input(key="w_search").input("毒馆").run()
    assert escape_markdown(f"{hostile_data.name_zh} ({hostile_data.alias})") in [b.label for b in at.sidebar.button]


def test_app_with_no_data_at_all_still_comes_up(monkeypatch, tmp_path):
    for name in ("QZ_SEEDS_DIR", "QZ_GEODATA_DIR", "QZ_LAYERS_DIR"):
        monkeypatch.setenv(name, str(tmp_path / "missing"))
    at = run_app()
    assert at.title[0].value == "衢州新闻地图"
    assert "已跳过 3 项" in at.warning[0].value


def test_panel_lists_a_dozen_articles_at_a_time_whatever_the_corpus_size(tmp_path, monkeypatch):
    """A click costs the same for 5 or 5,000 articles: the place's file holds the first page of
    articles, and the next pages are files of their own, read when the reader asks for more."""
    import shutil

    from mapapp.app.placedata import PAGE_ARTICLES
    from mapapp.paths import SEEDS_DIR

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    source = sorted(SEEDS_DIR.glob("*.txt"))
    entries = []
    for n in range(3 * PAGE_ARTICLES):
        original = source[n % len(source)]
        shutil.copyfile(original, seeds / f"copy{n:03d}_{original.name}")
        # copies stand for different articles here (as reprints they would be folded into five)
        entries.append(f'["copy{n:03d}_{original.name}"]\nheadline = "copy {n}"\nreprint_check = "off"\n')
    (seeds / "articles.toml").write_text("\n".join(entries), encoding="utf-8")
    monkeypatch.setenv("QZ_SEEDS_DIR", str(seeds))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["feature"] = "quzhou-city"
    at.run()
    assert not at.exception
    record = place_record(at, "quzhou-city")
    assert len(record["excerpts"]["groups"]) == PAGE_ARTICLES
    assert record["excerpts"]["articles"] == 3 * PAGE_ARTICLES
    assert (
        record["excerpts"]["next"] == "quzhou-city.2.json" and record["excerpts"]["more_articles"] == 2 * PAGE_ARTICLES
    )


def test_the_map_a_new_reader_gets_is_written_for_phones_and_a_links_own_layers_are_not():
    """mapapp.app.previewfiles: the phone's first map is the map of a link in that language and basemap
    with the default layers, byte for byte what the component got (popups left out)."""
    from mapapp.app import ui
    from mapapp.app.placefiles import PLACEDATA_DIR, source_key
    from mapapp.app.previewfiles import preview_file, without_popups
    from mapapp.datadirs import BUNDLED

    path = preview_file(PLACEDATA_DIR / source_key(BUNDLED), "en", "none")
    path.unlink(missing_ok=True)
    ui._cached_preview.clear()
    run_app(lang="en", basemap="none", layers="rail")  # a link's own layers: not what a new reader gets
    assert not path.exists()
    at = run_app(lang="en", basemap="none")
    written = json.loads(path.read_text(encoding="utf-8"))
    args = map_args(at)
    assert written["script"] == args["script"] and written["header"] == args["header"]
    assert written["feature_group"] == without_popups(args["feature_group"])
    assert 'qzReader.configure("en"' in written["feature_group"]  # the reader's words in English
    assert written["js_links"] == args["js_links"] and written["css_links"] == args["css_links"]
