"""The derived index in one SQLite file: built once, shipped as a file, opened by every replica.

`build_store(dirs, path)` matches the articles against the gazetteer (in worker processes, one per
core) and writes what the app reads: the articles (text, sentences, metadata), their mentions, the
excerpts per feature, the co-mention counts behind "related places", and a full-text search table
(FTS5, trigram tokenizer, so Chinese text is searchable without a word segmenter). The file records
the fingerprint of the data it was built from (mapapp.pipeline.fingerprint), so it is rebuilt only
when an input changed, and then incrementally: an article whose text or metadata did not change is
copied over as it was; a change in geodata/ or layers/ re-matches every article, because any new
name or rule may match anywhere.

`open_map_index(path, dirs)` gives the app a MapIndex whose articles, mentions and excerpts stay in
the file and are read when asked for (features, layers and the gazetteer come from the data
folders, as before), so a process does not hold the whole corpus.

The file is written to a temporary name that nothing else opens (so without a journal: a failed
build only leaves that file, which is removed), as one self-contained file, and moved into place with
os.replace, so that it can be copied to another host and a reader never sees half a build; readers
open it read-only, one connection per thread.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import json
import multiprocessing
import os
import re
import sqlite3
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, overload

from mapapp.datadirs import DataDirs
from mapapp.errors import MapAppError, Problem
from mapapp.models import Article, Excerpt, Feature, Mention, Sentence, Span
from mapapp.paths import ARTICLES_TOML
from mapapp.pipeline.boundaries import KeptBoundary, boundaries_known, convert_boundaries, remember_boundaries
from mapapp.pipeline.corpus import (
    MentionsBySentence,
    article_from_text,
    display_texts,
    load_article_metadata,
    read_seed_text,
)
from mapapp.pipeline.excerpts import (
    co_occurrence_groups,
    co_occurring_in_article,
    excerpt_fields_in_article,
    related_in_article,
)
from mapapp.pipeline.fingerprint import DataFingerprint, FileStamp, code_digest, fingerprint_data
from mapapp.pipeline.gazetteer import load_gazetteer
from mapapp.pipeline.index import MapIndex
from mapapp.pipeline.layers import load_layers
from mapapp.pipeline.mentions import MentionFinder
from mapapp.pipeline.normalise import normalise_all
from mapapp.pipeline.reprints import (
    ReprintFinder,
    TextSignature,
    checks_reprints,
    reprint_problem,
    signature_from_text,
)
from mapapp.pipeline.storedtimeline import SCHEMA as TIMELINE_SCHEMA
from mapapp.pipeline.storedtimeline import TABLES as TIMELINE_TABLES
from mapapp.pipeline.storedtimeline import (
    open_timeline_index,
    timeline_rows,
    words_digest,
    words_problems,
    write_stages,
)
from mapapp.pipeline.tagger import TAGGER, ArticleNames, names_in_texts
from mapapp.pipeline.timeline import TimelineIndex

# 3: events, figures and stages; 4: per-article rows as one JSON row each, excerpts without headline;
# 5: an article's language, outlet and source URLs; 6: English excerpts searchable by word (words table);
# 7: the tagger's names per article (names table); 8: reprints (an article's text signature, the
# reprints table), events merged (timeline_events); 9: the same as 8, numbered past it so that an index made
# by another branch that also moved on from 7 is never read as ours
SCHEMA_VERSION = "9"
NO_METADATA = "has no metadata entry; using defaults (first line as headline)"  # as load_corpus says
PARALLEL_MIN_ARTICLES = 40  # below this, starting worker processes costs more than it saves
BUILD_CACHE_KIB = 256 * 1024  # SQLite's page cache while building (the default 2 MB thrashes on large corpora)
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    article_id TEXT PRIMARY KEY, position INTEGER NOT NULL, headline TEXT NOT NULL, section TEXT NOT NULL,
    byline TEXT NOT NULL, date TEXT NOT NULL, date_basis TEXT NOT NULL, text TEXT NOT NULL, sentences TEXT NOT NULL,
    lang TEXT NOT NULL, outlet TEXT NOT NULL, source_urls TEXT NOT NULL, signature TEXT);
-- seed files that reprint an earlier article (mapapp.pipeline.reprints): their URLs join that article's
CREATE TABLE reprints (
    article_id TEXT PRIMARY KEY, original_id TEXT NOT NULL, position INTEGER NOT NULL, source_urls TEXT NOT NULL);
-- an article's mentions, [[start, end, surface, feature_id, rule], ...] in text order (read per article)
CREATE TABLE mentions (article_id TEXT NOT NULL, n INTEGER NOT NULL, rows TEXT NOT NULL);
-- the tagger's names in an article, [[start, end, kind], ...] (tagger.py), and the digest of the text
-- and tagger they were made from: a geodata change re-links every article without tagging it again
CREATE TABLE names (article_id TEXT PRIMARY KEY, digest TEXT NOT NULL, rows TEXT NOT NULL);
-- headline and date are the article's (joined when read)
CREATE TABLE excerpts (
    feature_id TEXT NOT NULL, article_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
    text TEXT NOT NULL, highlights TEXT NOT NULL, count INTEGER NOT NULL,
    source_start INTEGER NOT NULL, source_end INTEGER NOT NULL, position INTEGER NOT NULL);
-- an article's co-mention counts, [[feature_id, other_id, n], ...] (summed into `related` at the end)
CREATE TABLE pairs (article_id TEXT NOT NULL, rows TEXT NOT NULL);
CREATE TABLE feature_stats (
    feature_id TEXT PRIMARY KEY, excerpts INTEGER NOT NULL, total INTEGER NOT NULL, articles INTEGER NOT NULL);
CREATE TABLE related (feature_id TEXT NOT NULL, other_id TEXT NOT NULL, n INTEGER NOT NULL);
CREATE VIRTUAL TABLE search USING fts5(feature_id UNINDEXED, form, tokenize = 'trigram');
-- English excerpt sentences and names by word (Porter stems: "opened" finds "opening"); article_id
-- "" for a name
CREATE VIRTUAL TABLE words USING fts5(feature_id UNINDEXED, article_id UNINDEXED, text, tokenize = 'porter unicode61');
-- county and city polygons as converted from the boundary package (mapapp.pipeline.boundaries)
CREATE TABLE boundaries (dataset TEXT NOT NULL, adcode INTEGER NOT NULL, tolerance_deg REAL NOT NULL,
    source TEXT NOT NULL, wkb BLOB NOT NULL);
"""


