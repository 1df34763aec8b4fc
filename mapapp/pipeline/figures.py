"""Figures that belong to a facility: throughput, routes, area, investment, berths, travel time.

A figure is a number with a unit from eventwords.toml's `[[figure]]` lists (and, for some, a keyword
such as 吞吐量 earlier in its clause). It belongs to the facility that is the subject of its clause
(the first name in its clause, else the nearest name earlier in the sentence); a name that is one end of a
trip ("衢州至宁波舟山港的通行时间") owns nothing, and a total after a list ending in 等 belongs to the
group, not to one member. Its period is the nearest date before it, as for events.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from mapapp.models import Article, Feature, Mention
from mapapp.pipeline.clauses import PlacedMention, SentenceView, sentence_views, subject_before
from mapapp.pipeline.dates import DateMention, back_a_year_if_ahead
from mapapp.pipeline.wordlists import load_words

_NUMBER = r"(?P<value>\d+(?:\.\d+)?)"
_DIGIT = re.compile(r"\d")
_TRIP_FROM = re.compile(r"^(?:至|到|—|-)")  # right after the name: it is where a trip starts
_TRIP_TO = re.compile(r"(?:从|至|到)$")  # right before the name: it is where a trip starts or ends


@dataclass(frozen=True)
class Figure:
    feature_id: str
    quantity: str  # throughput | routes | area | investment | berths | travel_time
    value: float
    unit: str
    approximate: str  # the qualifier printed with it ("多", "约", "超"), or ""
    from_value: float | None  # "从50万吨增长到420万吨": 50
    period: str | None  # ISO date or range start, as precise as printed; None if not given
    period_end: str | None
    relative: bool
    article_id: str
    start: int  # the sentence: offsets into the file text
    end: int
    evidence: str  # the figure as printed
    sentence: str
    evidence_span: tuple[int, int]  # offsets of `evidence` in `sentence`


@dataclass(frozen=True)
class _FigureShape:
    quantity: str
    keyword: re.Pattern[str] | None
    pattern: re.Pattern[str]


@cache
def _shapes() -> tuple[tuple[_FigureShape, ...], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    words = load_words()
    table = words["figures"]
    approx = table["approximate"]
    shapes = tuple(
        _FigureShape(
            quantity=entry["quantity"],
            keyword=re.compile(f"(?:{entry['keyword']})") if entry["keyword"] else None,
            pattern=re.compile(
                rf"(?<![\d.])(?P<before>{approx})?{_NUMBER}(?P<after>{approx})?(?P<unit>{entry['unit']})"
            ),
        )
        for entry in words["figure"]
    )
    return (
        shapes,
        re.compile(table["from_to"]),
        re.compile(f"(?:{approx})"),
        re.compile(f"(?:、[^，,。；;]*)?(?:{table['group_markers']})"),
    )


def find_figures(
    articles: Iterable[Article], mentions: Sequence[Mention], features: dict[str, Feature]
) -> tuple[Figure, ...]:
    """Every figure the articles give for a mapped facility, in article and text order."""
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_article[mention.article_id].append(mention)
    figures: list[Figure] = []
    for article in articles:
        views = sentence_views(article, by_article.get(article.article_id, []), features)
        figures.extend(find_figures_in_views(views, features))
    return tuple(figures)


def find_figures_in_views(views: Iterable[SentenceView], features: dict[str, Feature] | None = None) -> list[Figure]:
    """find_figures for one article whose sentence views are already built. An English article's
    are read by enfigures.py (which needs the features, for what "the port" refers to)."""
    views = list(views)
    if views and views[0].article.lang == "en":
        from mapapp.pipeline.enfigures import english_figures_in_views

        return english_figures_in_views(views, features or {})
    figures: list[Figure] = []
    for view in views:
        if view.names_facility:  # a figure belongs to a facility named before it (_owner)
            figures.extend(_figures_in(view))
    return figures


def figures_from_index(index) -> tuple[Figure, ...]:  # index: mapapp.pipeline.index.MapIndex
    return find_figures(index.articles.values(), index.mentions, index.features)


@cache
def _any_shape() -> re.Pattern[str]:
    """Every figure shape in one (a number, maybe qualified, and any shape's unit): a sentence it
    does not match has no figure (most sentences with a digit do not)."""
    words = load_words()
    approx = words["figures"]["approximate"]
    units = "|".join(f"(?:{entry['unit']})" for entry in words["figure"])
    try:
        return re.compile(rf"(?<![\d.])(?:{approx})?\d+(?:\.\d+)?(?:{approx})?(?:{units})")
    except re.error:  # units that cannot be joined (named groups, inline flags): each shape is tried
        return re.compile("")


def _figures_in(view: SentenceView) -> list[Figure]:
    if _DIGIT.search(view.text) is None or _any_shape().search(view.text) is None:
        return []  # every figure is a number (the shapes' `value`) with one of the shapes' units
    shapes, from_to, _approx, group_markers = _shapes()
    taken: list[tuple[int, int]] = []
    found: list[Figure] = []
    for shape in shapes:
        for match in shape.pattern.finditer(view.text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            clause_start, _ = view.clauses[view.clause_at(match.start())]
            if shape.keyword is not None and not shape.keyword.search(view.text, clause_start, match.start()):
                continue
            if view.text[max(0, match.start() - 1) : match.start()] == "从":
                continue  # "从4.5小时缩短至2.7小时": where it came from, kept as from_value of the next
            owner = _owner(view, clause_start, match.start())
            if owner is None:
                continue
            if group_markers.match(view.text, owner.end, match.start()):
                continue  # a group's total ("X、Y等项目30个,总投资47.3亿元")
            taken.append(match.span())
            start = match.start()
            from_value = None
            lead = view.text[max(clause_start, start - 16) : start]
            ranged = list(from_to.finditer(lead + view.text[start:]))
            if ranged and ranged[-1].end() == len(lead):
                from_value = float(ranged[-1]["from"])
            date = _period(view, clause_start, start)
            unit = match["unit"]
            found.append(
                Figure(
                    feature_id=owner.feature_id,
                    quantity=shape.quantity,
                    value=float(match["value"]),
                    unit=re.sub(r"^条.*航线$", "条", re.sub(r"^个.*泊位$", "个", unit)),
                    approximate=(match["before"] or "") + (match["after"] or ""),
                    from_value=from_value,
                    period=date.value if date else None,
                    period_end=date.end_value if date else None,
                    relative=bool(date and date.value and date.relative),
                    article_id=view.article.article_id,
                    start=view.source_start,
                    end=view.source_end,
                    evidence=match.group(0),
                    sentence=view.text,
                    evidence_span=match.span(),
                )
            )
    return sorted(found, key=lambda f: f.evidence_span)


def _owner(view: SentenceView, clause_start: int, position: int) -> PlacedMention | None:
    """The facility a figure at `position` belongs to: the subject of the event word in its clause,
    else the nearest name before it in the clause, else the nearest earlier in the sentence; never
    one end of a trip."""
    owners = [m for m in view.mentions if m.facility and m.end <= position and not _trip_end(view, m)]
    if not owners:
        return None
    in_clause = [m for m in owners if m.start >= clause_start]
    if in_clause:
        return in_clause[0]  # the clause's subject: "X与Y、Z等港口形成了32条航线" is X's
    subjects = subject_before(view, 0, clause_start)
    return subjects[-1] if subjects else None


def _trip_end(view: SentenceView, mention: PlacedMention) -> bool:
    before = view.text[max(0, mention.start - 1) : mention.start]
    after = view.text[mention.end : mention.end + 1]
    return bool(_TRIP_TO.search(before) or _TRIP_FROM.search(after))


def _period(view: SentenceView, clause_start: int, position: int) -> DateMention | None:
    usable = [d for d in view.dates if d.role in ("when", "target") and d.value is not None]
    in_clause = [d for d in usable if clause_start <= d.start and d.end <= position]
    topics = [d for d in view.topic_dates() if d.end <= clause_start]
    date = in_clause[-1] if in_clause else topics[-1] if topics else None
    # a figure reports what was: "12月" in a January article is last December
    return back_a_year_if_ahead(date, view.article.date) if date is not None else None
