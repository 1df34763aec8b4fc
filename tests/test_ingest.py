"""`python -m mapapp ingest`, checked through the command line against pages and feeds we serve from
a local server (pytest-httpserver; no other network): a UTF-8 page, a GBK page that declares UTF-8,
a reprint of the first on another "site", a feed of both, and what must be refused with nothing
written (404, a binary, a page of links, a login wall, too large, too slow, a broken feed, other
schemes, a feed's links to hosts that are not public)."""

from __future__ import annotations

import contextlib
import io
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug import Request, Response

from mapapp.cli import main
from mapapp.datadirs import BUNDLED
from mapapp.intake.feeds import day_from_feed_date
from tests.webpages import CHROME, atom, page, rss, story

PORT = story("port_route.txt")
GYM = story("gym_tournament.txt")
OTHER = story("port_report_other.txt")


@pytest.fixture()
def folders(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "articles.toml").write_text("# articles taken in by the tests\n", encoding="utf-8")
    return seeds, tmp_path / "journal"


def ingest(folders, *sources: str, extra: tuple[str, ...] = ()) -> tuple[int, list[dict]]:
    seeds, journal = folders
    where = ["--seeds", str(seeds), "--geodata", str(BUNDLED.geodata_dir), "--journal", str(journal), "--by", "test"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["ingest", *sources, "--json", *where, *extra])
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def snapshot(seeds: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(seeds.iterdir())}


def serve_sites(httpserver) -> dict[str, str]:
    """The city paper (UTF-8) and the sports site (GBK bytes, declared UTF-8) on `localhost`, the
    portal's reprint on `127.0.0.1` (another site), and a feed of both originals."""
    city = httpserver.url_for("/news/local/2025/0611/9931.html")
    sports = httpserver.url_for("/show.asp")
    portal = httpserver.url_for("/portal/news/3333.html").replace("localhost", "127.0.0.1")
    httpserver.expect_request("/news/local/2025/0611/9931.html").respond_with_data(
        page("city_news.html", PORT, date="2025-06-11", url=city), content_type="text/html; charset=utf-8"
    )
    httpserver.expect_request("/show.asp").respond_with_data(
        page("sports_site_gbk.html", GYM, date_zh="2025年05月18日").encode("gbk"),
        content_type="text/html; charset=utf-8",  # declared wrongly, as some local sites do
    )
    reprint = page("portal_reprint.html", PORT, headline="新航线来了！家门口的货船直达梅山港", date="2025-06-12")
    httpserver.expect_request("/portal/news/3333.html").respond_with_data(reprint, content_type="text/html")
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss("衢江新闻", [city, sports]), content_type="application/rss+xml"
    )
    return {"city": city, "sports": sports, "portal": portal, "feed": httpserver.url_for("/feed.xml")}


def test_a_utf8_page_is_taken_in_with_its_sentences_and_none_of_the_chrome(httpserver, folders):
    urls = serve_sites(httpserver)
    code, (row,) = ingest(folders, urls["city"])
    assert code == 0
    assert (row["status"], row["title"], row["date"], row["outlet"]) == (
        "added",
        PORT.headline,
        "2025-06-11",
        "衢江新闻网",
    )
    assert "metadata" in row["date_basis"] and row["url"] == urls["city"] and row["sources"] == [urls["city"]]
    seeds, _ = folders
    text = (seeds / row["article"]).read_text(encoding="utf-8")
    assert all(sentence in text for sentence in PORT.sentences)
    assert [c for c in CHROME if c in text] == []
    assert text.startswith(PORT.headline + "\n\n")
    # the metadata entry, as the corpus reads it
    from mapapp.pipeline.corpus import load_corpus

    (article,) = load_corpus(seeds).articles
    assert (article.headline, article.date, article.outlet, article.source_urls) == (
        PORT.headline,
        "2025-06-11",
        "衢江新闻网",
        (urls["city"],),
    )


def test_a_gbk_page_declared_as_utf8_is_read_as_gbk_and_dated_by_its_date_line(httpserver, folders):
    urls = serve_sites(httpserver)
    code, (row,) = ingest(folders, urls["sports"])
    assert code == 0 and row["status"] == "added"
    assert (row["title"], row["date"], row["outlet"]) == (GYM.headline, "2025-05-18", "衢州体育在线")
    assert "发布日期：2025年05月18日" in row["date_basis"]  # not the top bar's "today"
    text = (folders[0] / row["article"]).read_text(encoding="utf-8")
    assert all(sentence in text for sentence in GYM.sentences)
    assert [c for c in CHROME if c in text] == []


