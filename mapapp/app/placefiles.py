"""Write every place's reader data (mapapp.app.placedata) as static files, once per data version.

    static/placedata/<source>/current.json                      {"version": ..., "digest": ...}
    static/placedata/<source>/<version>/<lang>/<feature_id>.json  the place's record (first page)
    static/placedata/<source>/<version>/<lang>/<feature_id>.<n>.json  further pages of excerpts

`source` names the data folders (several apps on other data may share one static/ folder),
`version` the data digest together with the code that shapes the records, so a data change (a
curator's save, a new article) or a new release never serves stale text: the browser's panel asks
current.json (revalidated on every click) which version to read, and every other file is immutable.
A version is written into a temporary folder and renamed into place whole, under a file lock, so
replicas starting together build it once; older versions are pruned, keeping the previous one for
pages that are still reading it. Streamlit serves static/ at /app/static/ (.streamlit/config.toml),
and scripts/serve.sh's nginx serves static/placedata/ straight from disk.

No Streamlit here; ui.py calls `ensure_place_files` through a cache keyed on the data digest.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapapp.app import panel, placedata, textspans, timelinepanel
from mapapp.app.placedata import PAGE_ARTICLES, ArticleInfo, excerpts_record, page_name, pages_for, place_record
from mapapp.app.timelinepanel import MAX_EVENTS, MAX_FIGURES
from mapapp.datadirs import DataDirs
from mapapp.map import markup, wording
from mapapp.map.maplayers import map_layer_id_for
from mapapp.map.mapview import LANGS
from mapapp.models import Excerpt
from mapapp.paths import STATIC_DIR
from mapapp.pipeline.index import MapIndex
from mapapp.pipeline.store import IndexStore
from mapapp.pipeline.timeline import TimelineIndex, event_cut_key, figure_cut_key, first_rows

PLACEDATA_DIR = STATIC_DIR / "placedata"
CURRENT_FILE = "current.json"
KEEP_VERSIONS = 2  # the current one and the one before it (a page may be reading it right now)
STALE_SOURCE_S = 7 * 24 * 3600  # another app's folder untouched this long is removed
STALE_TMP_S = 3600
# The modules whose code shapes a record: a change in any of them makes a new version.
RECORD_MODULES = (placedata, timelinepanel, panel, textspans, wording, markup)


@dataclass(frozen=True)
class PlaceFiles:
    """Where one data version's place files are."""

    source: str  # the folder for these data folders, under PLACEDATA_DIR
    version: str
    digest: str
    directory: Path  # PLACEDATA_DIR / source / version
    files: int  # how many files the version holds

    @property
    def url_path(self) -> str:
        """The version's folder relative to static/ (the browser adds its own prefix)."""
        return f"placedata/{self.source}/{self.version}"


def source_key(dirs: DataDirs) -> str:
    """A short name for the data folders (resolved paths), the same in every replica."""
    text = "\n".join(str(Path(p).resolve()) for p in (dirs.seeds_dir, dirs.geodata_dir, dirs.layers_dir))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def code_fingerprint(modules: Sequence[Any] = RECORD_MODULES) -> str:
    """A hash of the source of the modules that shape the records."""
    sha = hashlib.sha256()
    for module in modules:
        sha.update(Path(module.__file__).read_bytes())
    return sha.hexdigest()


def version_for(digest: str, *, langs: Sequence[str] = LANGS, code: str | None = None) -> str:
    """The version a data digest's files are written under (with this code and these languages)."""
    text = f"{placedata.RECORD_VERSION}|{digest}|{code or code_fingerprint()}|{','.join(langs)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def ensure_place_files(
    dirs: DataDirs,
    digest: str,
    *,
    index: MapIndex,
    timeline: TimelineIndex,
    store: IndexStore | None,
    out_dir: Path = PLACEDATA_DIR,
    langs: Sequence[str] = LANGS,
) -> PlaceFiles:
    """The place files of this data version: written unless they are there already, then made the
    current version of these data folders (current.json), older versions pruned."""
    source = source_key(dirs)
    version = version_for(digest, langs=langs)
    source_dir = out_dir / source
    target = source_dir / version
    source_dir.mkdir(parents=True, exist_ok=True)
    with _lock(source_dir / ".lock"):
        if not (target / CURRENT_FILE).is_file():  # written last: a version without it is incomplete
            staging = source_dir / f".tmp-{version}-{os.getpid()}"
            shutil.rmtree(staging, ignore_errors=True)
            write_version(staging, index=index, timeline=timeline, store=store, langs=langs)
            write_json(staging / CURRENT_FILE, {"version": version, "digest": digest})
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
        write_json(source_dir / CURRENT_FILE, {"version": version, "digest": digest})
        _prune(source_dir, keep=version)
    _prune_other_sources(out_dir, keep=source)
    files = sum(1 for _ in target.rglob("*.json"))
    return PlaceFiles(source=source, version=version, digest=digest, directory=target, files=files)


