"""Web pages and feeds for the intake tests, made from tests/data/web/: article texts we wrote (one
paragraph a line, the headline first) put into page templates we wrote in the shape of real local
news sites (navigation, byline, share buttons, related links, comments, rankings, footer)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

WEB = Path(__file__).resolve().parent / "data" / "web"

# What the templates put around an article: none of it may reach a stored text.
CHROME = (
    "网站首页",
    "本地新闻",
    "当前位置",
    "相关阅读",
    "全市港航工作会议召开",
    "网友评论",
    "终于有货船直达了",
    "晚上散步的人越来越多了",
    "热点排行",
    "版权所有",
    "ICP备",
    "责任编辑",
    "分享到",
    "今天是",
    "栏目导航",
    "最新公告",
    "上一篇",
    "主办单位",
    "打印本页",
    "夏日清凉家电节",
    "猜你喜欢",
    "热门跟帖",
    "支持家乡建设",
    "什么时候开通到上海的航线",
    "隐私政策",
    "阅读：1024",
)


@dataclass(frozen=True)
class Story:
    headline: str
    paragraphs: tuple[str, ...]

    @property
    def sentences(self) -> list[str]:
        """Every sentence of the body, as printed (split after 。！？)."""
        found: list[str] = []
        for paragraph in self.paragraphs:
            piece = ""
            for ch in paragraph:
                piece += ch
                if ch in "。！？":
                    found.append(piece)
                    piece = ""
            if piece.strip():
                found.append(piece)
        return found


def story(name: str) -> Story:
    lines = [line for line in (WEB / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return Story(lines[0], tuple(lines[1:]))


def page(template: str, text: Story, **fields: str) -> str:
    """The template filled: {headline} (default the story's), {lead}, {paragraphs} and `fields`."""
    out = (WEB / template).read_text(encoding="utf-8")
    values = {
        "headline": text.headline,
        "lead": text.paragraphs[0][:40],
        "paragraphs": "\n".join(f"<p>　　{html.escape(p)}</p>" for p in text.paragraphs),
        **fields,
    }
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


def rss(title: str, links: list[str], dates: list[str] | None = None) -> str:
    """An RSS 2.0 feed of `links`, each item published on `dates[n]` (RFC 822; default one day for all)."""
    dates = dates or ["Wed, 11 Jun 2025 09:32:00 +0800"] * len(links)
    items = "".join(
        f"<item><title>{escape(title)} {n}</title><link>{escape(link)}</link>"
        f"<description>{escape(title)}</description><pubDate>{escape(day)}</pubDate></item>"
        for n, (link, day) in enumerate(zip(links, dates, strict=True))
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.invalid/</link><description>本地新闻</description>"
        f"{items}</channel></rss>"
    )


def atom(title: str, links: list[str]) -> str:
    entries = "".join(
        f'<entry><title>{escape(title)} {n}</title><link href="{escape(link)}"/><id>urn:test:{n}</id>'
        "<updated>2025-06-11T09:32:00+08:00</updated></entry>"
        for n, link in enumerate(links)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test</id><updated>2025-06-11T09:32:00+08:00</updated>{entries}</feed>"
    )