EXCERPTS_SQL = (
    "SELECT e.feature_id, e.article_id, a.headline, a.date, e.kind, e.text, e.highlights, e.count, e.source_start,"
    " e.source_end, a.lang FROM excerpts e JOIN articles a USING (article_id) WHERE e.feature_id = ?"
)
_SEARCH_WORD = re.compile(r"[^\W_]+")


class StoreError(MapAppError):
    """The index file cannot be read or written (path and reason in the message)."""


def search_form(text: str) -> str:
    """Case-, width- and space-insensitive form (as mapapp.app.selection.normalize_for_search)."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


# --- one article's share of the index ----------------------------------------------------------


@dataclass(frozen=True)
class ArticleRows:
    """One seed file, read, parsed and matched in a worker: plain rows, cheap to send back."""

    problems: tuple[Problem, ...]  # the file's own problems (unreadable, no metadata entry)
    article: tuple | None  # the articles row; None if the file could not be read
    kept: bool  # unchanged since the previous file: its matches are copied, not recomputed
    signature: TextSignature | None = None  # for reprint detection (None: too short, or reprint_check = "off")
    # re-linked after a geodata change that left every feature as it was, and linked as before:
    # what follows from the links (excerpts, events, ...) is copied from the previous file
    same_links: bool = False
    mentions: tuple = ()  # the mentions row (article_id, n, JSON)
    excerpts: tuple[tuple, ...] = ()
    summary: ExcerptSummary | None = None  # of the excerpts (excerpt_summary)
    pairs: tuple = ()  # the pairs row (article_id, JSON)
    events: tuple[tuple, ...] = ()
    figures: tuple[tuple, ...] = ()
    stage_changes: tuple | None = None  # the stage_changes row
    names: tuple | None = None  # the names row (article_id, digest, JSON) if tagged now; None if kept in the old file
    words: tuple[tuple, ...] = ()  # an English article's distinct excerpt sentences per feature (words table)


_worker: dict[str, Any] = {}  # set before the worker processes fork, read in them


def _rows_for_file(position: int) -> ArticleRows:
    """Read, parse and (unless unchanged) match one seed file, as load_corpus + build_map_index do."""
    path: Path = _worker["paths"][position]
    text, file_problems = read_seed_text(path)
    problems = list(file_problems)
    if text is None:
        return ArticleRows(tuple(problems), None, kept=False)
    meta = _worker["metadata"].get(path.name)
    if meta is None:
        problems.append(Problem(ARTICLES_TOML, path.name, "", NO_METADATA, "warning"))
    article = article_from_text(path.name, text, meta or {}, split_before=_split_before(path.name, text))
    previous = _worker["previous"].get(article.article_id)
    unchanged = previous is not None and previous[:2] == (article.text, _article_metadata(article))
    signature = None
    if checks_reprints(meta or {}):
        signature = previous[2] if unchanged and previous[2] is not None else signature_from_text(article.text)
    row = _article_row(article, position, signature)
    if unchanged:
        return ArticleRows(tuple(problems), row, kept=True, signature=signature)
    shown = display_texts(article)  # each sentence's display text, once for all four below
    names, names_row = _names_of(article, shown)
    mentions = tuple(_worker["finder"].find(article, shown=shown, names=names))
    mentions_json = _compact_json([(m.start, m.end, m.surface, m.feature_id, m.rule) for m in mentions])
    if (names_row is None or article.lang != "zh") and _links_unchanged(article, mentions, mentions_json):
        return ArticleRows(tuple(problems), row, kept=False, same_links=True, signature=signature)
    # as mentions_by_co_occurrence, build_excerpt_index and build_related_index would for this
    # article, with its mentions located in its sentences once for them and the sentence views
    located = MentionsBySentence(article, mentions)
    derived = co_occurring_in_article(located, _worker["co_occurrence_groups"])
    excerpts = excerpt_fields_in_article(article, (*mentions, *derived), located, shown)
    pairs = related_in_article(located)
    events, figures, stage_changes = (
        ((), (), None)
        if _worker["words_problems"]
        else timeline_rows(article, mentions, _worker["features"], excerpts, shown=shown, located=located)
    )
    excerpt_rows = tuple(
        (feature_id, article.article_id, seq, kind, text, _spans_json(highlights), count, start, end, position)
        for feature_id, feature_excerpts in excerpts.items()
        for seq, (kind, text, highlights, count, start, end) in enumerate(feature_excerpts)
    )
    return ArticleRows(
        tuple(problems),
        row,
        kept=False,
        signature=signature,
        mentions=(article.article_id, len(mentions), mentions_json),
        excerpts=excerpt_rows,
        summary=excerpt_summary(excerpt_rows),
        pairs=(
            article.article_id,
            _compact_json([(fid, other, n) for fid, others in pairs.items() for other, n in others]),
        ),
        events=events,
        figures=figures,
        stage_changes=stage_changes,
        names=names_row,
        words=tuple(dict.fromkeys((row[0], article.article_id, row[4]) for row in excerpt_rows))
        if article.lang == "en"
        else (),
    )


def _previous_db() -> sqlite3.Connection | None:
    """The worker's read-only connection to the previous index file (opened after the fork)."""
    old = _worker.get("names_from")
    if old is None:
        return None
    db = _worker.get("previous_db")
    if db is None:
        db = _worker["previous_db"] = sqlite3.connect(f"file:{old}?mode=ro", uri=True)
    return db


