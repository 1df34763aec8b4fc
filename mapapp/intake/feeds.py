"""RSS and Atom feeds: is a download a feed, and which article pages does it list (feedparser)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import feedparser

from mapapp.errors import SourceRefused

_FEED_START = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.DOTALL)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    """A feed by its content type or by its first element (<rss>, <feed>, <rdf:RDF>)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media in FEED_TYPES[:3] or bool(_FEED_START.match(body[:4096]))


@dataclass(frozen=True)
class FeedEntry:
    """An entry of a feed: its page and the day the feed says it was published ("" when it says none)."""

    link: str
    published: str = ""  # YYYY-MM-DD in the feed's own time zone
    published_as: str = ""  # as the feed wrote it


def day_from_feed_date(text: str) -> str:
    """The day of an RSS (RFC 822) or Atom (RFC 3339) date as written, in its own time zone (not
    moved to UTC: 00:30 +08:00 is that day in Quzhou); "" for a date that does not parse."""
    text = text.strip()
    if not text:
        return ""
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return ""


def feed_entries(body: bytes, *, source: str, base_url: str | None) -> list[FeedEntry]:
    """Every entry with a link, in the feed's order, each link once, with the day it was published."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url} if base_url else None)
    if not parsed.get("version") or (parsed.get("bozo") and not parsed.entries):
        why = parsed.get("bozo_exception")
        raise SourceRefused(
            f"{source}: the feed does not parse ({why or 'not RSS or Atom'}); expected an RSS or Atom feed"
        )
    entries: dict[str, FeedEntry] = {}
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if link:
            link = urljoin(base_url, link) if base_url else link
            written = str(entry.get("published") or entry.get("updated") or "")
            entries.setdefault(link, FeedEntry(link, day_from_feed_date(written), written))
    if not entries and parsed.get("bozo"):
        why = parsed.get("bozo_exception")
        raise SourceRefused(f"{source}: the feed does not parse ({why}); expected an RSS or Atom feed")
    return list(entries.values())
