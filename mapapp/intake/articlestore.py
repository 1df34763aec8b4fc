"""Storing a page: a new article (its text as seeds/<id>.txt and its articles.toml entry), another
source of an article we have (a reprint: its URL added to that entry), or nothing (a page we have).

Decided and written in one DataStore.apply, under the lock curators' saves take, from the seeds
folder as it is then (two intakes at once cannot both add the same story); validated, journalled
(`curate log` lists it, `curate undo` takes it out again) and written atomically.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import tomlkit

from mapapp.curation.store import SEEDS_PREFIX, DataStore, Edit, NothingToChange, Snapshot
from mapapp.errors import SourceRefused
from mapapp.intake.catalog import Catalog, KnownArticle, SignatureCache, entry_sources, load_catalog, source_key
from mapapp.intake.pagetext import PageArticle
from mapapp.paths import ARTICLES_TOML
from mapapp.pipeline.reprints import likeness, signature_from_text

TOML_NAME = SEEDS_PREFIX + ARTICLES_TOML
Status = Literal["added", "reprint", "unchanged"]


@dataclass(frozen=True)
class TakenPage:
    """A page read and extracted, ready to store (what a curator previews is what is saved)."""

    source: str  # as named: a URL or a file
    page: PageArticle
    fetched: str  # when it was read, ISO 8601 UTC
    file_name: str | None  # a saved page's file name (its source when it names no URL)

    @property
    def sources(self) -> tuple[str, ...]:
        """What the article will be known from: the page's canonical URL, the URL it was fetched
        from, or the saved file's name when it names no URL."""
        found = [self.page.url] if self.page.url else []
        if self.file_name is None and self.source not in found:
            found.append(self.source)
        if not found and self.file_name:
            found.append(self.file_name)
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Stored:
    status: Status
    article_id: str
    sources: tuple[str, ...]  # every URL or file the article is known from now
    entry: dict[str, Any]  # its articles.toml entry now


def store_page(store: DataStore, who: str, taken: TakenPage, *, cache: SignatureCache | None = None) -> Stored:
    """Add the page as an article, or as another source of the one it reprints; SourceRefused if a
    source we have now gives another story. Nothing is written for a page we have."""
    if store.seeds_dir is None:
        raise SourceRefused(f"{taken.source}: no seeds folder to store articles in")
    seeds_dir = store.seeds_dir
    decided: list[Stored] = []

    def make(snapshot: Snapshot) -> Edit:
        toml_bytes = snapshot.read(TOML_NAME)
        catalog = load_catalog(seeds_dir, toml_bytes, cache=cache)
        document = tomlkit.parse(toml_bytes.decode("utf-8")) if toml_bytes else tomlkit.document()
        status, known_id = decide(catalog, taken)
        if status == "unchanged" and known_id is not None:
            known = catalog.articles[known_id]
            decided.append(Stored("unchanged", known_id, known.sources, dict(known.meta)))
            return Edit("add-source", known_id, None, None, {})
        if status == "reprint" and known_id is not None:
            return _add_source(catalog.articles[known_id], document, decided)
        return _add_article(catalog, document, decided)

    def _add_source(known: KnownArticle, document: Any, found: list[Stored]) -> Edit:
        table = document.get(known.article_id)
        if table is None:
            table = tomlkit.table()
            document.add(known.article_id, table)
        before = list(entry_sources(table))
        urls = [s for s in taken.sources if s.startswith(("http://", "https://"))]
        files = [s for s in taken.sources if s not in urls]
        for key, new in (("source_urls", urls), ("source_files", files)):
            have = {source_key(s) for s in table.get(key, ())}
            fresh = [s for s in new if source_key(s) not in have]
            if fresh and key in table:
                table[key].extend(fresh)
            elif fresh:
                table.add(key, fresh)
        entry = table.unwrap()
        sources = tuple(dict.fromkeys((*known.sources, *entry_sources(entry))))
        found.append(Stored("reprint", known.article_id, sources, entry))
        return Edit(
            "add-source",
            known.article_id,
            {"sources": before},
            {"sources": list(entry_sources(entry)), "reprint": taken.source},
            {TOML_NAME: tomlkit.dumps(document).encode("utf-8")},
        )

    def _add_article(catalog: Catalog, document: Any, found: list[Stored]) -> Edit:
        article_id = _new_article_id(catalog, document, taken, seeds_dir)
        page = taken.page
        entry: dict[str, Any] = {"headline": page.headline, "date": page.date, "date_basis": page.date_basis}
        if page.outlet:
            entry["outlet"] = page.outlet
        if page.lang != "zh":
            entry["lang"] = page.lang
        urls = [s for s in taken.sources if s.startswith(("http://", "https://"))]
        files = [s for s in taken.sources if s not in urls]
        if urls:
            entry["source_urls"] = urls
        if files:
            entry["source_files"] = files
        entry["fetched"] = taken.fetched
        table = tomlkit.table()
        for key, value in entry.items():
            table.add(key, value)
        document.add(article_id, table)
        found.append(Stored("added", article_id, taken.sources, entry))
        return Edit(
            "add-article",
            article_id,
            None,
            entry,
            {SEEDS_PREFIX + article_id: page.text.encode("utf-8"), TOML_NAME: tomlkit.dumps(document).encode("utf-8")},
        )

    try:
        store.apply(who, make)
    except NothingToChange:
        if not decided or decided[-1].status != "unchanged":
            raise
    return decided[-1]


def decide(catalog: Catalog, taken: TakenPage) -> tuple[Status, str | None]:
    """What storing the page would do, and to which article: "unchanged" (a source we have),
    "reprint" (another page of a story we have) or "added" (None); SourceRefused if a source we
    have now gives another story."""
    signature = signature_from_text(taken.page.text)
    known_id = catalog.article_of_source(taken.sources)
    if known_id is not None:
        known = catalog.articles[known_id]
        if signature is not None and known.signature is not None:
            alike = likeness(signature, known.signature)
            if not alike.same_story:
                raise SourceRefused(
                    f"{taken.source}: already a source of {known_id}, but it now gives another story"
                    f" (similarity {alike.jaccard:.2f}); not taken (remove {known_id} to take the new one)"
                )
        return "unchanged", known_id
    story = catalog.story_of(signature)
    if story is not None:
        return "reprint", story[0]
    return "added", None


def _new_article_id(catalog: Catalog, document: Any, taken: TakenPage, seeds_dir: Path) -> str:
    """web-<16 hex digits of the page's first source>.txt (of its text, if that name is taken)."""
    for seed in (taken.sources[0] if taken.sources else taken.source, taken.page.text):
        article_id = f"web-{hashlib.sha256(seed.encode('utf-8')).hexdigest()[:16]}.txt"
        if article_id not in catalog.articles and article_id not in document and not (seeds_dir / article_id).exists():
            return article_id
    raise SourceRefused(f"{taken.source}: no free article name for it in the seeds folder")