def _split_before(article_id: str, text: str) -> tuple[str, tuple[Sentence, ...]] | None:
    """(language, sentences) of the same text in the previous index file: splitting depends on
    the text alone, so a geodata change need not split it again."""
    db = _previous_db()
    if db is None:
        return None
    try:
        row = db.execute("SELECT text, lang, sentences FROM articles WHERE article_id = ?", (article_id,)).fetchone()
    except sqlite3.Error:
        return None
    return (row[1], sentences_from_json(row[2])) if row is not None and row[0] == text else None


def sentences_from_json(text: str) -> tuple[Sentence, ...]:
    """An article's sentences as the articles table keeps them (_article_row)."""
    return tuple(
        Sentence(start, end, kind, paragraph, tuple(Span(a, b) for a, b in pieces))
        for start, end, kind, paragraph, pieces in json.loads(text)
    )


def _links_unchanged(article: Article, mentions: Sequence[Mention], mentions_json: str) -> bool:
    """Whether the previous file holds this article with the same text and metadata and exactly
    these mentions, and what its other rows read of the features is as it was (DerivedInputs):
    then its excerpts, pairs, events, figures and stages are what they were, and the writer
    copies them."""
    db = _previous_db()
    reuse: _Reuse | None = _worker.get("reuse")
    if reuse is None or db is None:
        return False
    if article.lang == "zh":
        if not reuse.same_groups or any(m.feature_id in reuse.changed_categories for m in mentions):
            return False
    elif not reuse.same_everything:
        return False
    try:
        row = db.execute(
            "SELECT a.text, a.headline, a.section, a.byline, a.date, a.date_basis, a.lang, a.outlet, a.source_urls,"
            " m.rows FROM articles a JOIN mentions m USING (article_id) WHERE a.article_id = ?",
            (article.article_id,),
        ).fetchone()
    except sqlite3.Error:
        return False
    if row is None or row[9] != mentions_json:
        return False
    return row[0] == article.text and tuple(row[1:9]) == _article_metadata(article)


@dataclass(frozen=True)
class DerivedInputs:
    """What an article's rows beyond its mentions (excerpts, pairs, events, figures, stages) read
    of the features (events.py, enevents.py, enfigures.py, clauses.py, timeline.py, excerpts.py):
    a Chinese article's, the categories of the features it mentions and the features that have
    `excerpts_with` groups (routes named by their ends); an English article's, every feature's
    category too (what "the port" refers to). A geodata change that leaves these as they were (a
    rule file, a geometry, a description, a new alias, a new place) changes an article's rows only
    through its mentions."""

    everything: str  # digest of every feature's (id, category, excerpts_with)
    groups: str  # digest of those of the features with excerpts_with
    categories: dict[str, str]  # feature id -> category

    def changed_categories(self, other: DerivedInputs) -> frozenset[str]:
        ids = self.categories.keys() | other.categories.keys()
        return frozenset(fid for fid in ids if self.categories.get(fid) != other.categories.get(fid))


def derived_inputs(features: Mapping[str, Feature]) -> DerivedInputs:
    read = [(fid, f.category, f.properties.get("excerpts_with")) for fid, f in features.items()]
    return DerivedInputs(
        _digest(read), _digest([row for row in read if row[2]]), {fid: f.category for fid, f in features.items()}
    )


def _digest(rows: list) -> str:
    return hashlib.blake2b(json.dumps(rows, ensure_ascii=False, default=repr).encode(), digest_size=16).hexdigest()


def names_digest(text: str) -> str:
    """What an article's stored names were made from: its text and the tagger."""
    return hashlib.blake2b(f"{TAGGER}\n{text}".encode(), digest_size=16).hexdigest()


def _names_of(article: Article, shown: Sequence[tuple[str, list[int]]]) -> tuple[ArticleNames | None, tuple | None]:
    """The article's tagged names: from the previous index file if its text is unchanged (the
    same article id and digest: never another article's), else tagged now. Returns the names and
    the names row to write (None: the writer copies the old file's row, see _copy_names)."""
    if article.lang != "zh":
        return None, (article.article_id, "", "[]")
    digest = names_digest(article.text)
    db = _previous_db()
    if db is not None:
        try:
            row = db.execute("SELECT digest, rows FROM names WHERE article_id = ?", (article.article_id,)).fetchone()
        except sqlite3.Error:
            row = None
        if row is not None and row[0] == digest:
            return tuple((s, e, k) for s, e, k in json.loads(row[1])), None
    names = names_in_texts(normalise_all(shown))
    return names, (article.article_id, digest, _compact_json([list(n) for n in names]))


def _spans_json(spans: Sequence[tuple[int, int]]) -> str:
    """[[start, end], ...] as JSON (json.dumps costs more than the rest of an excerpt's row)."""
    return "[" + ",".join(f"[{int(start)},{int(end)}]" for start, end in spans) + "]"


