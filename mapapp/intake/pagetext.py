"""A web page's article: its real encoding, its text without the page's chrome, headline, date (and
how it was found), outlet and canonical URL.

- Encoding: valid UTF-8 is UTF-8 whatever the page says (GBK bytes are almost never valid UTF-8);
  else the declared charset (HTTP header, then <meta>, GB2312/GBK read as their superset GB18030) if
  the bytes decode with it; else charset-normalizer's guess. Local sites serve GBK, some declared
  as UTF-8.
- Text: trafilatura (comments, tables and links left out), after pruning the boxes chrome.toml names
  (comment threads, related links, rankings); paragraphs one per block, the headline first.
- Date: the page's metadata (htmldate, publication date), else a labelled date line on the page
  ("发布日期：2025年05月18日"), else the URL (htmldate, and the CMS shapes chrome.toml lists), else the article text
  (mapapp.pipeline.articlemeta); `date_basis` says which and quotes it.
- Outlet: the site's name (og:site_name, else what follows the headline in <title>, else the host).
- Not an article (an index of links, a login wall, an empty page): SourceRefused, with why.
"""

from __future__ import annotations

import codecs
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import htmldate
import lxml.etree
import lxml.html
import trafilatura
from charset_normalizer import from_bytes

from mapapp.errors import SourceRefused
from mapapp.pipeline.articlemeta import date_from_text

CHROME_TOML = Path(__file__).with_name("chrome.toml")
MIN_SENTENCES = 2  # an article says at least this much in whole sentences ...
MIN_SENTENCE_CHARS = 100  # ... in at least this many characters of lines that hold them
_SENTENCE_END = re.compile(r"[。！？!?…]|[.](?=\s|$)")
_CHARSET_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HOST_SHAPED = re.compile(r"localhost(?::\d+)?|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?|[A-Za-z0-9.-]+:\d+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_DATE = r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})日?"
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030"}


@dataclass(frozen=True)
class PageArticle:
    """What a page gives: the article as it would be stored, and where each field came from."""

    headline: str
    text: str  # as stored: headline, a blank line, then the paragraphs, each a block; a final newline
    date: str  # ISO date, or "" when the page gives none
    date_basis: str
    outlet: str
    url: str | None  # the page's canonical URL, else the URL it was fetched from; None for a file naming none
    lang: str  # "zh" or "en"
    encoding: str  # how the bytes were read ("gb18030, detected: declared utf-8 did not decode")


@cache
def chrome_rules() -> dict[str, Any]:
    return tomllib.loads(CHROME_TOML.read_text(encoding="utf-8"))


def html_from_bytes(body: bytes, content_type: str = "") -> tuple[str, str]:
    """(the page as text, how its encoding was decided)."""
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8 (byte order mark)"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", errors="replace"), "utf-16 (byte order mark)"
    declared = _declared_charset(body, content_type)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if declared in (None, "utf-8") or text.isascii():
            return text, "utf-8" + (" (declared)" if declared else "")
        return text, f"utf-8 (declared {declared}, but the bytes are UTF-8)"
    if declared and declared != "utf-8":
        try:
            return body.decode(declared), f"{declared} (declared)"
        except (UnicodeDecodeError, LookupError):
            pass
    guess = from_bytes(body).best()
    if guess is None:
        raise SourceRefused("cannot tell the page's text encoding (the bytes decode as nothing known); not taken")
    encoding = _SUPERSETS.get(guess.encoding.lower().replace("_", "-"), guess.encoding)
    why = f"declared {declared} did not decode" if declared else "none declared"
    return body.decode(encoding, errors="replace"), f"{encoding}, detected ({why})"


