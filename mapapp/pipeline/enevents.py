"""Dated statements about facilities in English sentences: planned, approved, construction started,
completed, opened, milestone (the English counterpart of events.py, in the same Event records).

For every word of englishwords.toml's `[[trigger]]` lists in a sentence:
- the facility is the one named last before it in its clause (with those joined to it by "and"/","),
  else the first named after it in its clause ("construction of X", "opened the X"), else the one
  the sentence's opening "It" / "The railway" refers to (enclauses.Antecedents), else the nearest one
  named earlier in the sentence;
- the date is the first after it in its clause ("opened on March 28, 2019"), else the nearest before
  it in its clause, else a date that opens an earlier clause ("On Sept 27, ..."), else, for a sentence
  that opens with "Among them", the last date of the sentence before; dates that name a thing ("the
  2022 Asian Games") or a comparison ("over the same period last year") date nothing;
- "will", "is expected to", "plans to" ... before it in its clause make it `expected` (a past marker
  after them wins); an expected statement without a date is `planned`; a time clause ("After the
  railway opens, ... will ...") is a condition and states nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from mapapp.models import Feature
from mapapp.pipeline.clauses import PlacedMention, SentenceView
from mapapp.pipeline.dates import DateMention, back_a_year_if_ahead
from mapapp.pipeline.enclauses import (
    Antecedents,
    clause_at,
    english_clauses,
    english_event_words,
    facilities_after,
    facilities_before,
    topic_dates,
    usable,
)
from mapapp.pipeline.enwords import english_words
from mapapp.pipeline.events import Event, EventKind, Trigger, _merged, _with_routes, longest_first


@cache
def _trigger_patterns() -> tuple[tuple[re.Pattern[str], EventKind, str, str], ...]:
    return tuple(
        (
            re.compile(f"(?:{entry['words']})", re.IGNORECASE),
            entry["kind"],
            entry.get("side", "both"),
            entry.get("stage", ""),
        )
        for entry in english_words()["trigger"]
    )


def find_english_triggers(text: str) -> list[Trigger]:
    """Event words in `text`, longest first where they overlap."""
    found = [
        Trigger(m.start(), m.end(), kind, side, stage)  # type: ignore[arg-type]
        for pattern, kind, side, stage in _trigger_patterns()
        for m in pattern.finditer(text)
        if m.end() > m.start()
    ]
    return longest_first(found)


@dataclass(frozen=True)
class _Carried:
    """What a sentence hands to one that continues it ("Among them, ...")."""

    date: DateMention | None = None
    future: bool = False


def english_events_in_views(views: Sequence[SentenceView], features: dict[str, Feature]) -> list[Event]:
    """The events of one English article, from its sentence views in order."""
    words = english_event_words()
    routes = _route_groups(features, words.route_categories)
    antecedents = Antecedents({fid: f.category for fid, f in features.items()})
    carried = _Carried()
    events: list[Event] = []
    for view in views:
        referent = antecedents.resolve(view)
        if view.names_facility or referent is not None:
            triggers = find_english_triggers(view.text)
            given = carried if words.continuation.match(view.text) else _Carried()
            found, carried = _events_in(view, triggers, given, referent)
            events.extend(_with_routes(found, view, routes))
        else:
            dates = usable(view.dates)
            carried = _Carried(dates[-1] if dates else None, bool(words.future.search(view.text)))
        antecedents.remember(view)
    return events


def _events_in(
    view: SentenceView, triggers: Sequence[Trigger], given: _Carried, referent: str | None
) -> tuple[list[Event], _Carried]:
    words = english_event_words()
    text = view.text
    clauses = english_clauses(view)
    found: list[Event] = []
    for n, trigger in enumerate(triggers):
        k = clause_at(clauses, trigger.start)
        clause_start, clause_end = clauses[k]
        previous = triggers[n - 1] if n and triggers[n - 1].end > clause_start else None
        segment_start = previous.end if previous else clause_start
        following = next((t.start for t in triggers[n + 1 :] if t.start < clause_end), clause_end)
        if words.unmapped.search(text, segment_start, trigger.start):
            continue  # "phase II of the port": a part that is not on the map
        if words.time_clause.match(text, clause_start) and words.future.search(text, clause_end):
            continue  # "After the railway opens, travel time will ...": a condition
        subjects = _subjects(view, trigger, segment_start, following, referent)
        if not subjects:
            continue
        future = _future(text, clause_start, trigger) or bool(
            given.future and not words.past.search(text, 0, trigger.start)
        )
        kind: EventKind = trigger.kind
        if kind in ("opened", "completed") and words.milestone_objects.search(text, trigger.end, following):
            kind = "milestone"
        date = _date_for(view, clauses, k, trigger, segment_start, following, given)
        if date is not None and not future:
            date = back_a_year_if_ahead(date, view.article.date)
        if date is not None and date.role == "target":
            future = True
        if future and (date is None or date.value is None):
            kind = "planned"
        spans = [(trigger.start, trigger.end)]
        from_before = date is not None and date is given.date
        if date is not None and not from_before:
            spans.append((date.start, date.end))
        marker = _future_marker(text, clause_start, trigger) if future else None
        if marker is not None and marker not in spans:
            spans.append(marker)
        spans.sort()
        evidence = " … ".join(text[s:e] for s, e in spans)
        if from_before and date is not None:
            evidence = f"{date.text} (sentence before) … {evidence}"
        for feature_id in subjects:
            found.append(
                Event(
                    feature_id=feature_id,
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
                    sentence=text,
                    evidence_spans=tuple(spans),
                    stage=trigger.stage,
                )
            )
    dates = usable(view.dates)
    return _merged(found), _Carried(dates[-1] if dates else None, bool(words.future.search(text)))


def _subjects(
    view: SentenceView, trigger: Trigger, segment_start: int, following: int, referent: str | None
) -> list[str]:
    chain: list[PlacedMention] = []
    if trigger.side != "object":
        chain = facilities_before(view, segment_start, trigger.start)
    if not chain:
        chain = facilities_after(view, trigger.end, following)
    if chain:
        return [m.feature_id for m in chain]
    if referent is not None:
        return [referent]
    earlier = facilities_before(view, 0, segment_start)
    return [m.feature_id for m in earlier]


def _future(text: str, clause_start: int, trigger: Trigger) -> bool:
    words = english_event_words()
    if words.future.search(text, trigger.start, trigger.end):
        return True  # "soon-to-open"
    last_future = max((m.start() for m in words.future.finditer(text, clause_start, trigger.start)), default=-1)
    last_past = max((m.start() for m in words.past.finditer(text, clause_start, trigger.start)), default=-1)
    return last_future > last_past


def _future_marker(text: str, clause_start: int, trigger: Trigger) -> tuple[int, int] | None:
    markers = list(english_event_words().future.finditer(text, clause_start, trigger.start))
    return markers[-1].span() if markers else None


def _date_for(
    view: SentenceView,
    clauses: Sequence[tuple[int, int]],
    k: int,
    trigger: Trigger,
    segment_start: int,
    following: int,
    given: _Carried,
) -> DateMention | None:
    dates = usable(view.dates)
    after = [d for d in dates if trigger.end <= d.start and d.end <= following]
    if after:
        return after[0]
    before = [d for d in dates if segment_start <= d.start and d.end <= trigger.start]
    if before:
        return before[-1]
    topics = topic_dates(view, clauses, k)
    if topics:
        return topics[-1]
    return given.date


def _route_groups(features: dict[str, Feature], categories: frozenset[str]) -> dict[str, list[frozenset[str]]]:
    groups: dict[str, list[frozenset[str]]] = {}
    for feature_id, feature in features.items():
        if feature.category not in categories:
            continue
        raw = feature.properties.get("excerpts_with") or []
        parsed = [frozenset(group) for group in raw if isinstance(group, list) and group]
        if parsed:
            groups[feature_id] = parsed
    return groups