def _compact_json(rows: list) -> str:
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def rows_for_files(
    paths: Sequence[Path],
    *,
    metadata: Mapping[str, Mapping[str, str]],
    finder: MentionFinder,
    previous: Mapping[str, tuple[str, tuple, TextSignature | None]],
    processes: int,
    names_from: Path | None = None,
    reuse: _Reuse | None = None,
) -> Iterator[ArticleRows]:
    """Each file's rows, in order; read, parsed and matched in `processes` forked workers when
    there are enough files to be worth it (the rows stream back while the caller writes them)."""
    _worker.update(
        paths=paths,
        metadata=metadata,
        finder=finder,
        features=finder.gazetteer.features,
        co_occurrence_groups=co_occurrence_groups(finder.gazetteer.features),
        previous=previous,
        words_problems=words_problems(),
        names_from=names_from,
        reuse=reuse,
    )
    try:
        if (
            processes <= 1
            or len(paths) < PARALLEL_MIN_ARTICLES
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            yield from map(_rows_for_file, range(len(paths)))
            return
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            yield from pool.imap(_rows_for_file, range(len(paths)), chunksize=8)
    finally:
        db = _worker.get("previous_db")
        if db is not None:
            db.close()
        _worker.clear()


# --- writing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildReport:
    path: Path
    digest: str
    articles: int
    rematched: int  # articles matched again (the rest were copied from the previous file)
    full: bool  # every article re-matched (no usable previous file, or geodata/layers changed)


def _article_row(article: Article, position: int, signature: TextSignature | None) -> tuple:
    sentences = [[s.start, s.end, s.kind, s.paragraph, [[p.start, p.end] for p in s.pieces]] for s in article.sentences]
    return (
        article.article_id,
        position,
        article.headline,
        article.section,
        article.byline,
        article.date,
        article.date_basis,
        article.text,
        json.dumps(sentences, separators=(",", ":")),
        article.lang,
        article.outlet,
        json.dumps(article.source_urls, ensure_ascii=False),
        None if signature is None else json.dumps([signature.size, signature.hashvalues.hex()]),
    )


def _article_metadata(article: Article) -> tuple:
    return (
        article.headline,
        article.section,
        article.byline,
        article.date,
        article.date_basis,
        article.lang,
        article.outlet,
        json.dumps(article.source_urls, ensure_ascii=False),
    )


def build_store(dirs: DataDirs, path: Path, *, processes: int | None = None) -> BuildReport:
    """Write the index of the data in `dirs` to `path`, re-using an earlier file there where it can.

    The seed files are read as mapapp.pipeline.corpus.load_corpus reads them (same problems, same
    order; tests/test_store.py checks the result against build_map_index), but in the workers.
    """
    processes = processes or os.cpu_count() or 1
    fingerprint = fingerprint_data(dirs.seeds_dir, dirs.geodata_dir, dirs.layers_dir)
    remember_boundaries(kept_boundaries(path))
    layers, layer_problems = load_layers(dirs.layers_dir)
    # the polygons the data names, converted in parallel before the gazetteer asks for them one by one
    named = load_gazetteer(dirs.geodata_dir, layers, resolve_boundaries=False).features.values()
    boundaries = [f.properties.get("boundary") for f in named]
    convert_boundaries(
        (
            (b["dataset"], b["adcode"])
            for b in boundaries
            if isinstance(b, dict) and isinstance(b.get("dataset"), str) and isinstance(b.get("adcode"), int)
        ),
        processes=processes,
    )
    gazetteer = load_gazetteer(dirs.geodata_dir, layers)
    seeds = dirs.seeds_dir
    corpus_problems: list[Problem] = []
    metadata: dict[str, dict[str, str]] = {}
    paths: list[Path] = []
    if not seeds.is_dir():
        corpus_problems.append(
            Problem(str(seeds), "", "", "is not a directory; expected the folder of article .txt files")
        )
    else:
        metadata, meta_problems = load_article_metadata(seeds)
        corpus_problems.extend(meta_problems)
        paths = sorted(seeds.glob("*.txt"))
        if not paths:
            corpus_problems.append(Problem(str(seeds), "", "", "holds no .txt article files"))
    previous = _previous_articles(path, fingerprint)
    full = previous is None
    names_from = path if _has_current_schema(path) else None  # its names serve any geodata
    derived = derived_inputs(gazetteer.features)
    # after a geodata change, an article linked as before keeps its rows if what they read is unchanged
    reuse = _reuse_from(path, derived) if full and names_from is not None else None

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    articles = rematched = 0
    try:
        db = sqlite3.connect(tmp)
        try:
            # Nobody else opens the temporary file and a crash leaves only it behind: no journal, no
            # fsync (a WAL made every page be written twice: into the log, then checkpointed).
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute(f"PRAGMA cache_size=-{BUILD_CACHE_KIB}")
            db.execute("PRAGMA temp_store=MEMORY")  # the sorts behind the indexes made at the end
            db.executescript(SCHEMA + TIMELINE_SCHEMA)
            # kept in order while the workers match (made at the end, it was a serial sort of every excerpt)
            db.execute("CREATE INDEX excerpts_by_feature ON excerpts (feature_id, position, seq)")
            _write_names(db, gazetteer.features)
            db.executemany(
                "INSERT INTO boundaries VALUES (?, ?, ?, ?, ?)",
                ((b.dataset, b.adcode, b.tolerance_deg, b.source, b.wkb) for b in boundaries_known()),
            )
            summaries = _Summaries(db)
            kept: list[str] = []
            reprints = ReprintFinder()  # fed in file order, as load_corpus's fold_reprints
            reprint_problems: list[Problem] = []
            names_kept: list[str] = []  # re-linked from the old file's names: their rows are copied
            with db:
                for rows in rows_for_files(
                    paths,
                    metadata=metadata,
                    finder=MentionFinder(gazetteer),
                    previous=previous or {},
                    processes=processes,
                    names_from=names_from,
                    reuse=reuse,
                ):
                    corpus_problems.extend(rows.problems)
                    if rows.article is None:
                        continue
                    found = reprints.match(rows.article[0], rows.signature)
                    if found is not None:  # another source of an earlier article, not an article
                        original_id, alike = found
                        reprint_problems.append(reprint_problem(rows.article[0], original_id, alike))
                        db.execute(
                            "INSERT INTO reprints VALUES (?,?,?,?)",
                            (rows.article[0], original_id, rows.article[1], rows.article[11]),
                        )
                        continue
                    articles += 1
                    db.execute("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows.article)
                    rematched += not rows.kept
                    if rows.kept or rows.same_links:
                        kept.append(rows.article[0])
                        continue
                    if rows.names is not None:
                        db.execute("INSERT INTO names VALUES (?,?,?)", rows.names)
                    else:
                        names_kept.append(rows.article[0])
                    db.execute("INSERT INTO mentions VALUES (?,?,?)", rows.mentions)
                    db.executemany("INSERT INTO excerpts VALUES (?,?,?,?,?,?,?,?,?,?)", rows.excerpts)
                    db.execute("INSERT INTO pairs VALUES (?,?)", rows.pairs)
                    summaries.add(rows.excerpts, rows.summary or excerpt_summary(rows.excerpts))
                    summaries.add_pairs(rows.pairs[1])
                    db.executemany("INSERT INTO events VALUES (?,?,?,?)", rows.events)
                    db.executemany("INSERT INTO figures VALUES (?,?,?,?)", rows.figures)
                    if rows.stage_changes is not None:
                        db.execute("INSERT INTO stage_changes VALUES (?,?)", rows.stage_changes)
                    db.executemany("INSERT INTO words (feature_id, article_id, text) VALUES (?,?,?)", rows.words)
                known = {p.name for p in paths}
                corpus_problems.extend(
                    Problem(ARTICLES_TOML, article_id, "", "has metadata but no such .txt file in seeds/", "warning")
                    for article_id in metadata
                    if article_id not in known
                )
                corpus_problems.extend(reprint_problems)
                _write_meta(db, fingerprint, (*corpus_problems, *layer_problems, *gazetteer.problems), derived)
                if kept:
                    _copy_kept(db, path, set(kept), summaries)
                if names_kept and names_from is not None:
                    _copy_names(db, names_from, names_kept)
                summaries.write()
                write_stages(db, gazetteer.features)
            db.execute("PRAGMA journal_mode=DELETE")  # readers of the finished file get the default
        finally:
            db.close()
        os.replace(tmp, path)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: could not write the index ({error}); expected a writable folder") from error
    finally:
        tmp.unlink(missing_ok=True)
    return BuildReport(path, fingerprint.digest, articles, rematched, full)


def _write_meta(
    db: sqlite3.Connection, fingerprint: DataFingerprint, problems: Sequence[Problem], derived: DerivedInputs
) -> None:
    meta = {
        "derived": json.dumps(asdict(derived), ensure_ascii=False),
        "schema": SCHEMA_VERSION,
        "digest": fingerprint.digest,
        "stamps": json.dumps([asdict(s) for s in fingerprint.stamps]),
        "problems": json.dumps([asdict(p) for p in problems], ensure_ascii=False),
        "words": words_digest(),
        "code": code_digest(),
        "timeline_problems": json.dumps([asdict(p) for p in words_problems()], ensure_ascii=False),
    }
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())


@dataclass(frozen=True)
class ExcerptSummary:
    """One article's share of the summaries, made where its rows are (a worker) to spare the writer."""

    stats: tuple[tuple[str, int, int], ...]  # (feature_id, excerpts, their total count)
    # (hash of (feature_id, sentence), index of its first excerpt row): the article's distinct
    # sentences per feature. hash() is the same in the forked workers as in the writer.
    sentences: tuple[tuple[int, int], ...]


def excerpt_summary(excerpts: Sequence[tuple]) -> ExcerptSummary:
    """The summary of one article's excerpt rows (as the excerpts table)."""
    stats: dict[str, list[int]] = {}
    sentences: dict[int, int] = {}
    for row, (feature_id, _aid, _seq, _kind, text, _hl, count, *_) in enumerate(excerpts):
        counted = stats.get(feature_id)
        if counted is None:
            stats[feature_id] = [1, count]
        else:
            counted[0] += 1
            counted[1] += count
        sentences.setdefault(hash((feature_id, text)), row)
    return ExcerptSummary(tuple((fid, n, total) for fid, (n, total) in stats.items()), tuple(sentences.items()))


class _Summaries:
    """What a replica reads at start or per click without walking every excerpt, gathered while the
    rows are written: per feature its number of excerpts, their total count and the articles they
    come from; the related places; and each distinct excerpt sentence of a feature, in search form,
    written to the search table as it first comes."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db
        self._excerpts: Counter[str] = Counter()
        self._total: Counter[str] = Counter()
        self._articles: Counter[str] = Counter()
        self._related: Counter[tuple[str, str]] = Counter()
        # hashes of the (feature, sentence) pairs already in the search table: one int each, not
        # the text (a real corpus of 10,000 articles has ~800,000); two pairs of one hash would lose
        # the second from search (for 10^6 pairs, a chance of about 3 in 10^8)
        self._searched: set[int] = set()

    def add(self, excerpts: Sequence[tuple], summary: ExcerptSummary) -> None:
        """One article's excerpt rows (as the excerpts table) and their summary (excerpt_summary,
        made in the worker)."""
        for feature_id, n, total in summary.stats:
            self._excerpts[feature_id] += n
            self._total[feature_id] += total
        self._articles.update(feature_id for feature_id, _, _ in summary.stats)
        new_forms = []
        for key, row in summary.sentences:
            if key not in self._searched:
                self._searched.add(key)
                new_forms.append((excerpts[row][0], search_form(excerpts[row][4])))
        self._db.executemany("INSERT INTO search (feature_id, form) VALUES (?, ?)", new_forms)

    def add_excerpts(self, excerpts: Sequence[tuple]) -> None:
        """One article's excerpt rows (as the excerpts table)."""
        self.add(excerpts, excerpt_summary(excerpts))

    def add_pairs(self, pairs_json: str) -> None:
        """One article's co-mention pairs (JSON, as the pairs table)."""
        for feature_id, other_id, n in json.loads(pairs_json):
            self._related[feature_id, other_id] += n

    def write(self) -> None:
        self._db.execute("CREATE INDEX mentions_by_article ON mentions (article_id)")
        self._db.executemany(
            "INSERT INTO feature_stats VALUES (?, ?, ?, ?)",
            ((fid, n, self._total[fid], self._articles[fid]) for fid, n in self._excerpts.items()),
        )
        self._db.executemany("INSERT INTO related VALUES (?, ?, ?)", ((f, o, n) for (f, o), n in self._related.items()))


