"""Dated statements about facilities: planned, approved, construction started, completed, opened,
milestone (a first sailing, a new route, a timetable), found in the articles' sentences.

For every word of eventwords.toml's `[[trigger]]` lists in a sentence:
- the facility is the subject named right before it in its clause (and names joined to that one by
  、/和), else the object right after it, else (in a time clause such as "…运营以来,X…") the name that
  opens the next clause, else the nearest name earlier in the sentence;
- the date is the nearest date before it in its clause, else a date that opens an earlier clause,
  else (for a sentence that continues the one before, e.g. starts with a verb or 其中) that one's;
  a date that names a thing ("2026年第一季度运行图") or is what a clause is about ("2025年是…") is
  not an event's date; no date found means None;
- a future word (将, 即将, 要…) before it in its clause, or in an earlier clause that the clause
  continues, makes the statement `expected`; an expected statement without a date is `planned`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal, get_args

from mapapp.models import Article, Feature, Mention
from mapapp.pipeline.clauses import (
    PlacedMention,
    SentenceView,
    event_words,
    sentence_views,
    subject_after,
    subject_before,
)
from mapapp.pipeline.dates import DateMention, Precision, back_a_year_if_ahead
from mapapp.pipeline.wordlists import load_words

EventKind = Literal["planned", "approved", "construction_started", "completed", "opened", "milestone"]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)
_PRECISION_RANK = {None: 0, "year": 1, "month": 2, "day": 3}
_PREVIOUS_SENTENCE = "前句"  # evidence: the date was printed in the sentence before


@dataclass(frozen=True)
class EventReport:
    """Another passage that reports the same event (mapapp.pipeline.eventreports): where it is and
    the words that say so, as on Event."""

    article_id: str
    start: int
    end: int
    evidence: str
    sentence: str
    evidence_spans: tuple[tuple[int, int], ...]
    date: str | None


@dataclass(frozen=True)
class Event:
    feature_id: str
    kind: EventKind
    date: str | None  # ISO as precise as the text: "2025", "2025-12", "2025-06-11"; None if not given
    date_precision: Precision | None
    date_end: str | None  # the end of a range ("2月1日至3月28日")
    relative: bool  # the date was resolved from the article's date (or an earlier date in the text)
    expected: bool  # said of the future ("将", "即将", "力争")
    article_id: str
    start: int  # the sentence: offsets into the file text, as for mentions
    end: int
    evidence: str  # the words that gave it: date, future word, event word
    sentence: str  # the sentence as displayed
    evidence_spans: tuple[tuple[int, int], ...]  # [start, end) offsets of the evidence in `sentence`
    stage: str = ""  # the stage it puts the facility in when not its kind's ("under_construction" for 试运行)
    # the other passages that report this same event, in this article or others (a timeline's events
    # are merged so: mapapp.pipeline.eventreports), the first MAX_ALSO of them; () as found in one
    # sentence. `reports`: how many passages report it in all, this one included.
    also: tuple[EventReport, ...] = ()
    reports: int = 1


@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    kind: EventKind
    side: Literal["both", "object"]
    stage: str = ""  # the stage it puts the facility in, if not its kind's (试运行: still being built)


@dataclass(frozen=True)
class _Given:
    """The date and tense a sentence takes from the one before it."""

    date: DateMention | None
    future: bool


@dataclass(frozen=True)
class _Topic:
    """What a sentence hands on: its opening date and the tense of its main clause (for a sentence
    that opens with a verb: "新的一年,衢州将…。建成X,…"), and its last date and tense (for one
    that opens with 其中: "到2027年要打造…。其中,…建成X")."""

    head: _Given
    tail: _Given


_NOTHING = _Given(None, False)


@cache
def _trigger_patterns() -> tuple[tuple[re.Pattern[str], EventKind, str, str], ...]:
    patterns = []
    for entry in load_words()["trigger"]:  # checked: every kind is one of EVENT_KINDS
        kind = entry["kind"]
        patterns.append((re.compile(f"(?:{entry['words']})"), kind, entry.get("side", "both"), entry.get("stage", "")))
    return tuple(patterns)


@cache
def _any_trigger() -> re.Pattern[str]:
    """Every trigger pattern in one: a sentence it does not match has no event word (most do not)."""
    try:
        return re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _, _, _ in _trigger_patterns()))
    except re.error:  # patterns that cannot be joined (inline flags): no shortcut, each is tried
        return re.compile("")


def find_triggers(text: str) -> list[Trigger]:
    """Event words in `text`, longest first where they overlap."""
    if _any_trigger().search(text) is None:
        return []
    found = [
        Trigger(m.start(), m.end(), kind, side, stage)  # type: ignore[arg-type]
        for pattern, kind, side, stage in _trigger_patterns()
        for m in pattern.finditer(text)
        if m.end() > m.start()
    ]
    return longest_first(found)


def longest_first(found: list[Trigger]) -> list[Trigger]:
    """The triggers in text order, the longest kept where they overlap (shared with English events)."""
    found = sorted(found, key=lambda t: (t.start, -(t.end - t.start)))
    chosen: list[Trigger] = []
    for trigger in found:
        if chosen and trigger.start < chosen[-1].end:
            continue
        chosen.append(trigger)
    return chosen


def find_events(
    articles: Iterable[Article], mentions: Sequence[Mention], features: dict[str, Feature]
) -> tuple[Event, ...]:
    """Every event the articles state about a mapped facility, in article and text order."""
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_article[mention.article_id].append(mention)
    routes = _route_groups(features)
    events: list[Event] = []
    for article in articles:
        views = sentence_views(article, by_article.get(article.article_id, []), features)
        if article.lang == "en":
            events.extend(find_events_in_views(list(views), features))
        else:
            events.extend(_events_in_views(views, routes))
    return tuple(events)


def find_events_in_views(views: Iterable[SentenceView], features: dict[str, Feature]) -> list[Event]:
    """find_events for one article whose sentence views are already built (the index build builds
    them once for events and figures). An English article's are read by enevents.py."""
    views = list(views)
    if views and views[0].article.lang == "en":
        from mapapp.pipeline.enevents import english_events_in_views

        return english_events_in_views(views, features)
    return _events_in_views(views, _route_groups(features))