def make_current(files: PlaceFiles, *, out_dir: Path = PLACEDATA_DIR) -> bool:
    """Point current.json at `files` if it points elsewhere (data that changed back to an earlier
    state is served from that state's version, which the cache may hold); True if it had to."""
    current = out_dir / files.source / CURRENT_FILE
    try:
        if json.loads(current.read_text(encoding="utf-8")).get("version") == files.version:
            return False
    except (OSError, ValueError):
        pass
    if not (files.directory / CURRENT_FILE).is_file():  # pruned meanwhile: the caller writes it again
        return False
    with _lock(out_dir / files.source / ".lock"):
        write_json(current, {"version": files.version, "digest": files.digest})
    return True


def write_version(
    directory: Path,
    *,
    index: MapIndex,
    timeline: TimelineIndex,
    store: IndexStore | None,
    langs: Sequence[str] = LANGS,
) -> int:
    """Write every feature's records in every language into `directory`; returns how many files."""
    written = 0
    for lang in langs:
        (directory / lang).mkdir(parents=True, exist_ok=True)
    for feature in index.features.values():
        fid = feature.feature_id
        total, n_articles = _totals(fid, index, store)
        pages = list(_excerpt_pages(fid, n_articles, index, store))
        events, total_events = first_rows(timeline.events, fid, MAX_EVENTS, event_cut_key)
        figures, total_figures = first_rows(timeline.figures, fid, MAX_FIGURES, figure_cut_key)
        article_ids = [e.article_id for page in pages for e in page]
        article_ids += [e.article_id for e in events] + [f.article_id for f in figures]
        articles = _article_infos(article_ids, index, store)
        for lang in langs:
            records = [
                excerpts_record(fid, lang, page=n, excerpts=page, total=total, n_articles=n_articles, articles=articles)
                for n, page in enumerate(pages, start=1)
            ]
            first = place_record(
                feature,
                lang,
                excerpts=records[0],
                events=events,
                figures=figures,
                total_events=total_events,
                total_figures=total_figures,
                articles=articles,
                related=placedata.related_record(fid, index.related, index.features, lang),
                layer_id=map_layer_id_for(feature),
            )
            write_json(directory / lang / page_name(fid, 1), first)
            for n, record in enumerate(records[1:], start=2):
                write_json(directory / lang / page_name(fid, n), record)
            written += len(records)
    return written


def _totals(feature_id: str, index: MapIndex, store: IndexStore | None) -> tuple[int, int]:
    """(how many times the place's sentences occur in all, in how many articles)."""
    if store is not None:
        return store.excerpt_totals(feature_id)
    excerpts = index.excerpts.get(feature_id, ())
    return sum(e.count for e in excerpts), len({e.article_id for e in excerpts})


def _excerpt_pages(
    feature_id: str, n_articles: int, index: MapIndex, store: IndexStore | None
) -> Iterator[Sequence[Excerpt]]:
    """The place's excerpts, PAGE_ARTICLES articles a page, as many pages as it gets."""
    pages = pages_for(n_articles)
    if store is not None:
        for page in range(pages):
            yield store.excerpts_of(feature_id, max_articles=PAGE_ARTICLES, skip_articles=page * PAGE_ARTICLES)
        return
    by_article: dict[str, list[Excerpt]] = {}
    for excerpt in index.excerpts.get(feature_id, ()):
        by_article.setdefault(excerpt.article_id, []).append(excerpt)
    groups = list(by_article.values())
    for page in range(pages):
        yield [e for group in groups[page * PAGE_ARTICLES : (page + 1) * PAGE_ARTICLES] for e in group]


def _article_infos(article_ids: Sequence[str], index: MapIndex, store: IndexStore | None) -> dict[str, ArticleInfo]:
    if store is not None:
        return {aid: ArticleInfo(*row) for aid, row in store.article_infos(article_ids).items()}
    infos = {}
    for aid in dict.fromkeys(article_ids):
        article = index.articles.get(aid)
        if article is not None:
            infos[aid] = ArticleInfo(article.headline, article.date, article.lang, article.outlet, article.source_urls)
    return infos


def write_json(path: Path, value: Mapping[str, Any], *, unless_same: bool = False) -> bool:
    """Compact UTF-8 JSON, written to a temporary file and moved into place; with `unless_same`, not
    when the file holds these bytes already. True if it was written."""
    data = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    if unless_same:
        try:
            if path.read_bytes() == data:
                return False
        except OSError:
            pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    with open(path, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _prune(source_dir: Path, *, keep: str) -> None:
    """Remove all but the newest KEEP_VERSIONS versions (the current one always stays) and
    temporary folders a killed writer left behind."""
    versions = sorted(
        (p for p in source_dir.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in versions[KEEP_VERSIONS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
    now = time.time()
    for tmp in source_dir.glob(".tmp-*"):
        if now - tmp.stat().st_mtime > STALE_TMP_S:
            shutil.rmtree(tmp, ignore_errors=True)


def _prune_other_sources(out_dir: Path, *, keep: str) -> None:
    """Remove other data folders' place files that nobody made current for STALE_SOURCE_S."""
    now = time.time()
    for other in out_dir.iterdir():
        current = other / CURRENT_FILE
        if other.name == keep or not other.is_dir():
            continue
        touched = current.stat().st_mtime if current.is_file() else other.stat().st_mtime
        if now - touched > STALE_SOURCE_S:
            shutil.rmtree(other, ignore_errors=True)
