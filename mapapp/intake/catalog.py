"""What the seeds folder already holds, as the intake needs it: each story (a reprint dropped in as a
file folded into the article it reprints, as load_corpus folds it), every URL or file it is known
from, and its text signature, to tell whether a page is new, a reprint or one we have."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from mapapp.pipeline.corpus import text_from_seed_bytes
from mapapp.pipeline.reprints import Likeness, ReprintFinder, TextSignature, checks_reprints, signature_from_text

SOURCE_KEYS = ("source_urls", "source_files")


def source_key(source: str) -> str:
    """A URL as compared (scheme and host lower case, no fragment); anything else as it is."""
    parts = urlsplit(source.strip())
    if parts.scheme.lower() not in ("http", "https"):
        return source.strip()
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


@dataclass
class SignatureCache:
    """Signatures of seed files by (name, size, modification time): a long-running intake (the
    watcher, the app) does not compute them again for files that did not change."""

    _found: dict[tuple[str, int, int], TextSignature | None] = field(default_factory=dict)

    def signature(self, path: Path, text: str) -> TextSignature | None:
        stat = path.stat()
        key = (path.name, stat.st_size, stat.st_mtime_ns)
        if key not in self._found:
            self._found[key] = signature_from_text(text)
        return self._found[key]


@dataclass(frozen=True)
class KnownArticle:
    article_id: str
    meta: Mapping[str, Any]  # its articles.toml entry ({} if it has none)
    sources: tuple[str, ...]  # its URLs and files, and its reprints' (each once)
    signature: TextSignature | None


@dataclass(frozen=True)
class Catalog:
    articles: dict[str, KnownArticle]  # stories only: reprint files are folded into their article
    by_source: dict[str, str]  # source_key(URL or file) -> article id
    finder: ReprintFinder

    def article_of_source(self, sources: tuple[str, ...]) -> str | None:
        return next((self.by_source[k] for k in map(source_key, sources) if k in self.by_source), None)

    def story_of(self, signature: TextSignature | None) -> tuple[str, Likeness] | None:
        """The article a text reprints (or is), if any."""
        return None if signature is None else self.finder.find(signature)


def entry_sources(meta: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(s for key in SOURCE_KEYS for s in meta.get(key, ()) if isinstance(s, str))


def load_catalog(seeds_dir: Path, toml_bytes: bytes | None, *, cache: SignatureCache | None = None) -> Catalog:
    """The catalog of `seeds_dir`, with its articles.toml as `toml_bytes` (read under the write lock).
    Unreadable files are left out (validate reports them)."""
    cache = cache or SignatureCache()
    try:
        metadata: dict[str, Any] = tomllib.loads(toml_bytes.decode("utf-8")) if toml_bytes else {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        metadata = {}  # a store refuses any write while articles.toml does not parse
    finder = ReprintFinder()
    articles: dict[str, KnownArticle] = {}
    folded: dict[str, list[str]] = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        text, _ = text_from_seed_bytes(path.name, path.read_bytes())
        if text is None:
            continue
        found_meta = metadata.get(path.name)
        meta: dict[str, Any] = found_meta if isinstance(found_meta, dict) else {}
        signature = cache.signature(path, text) if checks_reprints(meta) else None
        found = finder.match(path.name, signature)
        if found is not None:
            folded.setdefault(found[0], []).append(path.name)
        articles[path.name] = KnownArticle(path.name, meta, entry_sources(meta), signature)
    stories: dict[str, KnownArticle] = {}
    by_source: dict[str, str] = {}
    reprints = {r for group in folded.values() for r in group}
    for article_id, known in articles.items():
        if article_id in reprints:
            continue
        sources = dict.fromkeys(known.sources)
        for reprint_id in folded.get(article_id, ()):
            sources.update(dict.fromkeys(articles[reprint_id].sources))
        stories[article_id] = KnownArticle(article_id, known.meta, tuple(sources), known.signature)
        for source in sources:
            by_source.setdefault(source_key(source), article_id)
    return Catalog(stories, by_source, finder)
