"""A curator adds an article by URL from a local server (a page we wrote, tests/data/web/), previews
its text, date, outlet and places, saves it and sees its places on the map with its excerpts; a
reader then sees the article's outlet and a link to its source in the panel, on a laptop and on a
phone."""

from __future__ import annotations

import shutil

import pytest
from conftest import app_served
from mapdriver import click_feature, map_frame, open_app, wait_for_excerpt, wait_until_idle

from mapapp.curation.credentials import hash_password
from mapapp.paths import ROOT_DIR
from tests.webpages import page as web_page
from tests.webpages import story

PASSWORD = "a long enough curator password"
PORT = story("port_route.txt")
TILES = ("tile.openstreetmap.org", "webrd0", "autonavi")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("intake-data")
    for name in ("seeds", "geodata", "layers"):
        shutil.copytree(ROOT_DIR / name, root / name)
    return root


@pytest.fixture(scope="module")
def intake_app_url(tmp_path_factory, data):
    env = {
        "QZ_SEEDS_DIR": str(data / "seeds"),
        "QZ_GEODATA_DIR": str(data / "geodata"),
        "QZ_LAYERS_DIR": str(data / "layers"),
        "QZ_STATE_DIR": str(data / "state"),
        "QZ_CURATOR_PASSWORD_HASH": hash_password(PASSWORD),
    }
    with app_served(tmp_path_factory.mktemp("intake-app"), env) as url:
        yield url


def test_a_curator_adds_an_article_by_url_and_a_reader_sees_its_outlet_and_source(
    page, browser, intake_app_url, httpserver, data
):
    article_url = httpserver.url_for("/news/local/2025/0611/9931.html")
    httpserver.expect_request("/news/local/2025/0611/9931.html").respond_with_data(
        web_page("city_news.html", PORT, date="2025-06-11", url=article_url), content_type="text/html; charset=utf-8"
    )
    open_app(page, intake_app_url)
    page.get_by_text("编辑登录").click()
    page.get_by_label("姓名").fill("Ann")
    page.get_by_label("口令").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    wait_until_idle(page)
    page.get_by_role("tab", name="添加文章").click()
    page.get_by_label("文章网址").fill(article_url)
    page.get_by_role("button", name="预览").click()
    wait_until_idle(page)
    preview = page.locator(".qza-preview").inner_text()
    assert PORT.headline in preview and "衢江新闻网" in preview and "2025-06-11" in preview
    assert "大路章作业区" in page.get_by_text("大路章作业区 ×").first.inner_text()  # the places it names
    assert "将作为新文章保存" in page.get_by_text("将作为新文章保存").inner_text()
    page.get_by_role("button", name="保存").click()
    wait_until_idle(page)
    page.get_by_text("已保存为 web-").wait_for(timeout=90_000)  # the index is built again with the article
    saved = [p.name for p in (data / "seeds").glob("web-*.txt")]
    assert len(saved) == 1 and PORT.paragraphs[0] in (data / "seeds" / saved[0]).read_text(encoding="utf-8")
    # its places on the map, with its excerpts: click the port zone it names
    click_feature(page, "dalu-zhang-zone")
    wait_for_excerpt(page, "衢港集运1号")
    assert map_frame(page).locator(f".qz-panel a.qz-link[href='{article_url}']").count() >= 1

    # a reader (no sign-in) on a laptop and on a phone: the outlet and the link to the source
    for profile in (
        {"viewport": {"width": 1366, "height": 768}},
        {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3},
    ):
        context = browser.new_context(locale="zh-CN", **profile)
        context.route(
            "**/*", lambda route: route.abort() if any(t in route.request.url for t in TILES) else route.continue_()
        )
        reader = context.new_page()
        try:
            open_app(reader, intake_app_url + "?feature=dalu-zhang-zone")
            wait_for_excerpt(reader, "衢港集运1号")
            group = map_frame(reader).locator(".qz-panel .qz-group").filter(has_text=PORT.headline)
            meta = group.locator(".qz-meta").first
            assert "衢江新闻网" in meta.inner_text() and "2025-06-11" in meta.inner_text()
            source = meta.locator("a.qz-link")
            assert source.get_attribute("href") == article_url and source.get_attribute("target") == "_blank"
            assert "noopener" in (source.get_attribute("rel") or "")
            assert reader.get_by_text("编辑工作台").count() == 0
        finally:
            context.close()