def _write_names(db: sqlite3.Connection, features: Mapping[str, Feature]) -> None:
    """Names and aliases of every feature, in search form (the sentences follow, see _Summaries),
    and the English ones by word."""
    rows = [
        (fid, search_form(name))
        for fid, f in features.items()
        for name in dict.fromkeys((f.name_zh, f.name_en, *f.aliases, *_aliases_en(f)))
        if name
    ]
    db.executemany("INSERT INTO search (feature_id, form) VALUES (?, ?)", rows)
    db.executemany(
        "INSERT INTO words (feature_id, article_id, text) VALUES (?, '', ?)",
        ((fid, name) for fid, f in features.items() for name in dict.fromkeys((f.name_en, *_aliases_en(f))) if name),
    )


def _aliases_en(feature: Feature) -> list[str]:
    value = feature.properties.get("aliases_en") or []
    return [a for a in value if isinstance(a, str)]


def _copy_kept(db: sqlite3.Connection, previous_path: Path, keep: set[str], summaries: _Summaries) -> None:
    db.execute("ATTACH DATABASE ? AS old", (f"file:{previous_path}?mode=ro",))
    try:
        db.execute("CREATE TEMP TABLE kept (article_id TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO kept VALUES (?)", ((a,) for a in keep))
        for table in ("mentions", "names", "pairs", *TIMELINE_TABLES):
            db.execute(
                f"INSERT INTO main.{table} SELECT * FROM old.{table} WHERE article_id IN (SELECT article_id FROM kept)"
            )
        db.execute(
            "INSERT INTO main.words (feature_id, article_id, text) SELECT feature_id, article_id, text FROM old.words"
            " WHERE article_id IN (SELECT article_id FROM kept)"
        )
        # an article keeps its excerpts but may have moved (articles added or removed before it)
        db.execute(
            "INSERT INTO main.excerpts SELECT e.feature_id, e.article_id, e.seq, e.kind, e.text,"
            " e.highlights, e.count, e.source_start, e.source_end, a.position"
            " FROM old.excerpts e JOIN main.articles a USING (article_id)"
            " WHERE e.article_id IN (SELECT article_id FROM kept)"
        )
        # their share of the summaries, an article at a time (not all of them in memory)
        for (rows,) in db.execute("SELECT rows FROM main.pairs WHERE article_id IN (SELECT article_id FROM kept)"):
            summaries.add_pairs(rows)
        excerpts = db.execute(
            "SELECT * FROM main.excerpts WHERE article_id IN (SELECT article_id FROM kept) ORDER BY article_id"
        )
        for _, article_excerpts in itertools.groupby(excerpts, key=lambda row: row[1]):
            summaries.add_excerpts(list(article_excerpts))
    finally:
        db.commit()
        db.execute("DETACH DATABASE old")


