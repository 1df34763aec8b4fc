"""Place names in English articles that no feature covers, for a curator to review (the English
counterpart of candidates.py; the rules are data, geodata/candidates_en.toml).

A candidate is a whole name:
- capitalised words ending in a place word ("Lanke Mountain", "Longyou Port Area", "Huren village",
  "Temple of Southern Confucianism"), or after one ("Mount Jianglang"), with the kind the place word
  suggests; a known name in front of a place word is part of the name ("Longyou Port Area"), a
  mention before it is its parent;
- a name in a list of stations ("stations, namely, Jiande, Jiande South") that the map lacks;
- a city in a list after a word of travel ("flights to Shenzhen, Kunming and Chengdu"), a province
  or city listed after its kind ("the provinces of Fujian and Anhui"), a foreign city before its
  country ("Madrid, Spain"), a place described by an apposition ("Jiande, a county-level city of ...").
The parent is the place written right after it (", Gaojia town" / "in Kecheng district"). No tagger:
none with its weights inside a PyPI package reads English place names well enough (see the report).
"""

from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mapapp.errors import Problem
from mapapp.models import Article, Mention
from mapapp.pipeline.corpus import display_text
from mapapp.pipeline.ennames import WORD

CANDIDATES_EN_TOML = "candidates_en.toml"
_MAX_FRONT_WORDS = 5
_NAME_GAP = re.compile(r"[ \t]+|[ \t]*[-–—][ \t]*|['’]")
_LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", re.IGNORECASE)
_JOINERS = ("of", "and", "the", "de")
_HYPHEN_BEFORE = re.compile(r"[-–—]")
_INNER_JOIN = re.compile(r"[-–—'’]")


@dataclass(frozen=True)
class EnglishCandidateRules:
    kinds: dict[tuple[str, ...], str] = field(default_factory=dict)  # place words -> kind, longest first
    prefix_kinds: dict[str, str] = field(default_factory=dict)
    not_first: frozenset[str] = frozenset()
    generic: frozenset[str] = frozenset()
    not_name: frozenset[str] = frozenset()
    towards: re.Pattern[str] | None = None
    kind_heads: dict[str, str] = field(default_factory=dict)
    kind_head_joiners: re.Pattern[str] | None = None
    countries: frozenset[str] = frozenset()
    appositions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EnglishCandidate:
    name: str  # as printed, spacing normalised
    kind: str
    parent: str | None
    start: int  # file offsets
    end: int
    sentence: str  # the sentence as displayed


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str


def load_english_candidate_rules(path: Path) -> tuple[EnglishCandidateRules, list[Problem]]:
    """Read candidates_en.toml; every problem names the file, the table and what was expected."""
    problems: list[Problem] = []
    if not path.exists():
        return EnglishCandidateRules(), problems
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return EnglishCandidateRules(), [Problem(path.name, "", "toml", f"cannot be read as UTF-8 TOML ({exc})")]

    def table(key: str, where: dict) -> dict[str, str]:
        value = where.get(key, {})
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()
        ):
            problems.append(Problem(path.name, key, "", f"is {value!r}; expected a table of word = kind strings"))
            return {}
        return value

    def words(key: str) -> tuple[str, ...]:
        value = (data.get("words") or {}).get(key, [])
        if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
            problems.append(Problem(path.name, f"words.{key}", "", f"is {value!r}; expected a list of words"))
            return ()
        return tuple(value)

    def regex(key: str) -> re.Pattern[str] | None:
        value = (data.get("words") or {}).get(key)
        try:
            return re.compile(value, re.IGNORECASE) if isinstance(value, str) else None
        except re.error as exc:
            problems.append(Problem(path.name, f"words.{key}", "", f"is not a valid regular expression ({exc})"))
            return None

    kinds = {tuple(w.lower() for w in WORD.findall(k)): v for k, v in table("kinds", data).items()}
    return EnglishCandidateRules(
        kinds=dict(sorted(kinds.items(), key=lambda item: -len(item[0]))),
        prefix_kinds={k.lower(): v for k, v in table("prefix_kinds", data).items()},
        not_first=frozenset(words("not_first")),
        generic=frozenset(w.lower() for w in words("generic")),
        not_name=frozenset(words("not_name")),
        towards=regex("towards"),
        kind_heads={k.lower(): v for k, v in table("kind_heads", data.get("words") or {}).items()},
        kind_head_joiners=regex("kind_head_joiners"),
        countries=frozenset(words("countries")),
        appositions={k.lower(): v for k, v in table("appositions", data.get("words") or {}).items()},
    ), problems