def test_a_reprint_on_another_site_is_another_source_of_the_same_article(httpserver, folders):
    urls = serve_sites(httpserver)
    code, rows = ingest(folders, urls["city"], urls["portal"], urls["portal"])
    assert code == 0
    first, reprint, again = rows
    assert (reprint["status"], reprint["article"]) == ("reprint", first["article"])
    assert reprint["outlet"] == "四省边际门户" and reprint["title"] != first["title"]
    assert reprint["sources"] == [urls["city"], urls["portal"]]
    assert (again["status"], again["article"], again["sources"]) == ("unchanged", first["article"], reprint["sources"])
    seeds, _ = folders
    assert sorted(p.name for p in seeds.glob("*.txt")) == [first["article"]]  # one story, one text
    from mapapp.pipeline.corpus import load_corpus

    (article,) = load_corpus(seeds).articles
    assert article.source_urls == (urls["city"], urls["portal"]) and article.outlet == "衢江新闻网"


def test_a_feed_of_both_takes_in_each_entry_and_again_changes_nothing(httpserver, folders):
    urls = serve_sites(httpserver)
    code, rows = ingest(folders, urls["feed"])
    assert code == 0
    assert [(r["source"], r["status"]) for r in rows] == [(urls["city"], "added"), (urls["sports"], "added")]
    seeds, _ = folders
    before = snapshot(seeds)
    code, rows = ingest(folders, urls["feed"])
    assert code == 0 and [r["status"] for r in rows] == ["unchanged", "unchanged"]
    assert snapshot(seeds) == before


def test_a_feed_of_several_pages_in_other_shapes_takes_each_in_and_dates_an_undated_one_by_the_feed(
    httpserver, folders
):
    """Shapes seen on real local pages: a wire site (date and time, then "来源: <paper>", no date metadata,
    the date in the URL's folders), a government site in GB2312 (declared rightly, "发布时间: 2025.05.18"
    with dots, no site name but its host), a lifestyle site with no date anywhere, and a dead link."""
    wire = httpserver.url_for("/zj/2025-07/02/c_1130001.htm")
    gov = httpserver.url_for("/art/shtml/9983/495122/detail_3.shtml")
    undated = httpserver.url_for("/show") + "?id=88"
    dead = httpserver.url_for("/gone.html")
    httpserver.expect_request("/zj/2025-07/02/c_1130001.htm").respond_with_data(
        page("wire_site.html", OTHER, date="2025-07-02", source_outlet="衢州日报"), content_type="text/html"
    )
    httpserver.expect_request("/art/shtml/9983/495122/detail_3.shtml").respond_with_data(
        page("gov_site_gbk.html", GYM, date_dotted="2025.05.18").encode("gbk"), content_type="text/html"
    )
    httpserver.expect_request("/show").respond_with_data(page("no_date.html", PORT), content_type="text/html")
    httpserver.expect_request("/gone.html").respond_with_data("not here", status=404)
    dates = ["Wed, 02 Jul 2025 11:00:00 +0800", "Sun, 18 May 2025 16:20:00 +0800"]
    dates += ["Thu, 12 Jun 2025 00:30:00 +0800", "Fri, 13 Jun 2025 08:00:00 +0800"]  # 00:30 in Quzhou: still the 12th
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss("衢州要闻", [wire, gov, undated, dead], dates), content_type="application/rss+xml"
    )
    code, rows = ingest(folders, httpserver.url_for("/feed.xml"))
    assert code == 1 and [r["status"] for r in rows] == ["added", "added", "added", "refused"]
    assert [(r["title"], r["date"], r["outlet"]) for r in rows[:3]] == [
        (OTHER.headline, "2025-07-02", "浙西通讯网"),
        (GYM.headline, "2025-05-18", urlsplit(gov).netloc),  # no site name on the page: its host
        (PORT.headline, "2025-06-12", "衢州生活圈"),
    ]
    assert "2025-07-02 10:29" in rows[0]["date_basis"] and "发布时间: 2025.05.18" in rows[1]["date_basis"]
    assert (
        rows[2]["date_basis"]
        == "the feed's date for this entry: 'Thu, 12 Jun 2025 00:30:00 +0800' (the page gives none)"
    )
    assert rows[3]["source"] == dead and "404" in rows[3]["reason"]
    seeds, _ = folders
    for row, text in zip(rows, (OTHER, GYM, PORT), strict=False):
        stored = (seeds / row["article"]).read_text(encoding="utf-8")
        assert all(sentence in stored for sentence in text.sentences), row["article"]
        assert [c for c in (*CHROME, "浏览次数", "字号", "关闭窗口", "客户端下载", "作者：圈圈") if c in stored] == []