def _copy_names(db: sqlite3.Connection, previous_path: Path, article_ids: Sequence[str]) -> None:
    """The old file's names rows of these articles, copied in one statement (not sent back from
    the workers and written one by one)."""
    db.execute("ATTACH DATABASE ? AS old_names", (f"file:{previous_path}?mode=ro",))
    try:
        db.execute("CREATE TEMP TABLE names_kept (article_id TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO names_kept VALUES (?)", ((a,) for a in article_ids))
        db.execute(
            "INSERT INTO main.names SELECT * FROM old_names.names WHERE article_id IN (SELECT article_id FROM names_kept)"
        )
    finally:
        db.commit()
        db.execute("DETACH DATABASE old_names")


def _signature_from_json(value: str | None) -> TextSignature | None:
    if value is None:
        return None
    size, hexed = json.loads(value)
    return TextSignature(bytes.fromhex(hexed), size)


def _previous_articles(
    path: Path, fingerprint: DataFingerprint
) -> dict[str, tuple[str, tuple, TextSignature | None]] | None:
    """The articles of an earlier file at `path` (text, metadata, signature) when its matches can be re-used:
    same schema, and no change in geodata/ or layers/ since. None otherwise."""
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            meta = dict(db.execute("SELECT key, value FROM meta"))
            if (
                meta.get("schema") != SCHEMA_VERSION
                or meta.get("words") != words_digest()
                or meta.get("code") != code_digest()
            ):
                return None  # another format, events found with other words, or other code: match everything
            old = DataFingerprint(tuple(FileStamp(**s) for s in json.loads(meta["stamps"])))
            if any(not p.startswith("seeds/") for p in fingerprint.changed_paths(old)):
                return None
            rows = db.execute(
                "SELECT article_id, text, headline, section, byline, date, date_basis, lang, outlet, source_urls,"
                " signature FROM articles"
            )
            return {row[0]: (row[1], tuple(row[2:-1]), _signature_from_json(row[-1])) for row in rows}
    except (sqlite3.Error, KeyError, ValueError, TypeError):
        return None  # not a readable index of this schema: build from scratch


@dataclass(frozen=True)
class _Reuse:
    """What a re-link may copy, against the previous file's DerivedInputs (see _links_unchanged)."""

    same_everything: bool
    same_groups: bool
    changed_categories: frozenset[str]


