"""Events, figures and stage timelines in the index file, so a replica does not find them at start.

build_timeline_index walks every article and every mention (and, for the stages, every excerpt's
article): on an index file of 10,000 articles that made the first page wait for the whole corpus.
The index build finds each article's events, figures and stage changes in its worker (as
find_events, find_figures and build_stage_timelines would, article by article; one set of sentence
views serves both finders), writes them as rows, and reduces the stage changes to timelines once at
the end (mapapp.pipeline.timeline.timelines_from_changes); `open_timeline_index` gives the app
a TimelineIndex whose stages are read at once (the as-of control needs them all) and whose events and
figures are read per feature when the side panel shows one.

The event words (eventwords.toml) are part of what the file was built from: `words_digest` is
stored with it, and a file built with other words is rebuilt.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Generic, TypeVar

from mapapp.errors import Problem, ProblemsError
from mapapp.models import Article, Feature, Mention
from mapapp.pipeline.clauses import sentence_views
from mapapp.pipeline.corpus import DisplayText, MentionsBySentence
from mapapp.pipeline.enwords import ENGLISH_WORDS_TOML, english_words_problems
from mapapp.pipeline.eventreports import merge_event_reports
from mapapp.pipeline.events import Event, EventReport, find_events_in_views
from mapapp.pipeline.figures import Figure, find_figures_in_views
from mapapp.pipeline.timeline import StageChange, TimelineIndex, first_day, stage_changes, timelines_from_changes
from mapapp.pipeline.wordlists import WORDS_TOML, load_words

SCHEMA = """
CREATE TABLE events (article_id TEXT NOT NULL, seq INTEGER NOT NULL, feature_id TEXT NOT NULL, row TEXT NOT NULL);
CREATE TABLE figures (article_id TEXT NOT NULL, seq INTEGER NOT NULL, feature_id TEXT NOT NULL, row TEXT NOT NULL);
-- an article's stage changes, [[feature_id, since, stage], ...]
CREATE TABLE stage_changes (article_id TEXT NOT NULL, rows TEXT NOT NULL);
CREATE TABLE stages (feature_id TEXT NOT NULL, seq INTEGER NOT NULL, since TEXT NOT NULL, stage TEXT NOT NULL);
-- each facility's events as a timeline lists them: the statements of one event merged into one
-- (mapapp.pipeline.eventreports), under the article of the statement kept
CREATE TABLE timeline_events (feature_id TEXT NOT NULL, article_id TEXT NOT NULL, seq INTEGER NOT NULL, row TEXT NOT NULL);
"""
TABLES = ("events", "figures", "stage_changes")  # per article: copied for an article that did not change


def words_digest() -> str:
    """A hash of the event words files (Chinese and English) the timeline rows are found with ("" if
    one cannot be read)."""
    try:
        return hashlib.sha256(WORDS_TOML.read_bytes() + ENGLISH_WORDS_TOML.read_bytes()).hexdigest()[:16]
    except OSError:
        return ""


def words_problems() -> tuple[Problem, ...]:
    """Why no events or figures can be found (eventwords.toml or englishwords.toml unusable), or ()
    if they can."""
    try:
        load_words()
    except ProblemsError as error:
        return tuple(error.problems)
    return tuple(english_words_problems())


def timeline_rows(
    article: Article,
    mentions: Sequence[Mention],
    features: dict[str, Feature],
    excerpt_feature_ids: Iterable[str],
    *,
    shown: Sequence[DisplayText] | None = None,
    located: MentionsBySentence | None = None,
) -> tuple[tuple[tuple, ...], tuple[tuple, ...], tuple]:
    """One article's events and figures (as find_events and find_figures find them) as rows
    (article_id, seq, feature_id, JSON), its sentence views built once for both, and the stage
    changes they and its excerpts (`excerpt_feature_ids`) give as one row (article_id, JSON list of
    [feature_id, since, stage]); `shown` and `located` as for sentence_views. Call only when
    words_problems() is empty."""
    views = list(sentence_views(article, mentions, features, shown=shown, located=located))
    events = find_events_in_views(views, features)
    figures = find_figures_in_views(views, features)
    day = first_day(article.date)
    changes = dict.fromkeys(
        stage_changes(features, ((fid, day) for fid in excerpt_feature_ids), ((e, day) for e in events), figures)
    )
    return (
        tuple((article.article_id, seq, e.feature_id, _json(e)) for seq, e in enumerate(events)),
        tuple((article.article_id, seq, f.feature_id, _json(f)) for seq, f in enumerate(figures)),
        (article.article_id, json.dumps([(fid, c.since, c.stage) for fid, c in changes], ensure_ascii=False)),
    )


def _json(record: Event | Figure) -> str:
    # vars(): the fields in order, as dataclasses.asdict gives them (tuples become lists either way)
    fields = vars(record)
    if isinstance(record, Event) and record.also:
        fields = {**fields, "also": [vars(report) for report in record.also]}
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def event_from_row(text: str) -> Event:
    row = json.loads(text)
    row["evidence_spans"] = tuple(tuple(span) for span in row["evidence_spans"])
    row["also"] = tuple(
        EventReport(**{**report, "evidence_spans": tuple(tuple(span) for span in report["evidence_spans"])})
        for report in row.get("also", ())
    )
    return Event(**row)


def figure_from_row(text: str) -> Figure:
    row = json.loads(text)
    row["evidence_span"] = tuple(row["evidence_span"])
    return Figure(**row)


def write_stages(db: sqlite3.Connection, features: Mapping[str, Feature]) -> None:
    """The stage timelines of every facility, from every article's stage changes (as
    build_stage_timelines computes them from the whole index), and the indexes the app reads by."""
    db.execute("CREATE INDEX events_by_feature ON events (feature_id)")
    db.execute("CREATE INDEX figures_by_feature ON figures (feature_id)")
    changes = {tuple(row) for (rows,) in db.execute("SELECT rows FROM stage_changes") for row in json.loads(rows)}
    stages = timelines_from_changes((fid, StageChange(since, stage)) for fid, since, stage in changes)
    db.executemany(
        "INSERT INTO stages VALUES (?, ?, ?, ?)",
        ((fid, seq, c.since, c.stage) for fid, changes in stages.items() for seq, c in enumerate(changes)),
    )
    write_timeline_events(db)


def write_timeline_events(db: sqlite3.Connection) -> None:
    """Each facility's events merged as build_timeline_index merges them (one event once), a
    facility at a time, with the index the panel reads them by."""
    rows = db.execute(
        "SELECT e.feature_id, e.row, a.date FROM events e JOIN articles a USING (article_id)"
        " ORDER BY e.feature_id, a.position, e.seq"
    )
    for _, feature_rows in itertools.groupby(rows, key=lambda row: row[0]):
        statements, dates = [], {}
        for _, row, date in feature_rows:
            event = event_from_row(row)
            statements.append(event)
            dates[event.article_id] = date
        db.executemany(
            "INSERT INTO timeline_events VALUES (?, ?, ?, ?)",
            (
                (event.feature_id, event.article_id, seq, _json(event))
                for seq, event in enumerate(merge_event_reports(statements, dates))
            ),
        )
    db.execute("CREATE INDEX timeline_events_by_feature ON timeline_events (feature_id)")


T = TypeVar("T")


# The order the side panel cuts a facility's events and figures in, in SQL over the stored JSON rows:
# timeline.event_cut_key and timeline.figure_cut_key say the same in Python (tests/test_storedtimeline.py).
EVENTS_CUT_ORDER = (
    "json_extract(t.row, '$.date') IS NULL, COALESCE(json_extract(t.row, '$.date'), ''),"
    " json_extract(t.row, '$.article_id'), json_extract(t.row, '$.start')"
)
FIGURES_CUT_ORDER = (
    "json_extract(t.row, '$.quantity'), COALESCE(json_extract(t.row, '$.period'), '9999'),"
    " json_extract(t.row, '$.article_id'), json_extract(t.row, '$.start')"
)


class _StoredRows(Mapping[str, tuple[T, ...]], Generic[T]):
    """feature id -> its events (or figures) in article order, then text order, read when asked for."""

    def __init__(self, query: Callable[..., list[tuple]], table: str, from_row: Callable[[str], T], cut_order: str):
        self._query, self._table, self._from_row, self._cut_order = query, table, from_row, cut_order
        self._ids = tuple(r[0] for r in query(f"SELECT DISTINCT feature_id FROM {table} ORDER BY feature_id"))

    def first(self, feature_id: str, limit: int) -> tuple[tuple[T, ...], int]:
        """At most `limit` of the feature's rows in the panel's cut order, and how many it has: read
        and parsed in SQLite, not all of them in Python (one facility had 6,000 events)."""
        total = self._query(f"SELECT COUNT(*) FROM {self._table} WHERE feature_id = ?", (feature_id,))[0][0]
        rows = self._query(
            f"SELECT t.row FROM {self._table} t JOIN articles a USING (article_id) WHERE t.feature_id = ?"
            f" ORDER BY {self._cut_order}, a.position, t.seq LIMIT ?",
            (feature_id, limit),
        )
        return tuple(self._from_row(row) for (row,) in rows), total

    def __getitem__(self, feature_id: str) -> tuple[T, ...]:
        rows = self._query(
            f"SELECT t.row FROM {self._table} t JOIN articles a USING (article_id)"
            " WHERE t.feature_id = ? ORDER BY a.position, t.seq",
            (feature_id,),
        )
        if not rows:
            raise KeyError(feature_id)
        return tuple(self._from_row(row) for (row,) in rows)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def open_timeline_index(query: Callable[..., list[tuple]], problems: Sequence[Problem]) -> TimelineIndex:
    """The TimelineIndex of an index file (`query` runs SQL on it; `problems`: the words' problems
    stored at build time, as build_timeline_index reports them)."""
    if problems:
        return TimelineIndex({}, {}, {}, tuple(problems))
    stages: dict[str, list[StageChange]] = {}
    for feature_id, since, stage in query("SELECT feature_id, since, stage FROM stages ORDER BY rowid"):
        stages.setdefault(feature_id, []).append(StageChange(since, stage))
    return TimelineIndex(
        events=_StoredRows(query, "timeline_events", event_from_row, EVENTS_CUT_ORDER),
        figures=_StoredRows(query, "figures", figure_from_row, FIGURES_CUT_ORDER),
        stages={fid: tuple(changes) for fid, changes in stages.items()},
    )
