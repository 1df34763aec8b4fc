"""A curator adds an article by URL from a local server (a page we wrote, tests/data/web/), previews
its text, date, outlet and places, saves it and sees its places on the map with its excerpts; then
adds the same story from another site, which becomes another source of it. A reader then sees, on a
laptop and on a phone, the article once with its outlet, a link to its source and a link to the
other site (links that open a new tab without telling it where it came from), and the timeline of
the bonded zone shows the event both articles report once, with both as its sources."""

from __future__ import annotations

import contextlib
import io
import shutil

import pytest
from conftest import app_served
from mapdriver import click_feature, map_frame, open_app, wait_for_excerpt, wait_until_idle

from mapapp.cli import main as cli_main
from mapapp.curation.credentials import hash_password
from mapapp.paths import ROOT_DIR
from tests.webpages import page as web_page
from tests.webpages import story

PASSWORD = "a long enough curator password"
PORT = story("port_route.txt")
GYM = story("gym_tournament.txt")
OTHER = story("port_report_other.txt")  # another story on the same port and bonded zone: one shared event
OTHER_URL = "https://bonded.example.cn/news/2025/0702/17.html"
REPRINT_HEADLINE = "新航线来了！家门口的货船直达梅山港"
TILES = ("tile.openstreetmap.org", "webrd0", "autonavi")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("intake-data")
    for name in ("seeds", "geodata", "layers"):
        shutil.copytree(ROOT_DIR / name, root / name)
    # the other story, taken in before the app starts from a saved page (as `python -m mapapp ingest`)
    saved = root / "bonded.html"
    saved.write_text(
        f"<!-- saved from url=(0048){OTHER_URL} -->\n" + web_page("portal_reprint.html", OTHER, date="2025-07-02"),
        encoding="utf-8",
    )
    where = ["--seeds", str(root / "seeds"), "--geodata", str(root / "geodata"), "--journal", str(root / "journal")]
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli_main(["ingest", str(saved), *where, "--by", "test"]) == 0
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
    before = sorted(p.name for p in (data / "seeds").iterdir())
    open_app(page, intake_app_url)
    page.get_by_text("编辑登录").click()
    page.get_by_label("姓名").fill("Ann")
    page.get_by_label("口令").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    wait_until_idle(page)
    page.get_by_role("tab", name="添加文章").click()
    # a page saved by a browser (GBK, declared wrongly as UTF-8), uploaded: previewed, then cancelled
    saved_page = web_page("sports_site_gbk.html", GYM, date_zh="2025年05月18日")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": "羽毛球.html", "mimeType": "text/html", "buffer": saved_page.encode("gbk")}]
    )
    page.get_by_role("button", name="预览").click()
    wait_until_idle(page)
    preview = page.locator(".qza-preview").inner_text()
    assert GYM.headline in preview and "2025-05-18" in preview and "gb18030" in preview.lower()
    page.get_by_role("button", name="取消").click()
    wait_until_idle(page)
    assert page.locator(".qza-preview").count() == 0 and sorted(p.name for p in (data / "seeds").iterdir()) == before
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
    saved = [p.name for p in (data / "seeds").glob("web-*.txt") if OTHER.paragraphs[0] not in p.read_text("utf-8")]
    assert len(saved) == 1 and PORT.paragraphs[0] in (data / "seeds" / saved[0]).read_text(encoding="utf-8")
    # its places on the map, with its excerpts: click the port zone it names
    click_feature(page, "dalu-zhang-zone")
    wait_for_excerpt(page, "衢港集运1号")
    assert map_frame(page).locator(f".qz-panel a.qz-link[href='{article_url}']").count() >= 1
    # the same story on another site (another host, other chrome, another headline): one more source
    reprint_url = httpserver.url_for("/portal/news/3333.html").replace("localhost", "127.0.0.1")
    httpserver.expect_request("/portal/news/3333.html").respond_with_data(
        web_page("portal_reprint.html", PORT, headline=REPRINT_HEADLINE, date="2025-06-12"), content_type="text/html"
    )
    wait_until_idle(page)
    page.get_by_role("tab", name="添加文章").click()  # the desk shows the selected place's actions above its tabs
    page.get_by_label("文章网址").fill(reprint_url)
    page.get_by_role("button", name="预览").click()
    wait_until_idle(page)
    page.get_by_text("的转载：保存时只把网址加为它的来源").wait_for()
    page.locator(".st-key-qza_save button").click()
    wait_until_idle(page)
    page.get_by_text("已加为来源：").wait_for(timeout=90_000)
    assert len(list((data / "seeds").glob("web-*.txt"))) == 2  # the other story and ours
    assert reprint_url in (data / "seeds" / "articles.toml").read_text(encoding="utf-8")

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
            source = meta.locator("a.qz-link:not(.qz-also-link)")
            assert source.get_attribute("href") == article_url and source.get_attribute("target") == "_blank"
            assert source.get_attribute("rel") == "noopener noreferrer"
            # the reprint: the same group (its excerpts once), a link to the other site
            assert (
                group.count() == 1
                and map_frame(reader).locator(".qz-panel .qz-group").filter(has_text=REPRINT_HEADLINE).count() == 0
            )
            assert group.locator("blockquote", has_text="衢港集运1号").count() == 1
            also = meta.locator("a.qz-also-link")
            assert also.count() == 1 and also.inner_text() == "127.0.0.1" and "转载" in meta.inner_text()
            assert (also.get_attribute("href"), also.get_attribute("rel")) == (reprint_url, "noopener noreferrer")
            # the bonded zone's timeline: the event both articles report, once, with both as sources
            open_app(reader, intake_app_url + "?feature=quzhou-bonded-zone-phase2")
            timeline = map_frame(reader).locator(".qz-panel .qz-timeline")
            timeline.wait_for()
            started = timeline.locator(".qz-tl-item[data-kind='construction_started']")
            assert started.count() == 1
            started.locator("summary").click()
            sources = started.locator(".qz-meta").all_inner_texts()
            assert any(PORT.headline in s for s in sources) and any(OTHER.headline in s for s in sources), sources
            assert reader.get_by_text("编辑工作台").count() == 0
        finally:
            context.close()
