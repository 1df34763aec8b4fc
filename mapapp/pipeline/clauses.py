"""A sentence read for events and figures: its display text, clauses, facility mentions and dates.

Offsets here are into the sentence's display text (layout breaks removed, as excerpts show it);
`source_offset` maps them back to the file text. Which facility a statement belongs to is decided
from these positions by general rules (see `subject_near`): the names right before the word, joined
by 、/和; else the names right after it; else the nearest name before it in the sentence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from mapapp.models import Article, Feature, Mention
from mapapp.pipeline.corpus import DisplayText, MentionsBySentence, display_text
from mapapp.pipeline.dates import DateMention, date_words, find_dates
from mapapp.pipeline.wordlists import load_words

NOT_FACILITIES = frozenset({"admin_area"})  # places, not things that open; never the subject of an event
_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?…]")
_CLAUSE_LEAD = re.compile(r"^[\s“”\"'（(]*(?:自|于|在|从)?")


@dataclass(frozen=True)
class PlacedMention:
    """A mention in display-text offsets."""

    feature_id: str
    start: int
    end: int
    facility: bool


class SentenceView:
    """One sentence read for events and figures. Its clauses and dates are worked out when first
    asked for: most sentences name no facility, and nothing asks for theirs."""

    def __init__(
        self,
        article: Article,
        index: int,  # position in article.sentences
        paragraph: int,
        text: str,  # display text
        offsets: Sequence[int],  # display index -> file offset (increasing)
        mentions: tuple[PlacedMention, ...],  # sorted by start
        dates: _ArticleDates,
    ):
        self.article, self.index, self.paragraph, self.text = article, index, paragraph, text
        self.offsets, self.mentions, self._dates = offsets, mentions, dates
        self.names_facility = any(m.facility for m in mentions)  # only such a sentence states events

    @cached_property
    def clauses(self) -> tuple[tuple[int, int], ...]:
        return tuple(_clauses(self.text))

    @property
    def dates(self) -> tuple[DateMention, ...]:
        return self._dates.of(self.index)

    @property
    def source_start(self) -> int:
        return self.article.sentences[self.index].start

    @property
    def source_end(self) -> int:
        return self.article.sentences[self.index].end

    def clause_at(self, position: int) -> int:
        for k, (start, end) in enumerate(self.clauses):
            if start <= position < end:
                return k
        return len(self.clauses) - 1

    def starts_clause(self, position: int) -> bool:
        """True if only a leading 自/于/在/从 or quotes stand before `position` in its clause."""
        start, _ = self.clauses[self.clause_at(position)]
        return _CLAUSE_LEAD.fullmatch(self.text[start:position]) is not None

    def topic_dates(self) -> list[DateMention]:
        """Dates that open a clause (the time the rest of the sentence is about)."""
        return [d for d in self.dates if d.role == "when" and d.value is not None and self.starts_clause(d.start)]


class _ArticleDates:
    """The dates of an article's sentences, each found when first asked for. A sentence's dates
    depend on the sentences before it in its paragraph only through 当年-like words (the year of the
    last date printed before them), so those are found first only for a sentence that has one."""

    def __init__(self, article: Article, texts: Sequence[str]):
        self._article, self._texts = article, texts
        self._found: dict[int, tuple[DateMention, ...]] = {}

    def of(self, n: int) -> tuple[DateMention, ...]:
        found = self._found.get(n)
        if found is None:
            if date_words().anaphoric.search(self._texts[n]) is None:
                found = self._found[n] = tuple(find_dates(self._texts[n], self._article.date))
            else:
                found = self._with_anchors(n)
        return found

    def _with_anchors(self, n: int) -> tuple[DateMention, ...]:
        """Dates of the sentences of n's paragraph up to n, in order, each anchored on the one before."""
        sentences = self._article.sentences
        first = n
        while first > 0 and sentences[first - 1].paragraph == sentences[n].paragraph:
            first -= 1
        last_year: int | None = None
        for k in range(first, n + 1):
            dates = self._found.get(k)  # found before: right (only 当年-like words need the anchor)
            if dates is None:
                dates = self._found[k] = tuple(find_dates(self._texts[k], self._article.date, anchor_year=last_year))
            for date in dates:
                if date.value is not None:
                    last_year = int(date.value[:4])
        return self._found[n]


class _EnglishDates(_ArticleDates):
    """The dates of an English article's sentences (endates.py), each found when first asked for."""

    def of(self, n: int) -> tuple[DateMention, ...]:
        found = self._found.get(n)
        if found is None:
            from mapapp.pipeline.endates import find_english_dates  # dateutil: loaded for English only

            found = self._found[n] = tuple(find_english_dates(self._texts[n], self._article.date))
        return found


