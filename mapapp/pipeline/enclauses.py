"""An English sentence read for events and figures: its clauses, the facility a statement is about,
the date it gives, and what "It" / "The railway" at its start refers to.

Works on clauses.SentenceView (display text, placed mentions, dates from endates.py), so events and
figures are traced to their sentences exactly like the Chinese ones. English puts the verb's date
after it ("opened on March 28, 2019") as often as before it ("On Sept 27, the railway was put into
operation"); a comma inside a date ("March 28, 2019"), a number ("1,400") or a chain of places
("Quzhou, Zhejiang province") or between two listed names does not end a clause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from mapapp.pipeline.clauses import PlacedMention, SentenceView
from mapapp.pipeline.dates import DateMention
from mapapp.pipeline.enwords import english_words

_BREAK = re.compile(r"[;:!?]|\s[—–]\s|\s--\s|,")
_OPENING_PHRASE = re.compile(r"[^,;]{2,40},\s*")
_LIST_GAP = re.compile(r",\s*(?:and\s+|or\s+)?(?:the\s+)?", re.IGNORECASE)
_TOPIC_LEAD = re.compile(
    r"^\W*(?:(?:on|in|by|since|from|at|as of|during|until|through|starting|beginning|before|after|over)\s+)?"
    r"(?:the\s+)?(?:end of\s+|beginning of\s+|start of\s+|middle of\s+)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class EnglishWords:
    future: re.Pattern[str]
    past: re.Pattern[str]
    time_clause: re.Pattern[str]
    locative: re.Pattern[str]
    coordination: re.Pattern[str]
    continuation: re.Pattern[str]
    unmapped: re.Pattern[str]
    milestone_objects: re.Pattern[str]
    trip_leaders: re.Pattern[str]
    route_categories: frozenset[str]
    anaphora: tuple[tuple[re.Pattern[str], frozenset[str]], ...]


@cache
def english_event_words() -> EnglishWords:
    data = english_words()
    table = data["events"]
    ignore = re.IGNORECASE
    return EnglishWords(
        future=re.compile(table["future_markers"], ignore),
        past=re.compile(table["past_markers"], ignore),
        time_clause=re.compile(table["time_clause_leaders"], ignore),
        locative=re.compile(table["locative_leaders"], ignore),
        coordination=re.compile(table["coordination"], ignore),
        continuation=re.compile(table["continuation_leaders"], ignore),
        unmapped=re.compile(table["unmapped_subjects"], ignore),
        milestone_objects=re.compile(table["milestone_objects"], ignore),
        trip_leaders=re.compile(table["trip_leaders"], ignore),
        route_categories=frozenset(table["route_categories"]),
        anaphora=tuple(
            (re.compile(rf"^\W*(?:{entry['words']})\b", ignore), frozenset(entry["categories"]))
            for entry in data.get("anaphora", [])
        ),
    )


def english_clauses(view: SentenceView) -> list[tuple[int, int]]:
    """The sentence's clauses as [start, end) display offsets."""
    text = view.text
    protected = [(d.start, d.end) for d in view.dates] + [(m.start, m.end) for m in view.mentions]
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BREAK.finditer(text):
        at = match.start()
        if any(s <= at < e for s, e in protected):
            continue  # inside a date or a chain of places
        if match.group() == "," and _inside_number_or_list(view, at):
            continue
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


def _inside_number_or_list(view: SentenceView, at: int) -> bool:
    text = view.text
    if 0 < at < len(text) - 1 and text[at - 1].isdigit() and text[at + 1].isdigit():
        return True  # "1,400"
    previous = next((m for m in reversed(view.mentions) if m.end <= at), None)
    if previous is None or text[previous.end : at].strip():
        return False
    following = next((m for m in view.mentions if m.start > at), None)
    return following is not None and _LIST_GAP.fullmatch(text[at : following.start]) is not None


def clause_at(clauses: Sequence[tuple[int, int]], position: int) -> int:
    for k, (start, end) in enumerate(clauses):
        if start <= position < end:
            return k
    return len(clauses) - 1


def facilities_before(view: SentenceView, start: int, end: int) -> list[PlacedMention]:
    """The facility named last in [start, end) and those coordinated with it ("X and Y opened");
    one after "in"/"at" only if no other is there."""
    words = english_event_words()
    inside = [m for m in view.mentions if m.facility and start <= m.start and m.end <= end]
    if not inside:
        return []
    outside = [m for m in inside if not words.locative.search(view.text[max(0, m.start - 30) : m.start])]
    if outside:
        inside = outside
    chain = [inside[-1]]
    for other in reversed(inside[:-1]):
        if words.coordination.fullmatch(view.text[other.end : chain[0].start]):
            chain.insert(0, other)
        else:
            break
    return _unique(chain)


def facilities_after(view: SentenceView, start: int, end: int) -> list[PlacedMention]:
    """The facility named first in [start, end) and those coordinated with it ("opened X and Y")."""
    words = english_event_words()
    inside = [m for m in view.mentions if m.facility and start <= m.start and m.end <= end]
    if not inside:
        return []
    chain = [inside[0]]
    for other in inside[1:]:
        if words.coordination.fullmatch(view.text[chain[-1].end : other.start]):
            chain.append(other)
        else:
            break
    return _unique(chain)


def _unique(chain: list[PlacedMention]) -> list[PlacedMention]:
    seen: set[str] = set()
    out = []
    for mention in chain:
        if mention.feature_id not in seen:
            seen.add(mention.feature_id)
            out.append(mention)
    return out


def usable(dates: Sequence[DateMention]) -> list[DateMention]:
    return [d for d in dates if d.role in ("when", "target") and d.value is not None]


def topic_dates(view: SentenceView, clauses: Sequence[tuple[int, int]], before_clause: int) -> list[DateMention]:
    """Dates that open a clause before clause `before_clause` ("On Sept 27, ...", "By the end of October, ...")."""
    found = []
    for date in usable(view.dates):
        k = clause_at(clauses, date.start)
        if k < before_clause and _TOPIC_LEAD.match(view.text[clauses[k][0] : date.start]):
            found.append(date)
    return found


class Antecedents:
    """What "It" or "The railway" at the start of a sentence refers to: the facilities named in the
    sentences before it (the last two), by category."""

    def __init__(self, categories: dict[str, str]):
        self._categories = categories  # feature id -> category
        self._recent: list[list[str]] = []  # facility ids of the last sentences, oldest first
        self._last_subject: str | None = None  # the first facility of the sentence right before

    def resolve(self, view: SentenceView) -> str | None:
        """The facility the sentence's opening pronoun or definite noun refers to, if it opens with one."""
        text = view.text
        opening = _OPENING_PHRASE.match(text)  # "In 2017, it handled ...": after an opening phrase
        for pattern, categories in english_event_words().anaphora:
            if not (pattern.match(text) or (opening is not None and pattern.match(text[opening.end() :]))):
                continue
            if not categories:
                return self._last_subject
            for ids in reversed(self._recent):
                for feature_id in reversed(ids):
                    if self._categories.get(feature_id) in categories:
                        return feature_id
            return None
        return None

    def remember(self, view: SentenceView) -> None:
        ids = [m.feature_id for m in view.mentions if m.facility]
        self._last_subject = ids[0] if ids else None
        self._recent = [*self._recent[-1:], ids]