def _events_in_views(views: Iterable[SentenceView], routes: dict[str, list[frozenset[str]]]) -> list[Event]:
    events: list[Event] = []
    topic = _Topic(_NOTHING, _NOTHING)
    # Sentences since `topic` that name no facility: they state no event (every event needs a
    # facility named in its sentence), so what they hand on is worked out only if a later sentence
    # takes it (most sentences name no facility; most that do open with their own subject or date).
    pending: list[tuple[SentenceView, int]] = []  # (sentence, paragraph of the sentence before it)
    paragraph = -1
    for view in views:
        if not view.names_facility:
            pending.append((view, paragraph))
            paragraph = view.paragraph
            continue
        triggers = find_triggers(view.text)
        continuation = _continuation(view, triggers)
        if pending and _takes_from_before(continuation, view.paragraph == paragraph):
            topic = _handed_on(pending, topic)
        pending.clear()
        given = _given(continuation, topic, same_paragraph=view.paragraph == paragraph)
        paragraph = view.paragraph
        found, topic = _events_in(view, given, triggers)
        events.extend(_with_routes(found, view, routes))
    return events


def _takes_from_before(continuation: Literal["head", "tail"] | None, same_paragraph: bool) -> bool:
    return continuation == "tail" or (continuation == "head" and same_paragraph)


def _given(continuation: Literal["head", "tail"] | None, topic: _Topic, *, same_paragraph: bool) -> _Given:
    """What a sentence takes from the one before it (`topic`)."""
    # 其中 points back across a paragraph break; a sentence opening with a verb does not
    if continuation == "tail":
        return topic.tail
    if continuation == "head" and same_paragraph:
        return topic.head
    return _NOTHING


def _handed_on(pending: Sequence[tuple[SentenceView, int]], before: _Topic) -> _Topic:
    """The topic the last of `pending` (sentences without events, after the one that handed on
    `before`) hands on: back to the nearest one that takes nothing from its predecessor, then
    forward as _events_in would have worked it out."""
    chain: list[tuple[SentenceView, Literal["head", "tail"] | None, bool]] = []
    for view, paragraph_before in reversed(pending):
        continuation = _continuation(view, find_triggers(view.text))
        same_paragraph = view.paragraph == paragraph_before
        chain.append((view, continuation, same_paragraph))
        if not _takes_from_before(continuation, same_paragraph):
            break  # its topic does not depend on `before` or on any sentence before it
    topic = before
    for view, continuation, same_paragraph in reversed(chain):
        given = _given(continuation, topic, same_paragraph=same_paragraph)
        topic = _topic_of(view, _clause_futures(view, given.future), given)
    return topic


def events_from_index(index) -> tuple[Event, ...]:  # index: mapapp.pipeline.index.MapIndex
    """find_events over a built MapIndex."""
    return find_events(index.articles.values(), index.mentions, index.features)


def _continuation(view: SentenceView, triggers: Sequence[Trigger]) -> Literal["head", "tail"] | None:
    """How a sentence goes on with the one before it: one that opens with 其中 takes its last date
    and tense ("tail"); one whose first clause names nothing and has no date before its first
    event word (a verb: "建成X,推进Y") takes its opening date and main tense ("head")."""
    words = event_words()
    if words.continuation_leaders.match(view.text):
        return "tail"
    first_start, first_end = view.clauses[0]
    first_trigger = next((t.start for t in triggers if t.start < first_end), first_end)
    has_name = any(first_start <= m.start < first_trigger for m in view.mentions)
    has_date = any(first_start <= d.start < first_trigger for d in view.dates)
    return None if has_name or has_date else "head"