def _reuse_from(path: Path, now: DerivedInputs) -> _Reuse | None:
    """How the features read by an article's other rows changed since the file at `path` was built;
    None if it does not say, or its events were found with other words."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('derived', 'words')"))
        then = DerivedInputs(**json.loads(meta["derived"]))
    except (sqlite3.Error, KeyError, ValueError, TypeError):
        return None
    if meta.get("words") != words_digest():
        return None
    return _Reuse(then.everything == now.everything, then.groups == now.groups, now.changed_categories(then))


def _has_current_schema(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return dict(db.execute("SELECT key, value FROM meta")).get("schema") == SCHEMA_VERSION
    except sqlite3.Error:
        return False


def kept_boundaries(path: Path) -> list[KeptBoundary]:
    """The converted boundaries an index file keeps ([] if there is no readable file)."""
    if not path.is_file():
        return []
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            rows = db.execute("SELECT dataset, adcode, tolerance_deg, source, wkb FROM boundaries").fetchall()
    except sqlite3.Error:
        return []  # an older file without them: they are converted again
    return [KeptBoundary(*row) for row in rows]


def stored_digest(path: Path) -> str | None:
    """The data digest an index file was built from, or None if there is no readable file."""
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            meta = dict(db.execute("SELECT key, value FROM meta"))
    except sqlite3.Error:
        return None
    current = (
        meta.get("schema") == SCHEMA_VERSION
        and meta.get("words") == words_digest()
        and meta.get("code") == code_digest()
    )
    return meta.get("digest") if current else None


@contextlib.contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """One builder at a time for `path` (replicas starting together wait for the first one's file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_store(dirs: DataDirs, path: Path) -> str:
    """The file at `path` made current for `dirs` (built or updated if needed); returns its digest."""
    digest = fingerprint_data(dirs.seeds_dir, dirs.geodata_dir, dirs.layers_dir).digest
    if stored_digest(path) == digest:
        return digest
    with build_lock(path):
        if stored_digest(path) != digest:  # another process may have built it while we waited
            build_store(dirs, path)
    return digest


# --- reading -------------------------------------------------------------------------------------


class IndexStore:
    """Read access to an index file: one read-only connection per thread."""

    def __init__(self, path: Path):
        if not path.is_file():
            raise StoreError(f"{path}: no index file; expected one written by `python -m mapapp index build`")
        self.path = path
        self._local = threading.local()
        meta = dict(self.query("SELECT key, value FROM meta"))
        if meta.get("schema") != SCHEMA_VERSION:
            raise StoreError(f"{path}: index schema {meta.get('schema')!r}; expected {SCHEMA_VERSION!r} (rebuild it)")
        self.digest = meta["digest"]
        self.problems = tuple(Problem(**p) for p in json.loads(meta["problems"]))
        self.timeline_problems = tuple(Problem(**p) for p in json.loads(meta["timeline_problems"]))
        self.excerpt_counts = dict(self.query("SELECT feature_id, excerpts FROM feature_stats"))
        self.reprint_urls: dict[str, list[str]] = {}  # an article -> its reprints' source URLs
        for original_id, urls in self.query("SELECT original_id, source_urls FROM reprints ORDER BY position"):
            self.reprint_urls.setdefault(original_id, []).extend(json.loads(urls))
        self.article_ids = tuple(r[0] for r in self.query("SELECT article_id FROM articles ORDER BY position"))

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple]:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        return db.execute(sql, parameters).fetchall()

    def article(self, article_id: str) -> Article | None:
        rows = self.query(
            "SELECT article_id, text, headline, section, byline, date, date_basis, sentences, lang, outlet, source_urls"
            " FROM articles WHERE article_id = ?",
            (article_id,),
        )
        if not rows:
            return None
        aid, text, headline, section, byline, date, basis, sentences, lang, outlet, source_urls = rows[0]
        return Article(
            aid,
            text,
            headline,
            section,
            byline,
            date,
            basis,
            sentences_from_json(sentences),
            lang=lang,
            outlet=outlet,
            # as load_corpus's fold_reprints: its own URLs, then its reprints'
            source_urls=tuple(dict.fromkeys((*json.loads(source_urls), *self.reprint_urls.get(aid, ())))),
        )

    def article_infos(self, article_ids: Iterable[str]) -> dict[str, tuple[str, str, str, str, tuple[str, ...]]]:
        """(headline, date, lang, outlet, source URLs) of each article asked for, without its text."""
        wanted = list(dict.fromkeys(article_ids))
        found: dict[str, tuple[str, str, str, str, tuple[str, ...]]] = {}
        for start in range(0, len(wanted), 500):  # SQLite's bound-parameter limit
            chunk = wanted[start : start + 500]
            rows = self.query(
                "SELECT article_id, headline, date, lang, outlet, source_urls FROM articles"
                f" WHERE article_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for aid, headline, date, lang, outlet, urls in rows:
                # as load_corpus's fold_reprints: its own URLs, then its reprints'
                merged = tuple(dict.fromkeys((*json.loads(urls), *self.reprint_urls.get(aid, ()))))
                found[aid] = (headline, date, lang, outlet, merged)
        return found

    def names_of(self, article_id: str) -> ArticleNames | None:
        """The tagger's names in the article as kept in the file (None for none kept)."""
        rows = self.query("SELECT rows FROM names WHERE article_id = ?", (article_id,))
        return tuple((s, e, k) for s, e, k in json.loads(rows[0][0])) if rows else None

    def mentions_of(self, article_id: str) -> tuple[Mention, ...]:
        rows = self.query("SELECT rows FROM mentions WHERE article_id = ?", (article_id,))
        return tuple(Mention(article_id, *row) for row in json.loads(rows[0][0])) if rows else ()

    def all_mentions(self) -> tuple[Mention, ...]:
        rows = self.query(
            "SELECT m.article_id, m.rows FROM mentions m JOIN articles a USING (article_id) ORDER BY a.position"
        )
        return tuple(Mention(article_id, *row) for article_id, text in rows for row in json.loads(text))

    def excerpts_of(
        self,
        feature_id: str,
        *,
        limit: int | None = None,
        max_articles: int | None = None,
        skip_articles: int = 0,
    ) -> tuple[Excerpt, ...]:
        """The feature's excerpts in article order, then text order (as build_excerpt_index): at most
        `limit` of them, from at most `max_articles` articles after the first `skip_articles`."""
        if max_articles is None and not skip_articles:
            rows = self.query(
                EXCERPTS_SQL + " ORDER BY e.position, e.seq LIMIT ?", (feature_id, -1 if limit is None else limit)
            )
        else:
            rows = self.query(
                EXCERPTS_SQL + " AND e.position IN (SELECT DISTINCT position FROM excerpts WHERE feature_id = ?"
                " ORDER BY position LIMIT ? OFFSET ?) ORDER BY e.position, e.seq LIMIT ?",
                (
                    feature_id,
                    feature_id,
                    -1 if max_articles is None else max_articles,
                    skip_articles,
                    -1 if limit is None else limit,
                ),
            )
        return tuple(
            Excerpt(fid, aid, headline, date, kind, text, tuple(tuple(h) for h in json.loads(hl)), count, s, e, lang)
            for fid, aid, headline, date, kind, text, hl, count, s, e, lang in rows
        )

    def excerpt_totals(self, feature_id: str) -> tuple[int, int]:
        """(how many times the feature's sentences occur in all, in how many articles)."""
        rows = self.query("SELECT total, articles FROM feature_stats WHERE feature_id = ?", (feature_id,))
        return (rows[0][0], rows[0][1]) if rows else (0, 0)

    def timeline(self) -> TimelineIndex:
        """Events and figures per feature (read when asked for) and every facility's stages."""
        return open_timeline_index(self.query, self.timeline_problems)

    def related(self) -> dict[str, tuple[tuple[str, int], ...]]:
        grouped: dict[str, Counter[str]] = {}
        for fid, other, n in self.query("SELECT feature_id, other_id, n FROM related"):
            grouped.setdefault(fid, Counter())[other] = n
        return {fid: tuple(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for fid, c in grouped.items()}

    def search_feature_ids(self, query: str) -> set[str]:
        """Features whose name, alias or an excerpt sentence contains `query` (case-, width-,
        space-insensitive), found by the FTS5 trigram index (LIKE; short queries scan the table);
        and those `word_feature_ids` finds. For Latin letters this is every text that holds them
        anywhere; the app's search (mapapp.app.selection) keeps those where they are whole words."""
        needle = search_form(query)
        if not needle:
            return set()
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        found = {
            r[0] for r in self.query("SELECT DISTINCT feature_id FROM search WHERE form LIKE ? ESCAPE '\\'", (pattern,))
        }
        return found | self.word_feature_ids(query)

    def word_feature_ids(self, query: str) -> set[str]:
        """For a query in Latin letters, the features whose English excerpts or names have all its
        words in any order, by stem ("railway opened" finds "the opening of the railway")."""
        words = [w for w in _SEARCH_WORD.findall(query) if w.isascii()]
        if not words:
            return set()
        # each word quoted (no FTS5 syntax from a reader's query); the last one as a prefix (typing)
        match = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
        return {r[0] for r in self.query("SELECT DISTINCT feature_id FROM words WHERE words MATCH ?", (match,))}


class StoredArticles(Mapping[str, Article]):
    """index.articles backed by the file: an article is read when asked for."""

    def __init__(self, store: IndexStore):
        self._store = store
        self._ids = frozenset(store.article_ids)

    def __getitem__(self, article_id: str) -> Article:
        article = self._store.article(article_id) if article_id in self._ids else None
        if article is None:
            raise KeyError(article_id)
        return article

    def __iter__(self) -> Iterator[str]:
        return iter(self._store.article_ids)

    def __len__(self) -> int:
        return len(self._store.article_ids)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._ids


class StoredExcerptList(Sequence[Excerpt]):
    """One feature's excerpts: the count is known; the first is read alone (a popup needs only it)."""

    def __init__(self, store: IndexStore, feature_id: str, count: int):
        self._store, self._feature_id, self._count = store, feature_id, count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, i: int) -> Excerpt: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Excerpt]: ...
    def __getitem__(self, i: int | slice) -> Excerpt | Sequence[Excerpt]:
        if isinstance(i, int) and 0 <= i < self._count:
            return self._store.excerpts_of(self._feature_id, limit=i + 1)[i]
        return self._store.excerpts_of(self._feature_id)[i]

    def __iter__(self) -> Iterator[Excerpt]:
        return iter(self._store.excerpts_of(self._feature_id))


