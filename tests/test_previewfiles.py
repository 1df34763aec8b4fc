"""previewfiles: a phone's first map as a static file, and the lines nginx puts into Streamlit's page."""

from __future__ import annotations

import json
import re

import pytest

from mapapp.app.previewfiles import (
    PREVIEW_DATA_PATH,
    PreviewMap,
    page_snippet,
    preview_file,
    without_popups,
    write_preview,
)
from mapapp.map.assets import PREVIEW_PAGE, READER_SOURCE_DIR, install_reader_files, preview_page_url

GROUPS_JS = (
    'geo_json_a_add({"features": [{"properties": {"id": "p1", "label_html": "<b>\\u8862</b>", '
    '"popup_html": "<div class=\\"qz-popup\\">a \\"quoted\\" \\\\ word</div>", "name": "x"}}, '
    '{"properties": {"id": "p2", "popup_html": "", "name": "y"}}]});'
)
SNIPPET_ARGS = {
    "preview_page": "/app/static/preview.0123456789ab.html",
    "source": "abcdef012345",
    "langs": ("zh", "en"),
    "basemaps": ("osm", "gaode", "none"),
    "phone_max_px": 640,
    "top_px": 48,
    "titles": {"zh": "衢州新闻地图", "en": "Quzhou news map"},
}


def _preview(groups: str = GROUPS_JS) -> PreviewMap:
    return PreviewMap(
        header="<style>.qz-x { color: red; }</style>",
        script='var map_div = L.map("map_div", {});',
        feature_group=groups,
        css_links=("../../app/static/vendor/leaflet-1.9.3/leaflet.css",),
        js_links=("../../app/static/vendor/leaflet-1.9.3/leaflet.js", "../../app/static/app/reader.0123.js"),
    )


def test_popups_are_emptied_and_everything_else_kept():
    out = without_popups(GROUPS_JS)
    assert out.count('"popup_html": ""') == 2
    assert "qz-popup" not in out and "quoted" not in out
    assert '"label_html": "<b>\\u8862</b>"' in out and '"name": "x"' in out and '"name": "y"' in out
    # what is left is still the same call with valid JSON in it
    data = json.loads(re.fullmatch(r"geo_json_a_add\((.*)\);", out).group(1))
    assert [f["properties"]["popup_html"] for f in data["features"]] == ["", ""]


def test_a_preview_is_written_once_whole_and_again_when_it_changed(tmp_path):
    path = preview_file(tmp_path / "abcdef012345", "zh", "osm")
    assert path.name == "preview-zh-osm.json"
    assert write_preview(path, _preview()) is True
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["script"] == 'var map_div = L.map("map_div", {});'
    assert written["feature_group"] == without_popups(GROUPS_JS)
    assert written["js_links"][-1].endswith("reader.0123.js") and written["css_links"][0].endswith("leaflet.css")
    assert written["header"].startswith("<style>")
    stamp = path.stat().st_mtime_ns
    assert write_preview(path, _preview()) is False  # the same map: the file is left alone
    assert path.stat().st_mtime_ns == stamp
    assert write_preview(path, _preview(GROUPS_JS.replace('"name": "y"', '"name": "z"'))) is True
    assert '"name": "z"' in json.loads(path.read_text(encoding="utf-8"))["feature_group"]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


@pytest.mark.parametrize(("lang", "basemap"), [("zh", "../x"), ("zh-CN", "osm"), ("", "osm"), ("zh", "OSM")])
def test_preview_file_names_take_plain_codes_only(tmp_path, lang, basemap):
    with pytest.raises(ValueError, match="lower-case codes"):
        preview_file(tmp_path, lang, basemap)


def test_the_page_snippet_fits_in_an_nginx_string_and_names_only_the_apps_own_files():
    snippet = page_snippet(**SNIPPET_ARGS)
    assert not set(snippet) & {'"', "\\", "$", "\n"}
    assert snippet.startswith("<style>#qz-preview{") and snippet.endswith("</script>")
    assert "max-width: 640px" in snippet and "top:48px" in snippet and "calc(100% - 48px)" in snippet
    assert "f.src='/app/static/preview.0123456789ab.html?data='" in snippet
    assert "'/app/static/placedata/abcdef012345/preview-'+lang+'-'+map+'.json'" in snippet
    for lang in ("zh", "en"):  # every file it can ask for is one the preview page agrees to read
        for basemap in ("osm", "gaode", "none"):
            assert PREVIEW_DATA_PATH.match(f"/app/static/placedata/abcdef012345/preview-{lang}-{basemap}.json")
    assert not PREVIEW_DATA_PATH.match("//elsewhere.example/app/static/placedata/abcdef012345/preview-zh-osm.json")
    assert not PREVIEW_DATA_PATH.match("/app/static/placedata/abcdef012345/../x/preview-zh-osm.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"source": "../etc"}, "12 hex digits"),
        ({"preview_page": "https://elsewhere.example/p.html"}, "preview.<hash>.html"),
        ({"titles": {"zh": "衢州'新闻", "en": "x"}}, "without quotes"),
        ({"titles": {"zh": "<b>衢州</b>", "en": "x"}}, "without quotes"),
        ({"langs": ("zh", "e'n")}, "lower-case letters"),
    ],
)
def test_the_page_snippet_refuses_what_could_break_out_of_it(change, message):
    with pytest.raises(ValueError, match=message):
        page_snippet(**{**SNIPPET_ARGS, **change})


def test_the_preview_page_reads_only_what_previewfiles_allows():
    page = (READER_SOURCE_DIR / PREVIEW_PAGE).read_text(encoding="utf-8")
    found = re.search(r"var DATA = /(.+)/;", page)
    assert found, "preview.html checks the file it is asked to read"
    assert found.group(1) == PREVIEW_DATA_PATH.pattern.replace("/", "\\/")
    # the same frame as streamlit-folium's, where the reader's script puts its panel
    assert '<div id="parent" class="float-container single"><div class="float-child"><div id="map_div">' in page


def test_the_preview_page_is_installed_in_static_under_its_hash(tmp_path):
    install_reader_files(static_dir=tmp_path)
    name = preview_page_url().removeprefix("/app/static/")
    assert re.fullmatch(r"preview\.[0-9a-f]{12}\.html", name)
    assert (tmp_path / name).read_bytes() == (READER_SOURCE_DIR / PREVIEW_PAGE).read_bytes()