def _events_in(view: SentenceView, inherited: _Given, triggers: Sequence[Trigger]) -> tuple[list[Event], _Topic]:
    """The events of one sentence that names a facility (`triggers`: find_triggers of its text)
    and what it hands on."""
    words = event_words()
    futures = _clause_futures(view, inherited.future)
    found: list[Event] = []
    for n, trigger in enumerate(triggers):
        clause_no = view.clause_at(trigger.start)
        clause_start, clause_end = view.clauses[clause_no]
        previous = triggers[n - 1] if n and triggers[n - 1].end > clause_start else None
        segment_start = previous.end if previous else clause_start
        following = next((t.start for t in triggers[n + 1 :] if t.start < clause_end), clause_end)
        time_clause = words.time_clause_followers.match(view.text, trigger.end) is not None
        future = _future_at(view, trigger, clause_start, clause_end, futures[clause_no])
        main_end = view.clauses[min(clause_no + 1, len(view.clauses) - 1)][1]
        if time_clause and _future_after_in_clause(view, trigger.end, main_end):
            continue  # "通车后,通行时间将缩短": a condition, not a statement that it will happen
        if words.unmapped_subjects.search(view.text, segment_start, trigger.start):
            continue  # "二期加快建设": a part that is not on the map
        subjects = _subjects(view, trigger, segment_start, following, clause_no, time_clause)
        if not subjects:
            continue
        kind: EventKind = trigger.kind
        if kind in ("opened", "completed") and words.milestone_objects.search(view.text, trigger.end, following):
            kind = "milestone"
        date = _date_for(view, trigger, segment_start, clause_start, inherited)
        if date is not None and not future:
            date = back_a_year_if_ahead(date, view.article.date)
        if date is not None and date.role == "target":
            future = True
        if future and (date is None or date.value is None):
            kind = "planned"
        spans = [(trigger.start, trigger.end)]
        from_before = date is not None and date is inherited.date
        if date is not None and not from_before:
            spans.append((date.start, date.end))
        if future and (marker := _future_marker(view, trigger, clause_start, clause_end)) is not None:
            spans.append(marker)
        spans.sort()
        evidence = " … ".join(view.text[s:e] for s, e in spans)
        if from_before and date is not None:
            evidence = f"{date.text}（{_PREVIOUS_SENTENCE}） … {evidence}"
        for subject in subjects:
            found.append(
                Event(
                    feature_id=subject.feature_id,
                    kind=kind,
                    date=date.value if date else None,
                    date_precision=date.precision if date and date.value else None,
                    date_end=date.end_value if date else None,
                    relative=bool(date and date.value and date.relative),
                    expected=future,
                    article_id=view.article.article_id,
                    start=view.source_start,
                    end=view.source_end,
                    evidence=evidence,
                    sentence=view.text,
                    evidence_spans=tuple(spans),
                    stage=trigger.stage,
                )
            )
    return _merged(found), _topic_of(view, futures, inherited)


def _topic_of(view: SentenceView, futures: list[bool], inherited: _Given) -> _Topic:
    opening = [d for d in view.topic_dates() if view.clause_at(d.start) == 0]
    main = next(
        (k for k, (start, end) in enumerate(view.clauses) if any(start <= m.start < end for m in view.mentions)), 0
    )
    last = [d for d in view.dates if d.role in ("when", "target") and d.value is not None]
    head = _Given(opening[0] if opening else inherited.date, futures[main] if futures else inherited.future)
    tail = _Given(last[-1] if last else inherited.date, futures[-1] if futures else inherited.future)
    return _Topic(head, tail)


def _subjects(
    view: SentenceView, trigger: Trigger, segment_start: int, following: int, clause_no: int, time_clause: bool
) -> list[PlacedMention]:
    if trigger.side == "object":
        objects = subject_after(view, trigger.end, following)
        if objects or not event_words().milestone_objects.search(view.text, trigger.end, following):
            return objects
        return subject_before(view, segment_start, trigger.start)  # "X新增3条航线": X's new routes
    subjects = subject_before(view, segment_start, trigger.start)
    if subjects:
        return subjects
    if not time_clause:
        subjects = subject_after(view, trigger.end, following)
        if subjects:
            return subjects
    elif clause_no + 1 < len(view.clauses):
        # "自去年8月正式运营以来,美高短剧超级工厂已…": the time clause's subject opens the next clause
        next_start, next_end = view.clauses[clause_no + 1]
        subjects = subject_after(view, next_start, next_end)
        if subjects:
            return subjects
    return subject_before(view, 0, segment_start)