class StoredExcerpts(Mapping[str, Sequence[Excerpt]]):
    """index.excerpts backed by the file: feature id -> its excerpts, read when iterated."""

    def __init__(self, store: IndexStore):
        self._store = store

    def __getitem__(self, feature_id: str) -> Sequence[Excerpt]:
        count = self._store.excerpt_counts.get(feature_id)
        if not count:
            raise KeyError(feature_id)
        return StoredExcerptList(self._store, feature_id, count)

    def __iter__(self) -> Iterator[str]:
        return iter(self._store.excerpt_counts)

    def __len__(self) -> int:
        return len(self._store.excerpt_counts)


class StoredNames(Mapping[str, ArticleNames]):
    """index.names backed by the file: an article's tagged names, read when asked for."""

    def __init__(self, store: IndexStore):
        self._store = store

    def __getitem__(self, article_id: str) -> ArticleNames:
        names = self._store.names_of(article_id)
        if names is None:
            raise KeyError(article_id)
        return names

    def __iter__(self) -> Iterator[str]:
        return iter(r[0] for r in self._store.query("SELECT article_id FROM names"))

    def __len__(self) -> int:
        return self._store.query("SELECT COUNT(*) FROM names")[0][0]


class StoredMentions(Sequence[Mention]):
    """index.mentions backed by the file: read whole only if something walks all of them (the CLI)."""

    def __init__(self, store: IndexStore):
        self._store = store
        self._count = store.query("SELECT COALESCE(SUM(n), 0) FROM mentions")[0][0]

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, i: int) -> Mention: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Mention]: ...
    def __getitem__(self, i: int | slice) -> Mention | Sequence[Mention]:
        return self._store.all_mentions()[i]

    def __iter__(self) -> Iterator[Mention]:
        return iter(self._store.all_mentions())


def open_map_index(store: IndexStore, dirs: DataDirs) -> MapIndex:
    """The app's MapIndex over an index file: articles, mentions and excerpts stay in the file;
    features, layers and the gazetteer are read from the data folders (they draw the map)."""
    remember_boundaries(kept_boundaries(store.path))  # not converted again in this process
    layers, _ = load_layers(dirs.layers_dir)
    gazetteer = load_gazetteer(dirs.geodata_dir, layers)
    return MapIndex(
        articles=StoredArticles(store),
        features=gazetteer.features,
        layers=layers,
        mentions=StoredMentions(store),
        excerpts=StoredExcerpts(store),
        related=store.related(),
        problems=store.problems,
        gazetteer=gazetteer,
        names=StoredNames(store),
    )