def english_candidates_in_article(
    article: Article,
    mentions: Sequence[Mention],
    rules: EnglishCandidateRules,
    known: frozenset[tuple[str, ...]],
    listed_stations: Callable[[str], list[tuple[int, int, tuple[str, ...]]]],
    admin_ids: frozenset[str] = frozenset(),
) -> list[EnglishCandidate]:
    """Every candidate name in one English article (mentions: its mentions; known: the words of
    every English form the gazetteer has; listed_stations: the names of a list of stations in a
    sentence, enmentions.EnglishMentionFinder.station_list_items; admin_ids: the admin areas, whose
    mentions make the names listed with them places of their kind)."""
    spans = sorted((m.start, m.end, m.surface) for m in mentions)
    admin_starts = {m.start for m in mentions if m.feature_id in admin_ids}
    starts = [s for s, _, _ in spans]
    out: list[EnglishCandidate] = []
    for sentence in article.sentences:
        shown, offsets = display_text(article.text, sentence, lang="en")
        if not shown:
            continue
        tokens = [_Token(m.start(), m.end(), m.group()) for m in WORD.finditer(shown)]
        first = bisect.bisect_left(starts, offsets[0])
        last = bisect.bisect_right(starts, offsets[-1])
        located = [
            (bisect.bisect_left(offsets, s), bisect.bisect_left(offsets, e), surface)
            for s, e, surface in spans[first:last]
        ]
        admins = {bisect.bisect_left(offsets, s) for s, _, _ in spans[first:last] if s in admin_starts}
        reader = _SentenceReader(shown, tokens, located, rules, known, admins)
        for start, end, kind in reader.names(listed_stations(shown)):
            name = " ".join(shown[start:end].split())
            out.append(
                EnglishCandidate(
                    name, kind, reader.parent_after(start, end), offsets[start], offsets[end - 1] + 1, shown
                )
            )
    return out


