"""Taking sources in: a page, a saved page or a feed (each of its entries), each giving one outcome:
added, reprint (another source of an article we have), unchanged (a page we have) or refused, with
why, in one line. The CLI prints them; the app's "add an article" previews a page, then saves it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import lxml.etree

from mapapp.curation.store import DataStore
from mapapp.errors import CurationError, SourceRefused
from mapapp.intake.articlestore import Stored, TakenPage, decide, store_page
from mapapp.intake.catalog import SignatureCache, load_catalog
from mapapp.intake.feeds import FeedEntry, feed_entries, looks_like_feed
from mapapp.intake.pagetext import article_from_page, html_from_bytes
from mapapp.intake.webfetch import Download, fetch_url, has_other_scheme, host_of, is_url, read_named_file
from mapapp.paths import ARTICLES_TOML
from mapapp.pipeline.corpus import article_from_text
from mapapp.pipeline.gazetteer import Gazetteer
from mapapp.pipeline.mentions import MentionFinder

Status = Literal["added", "reprint", "unchanged", "refused"]
JSON_KEYS = ("source", "status", "article", "title", "date", "date_basis", "outlet", "url", "sources")


@dataclass(frozen=True)
class Outcome:
    """What became of one source (for a feed: of one of its entries)."""

    source: str
    status: Status
    article: str | None = None  # the article file it is (or is a source of)
    title: str | None = None  # as the page gives them
    date: str | None = None
    date_basis: str | None = None
    outlet: str | None = None
    url: str | None = None  # the page's canonical URL (or the one it was fetched from)
    sources: tuple[str, ...] = ()  # every URL or file the article is known from
    reason: str | None = None  # why it was refused

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {key: getattr(self, key) for key in JSON_KEYS}
        data["sources"] = list(self.sources)
        if self.status == "refused":
            data["reason"] = self.reason
        return data

    def line(self) -> str:
        """One line for the terminal or a log."""
        if self.status == "refused":
            return f"refused\t{self.source}\t{self.reason}"
        return f"{self.status}\t{self.article}\t{self.source}\t{self.title or ''}"


def refused(source: str, error: Exception) -> Outcome:
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    if reason.startswith(f"{source}: "):
        reason = reason[len(source) + 2 :]
    return Outcome(source, "refused", reason=" ".join(reason.split()))


Fetch = Callable[..., Download]


class Intake:
    """Takes sources into one seeds folder through `store` (which names it) as `who`."""

    def __init__(
        self,
        store: DataStore,
        who: str,
        *,
        fetch: Fetch = fetch_url,
        clock: Callable[[], datetime] | None = None,
        cache: SignatureCache | None = None,
    ):
        self.store = store
        self.who = who
        self.fetch = fetch
        self.clock = clock or (lambda: datetime.now(UTC))
        self.cache = cache or SignatureCache()

    def take(self, source: str) -> list[Outcome]:
        """Every outcome of one source: one for a page, one per entry for a feed."""
        return list(self._take(source))

    def _take(self, source: str) -> Iterator[Outcome]:
        try:
            download = self.download(source)
        except SourceRefused as error:
            yield refused(source, error)
            return
        if looks_like_feed(download.body, download.content_type):
            try:
                entries = feed_entries(download.body, source=source, base_url=download.url)
            except SourceRefused as error:
                yield refused(source, error)
                return
            if not entries:
                yield Outcome(source, "refused", reason="the feed lists no entry with a link; nothing to take in")
                return
            # a feed's entries on its own host, or on public hosts; a feed file's only on public hosts
            feed_host = host_of(download.url) if download.url else ""
            for entry in entries:
                yield self.take_entry(entry, feed_host=feed_host)
            return
        yield self.save_download(download)

    def take_entry(self, entry: FeedEntry, *, feed_host: str) -> Outcome:
        """One entry of a feed: only an http(s) URL, never a path. A page that gives no date of its
        own is dated by the day the feed says the entry was published."""
        link = entry.link
        if not is_url(link):
            return Outcome(link, "refused", reason="a feed entry's link must be an http(s) URL; not fetched")
        try:
            download = self.fetch(link, named_host=feed_host)
        except SourceRefused as error:
            return refused(link, error)
        return self.save_download(download, feed_entry=entry)

    def download(self, source: str) -> Download:
        """The bytes of a source the user named: an http(s) URL or a file."""
        if is_url(source):
            return self.fetch(source)
        if has_other_scheme(source):
            scheme = source.split(":", 1)[0]
            raise SourceRefused(
                f"{source}: a {scheme}: address is not taken; give an http(s) URL, a saved page or a feed file"
            )
        return read_named_file(source)

    def read_page(self, download: Download, *, feed_entry: FeedEntry | None = None) -> TakenPage:
        """The article a downloaded page gives, ready to store; SourceRefused if it is not one. An
        undated page listed in a feed takes the day the feed gives its entry."""
        source = download.source
        if looks_like_feed(download.body, download.content_type):
            raise SourceRefused(f"{source}: a feed, not a page; take it in with `python -m mapapp ingest`")
        html, encoding = html_from_bytes(download.body, download.content_type)
        try:
            page = article_from_page(html, page_url=download.url, source=source)
        except (lxml.etree.LxmlError, ValueError, UnicodeError) as error:
            raise SourceRefused(f"{source}: could not be read as a web page ({error})") from error
        if not page.date and feed_entry is not None and feed_entry.published:
            basis = f"the feed's date for this entry: '{feed_entry.published_as}' (the page gives none)"
            page = replace(page, date=feed_entry.published, date_basis=basis)
        file_name = None if download.url else Path(source).name
        return TakenPage(
            source, replace(page, encoding=encoding), self.clock().isoformat(timespec="seconds"), file_name
        )

    def save(self, taken: TakenPage) -> Outcome:
        """Store a page read with read_page (as the curator saw it in the preview)."""
        try:
            stored = store_page(self.store, self.who, taken, cache=self.cache)
        except (SourceRefused, CurationError) as error:
            return refused(taken.source, error)
        return outcome_of(taken, stored)

    def save_download(self, download: Download, *, feed_entry: FeedEntry | None = None) -> Outcome:
        try:
            taken = self.read_page(download, feed_entry=feed_entry)
        except SourceRefused as error:
            return refused(download.source, error)
        return self.save(taken)

    def would_do(self, taken: TakenPage) -> tuple[str, str | None]:
        """What save() would do now (it decides again under the lock): added, reprint or
        unchanged, and the article; SourceRefused if it would be refused."""
        seeds_dir = self.store.seeds_dir
        if seeds_dir is None:
            raise SourceRefused(f"{taken.source}: no seeds folder to store articles in")
        toml = seeds_dir / ARTICLES_TOML
        catalog = load_catalog(seeds_dir, toml.read_bytes() if toml.exists() else None, cache=self.cache)
        return decide(catalog, taken)


def places_named(text: str, gazetteer: Gazetteer) -> list[tuple[str, int]]:
    """The features a text names (as `mentions` would find them in it), most named first: (feature id, times)."""
    article = article_from_text("preview.txt", text, {"headline": text.split("\n", 1)[0]})
    counts = Counter(m.feature_id for m in MentionFinder(gazetteer).find(article))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def outcome_of(taken: TakenPage, stored: Stored) -> Outcome:
    page = taken.page
    return Outcome(
        source=taken.source,
        status=stored.status,
        article=stored.article_id,
        title=page.headline,
        date=page.date,
        date_basis=page.date_basis,
        outlet=page.outlet,
        url=page.url,
        sources=stored.sources,
    )
