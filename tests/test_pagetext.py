"""A page's encoding, article text, headline, date and outlet (mapapp.intake.pagetext), and the
panel's outlet and source links, on pages we wrote (tests/data/web/)."""

from __future__ import annotations

import pytest

from mapapp.errors import SourceRefused
from mapapp.intake.pagetext import article_from_page, html_from_bytes
from mapapp.intake.webfetch import check_allowed, public_host
from tests.webpages import CHROME, Story, page, story

GYM = story("gym_tournament.txt")
PORT = story("port_route.txt")


def test_utf8_bytes_are_utf8_whatever_the_page_declares():
    html = page("sports_site_gbk.html", GYM, date_zh="2025年05月18日").replace("charset=utf-8", "charset=gb2312")
    text, how = html_from_bytes(html.encode("utf-8"), "text/html; charset=GBK")
    assert GYM.paragraphs[0] in text and how == "utf-8 (declared gb18030, but the bytes are UTF-8)"


@pytest.mark.parametrize(
    ("declared", "how"),
    [
        ("text/html; charset=gb2312", "gb18030 (declared)"),
        ("text/html", "gb18030, detected (declared utf-8 did not decode)"),
    ],
)
def test_gbk_bytes_are_read_by_the_declared_superset_or_detected(declared, how):
    html = page("sports_site_gbk.html", GYM, date_zh="2025年05月18日")  # its <meta> says utf-8
    text, found = html_from_bytes(html.encode("gbk"), declared)
    assert GYM.paragraphs[-1] in text and found == how


def test_the_headline_loses_the_sites_name_and_the_outlet_is_that_name():
    html = page("sports_site_gbk.html", GYM, date_zh="2025年05月18日")
    article = article_from_page(html, page_url="http://sports.example/show.asp?id=812", source="x")
    assert (article.headline, article.outlet, article.lang) == (GYM.headline, "衢州体育在线", "zh")
    assert article.text.startswith(GYM.headline + "\n\n") and article.text.endswith("\n")
    assert [c for c in CHROME if c in article.text] == []
    assert article.url == "http://sports.example/show.asp?id=812"


@pytest.mark.parametrize(
    "url",
    [
        "http://www.example.gov.cn/art/2025/5/18/art_1229_5912.html",
        "http://sports.example/2025/0518/812.html",
        "http://sports.example/news/20250518/812.html",
        "http://sports.example/col/t20250518_812.html",
    ],
)
def test_a_date_in_the_url_is_used_when_the_page_gives_none(url):
    html = page("sports_site_gbk.html", GYM, date_zh="不详")
    article = article_from_page(html, page_url=url, source="x")
    assert article.date == "2025-05-18" and "URL" in article.date_basis


def test_without_metadata_date_line_or_url_a_whole_date_in_the_text_dates_it_and_says_so():
    told = Story(GYM.headline, ("2025年5月18日，" + GYM.paragraphs[0].split("，", 1)[1], *GYM.paragraphs[1:]))
    html = page("sports_site_gbk.html", told, date_zh="不详")
    article = article_from_page(html, page_url="http://sports.example/show.asp?id=812", source="x")
    assert article.date == "2025-05-18" and article.date_basis.startswith("the article text:")


def test_a_day_without_its_year_is_not_guessed():
    # "5月18日上午" and a year the text mentions for something else ("2010年") would guess 2010-05-18
    told = Story(GYM.headline, ("5月18日上午，场馆自2010年起承办比赛。", *GYM.paragraphs[1:]))
    html = page("sports_site_gbk.html", told, date_zh="不详")
    article = article_from_page(html, page_url="http://sports.example/show.asp?id=812", source="x")
    assert article.date == "" and "not guessed" in article.date_basis


def test_a_page_with_almost_no_text_is_refused():
    with pytest.raises(SourceRefused, match="x: not an article"):
        article_from_page("<html><body><p>衢江。</p></body></html>", page_url=None, source="x")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8000/a.html", False),
        ("http://10.0.0.8/a.html", False),
        ("http://169.254.169.254/latest/", False),
        ("http://[::1]/a.html", False),
        ("http://192.168.1.1/", False),
        ("ftp://example.com/a", False),
    ],
)
def test_only_public_hosts_or_the_named_one_are_fetched(url, allowed):
    if allowed:
        check_allowed(url, named_host="")
    else:
        with pytest.raises(SourceRefused):
            check_allowed(url, named_host="")
    check_allowed("http://127.0.0.1:8000/a.html", named_host="127.0.0.1")  # the host the user named
    assert not public_host("localhost")


def test_breadcrumbs_menus_and_lone_box_titles_inside_the_article_are_dropped():
    told = Story(
        GYM.headline,
        ("您当前的位置: 体育新闻 > 赛事", "资讯|滚动| 上海| 社会| 国内| 国际", *GYM.paragraphs, "推荐阅读"),
    )
    html = page("sports_site_gbk.html", told, date_zh="2025年05月18日")
    text = article_from_page(html, page_url=None, source="x").text
    assert "当前的位置" not in text and "滚动" not in text and "推荐阅读" not in text
    assert all(p in text for p in GYM.paragraphs)
