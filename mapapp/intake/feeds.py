"""RSS and Atom feeds: is a download a feed, and which article pages does it list (feedparser)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import feedparser

from mapapp.errors import SourceRefused

_FEED_START = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.DOTALL)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    """A feed by its content type or by its first element (<rss>, <feed>, <rdf:RDF>)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media in FEED_TYPES[:3] or bool(_FEED_START.match(body[:4096]))


def entry_links(body: bytes, *, source: str, base_url: str | None) -> list[str]:
    """The link of every entry, in the feed's order, each once (relative links resolved against
    `base_url`; none for an empty feed); SourceRefused when the feed does not parse."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url} if base_url else None)
    if not parsed.get("version") or (parsed.get("bozo") and not parsed.entries):
        why = parsed.get("bozo_exception")
        raise SourceRefused(
            f"{source}: the feed does not parse ({why or 'not RSS or Atom'}); expected an RSS or Atom feed"
        )
    links: list[str] = []
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if link:
            links.append(urljoin(base_url, link) if base_url else link)
    if not links and parsed.get("bozo"):
        why = parsed.get("bozo_exception")
        raise SourceRefused(f"{source}: the feed does not parse ({why}); expected an RSS or Atom feed")
    return list(dict.fromkeys(links))