@dataclass(frozen=True)
class Words:
    """The compiled event and figure words of eventwords.toml."""

    milestone_objects: re.Pattern[str]
    time_clause_followers: re.Pattern[str]
    future_markers: re.Pattern[str]
    future_after: re.Pattern[str]
    past_markers: re.Pattern[str]
    locative_leaders: re.Pattern[str]
    coordinator_gap: re.Pattern[str]
    continuation_leaders: re.Pattern[str]
    unmapped_subjects: re.Pattern[str]
    route_categories: frozenset[str]


@cache
def event_words() -> Words:
    table = load_words()["events"]
    gap = int(table["max_coordination_gap"])
    return Words(
        milestone_objects=re.compile(f"(?:{table['milestone_objects']})"),
        time_clause_followers=re.compile(f"(?:{table['time_clause_followers']})"),
        future_markers=re.compile(f"(?:{table['future_markers']})"),
        future_after=re.compile(f"(?:{table['future_after']})"),
        past_markers=re.compile(f"(?:{table['past_markers']})"),
        locative_leaders=re.compile(f"(?:{table['locative_leaders']})"),
        # between two coordinated names: a joiner and at most a few other characters, no clause break
        coordinator_gap=re.compile(
            rf"^(?=[^，,；;：:。]{{0,{gap}}}$)[^，,；;：:。]*?(?:{table['coordinators']})[^，,；;：:。]*$"
        ),
        continuation_leaders=re.compile(f"^(?:{table['continuation_leaders']})"),
        unmapped_subjects=re.compile(f"(?:{table['unmapped_subjects']})$"),
        route_categories=frozenset(table["route_categories"]),
    )


def sentence_views(
    article: Article,
    mentions: Sequence[Mention],
    features: dict[str, Feature],
    *,
    shown: Sequence[DisplayText] | None = None,
    located: MentionsBySentence | None = None,
) -> Iterator[SentenceView]:
    """Each sentence of `article` with its mentions and dates, in reading order (`shown`: the
    sentences' display texts if the caller has them, see corpus.display_texts; `located`:
    `mentions` located in the sentences, likewise)."""
    by_sentence = (located or MentionsBySentence(article, mentions)).by_sentence
    if shown is None:
        shown = [display_text(article.text, sentence, lang=article.lang) for sentence in article.sentences]
    texts = [text for text, _ in shown]
    dates = _EnglishDates(article, texts) if article.lang == "en" else _ArticleDates(article, texts)
    for n, sentence in enumerate(article.sentences):
        text, offsets = shown[n]
        placed = []
        for mention in by_sentence.get(n, ()):
            start = _position_of(offsets, mention.start)
            last = _position_of(offsets, mention.end - 1)
            if start is None or last is None:
                continue
            feature = features.get(mention.feature_id)
            facility = feature is not None and feature.category not in NOT_FACILITIES
            placed.append(PlacedMention(mention.feature_id, start, last + 1, facility))
        yield SentenceView(
            article,
            n,
            sentence.paragraph,
            text,
            offsets,
            tuple(sorted(placed, key=lambda m: (m.start, -m.end)) if len(placed) > 1 else placed),
            dates,
        )


def _position_of(offsets: Sequence[int], source: int) -> int | None:
    """The display index of file offset `source`, or None if it is not shown."""
    k = bisect.bisect_left(offsets, source)
    return k if k < len(offsets) and offsets[k] == source else None


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


def _coordinated(view: SentenceView, chain: list[PlacedMention], candidates: list[PlacedMention]) -> None:
    """Extend `chain` (one name) backwards over names joined to it by 、/和 (candidates in text order)."""
    words = event_words()
    for other in reversed(candidates):
        head = chain[0]
        if other.end > head.start:
            continue
        if words.coordinator_gap.match(view.text[other.end : head.start]):
            chain.insert(0, other)
        else:
            break


def subject_before(view: SentenceView, start: int, end: int) -> list[PlacedMention]:
    """The facility names that are the subject of a word at `end`: the nearest one in [start, end)
    and those joined to it; names inside a locative phrase (在X, 位于X) only if there is no other."""
    words = event_words()
    inside = [m for m in view.mentions if m.facility and start <= m.start and m.end <= end]
    if not inside:
        return []
    leader = None
    for match in words.locative_leaders.finditer(view.text, start, end):
        leader = match
    if leader is not None:
        outside = [m for m in inside if m.end <= leader.start()]
        if outside:
            inside = outside
    chain = [inside[-1]]
    _coordinated(view, chain, inside[:-1])
    return _unique(chain)


def subject_after(view: SentenceView, start: int, end: int) -> list[PlacedMention]:
    """The facility names that are the object of a word ending at `start`: the first in [start, end)
    and those joined to it."""
    words = event_words()
    inside = [m for m in view.mentions if m.facility and start <= m.start and m.end <= end]
    if not inside:
        return []
    chain = [inside[0]]
    for other in inside[1:]:
        if words.coordinator_gap.match(view.text[chain[-1].end : other.start]):
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