def _declared_charset(body: bytes, content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    raw = match.group(1) if match else None
    if raw is None:
        found = _CHARSET_META.search(body[:4096])
        raw = found.group(1).decode("ascii", "replace") if found else None
    if raw is None:
        return None
    name = raw.strip().lower().replace("_", "-")
    if name in ("utf8", "utf-8"):
        return "utf-8"
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name.replace("_", "-") if name not in _SUPERSETS.values() else name
    except LookupError:
        return name


def article_from_page(page: str, *, page_url: str | None, source: str) -> PageArticle:
    """The article of a page (decoded HTML); SourceRefused when the page is not an article."""
    page = _XML_DECLARATION.sub("", page, count=1)
    try:
        tree = lxml.html.fromstring(page)
    except (lxml.etree.ParserError, ValueError) as error:
        raise SourceRefused(f"{source}: not an HTML page ({error})") from error
    rules = chrome_rules()
    document = trafilatura.bare_extraction(
        page,
        url=page_url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        favor_precision=True,
        prune_xpath=_prune_xpaths(rules),
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    found: dict[str, Any] = {}
    if isinstance(document, dict):
        found = document
    elif document is not None:
        found = document.as_dict()
    title = " ".join(str(found.get("title") or "").split())
    headline, title_site = _headline_and_site(title, tree, rules)
    lines = _paragraphs(str(found.get("text") or ""), headline)
    _check_article(lines, tree, source)
    canonical = _canonical(tree, page_url, page)
    text = "\n\n".join([headline, *lines]) + "\n" if headline else "\n\n".join(lines) + "\n"
    day, basis = _date(tree, canonical or page_url, "\n".join(lines), rules)
    host = (urlsplit(canonical or page_url or "").hostname or "").lower()
    sitename = " ".join(str(found.get("sitename") or "").split())
    named = bool(sitename) and not _HOST_SHAPED.fullmatch(sitename)  # trafilatura falls back to the host
    outlet = sitename if named else title_site or sitename or host
    return PageArticle(
        headline=headline or (lines[0][:60] if lines else ""),
        text=text,
        date=day,
        date_basis=basis,
        outlet=outlet,
        url=canonical,
        lang=_language(text),
        encoding="",
    )


def _prune_xpaths(rules: dict[str, Any]) -> list[str]:
    def has_word(attribute: str, word: str) -> str:
        return (
            f"contains(translate(@{attribute}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{word}')"
        )

    words = " or ".join(has_word(attr, w) for w in rules["class_words"] for attr in ("class", "id"))
    headings = " or ".join(f"contains(., '{w}')" for w in rules["heading_words"])
    boxes = "self::div or self::section or self::aside or self::ul or self::table"
    return [
        f"//body//*[{words}]",
        f"//body//*[{boxes}][*[1][self::h2 or self::h3 or self::h4 or self::div[contains(@class, 'tit')]][{headings}]]",
    ]


def _headline_and_site(title: str, tree: Any, rules: dict[str, Any]) -> tuple[str, str]:
    """The headline (the title without the site's name after it) and that name ("" if none)."""
    if not title:
        return "", ""
    titled = " or ".join(
        f"contains(translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{w}')"
        for w in rules["title_classes"]
    )
    headings = tree.xpath(f"//h1 | //h2 | //h3 | //*[{titled}]")
    shown = {" ".join(el.text_content().split()) for el in headings}
    if title in shown:
        return title, ""
    for separator in rules["title_separators"]:
        head, found, tail = title.partition(separator)
        head, tail = head.strip(), tail.strip()
        if found and len(head) >= 4 and tail:
            # "标题_栏目_站名": the site's name comes last
            parts = [p.strip() for p in re.split("|".join(map(re.escape, rules["title_separators"])), tail)]
            site = next((p for p in reversed(parts) if p), "")
            return head, site if len(site) <= 24 else ""
    return title, ""


def _is_credit(line: str, labels: list[str]) -> bool:
    """Only credits: label: names (label: names ...), in brackets or not, with no sentence in it."""
    label = "|".join(map(re.escape, labels))
    credit = rf"(?:{label})\s*[:：]\s*[^。！？!?:：\[\]【】()（）]{{1,24}}?"
    return re.fullmatch(rf"[\[【(（]?\s*{credit}(?:\s+{credit})*\s*[\]】)）]?", line) is not None


def _paragraphs(text: str, headline: str) -> list[str]:
    rules = chrome_rules()
    lines = [" ".join(line.replace("\u3000", " ").split()) for line in text.splitlines()]
    lines = [
        line
        for line in lines
        if line
        and not line.startswith(tuple(rules["breadcrumb_starts"]))
        and line not in rules["lone_lines"]
        and not _is_menu(line)
        and not _is_credit(line, rules["credit_labels"])
    ]
    while lines and headline and lines[0] == headline:
        lines.pop(0)
    return lines


def _is_menu(line: str) -> bool:
    items = [item.strip() for item in re.split(r"[|｜]", line)]
    return len(items) >= 5 and all(len(item) <= 6 for item in items)


def _check_article(lines: list[str], tree: Any, source: str) -> None:
    sentences = sum(len(_SENTENCE_END.findall(line)) for line in lines)
    in_sentences = sum(len(line) for line in lines if _SENTENCE_END.search(line))
    if sentences >= MIN_SENTENCES and in_sentences >= MIN_SENTENCE_CHARS:
        return
    said = f"{in_sentences} characters in {sentences} sentences"
    if tree.xpath("//input[@type='password']"):
        raise SourceRefused(f"{source}: a login page (a password form, {said}), not an article")
    linked = sum(len(" ".join(a.text_content().split())) for a in tree.iter("a"))
    body = tree.find("body")
    shown = len(" ".join(body.text_content().split())) if body is not None else 0
    if shown and linked / shown > 0.4:
        raise SourceRefused(
            f"{source}: a page of links ({linked * 100 // shown}% of its text is links; {said}), not an article"
        )
    raise SourceRefused(
        f"{source}: not an article ({said}; expected at least {MIN_SENTENCES} sentences, {MIN_SENTENCE_CHARS} characters)"
    )


def _canonical(tree: Any, page_url: str | None, page: str) -> str | None:
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        for value in tree.xpath(xpath):
            value = str(value).strip()
            if urlsplit(value).scheme in ("http", "https"):
                return value
    if page_url is None:  # a saved page: the address the browser noted when it saved it
        match = re.search(r"saved from url=\(\d+\)(https?://\S+?)\s*-->", page[:4000])
        if match:
            return match.group(1)
    return page_url


def _date(tree: Any, url: str | None, text: str, rules: dict[str, Any]) -> tuple[str, str]:
    latest = (date.today() + timedelta(days=1)).isoformat()
    shown = " ".join(tree.find("body").text_content().split()) if tree.find("body") is not None else ""
    found = htmldate.find_date(tree, extensive_search=False, original_date=True, url="", max_date=latest)
    if found:
        return found, _where_dated(tree, found, shown)
    labels = "|".join(map(re.escape, rules["date_labels"]))
    for match in re.finditer(rf"(?:{labels})\s*[:：]?\s*{_DATE}", shown):
        day = _valid(*match.groups())
        if day and day <= latest:
            return day, f"the date line on the page: '{match.group(0)}'"
    if url:
        empty = lxml.html.fromstring("<html><body></body></html>")
        found = htmldate.find_date(empty, extensive_search=False, original_date=True, url=url, max_date=latest)
        if found:
            return found, f"the page's URL ({url}, read by htmldate)"
        path = urlsplit(url).path
        for pattern in rules["url_date_patterns"]:
            in_path = re.search(pattern, path)
            day = _valid(in_path["y"], in_path["m"], in_path["d"]) if in_path else ""
            if day and day <= latest:
                return day, f"the page's URL ({url})"
    day, basis = date_from_text(text)
    if day and basis.startswith(("dateline", "date printed")):  # a whole date; not a year guessed for a day
        return day, f"the article text: {basis}"
    return "", "no date on the page, in its URL or in its text (a day without its year is not guessed)"


def _where_dated(tree: Any, day: str, shown: str) -> str:
    """Where htmldate found the date: a meta tag (quoted), else the date as printed on the page."""
    for meta in tree.iter("meta"):
        content = str(meta.get("content") or "")
        if content.startswith(day):
            name = meta.get("property") or meta.get("name") or meta.get("itemprop") or "meta"
            return f"the page's metadata ({name} = {content}, read by htmldate)"
    for element in tree.xpath("//time[@datetime]"):
        if str(element.get("datetime")).startswith(day):
            return f"the page's <time datetime={element.get('datetime')}> (read by htmldate)"
    labels = "|".join(map(re.escape, chrome_rules()["date_labels"]))
    for match in re.finditer(_DATE, shown):
        if _valid(*match.groups()) == day:
            label = re.search(rf"(?:{labels})\s*[:：]?\s*$", shown[max(0, match.start() - 8) : match.start()])
            quoted = (label.group(0) if label else "") + shown[match.start() : match.end() + 6].rstrip()
            return f"the date printed on the page: '{quoted}' (read by htmldate)"
    return "the page's date markup (read by htmldate)"


def _valid(year: str, month: str, day: str) -> str:
    try:
        return datetime(int(year), int(month), int(day)).date().isoformat()
    except ValueError:
        return ""


def _language(text: str) -> str:
    letters = [ch for ch in text if ch.isalpha()]
    cjk = sum(1 for ch in letters if unicodedata.name(ch, "").startswith("CJK"))
    return "zh" if letters and cjk / len(letters) > 0.2 else "en"
