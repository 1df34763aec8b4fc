"""Find every mention of every gazetteer feature in an English article.

Rules, in order (the data is geodata/english_names.toml; the forms come from ennames.py):
1. Matching runs per sentence over its display text, word by word: a form matches a run of words
   whatever the hyphens, dashes and spacing between them (never across other punctuation, except a
   comma the form itself has); each word of a name keeps its capital letter, generic words may be in
   either case, all-capitals names (US, HSR) match only as printed. Longest match wins, leftmost first.
2. Whole names: a known name is not a mention of its place when it is only the front of a longer
   name: before a place word ("Quzhou Road", "Longyou port", "Quzhou East station"), joined by a
   hyphen to a capitalised word ("Quzhou-Taizhou railway"), or next to a capitalised word that
   continues a proper name ("Quzhou Customs", "Zhejiang University"; not in title-case headlines).
   A name that ends in its admin word ("Quzhou city") is exempt, as in Chinese.
3. Context: a bare admin name in a context rule's context is another feature ("the Qujiang" is the river).
4. Lists of stations: after "stations, namely," / "stops at", each listed name is the station of
   that name ("North Longyou", "Jiangshan") where the map has one, never the city it is named after.
5. Chains: a place written with the place it lies in is ONE mention of the inner place: child first
   ("Qujiang district, Quzhou city"; "Quzhou, East China's Zhejiang province"; "the Qujiang port area
   of Quzhou Port") or parent first ("Quzhou's Qujiang district"), when the outer one is the inner
   one's `parent` (transitively) or an admin area whose polygon contains it; "Quzhou, Zhejiang,
   Fujian and Jiangxi" is a list, not a chain.

Offsets are mapped back to the file through the display offsets, exactly like the Chinese mentions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from mapapp.models import Article, Mention, SentenceKind
from mapapp.pipeline.corpus import DisplayText, display_texts
from mapapp.pipeline.ennames import WORD, EnglishForm, EnglishNames, build_english_names
from mapapp.pipeline.gazetteer import Gazetteer

_GAP = re.compile(r"(?:\s+|\s*[-–—‐‑]\s*|['’]|\.\s*)")  # what may stand between two words of a name
_COMMA_GAP = re.compile(r"\s*,\s*")
_SPACES = re.compile(r"[ \t]+")
_HYPHEN = "-–—‐‑"
_LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", re.IGNORECASE)
_TITLE_WORD = re.compile(r"[A-Za-z]{4,}")
_ADMIN_LEVELS = ("省", "市", "县", "区", "街道", "镇", "乡", "村")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str


@dataclass(frozen=True)
class _Hit:
    start: int  # display offsets, end exclusive
    end: int
    feature_id: str
    rule: str
    form: EnglishForm | None = None


class EnglishMentionFinder:
    """The English forms of a gazetteer's features, and the rules that read them in a sentence."""

    def __init__(self, gazetteer: Gazetteer, qualifies: Callable[[str, str], bool]):
        self.gazetteer = gazetteer
        self.names: EnglishNames = build_english_names(gazetteer.features, gazetteer.english_rules)
        self.rules = self.names.rules
        self._qualifies = qualifies
        self._not_name = frozenset(self.rules.not_name_words)
        self._not_name_before = self._not_name | self.rules.not_name_before
        features = gazetteer.features
        self._level = {fid: (f.category, _admin_level(f.name_zh)) for fid, f in features.items()}

    def find(self, article: Article, *, shown: Sequence[DisplayText] | None = None) -> list[Mention]:
        """The article's mentions, in text order (not yet corrected by curators)."""
        if shown is None:
            shown = display_texts(article)
        mentions: list[Mention] = []
        for sentence, (text, offsets) in zip(article.sentences, shown, strict=True):
            for hit in self.find_in(text, sentence.kind):
                start = offsets[hit.start]
                end = offsets[hit.end - 1] + 1
                mentions.append(
                    Mention(article.article_id, start, end, article.text[start:end], hit.feature_id, hit.rule)
                )
        return sorted(mentions, key=lambda m: (m.start, m.end))

    def find_in(self, text: str, kind: SentenceKind = "body") -> list[_Hit]:
        """The mentions in one sentence's display text (display offsets)."""
        tokens = [_Token(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
        if not tokens:
            return []
        raw = self._matches(text, tokens)
        shared = self._shared_plurals(text, tokens)
        if shared:
            raw = [h for h in raw if not any(h.start < e and s < h.end for s, e, _ in shared)]
        starts = {hit.start for hit in raw} | {s for s, _, _ in shared}
        ends = {hit.end for hit in raw} | {e for _, e, _ in shared}
        title_case = kind != "body" and _title_case(text)
        hits = [
            resolved
            for hit in raw
            if not self._front_of_longer(text, tokens, hit, starts, ends, title_case)
            and (resolved := self._in_context(text, hit)) is not None
        ]
        hits.extend(_Hit(s, e, fid, "plural-list") for s, e, fid in shared if fid)
        hits.sort(key=lambda h: h.start)
        hits = self._station_lists(text, tokens, hits)
        return self._chains(text, hits)

    def _shared_plurals(self, text: str, tokens: list[_Token]) -> list[tuple[int, int, str]]:
        """Names listed before a plural ending they share ("Kecheng and Qujiang districts"), each read
        with the singular: (start, end, feature id, or "" where the map has no such place)."""
        plurals = self.rules.plurals
        if not plurals:
            return []
        out: list[tuple[int, int, str]] = []
        for k, token in enumerate(tokens):
            singular = plurals.get(token.word.lower())
            if singular is None or k == 0 or not _SPACES.fullmatch(text[tokens[k - 1].end : token.start]):
                continue
            items = self._items_before(text, tokens, k)
            if len(items) < 2:
                continue
            for first, last in items:
                words = (*(t.word.lower() for t in tokens[first : last + 1]), *WORD.findall(singular))
                form = self.names.forms.get(tuple(words))
                out.append((tokens[first].start, tokens[last].end, form.feature_id if form else ""))
        return out

    def _items_before(self, text: str, tokens: list[_Token], k: int) -> list[tuple[int, int]]:
        """The capitalised names listed right before token k: [(first token, last token), ...] in order."""
        items: list[tuple[int, int]] = []
        last = k - 1
        while last >= 0 and tokens[last].word[0].isupper():
            first = last
            while (
                first - 1 >= 0
                and last - first + 1 < self.rules.max_item_words
                and tokens[first - 1].word[0].isupper()
                and re.fullmatch(r"[ \t\-–—'’]+", text[tokens[first - 1].end : tokens[first].start])
            ):
                first -= 1
            items.insert(0, (first, last))
            before = first - 1
            while before >= 0 and tokens[before].word.lower() in ("and", "or"):
                before -= 1
            if before < 0 or not _LIST_SEPARATOR.fullmatch(text[tokens[before].end : tokens[first].start]):
                break
            last = before
        return items

    # --- matching ---------------------------------------------------------------------------

    def _matches(self, text: str, tokens: list[_Token]) -> list[_Hit]:
        forms = self.names.forms
        hits: list[_Hit] = []
        i = 0
        while i < len(tokens):
            for length in range(min(self.names.max_words, len(tokens) - i), 0, -1):
                key = tuple(t.word.lower() for t in tokens[i : i + length])
                form = forms.get(key)
                if form is not None and _fits(form, text, tokens[i : i + length]):
                    hits.append(_Hit(tokens[i].start, tokens[i + length - 1].end, form.feature_id, _rule(form), form))
                    i += length
                    break
            else:
                i += 1
        return hits

    # --- whole names ------------------------------------------------------------------------

    def _front_of_longer(
        self, text: str, tokens: list[_Token], hit: _Hit, starts: set[int], ends: set[int], title_case: bool
    ) -> bool:
        form = hit.form
        if form is None or form.admin_ending:
            return False
        rules = self.rules
        after = text[hit.end : hit.end + 60]
        if rules.longer_after is not None and rules.longer_after.match(after.lower()):
            return True
        if rules.hyphen_compound:
            if len(after) > 1 and after[0] in _HYPHEN and after[1].isupper() and hit.end + 1 not in starts:
                return True
            before = text[max(0, hit.start - 2) : hit.start]
            if len(before) == 2 and before[1] in _HYPHEN and before[0].isalpha() and hit.start - 1 not in ends:
                previous = _token_ending(tokens, hit.start - 1)
                if previous is not None and previous.word[0].isupper():
                    return True
        if title_case:
            return False
        following = _token_starting_after(tokens, hit.end)
        if (
            following is not None
            and _SPACES.fullmatch(text[hit.end : following.start])
            and following.start not in starts
            and _continues_name(following.word, self._not_name)
        ):
            return True
        previous = _token_ending_before(tokens, hit.start)
        return (
            previous is not None
            and previous is not tokens[0]
            and _SPACES.fullmatch(text[previous.end : hit.start]) is not None
            and previous.end not in ends
            and _continues_name(previous.word, self._not_name_before)
        )

    def _in_context(self, text: str, hit: _Hit) -> _Hit | None:
        """A bare admin name that a context rule gives to another feature ("the Qujiang": the river)."""
        form = hit.form
        if form is None or not form.bare_admin:
            return hit
        before = text[max(0, hit.start - 30) : hit.start].lower()
        for rule in self.rules.contexts:
            if not rule.before.search(before):
                continue
            other = self.names.forms.get(tuple(WORD.findall(rule.form.format(name=" ".join(form.words)))))
            if other is not None and self.gazetteer.features[other.feature_id].category == rule.category:
                return replace(hit, feature_id=other.feature_id, rule=rule.rule_id)
        return hit

    # --- lists of stations ------------------------------------------------------------------

    def _station_lists(self, text: str, tokens: list[_Token], hits: list[_Hit]) -> list[_Hit]:
        items = self.station_list_items(text, tokens)
        if not items:
            return hits
        kept = [h for h in hits if not any(h.start < end and start < h.end for start, end, _ in items)]
        for start, end, words in items:
            inside = [h for h in hits if start <= h.start and h.end <= end]
            if inside and all(
                self.gazetteer.features[h.feature_id].category in self.rules.station_categories for h in inside
            ):
                kept.extend(inside)  # "Quzhou West Railway Station" named whole
            elif (station := self.names.station_items.get(words)) is not None:
                kept.append(_Hit(start, end, station, "station-list"))
        return sorted(kept, key=lambda h: h.start)

    def station_list_items(
        self, text: str, tokens: list[_Token] | None = None
    ) -> list[tuple[int, int, tuple[str, ...]]]:
        """The names of the first list of stations in a sentence ("six stations, namely, Jiande,
        North Longyou, ..."): (start, end, lower-cased words) in display offsets; [] if none."""
        heads = self.rules.station_heads
        if heads is None:
            return []
        lowered = text.lower()
        if "station" not in lowered and "stop" not in lowered:
            return []
        if tokens is None:
            tokens = [_Token(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
        for k, token in enumerate(tokens):
            if not token.word[0].isupper() or not heads.search(text[max(0, token.start - 90) : token.start]):
                continue
            items = self._list_items(text, tokens, k)
            if len(items) >= 2:
                return items
        return []

    def _list_items(self, text: str, tokens: list[_Token], k: int) -> list[tuple[int, int, tuple[str, ...]]]:
        """(start, end, lower-cased words) of each capitalised name listed from token k on."""
        items: list[tuple[int, int, tuple[str, ...]]] = []
        end_mark = self.rules.list_end
        while k < len(tokens) and tokens[k].word[0].isupper():
            first = k
            while (
                k + 1 < len(tokens)
                and k + 1 - first < self.rules.max_item_words
                and tokens[k + 1].word[0].isupper()
                and re.fullmatch(r"[ \t\-–—'’]+", text[tokens[k].end : tokens[k + 1].start])
            ):
                k += 1
            items.append((tokens[first].start, tokens[k].end, tuple(t.word.lower() for t in tokens[first : k + 1])))
            following = k + 1
            while following < len(tokens) and tokens[following].word.lower() in ("and", "or"):
                following += 1  # "..., and Jiangshan"
            if following >= len(tokens):
                break
            gap = text[tokens[k].end : tokens[following].start]
            if (end_mark is not None and end_mark.search(gap)) or not _LIST_SEPARATOR.fullmatch(gap):
                break
            k = following
        return items

    # --- chains -----------------------------------------------------------------------------

    def _chains(self, text: str, hits: list[_Hit]) -> list[_Hit]:
        rules = self.rules
        merged: list[_Hit] = []
        k = 0
        while k < len(hits):
            current = hits[k]
            k += 1
            while k < len(hits):
                following = hits[k]
                between = text[current.end : following.start]
                if (
                    rules.child_first is not None
                    and rules.child_first.fullmatch(between)
                    and self._qualifies(following.feature_id, current.feature_id)
                    and not self._list_goes_on(text, following, hits[k + 1] if k + 1 < len(hits) else None)
                ):
                    current = _Hit(current.start, following.end, current.feature_id, _qualified(current.rule))
                elif (
                    rules.parent_first is not None
                    and rules.parent_first.fullmatch(between)
                    and self._qualifies(current.feature_id, following.feature_id)
                ):
                    current = _Hit(current.start, following.end, following.feature_id, _qualified(following.rule))
                else:
                    break
                k += 1
            merged.append(current)
        return merged

    def _list_goes_on(self, text: str, outer: _Hit, after: _Hit | None) -> bool:
        """Is `outer` an item of a list of places of its own kind ("Zhejiang, Fujian and Jiangxi")?"""
        goes_on = self.rules.list_goes_on
        if after is None or goes_on is None or not goes_on.fullmatch(text[outer.end : after.start]):
            return False
        return self._level[outer.feature_id] == self._level[after.feature_id]


def _fits(form: EnglishForm, text: str, tokens: Sequence[_Token]) -> bool:
    for n, (token, shape) in enumerate(zip(tokens, form.shapes, strict=True)):
        if shape == "cap" and not token.word[0].isupper():
            return False
        if shape == "exact" and token.word != form.printed[n]:
            return False
        if n:
            gap = text[tokens[n - 1].end : token.start]
            pattern = _COMMA_GAP if n - 1 in form.commas else _GAP
            if not pattern.fullmatch(gap):
                return False
    return True


def _rule(form: EnglishForm) -> str:
    return "name" if form.own else "variant"


def _qualified(rule: str) -> str:
    return rule if rule.endswith("+qualified") else rule + "+qualified"


def _title_case(text: str) -> bool:
    """A headline in title case (or capitals): capitals there do not mark names."""
    words = _TITLE_WORD.findall(text)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _continues_name(word: str, not_name: frozenset[str]) -> bool:
    """Does a capitalised `word` next to a known name make a longer proper name with it?"""
    return word[0].isupper() and not (len(word) > 1 and word.isupper()) and word not in not_name


def _token_starting_after(tokens: list[_Token], position: int) -> _Token | None:
    return next((t for t in tokens if t.start >= position), None)


def _token_ending_before(tokens: list[_Token], position: int) -> _Token | None:
    previous = None
    for token in tokens:
        if token.end > position:
            break
        previous = token
    return previous


def _token_ending(tokens: list[_Token], position: int) -> _Token | None:
    return next((t for t in tokens if t.end == position), None)


def _admin_level(name_zh: str) -> str:
    return next((suffix for suffix in _ADMIN_LEVELS if name_zh.endswith(suffix)), "")