def test_a_page_with_no_date_anywhere_is_taken_in_undated_and_says_so(httpserver, folders):
    undated = httpserver.url_for("/show") + "?id=88"
    httpserver.expect_request("/show").respond_with_data(page("no_date.html", PORT), content_type="text/html")
    code, (row,) = ingest(folders, undated)
    assert (code, row["status"], row["date"], row["outlet"]) == (0, "added", "", "衢州生活圈")
    assert row["date_basis"].startswith("no date on the page, in its URL or in its text")


def test_a_scratch_seeds_folder_sharing_the_journal_is_not_given_another_folders_article(httpserver, folders):
    """The last change in a journal is finished only in the folders it could have been made in: a
    scratch seeds folder that shares the journal does not receive the real folder's last article."""
    undated = httpserver.url_for("/show") + "?id=88"
    httpserver.expect_request("/show").respond_with_data(page("no_date.html", PORT), content_type="text/html")
    assert ingest(folders, undated)[0] == 0
    scratch = folders[0].parent / "scratch"
    scratch.mkdir()
    (scratch / "articles.toml").write_text("# a scratch folder\n", encoding="utf-8")
    code, (row,) = ingest((scratch, folders[1]), undated)
    assert (code, row["status"]) == (0, "added")
    assert sorted(p.name for p in scratch.iterdir()) == ["articles.toml", row["article"]]
    assert PORT.headline in (scratch / "articles.toml").read_text(encoding="utf-8")


def test_a_feed_date_is_the_day_as_written_in_its_own_time_zone():
    assert day_from_feed_date("Thu, 12 Jun 2025 00:30:00 +0800") == "2025-06-12"
    assert day_from_feed_date("2025-06-12T00:30:00+08:00") == "2025-06-12"
    assert day_from_feed_date("2025-06-11T16:30:00Z") == "2025-06-11"
    assert day_from_feed_date("上周三") == "" and day_from_feed_date("") == ""


def test_an_atom_feed_file_names_its_entries_as_urls(httpserver, folders, tmp_path):
    urls = serve_sites(httpserver)
    feed = tmp_path / "feed.atom"
    feed.write_text(atom("体育", [urls["sports"]]), encoding="utf-8")
    # a feed file is not a host: its entries are fetched only from public hosts, so this one is refused
    code, (row,) = ingest(folders, str(feed))
    assert code == 1 and row["status"] == "refused" and "not on the public internet" in row["reason"]


def test_the_places_the_article_names_are_found_by_mentions(httpserver, folders, capsys):
    urls = serve_sites(httpserver)
    code, (row,) = ingest(folders, urls["city"])
    assert code == 0
    capsys.readouterr()
    assert main(["mentions", "--json", "--seeds", str(folders[0])]) == 0
    found = {m["feature_id"] for m in json.loads(capsys.readouterr().out) if m["article"] == row["article"]}
    assert {"dalu-zhang-zone", "qujiang-port-area", "meishan-port-area", "quzhou-bonded-zone-phase2"} <= found


@pytest.mark.parametrize(
    ("path", "respond", "why"),
    [
        ("/gone.html", lambda: Response("no such page", status=404), "404"),
        ("/photo.png", lambda: Response(b"\x89PNG\r\n\x1a\n" + bytes(2000), content_type="image/png"), "image/png"),
        ("/report.html", lambda: Response(b"%PDF-1.7\n" + bytes(2000), content_type="text/html"), "binary"),
        (
            "/list.html",
            lambda: Response(
                (Path(__file__).parent / "data/web/link_list.html").read_bytes(), content_type="text/html"
            ),
            "a page of links",
        ),
        (
            "/login.html",
            lambda: Response(
                (Path(__file__).parent / "data/web/login_wall.html").read_bytes(), content_type="text/html"
            ),
            "a login page",
        ),
        ("/big.html", lambda: Response(("<p>衢江。</p>" * 600_000).encode(), content_type="text/html"), "too large"),
        (
            "/stream.html",
            lambda: Response((b"<p>x</p>" * 8192 for _ in range(100)), content_type="text/html"),
            "too large",
        ),
        (
            "/broken.xml",
            lambda: Response(
                b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>x</ti',
                content_type="application/rss+xml",
            ),
            "does not parse",
        ),
        (
            "/redirect",
            lambda: Response("", status=302, headers={"Location": "http://10.1.2.3/admin"}),
            "not on the public internet",
        ),
    ],
)
def test_bad_input_is_refused_with_why_and_nothing_is_written(httpserver, folders, path, respond, why):
    httpserver.expect_request(path).respond_with_handler(lambda request: respond())
    seeds, journal = folders
    before = snapshot(seeds)
    code, (row,) = ingest(folders, httpserver.url_for(path))
    assert code == 1 and row["status"] == "refused" and why in row["reason"], row
    assert "\n" not in row["reason"] and row["article"] is None
    assert snapshot(seeds) == before and not (journal / "journal.jsonl").exists()


