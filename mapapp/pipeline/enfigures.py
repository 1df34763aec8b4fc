"""Figures about facilities in English sentences: throughput, routes, area, investment, berths,
travel time (the English counterpart of figures.py, in the same Figure records).

A figure is a number (maybe with a scale word: "1.55 million") and a unit from englishwords.toml's
`[[figure]]` lists; where the list gives a keyword, it must stand in the figure's clause ("handled
1.2 million tonnes", "a throughput of 15,000 TEUs"). It belongs to the facility named first in its
clause before it, else the one the sentence's opening "It" / "The port" refers to, else the one
named last earlier in the sentence; never one end of a trip ("from X to Y"). Its period is the
date nearest to it in its clause (English prints it after the figure as often as before), else a
date that opens an earlier clause ("By the end of October, ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from mapapp.models import Feature
from mapapp.pipeline.clauses import SentenceView
from mapapp.pipeline.dates import DateMention, back_a_year_if_ahead
from mapapp.pipeline.enclauses import (
    Antecedents,
    clause_at,
    english_clauses,
    english_event_words,
    facilities_before,
    topic_dates,
    usable,
)
from mapapp.pipeline.enwords import english_words
from mapapp.pipeline.figures import Figure


@dataclass(frozen=True)
class _Shape:
    quantity: str
    keyword: re.Pattern[str] | None
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class _Shapes:
    shapes: tuple[_Shape, ...]
    number_words: dict[str, int]
    from_before: re.Pattern[str]
    from_after: re.Pattern[str]


@cache
def _shapes() -> _Shapes:
    words = english_words()
    table = words["figures"]
    number_words = {k.lower(): int(v) for k, v in table["number_words"].items()}
    number = rf"(?P<value>{table['number']}|{'|'.join(number_words)})"
    ignore = re.IGNORECASE
    shapes = tuple(
        _Shape(
            quantity=entry["quantity"],
            keyword=re.compile(rf"\b(?:{entry['keyword']})", ignore) if entry["keyword"] else None,
            pattern=re.compile(
                rf"(?<![\w.,$])(?:(?P<approx>{table['approximate']})\s+)?{number}"
                rf"(?:[ -](?P<scale>{table['scale']}))?[ -](?P<unit>{entry['unit']})(?![\w])",
                ignore,
            ),
        )
        for entry in words["figure"]
    )
    return _Shapes(
        shapes, number_words, re.compile(table["from_before"], ignore), re.compile(table["from_after"], ignore)
    )


def english_figures_in_views(views: Sequence[SentenceView], features: dict[str, Feature]) -> list[Figure]:
    """The figures of one English article, from its sentence views in order."""
    antecedents = Antecedents({fid: f.category for fid, f in features.items()})
    figures: list[Figure] = []
    for view in views:
        referent = antecedents.resolve(view)
        if (view.names_facility or referent is not None) and any(c.isdigit() for c in view.text):
            figures.extend(_figures_in(view, referent))
        antecedents.remember(view)
    return figures


def _figures_in(view: SentenceView, referent: str | None) -> list[Figure]:
    shapes = _shapes()
    text = view.text
    clauses = english_clauses(view)
    taken: list[tuple[int, int]] = []
    found: list[Figure] = []
    for shape in shapes.shapes:
        for match in shape.pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            k = clause_at(clauses, match.start())
            clause_start, clause_end = clauses[k]
            # the keyword may stand anywhere before the figure ("the throughput at X, ..., had reached
            # 15,000 TEUs") or after it in its clause ("1.2 million tonnes of cargo handled")
            if shape.keyword is not None and not (
                shape.keyword.search(text, 0, match.start()) or shape.keyword.search(text, match.end(), clause_end)
            ):
                continue
            if text[max(0, match.start() - 5) : match.start()].lower().endswith("from "):
                continue  # "from 75 minutes to 41 minutes": where it came from (the next one's from_value)
            owner = _owner(view, clause_start, match.start(), referent)
            if owner is None:
                continue
            taken.append(match.span())
            date = _period(view, clauses, k, match.start(), match.end())
            found.append(
                Figure(
                    feature_id=owner,
                    quantity=shape.quantity,
                    value=_value(match["value"], shapes.number_words),
                    unit=" ".join(filter(None, [(match["scale"] or "").lower(), _unit(match["unit"])])),
                    approximate=(match["approx"] or "").lower(),
                    from_value=_from_value(text, clause_start, match, shapes),
                    period=date.value if date else None,
                    period_end=date.end_value if date else None,
                    relative=bool(date and date.value and date.relative),
                    article_id=view.article.article_id,
                    start=view.source_start,
                    end=view.source_end,
                    evidence=match.group(0),
                    sentence=text,
                    evidence_span=match.span(),
                )
            )
    return sorted(found, key=lambda f: f.evidence_span)


def _value(printed: str, number_words: dict[str, int]) -> float:
    lowered = printed.lower()
    return float(number_words[lowered]) if lowered in number_words else float(printed.replace(",", ""))


def _unit(printed: str) -> str:
    unit = " ".join(printed.lower().split())
    return "teu" if unit in ("teu", "teus", "twenty-foot equivalent units") else unit.strip("($ ") or "dollars"


def _from_value(text: str, clause_start: int, match: re.Match[str], shapes: _Shapes) -> float | None:
    before = shapes.from_before.search(text[max(clause_start, match.start() - 80) : match.start()])
    if before is not None:
        return float(before["from"].replace(",", ""))
    after = shapes.from_after.match(text[match.end() : match.end() + 40])
    return float(after["from"].replace(",", "")) if after is not None else None


def _owner(view: SentenceView, clause_start: int, position: int, referent: str | None) -> str | None:
    """The facility a figure at `position` belongs to."""
    words = english_event_words()
    candidates = [
        m
        for m in view.mentions
        if m.facility and m.end <= position and not words.trip_leaders.search(view.text[max(0, m.start - 12) : m.start])
    ]
    in_clause = [m for m in candidates if m.start >= clause_start]
    if in_clause:
        return in_clause[0].feature_id  # the clause's subject
    if referent is not None:
        return referent
    earlier = facilities_before(view, 0, clause_start)
    return earlier[-1].feature_id if earlier else None


def _period(view: SentenceView, clauses: Sequence[tuple[int, int]], k: int, start: int, end: int) -> DateMention | None:
    clause_start, clause_end = clauses[k]
    in_clause = [d for d in usable(view.dates) if clause_start <= d.start and d.end <= clause_end]
    date = min(in_clause, key=lambda d: min(abs(d.start - end), abs(start - d.end))) if in_clause else None
    if date is None:
        topics = topic_dates(view, clauses, k)
        date = topics[-1] if topics else None
    # a figure reports what was: "December" in a January article is last December
    return back_a_year_if_ahead(date, view.article.date) if date is not None else None