class _SentenceReader:
    def __init__(
        self,
        text: str,
        tokens: list[_Token],
        mentions: list[tuple[int, int, str]],
        rules: EnglishCandidateRules,
        known: frozenset[tuple[str, ...]],
        admin_starts: set[int] = frozenset(),  # type: ignore[assignment]
    ):
        self.text, self.tokens, self.mentions, self.rules, self.known = text, tokens, mentions, rules, known
        self.admin_starts = admin_starts
        self.listed: set[tuple[int, int]] = set()

    def names(self, stations: Iterable[tuple[int, int, tuple[str, ...]]]) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        found.extend(self._suffixed())
        found.extend(self._prefixed())
        found.extend(self._of_kind())
        listed = [(s, e, "station") for s, e, _ in stations]
        listed.extend(self._listed())
        listed.extend(self._with_known_places())
        found.extend(self._before_country())
        found.extend(self._apposed())
        chosen: list[tuple[int, int, str]] = []
        # longest first; of one name, the kind its own shape gives before the kind of a list it is in
        ordered = sorted(
            [(*f, 0) for f in found] + [(*f, 1 if f[2] != "place" else 2) for f in listed],
            key=lambda f: (f[0], -(f[1] - f[0]), f[3]),
        )
        for start, end, kind, _rank in ordered:
            if chosen and start < chosen[-1][1]:
                continue
            # a station in a list may share its name with a mapped place ("Qujiang": the district)
            if self._acceptable(start, end, named_anyway=kind == "station" and (start, end, kind) in listed):
                chosen.append((start, end, kind))
        self.listed = {(start, end) for start, end, _ in listed}
        return chosen

    # --- shapes ------------------------------------------------------------------------------

    def _suffixed(self) -> Iterable[tuple[int, int, str]]:
        tokens = self.tokens
        lowered = [t.word.lower() for t in tokens]
        for j in range(len(tokens)):
            for words, kind in self.rules.kinds.items():
                m = len(words)
                if j + 1 < m or tuple(lowered[j + 1 - m : j + 1]) != words or not self._joined(j + 1 - m, j):
                    continue
                front = self._front(j - m)
                if front is None:
                    break
                capitalised = tokens[j + 1 - m].word[0].isupper()
                if not capitalised and _HYPHEN_BEFORE.fullmatch(self.text[tokens[j - m].end : tokens[j + 1 - m].start]):
                    break  # "E-port": a compound word, not a place word
                end = self._of_tail(j) if capitalised else tokens[j].end
                if capitalised and end == tokens[j].end and self._name_goes_on(j):
                    break  # "Zhejiang Seaport Quzhou Port Affairs Co": a company's name, not a place's
                yield tokens[front].start, end, kind
                break

    def _front(self, k: int) -> int | None:
        """The first token of the capitalised words ending at token k (None if there are none)."""
        last = k
        first = None
        while k >= 0 and last - k < _MAX_FRONT_WORDS + 2 and self._in_name_gap(k):
            joiner = self.tokens[k].word in ("and", "of", "&") and first is not None
            if joiner and k > 0 and self._name_word(k - 1) and self._in_name_gap(k - 1) and not self._place_word(k - 1):
                k -= 1  # "Quzhou Economic and Technological Development Zone"
                continue
            if not self._name_word(k) or self._in_mention(k):
                break  # a place named before the name is its parent, not part of it
            first = k
            k -= 1
        while first is not None and first <= last and self.tokens[first].word in self.rules.not_first:
            first += 1  # "The Longyou Port Area"
        return first if first is not None and first <= last else None

    def _of_tail(self, j: int) -> int:
        """ "Temple of Southern Confucianism": the name goes on after "of" with capitalised words."""
        tokens = self.tokens
        if j + 2 < len(tokens) and tokens[j + 1].word == "of" and tokens[j + 2].word[0].isupper():
            k = j + 2
            while (
                k + 1 < len(tokens)
                and tokens[k + 1].word[0].isupper()
                and _NAME_GAP.fullmatch(self.text[tokens[k].end : tokens[k + 1].start])
            ):
                k += 1
            return tokens[k].end
        return tokens[j].end

    def _name_goes_on(self, j: int) -> bool:
        """Does a capitalised word continue the name after its place word (token j)?"""
        return j + 1 < len(self.tokens) and self._capitalised(j + 1) and self._in_name_gap(j)

    def _with_known_places(self) -> Iterable[tuple[int, int, str]]:
        """Names listed with mapped admin areas are places of their kind: "Jiangxi, Fujian, Anhui
        and Zhejiang", "between Quzhou and Lishui"."""
        tokens = self.tokens
        k = 0
        while k < len(tokens):
            if not self._capitalised(k) or (k and self._capitalised(k - 1) and self._in_name_gap(k - 1)):
                k += 1
                continue
            items = self._items_from(k)
            if len(items) >= 2 and any(start in self.admin_starts for start, _ in items):
                for start, end in items:
                    if start == tokens[0].start and self.text[end : end + 1] == ",":
                        continue  # "Overall, Quzhou's ...": a sentence's opening word, not a listed place
                    if start not in self.admin_starts and len(WORD.findall(self.text[start:end])) <= 2:
                        yield start, end, "place"
            last_end = items[-1][1]
            while k < len(tokens) and tokens[k].start < last_end:
                k += 1

    def _of_kind(self) -> Iterable[tuple[int, int, str]]:
        """ "the village of Lulikeng", "the town of Aojiang": the name after "of" is of that kind."""
        for match in re.finditer(r"\bthe\s+(\w+)\s+of\s+(?=[A-Z])", self.text):
            kind = self.rules.kinds.get((match.group(1).lower(),))
            k = next((n for n, t in enumerate(self.tokens) if t.start == match.end()), None)
            if kind is None or kind not in ("admin", "city") or k is None:
                continue
            last = k
            while last + 1 < len(self.tokens) and self._name_word(last + 1) and self._in_name_gap(last):
                last += 1
            yield self.tokens[k].start, self.tokens[last].end, kind

    def _prefixed(self) -> Iterable[tuple[int, int, str]]:
        tokens = self.tokens
        for k, token in enumerate(tokens[:-1]):
            kind = self.rules.prefix_kinds.get(token.word.lower())
            if kind is None or not token.word[0].isupper() or not tokens[k + 1].word[0].isupper():
                continue
            if not re.fullmatch(r"[ \t]+", self.text[token.end : tokens[k + 1].start]):
                continue  # "Lake, Fuchun River": not "Lake Fuchun"
            yield token.start, tokens[k + 1].end, kind

    def _listed(self) -> Iterable[tuple[int, int, str]]:
        """Names listed after a word of travel (cities) or after their kind ("provinces of")."""
        for k, token in enumerate(self.tokens):
            if not token.word[0].isupper() or (k and self.tokens[k - 1].word[0].isupper()):
                continue
            before = self.text[max(0, token.start - 60) : token.start]
            kind = None
            if self.rules.towards is not None and self.rules.towards.search(before):
                kind = "city"
            elif self.rules.kind_head_joiners is not None and (head := self.rules.kind_head_joiners.search(before)):
                word = before[: head.start()].split()[-1:] or [""]
                kind = self.rules.kind_heads.get(word[0].lower())
            if kind is None:
                continue
            for start, end in self._items_from(k):
                yield start, end, kind

    def _items_from(self, k: int) -> list[tuple[int, int]]:
        items: list[tuple[int, int]] = []
        tokens = self.tokens
        while k < len(tokens) and self._capitalised(k):
            first = k
            while (
                k + 1 < len(tokens)
                and self._capitalised(k + 1)
                and _NAME_GAP.fullmatch(self.text[tokens[k].end : tokens[k + 1].start])
            ):
                k += 1
            items.append((tokens[first].start, tokens[k].end))
            following = k + 1
            while following < len(tokens) and tokens[following].word.lower() in ("and", "or"):
                following += 1
            if following >= len(tokens) or not _LIST_SEPARATOR.fullmatch(
                self.text[tokens[k].end : tokens[following].start]
            ):
                break
            k = following
        return items

    def _before_country(self) -> Iterable[tuple[int, int, str]]:
        for country in self.rules.countries:
            for match in re.finditer(rf"(?:,\s*|\s+in\s+(?:the\s+)?){re.escape(country)}\b", self.text):
                k = self._token_ending_at(match.start())
                if k is None or not self._capitalised(k):
                    continue
                first = k
                while (
                    first - 1 >= 0
                    and self._capitalised(first - 1)
                    and _NAME_GAP.fullmatch(self.text[self.tokens[first - 1].end : self.tokens[first].start])
                ):
                    first -= 1
                yield self.tokens[first].start, self.tokens[k].end, "foreign city"

    def _apposed(self) -> Iterable[tuple[int, int, str]]:
        for word, kind in self.rules.appositions.items():
            pattern = rf",\s+(?:a|an)\s+(?:[\w-]+\s+){{0,3}}?{re.escape(word)}\b"
            for match in re.finditer(pattern, self.text):
                k = self._token_ending_at(match.start())
                if k is not None and self._capitalised(k):
                    yield self.tokens[k].start, self.tokens[k].end, kind

    # --- checks ------------------------------------------------------------------------------

    def _acceptable(self, start: int, end: int, *, named_anyway: bool = False) -> bool:
        words = tuple(w.lower() for w in WORD.findall(self.text[start:end]))
        if not words or (words in self.known and not named_anyway):
            return False
        name = " ".join(self.text[start:end].split())
        if (
            name in self.rules.countries
            or name.lower() in self.rules.generic
            or WORD.findall(name)[0] in self.rules.not_name
        ):
            return False
        if any(s <= start and end <= e for s, e, _ in self.mentions):
            return False  # a known place named whole
        if all(w in _JOINERS or any(w == kind[-1] for kind in self.rules.kinds) for w in words):
            return False  # only place words ("Port Area")
        return not any(start < e and s < end and not (s < start or end < e) for s, e, _ in self.mentions)

    def parent_after(self, start: int, end: int) -> str | None:
        """The admin area written right after a name: ", Gaojia town" or " in Kecheng district" (not
        for a name in a list, where a comma is the list's)."""
        if (start, end) in self.listed:
            return None
        after = self.text[end : end + 8]
        gap = re.match(r",\s*|\s+in\s+(?:the\s+)?", after)
        if gap is None:
            return None
        at = end + gap.end()
        for begin, stop, _surface in self.mentions:
            if begin == at and begin in self.admin_starts:
                # "Gaojia town, Qujiang district" (one mention): the town
                return " ".join(self.text[begin:stop].split(",")[0].split())
        return None

    def _capitalised(self, k: int) -> bool:
        word = self.tokens[k].word
        return word[0].isupper() and word not in self.rules.not_name

    def _place_word(self, k: int) -> bool:
        """Does a place word end at token k ("Fushan Park and ..."): a name ends there."""
        return any(words[-1] == self.tokens[k].word.lower() for words in self.rules.kinds)

    def _name_word(self, k: int) -> bool:
        """A capitalised word, or the lower-case part of one joined by a hyphen or an apostrophe
        ("Thousand-island", "Jian'ou")."""
        if self._capitalised(k):
            return True
        word = self.tokens[k].word
        return (
            k > 0
            and word.islower()
            and word != "s"
            and _INNER_JOIN.fullmatch(self.text[self.tokens[k - 1].end : self.tokens[k].start]) is not None
            and self._capitalised(k - 1)
        )

    def _in_name_gap(self, k: int) -> bool:
        """Is token k joined to the token after it as words of one name are?"""
        if k + 1 >= len(self.tokens):
            return True
        return _NAME_GAP.fullmatch(self.text[self.tokens[k].end : self.tokens[k + 1].start]) is not None

    def _joined(self, first: int, last: int) -> bool:
        return all(self._in_name_gap(k) for k in range(first, last))

    def _in_mention(self, k: int) -> bool:
        token = self.tokens[k]
        return any(s < token.end and token.start < e for s, e, _ in self.mentions)

    def _token_ending_at(self, position: int) -> int | None:
        return next((k for k, t in enumerate(self.tokens) if t.end == position), None)


def english_candidate_rules_problems(geodata_dir: Path) -> list[Problem]:
    """Problems in candidates_en.toml next to the geodata (none when the file is absent)."""
    return load_english_candidate_rules(geodata_dir / CANDIDATES_EN_TOML)[1]