def test_a_server_that_does_not_answer_in_time_is_refused(httpserver, folders):
    def slow(request: Request) -> Response:
        time.sleep(2.5)
        return Response("<p>late</p>", content_type="text/html")

    httpserver.expect_request("/slow.html").respond_with_handler(slow)
    code, (row,) = ingest(folders, httpserver.url_for("/slow.html"), extra=("--timeout", "1"))
    assert code == 1 and "timeout" in row["reason"]


def test_other_schemes_and_unnamed_files_are_refused(folders, tmp_path):
    (tmp_path / "notes.txt").write_text("衢江港区。" * 50, encoding="utf-8")
    code, rows = ingest(
        folders,
        "file:///etc/passwd",
        "ftp://example.com/a.html",
        str(tmp_path / "notes.txt"),
        str(tmp_path / "nope.html"),
    )
    assert code == 1 and [r["status"] for r in rows] == ["refused"] * 4
    assert "file: address is not taken" in rows[0]["reason"] and "ftp: address" in rows[1]["reason"]
    assert "not a saved page or feed" in rows[2]["reason"] and "no such file" in rows[3]["reason"]


def test_a_feeds_entries_on_other_hosts_that_are_not_public_are_not_fetched(httpserver, folders):
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss("x", ["http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"]), content_type="text/xml"
    )
    code, rows = ingest(folders, httpserver.url_for("/feed.xml"))
    assert code == 1 and [r["status"] for r in rows] == ["refused", "refused"]
    assert "not on the public internet" in rows[0]["reason"] and "http(s) URL" in rows[1]["reason"]


def test_a_saved_page_is_taken_in_with_the_address_it_was_saved_from(folders, tmp_path):
    saved = tmp_path / "航线.html"
    body = page("sports_site_gbk.html", GYM, date_zh="2025年05月18日")
    saved.write_bytes(("<!-- saved from url=(0031)https://sports.example/show.asp -->\n" + body).encode("gbk"))
    bare = tmp_path / "other.htm"
    bare.write_text(page("portal_reprint.html", OTHER, date="2025-07-02"), encoding="utf-8")
    code, (first, second) = ingest(folders, str(saved), str(bare))
    assert code == 0 and (first["status"], second["status"]) == ("added", "added")
    assert first["sources"] == ["https://sports.example/show.asp"] and first["url"] == "https://sports.example/show.asp"
    assert second["url"] is None and second["sources"] == ["other.htm"]  # the file's name only, never its path
    toml = (folders[0] / "articles.toml").read_text(encoding="utf-8")
    assert 'source_files = ["other.htm"]' in toml and str(tmp_path) not in toml


def test_an_ingest_is_journalled_and_undone_like_any_curated_change(httpserver, folders, capsys):
    urls = serve_sites(httpserver)
    seeds, journal = folders
    before = snapshot(seeds)
    code, rows = ingest(folders, urls["city"], urls["portal"])
    assert code == 0
    args = ["--geodata", str(BUNDLED.geodata_dir), "--journal", str(journal), "--seeds", str(seeds), "--by", "test"]
    capsys.readouterr()
    assert main(["curate", "log", "--geodata", str(BUNDLED.geodata_dir), "--journal", str(journal)]) == 0
    log = capsys.readouterr().out
    assert "add-article" in log and "add-source" in log and f"seeds/{rows[0]['article']}" in log
    assert main(["curate", "undo", *args]) == 0  # the reprint's URL
    assert main(["curate", "undo", *args]) == 0  # the article
    assert snapshot(seeds) == before