def _clause_futures(view: SentenceView, inherited: bool) -> list[bool]:
    """Whether each clause speaks of the future: its own future or past word, else (if it does not
    open with a date or a name) the clause before it."""
    words = event_words()
    result: list[bool] = []
    state = inherited
    for start, end in view.clauses:
        text = view.text[start:end]
        opens_new = any(start <= d.start < start + 3 for d in view.dates) or any(
            start <= m.start < start + 2 for m in view.mentions
        )
        if opens_new:
            state = False
        if words.future_markers.search(text) or words.future_after.search(text):
            state = True
        if words.past_markers.search(text):
            state = False
        result.append(state)
    return result


def _future_at(view: SentenceView, trigger: Trigger, clause_start: int, clause_end: int, clause_future: bool) -> bool:
    """The tense at the trigger: the last future or past word before it in its clause decides;
    with neither, the clause's tense (carried from the clause before) does."""
    words = event_words()
    last_future = max(
        (m.end() for m in words.future_markers.finditer(view.text, clause_start, trigger.start)), default=-1
    )
    last_past = max((m.end() for m in words.past_markers.finditer(view.text, clause_start, trigger.start)), default=-1)
    if words.future_after.search(view.text, trigger.end, clause_end):
        return True
    if last_future > last_past:
        return True
    if last_past > last_future:
        return False
    if any(clause_start <= d.start < trigger.start for d in view.dates) or any(
        clause_start <= m.start < clause_start + 2 for m in view.mentions
    ):
        # the clause has its own date or subject: the tense before it does not carry over
        return False
    return clause_future


def _future_after_in_clause(view: SentenceView, start: int, end: int) -> bool:
    return event_words().future_markers.search(view.text, start, end) is not None


def _future_marker(view: SentenceView, trigger: Trigger, clause_start: int, clause_end: int) -> tuple[int, int] | None:
    words = event_words()
    before = list(words.future_markers.finditer(view.text, clause_start, trigger.start))
    if before:
        return before[-1].span()
    after = words.future_after.search(view.text, trigger.end, clause_end)
    return after.span() if after else None


def _date_for(
    view: SentenceView, trigger: Trigger, segment_start: int, clause_start: int, inherited: _Given
) -> DateMention | None:
    usable = [d for d in view.dates if d.role in ("when", "target")]
    in_clause = [d for d in usable if clause_start <= d.start and d.end <= trigger.start]
    if in_clause:
        return in_clause[-1]
    topics = [d for d in view.topic_dates() if d.end <= clause_start]
    if topics:
        return topics[-1]
    return inherited.date


def _merged(events: list[Event]) -> list[Event]:
    """One event per facility, kind and date within a sentence: the most precise date wins
    ("2025-06-11" over "2025"), evidence is kept from each."""
    merged: list[Event] = []
    for event in events:
        for k, kept in enumerate(merged):
            if kept.feature_id != event.feature_id or kept.kind != event.kind:
                continue
            if not _compatible(kept.date, event.date):
                continue
            best, other = (
                (event, kept)
                if _PRECISION_RANK[event.date_precision] > _PRECISION_RANK[kept.date_precision]
                else (kept, event)
            )
            spans = tuple(sorted(set(best.evidence_spans) | set(other.evidence_spans)))
            merged[k] = replace(
                best,
                evidence=" … ".join(best.sentence[s:e] for s, e in spans),
                evidence_spans=spans,
                expected=best.expected and other.expected,
            )
            break
        else:
            merged.append(event)
    return merged


def _compatible(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.startswith(b) or b.startswith(a)


def _route_groups(features: dict[str, Feature]) -> dict[str, list[frozenset[str]]]:
    groups: dict[str, list[frozenset[str]]] = {}
    categories = event_words().route_categories
    for feature_id, feature in features.items():
        if feature.category not in categories:
            continue
        raw = feature.properties.get("excerpts_with") or []
        parsed = [frozenset(group) for group in raw if isinstance(group, list) and group]
        if parsed:
            groups[feature_id] = parsed
    return groups


def _with_routes(events: list[Event], view: SentenceView, routes: dict[str, list[frozenset[str]]]) -> list[Event]:
    """A route named only by its ends (excerpts_with) shares the events of a sentence that names
    both ends and states an event of one of them (衢州机场将恢复直飞太原的航班)."""
    if not events or not routes:
        return events
    present = {m.feature_id for m in view.mentions}
    out = list(events)
    for route_id, groups in routes.items():
        if any(e.feature_id == route_id for e in events):
            continue
        for group in groups:
            if group <= present:
                for event in events:
                    if event.feature_id in group:
                        out.append(replace(event, feature_id=route_id))
                break
    return _merged(out)
