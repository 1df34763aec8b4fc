"""Place names in the articles that no feature covers, for a curator to review.

A candidate is a whole name: a place-type suffix (村 镇 街道 港区 作业区 江 港 溪 站 园区 ..., with
the kind it suggests, from geodata/candidates.toml) and the run of name-like words in front of it,
read from the normalised text (simplified, half-width, no inline pinyin) and segmented with jieba.
Walking left from the suffix, the front stops at punctuation, at function words and verbs of
movement (位于, 经, 驶入 ...), and at an administrative unit: 衢江区樟潭街道新村 gives 新村 whose
parent is 樟潭街道, whose parent is 衢江区 (admin prefixes are context, not glued on). A port zone
keeps its port area (龙游港区团石作业区). A place word right after a country (美国西雅图) is a
foreign city. Pronouns, scopes, slogans and generic nouns (我市, 全县, 通江达海, 港口) are never
candidates, and neither is a name a mention already covers.
"""

from __future__ import annotations

import logging
import tomllib
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mapapp.errors import Problem
from mapapp.models import Article
from mapapp.paths import GEODATA_DIR
from mapapp.pipeline.corpus import display_text
from mapapp.pipeline.encandidates import (
    CANDIDATES_EN_TOML,
    EnglishCandidateRules,
    english_candidates_in_article,
    load_english_candidate_rules,
)
from mapapp.pipeline.index import MapIndex
from mapapp.pipeline.mentions import english_finder_for
from mapapp.pipeline.normalise import normalise_with_offsets

CANDIDATES_TOML = "candidates.toml"
MAX_SENTENCES = 3
_MAX_FRONT_CHARS = 6  # a village / town / river name is rarely longer in front of its suffix
_ADMIN_ENDINGS = ("省", "市", "县", "区", "街道", "镇", "乡")
_PROPER_FLAGS = ("ns", "nr", "nz", "nt")  # jieba's place, person, other proper and organisation names
_NO_PLACES: Mapping[str, bool] = {}
_NEVER_IN_FRONT = ("p", "c", "u", "r", "d", "m", "q", "y", "e", "o", "zg", "w", "t")


@dataclass(frozen=True)
class CandidateRules:
    kinds: dict[str, str]  # suffix -> kind, longest suffix first
    not_first: tuple[str, ...]
    generic: frozenset[str]
    stop: frozenset[str]
    countries: frozenset[str]
    towards: frozenset[str]  # verbs of destination: 运往 X, 抵达 X (X is a place; X港 is a port)
    strong: frozenset[str]  # suffixes that mark a place by themselves (村 作业区 街道); others need a proper name


@dataclass(frozen=True)
class CandidateSentence:
    article_id: str
    start: int  # offsets of the name in the article's file text
    end: int
    text: str  # the sentence as displayed (layout breaks removed, as printed)


@dataclass(frozen=True)
class Candidate:
    surface: str  # the name in normalised form (simplified); the sentences show it as printed
    count: int
    articles: tuple[str, ...]
    kind: str
    parent: str | None
    sentences: tuple[CandidateSentence, ...]


@dataclass(frozen=True)
class _Found:
    name: str
    kind: str
    parent: str | None
    start: int  # file offsets
    end: int


def load_candidate_rules(path: Path) -> tuple[CandidateRules, list[Problem]]:
    """Read candidates.toml; every problem names the file, the table and what was expected."""
    problems: list[Problem] = []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, "", "toml", f"cannot be read as UTF-8 TOML ({exc})"))
        data = {}
    kinds = data.get("kinds", {})
    if not isinstance(kinds, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in kinds.items()
    ):
        problems.append(Problem(path.name, "kinds", "", f"is {kinds!r}; expected a table of suffix = kind strings"))
        kinds = {}
    words = data.get("words", {})
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("not_first", "generic", "stop", "countries", "towards", "strong"):
        value = words.get(key, []) if isinstance(words, dict) else []
        if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
            problems.append(Problem(path.name, f"words.{key}", "", f"is {value!r}; expected a list of words"))
            value = []
        lists[key] = tuple(value)
    ordered = dict(sorted(kinds.items(), key=lambda item: -len(item[0])))
    rules = CandidateRules(
        ordered,
        lists["not_first"],
        frozenset(lists["generic"]),
        frozenset(lists["stop"]),
        frozenset(lists["countries"]),
        frozenset(lists["towards"]),
        frozenset(lists["strong"]),
    )
    return rules, problems


def find_candidates(
    index: MapIndex, rules: CandidateRules | None = None, english_rules: EnglishCandidateRules | None = None
) -> list[Candidate]:
    """Every candidate in the index's articles, most frequent first (English articles: encandidates.py)."""
    if rules is None:
        rules, _ = load_candidate_rules(GEODATA_DIR / CANDIDATES_TOML)
    covered: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for mention in index.mentions:
        covered[mention.article_id].append((mention.start, mention.end))
    known = {name for feature in index.features.values() for name in feature.names}
    # names of admin areas (and whether they lie outside Quzhou): the county of a port area
    # (龙游港区), and what X港 is (宁波港 outside: a port; 常山港 inside: a river)
    place_names = {
        name: feature.external
        for feature in index.features.values()
        if feature.category == "admin_area"
        for name in feature.names
    }
    found: dict[str, list[tuple[_Found, CandidateSentence]]] = defaultdict(list)
    english: list[Article] = []
    for article in index.articles.values():
        if article.lang == "en":
            english.append(article)  # read by encandidates.py, below
            continue
        for hit, sentence in _candidates_in_article(article, covered[article.article_id], rules, place_names):
            if hit.name not in known and hit.name not in index.gazetteer.curated.not_places:
                found[hit.name].append((hit, sentence))  # (a name a curator dismissed never returns)
    if english:
        for name, hits in english_candidates(index, english, english_rules).items():
            found[name].extend(hits)
    candidates = []
    for name, hits in found.items():
        parents = Counter(hit.parent for hit, _ in hits if hit.parent)
        sentences: list[CandidateSentence] = []
        for _, sentence in hits:
            if len(sentences) < MAX_SENTENCES and sentence.text not in {s.text for s in sentences}:
                sentences.append(sentence)
        candidates.append(
            Candidate(
                surface=name,
                count=len(hits),
                articles=tuple(sorted({s.article_id for _, s in hits})),
                kind=hits[0][0].kind,
                parent=parents.most_common(1)[0][0] if parents else None,
                sentences=tuple(sentences),
            )
        )
    return sorted(candidates, key=lambda c: (-c.count, c.surface))


def english_candidates(
    index: MapIndex, articles: list[Article], rules: EnglishCandidateRules | None = None
) -> dict[str, list[tuple[_Found, CandidateSentence]]]:
    """The candidates of English articles (encandidates.py), grouped by name whatever its case,
    each group under the first way it was printed."""
    if rules is None:
        rules, _ = load_english_candidate_rules(GEODATA_DIR / CANDIDATES_EN_TOML)
    finder = english_finder_for(index.gazetteer)
    known = frozenset(finder.names.forms)
    admin_ids = frozenset(fid for fid, f in index.features.items() if f.category == "admin_area")
    dismissed = {name.lower() for name in index.gazetteer.curated.not_places}
    by_article: dict[str, list] = defaultdict(list)
    for mention in index.mentions:
        by_article[mention.article_id].append(mention)
    printed: dict[str, str] = {}
    found: dict[str, list[tuple[_Found, CandidateSentence]]] = defaultdict(list)
    for article in articles:
        for hit in english_candidates_in_article(
            article, by_article[article.article_id], rules, known, finder.station_list_items, admin_ids
        ):
            if hit.name.lower() in dismissed:
                continue
            name = printed.setdefault(hit.name.lower(), hit.name)
            found[name].append(
                (
                    _Found(name, hit.kind, hit.parent, hit.start, hit.end),
                    CandidateSentence(article.article_id, hit.start, hit.end, hit.sentence),
                )
            )
    return found


def _candidates_in_article(
    article: Article, spans: list[tuple[int, int]], rules: CandidateRules, place_names: Mapping[str, bool] = _NO_PLACES
) -> list[tuple[_Found, CandidateSentence]]:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    out: list[tuple[_Found, CandidateSentence]] = []
    for sentence in article.sentences:
        shown, shown_offsets = display_text(article.text, sentence)
        text, offsets = normalise_with_offsets(shown, shown_offsets)
        if not text:
            continue
        tokens: list[tuple[str, str, int]] = []  # word, flag, start in `text`
        pos = 0
        for pair in jieba.posseg.cut(text):
            tokens.append((pair.word, pair.flag, pos))
            pos += len(pair.word)
        in_mention = [any(s <= offsets[k] < e for s, e in spans) for k in range(len(text))]
        for hit in _names_in_tokens(text, tokens, in_mention, rules, place_names):
            start, end = offsets[hit[0]], offsets[hit[1] - 1] + 1
            name, kind, parent = hit[2], hit[3], hit[4]
            out.append(
                (
                    _Found(name, kind, parent, start, end),
                    CandidateSentence(article.article_id, start, end, shown),
                )
            )
    return out


@dataclass
class _Front:
    """The front of a name being read leftwards from its suffix."""

    start: int  # in the normalised text
    kind: str
    parent: str | None = None
    left: int | None = None  # index of the token just left of the front, if any


def _names_in_tokens(
    text: str,
    tokens: list[tuple[str, str, int]],
    in_mention: list[bool],
    rules: CandidateRules,
    place_names: Mapping[str, bool] = _NO_PLACES,
) -> list[tuple[int, int, str, str, str | None]]:
    """(start, end, name, kind, parent) in `text` for every whole name with a place-type suffix."""
    names: list[tuple[int, int, str, str, str | None]] = []
    token_at_end = {s + len(w): n for n, (w, _, s) in enumerate(tokens)}
    token_starts = {s for _, _, s in tokens}
    for word, flag, start in tokens:
        end = start + len(word)
        suffix = _suffix_of(text[max(0, end - 4) : end], rules)
        if suffix is None or any(in_mention[end - len(suffix) : end]):
            continue
        suffix_start = end - len(suffix)
        if suffix_start < start and suffix_start not in token_starts:
            continue  # the suffix begins inside a word
        if word in rules.generic and len(word) > len(suffix):
            # a common word (乡村, 村镇) ends a name only right after a proper name (贺/nr 村镇/n: 贺村镇)
            previous = token_at_end.get(start)
            if previous is None or not _proper_front(*tokens[previous][:2]):
                continue
        if suffix_start > start:  # the part of this word in front of the suffix (张村, 星火村)
            if not _is_cjk_word(text[start:suffix_start]) or flag.startswith(_NEVER_IN_FRONT):
                continue
            suffix_start = start
        front = _read_front(
            tokens, token_at_end, _Front(suffix_start, rules.kinds[suffix]), end, suffix, in_mention, rules
        )
        _refine_port(text, front, end, suffix, tokens, in_mention, rules, place_names)
        name = text[front.start : end]
        # a two-character river that jieba knows as a proper name (芝溪/ns, 婺江/ns) has a one-character front
        known_river = name == word and len(word) == 2 and suffix in ("江", "溪") and flag.startswith(_PROPER_FLAGS)
        if not _acceptable(name, suffix, rules, min_front=1 if known_river else 2):
            continue
        if suffix not in rules.strong and not any(
            f.startswith(_PROPER_FLAGS) for _, f, s in tokens if front.start <= s < end
        ):
            continue  # a weak suffix (江 港 县 站 ...) needs a proper name in front of it
        parent = front.parent
        if parent is None and names and names[-1][1] == front.start and names[-1][3] == "admin":
            parent = names[-1][2]  # 樟潭街道下张村: the unit written right before it
        if parent is None:
            parent = _parent_before(text, tokens, front.start, in_mention, rules)
        names.append((front.start, end, name, front.kind, parent))
    names.extend(_foreign_places(tokens, in_mention, rules, names))
    return names


def _read_front(
    tokens: list[tuple[str, str, int]],
    token_at_end: dict[int, int],
    front: _Front,
    end: int,
    suffix: str,
    in_mention: list[bool],
    rules: CandidateRules,
) -> _Front:
    """Walk left over name-like words: proper names, short common nouns, one-character words after a
    proper name (安仁铺), the port area of a zone (龙游港区团石作业区); stop at function words, verbs,
    mentions, admin units (they are the parent) and countries (ditto)."""
    k = token_at_end.get(front.start)
    while k is not None and end - tokens[k][2] <= _MAX_FRONT_CHARS + len(suffix):
        w, f, s = tokens[k]
        if w in rules.countries:
            front.parent = w
            if front.start == end - len(suffix) and front.kind in ("river", "port"):
                front.start, front.kind = s, "port"  # 新加坡港: a country's own port
            elif front.kind == "river" and suffix in ("港", "港区"):
                front.kind = "port"  # 德国汉堡港: a port abroad
            break
        if w == "港区" and suffix == "作业区":  # 龙游港区团石作业区 keeps its port area
            front.start = s
            k = token_at_end.get(s)
            continue
        left_flag = tokens[k - 1][1] if k > 0 else "x"
        proper = f.startswith(_PROPER_FLAGS)
        single = len(w) == 1 and (
            f.startswith("f") or (f.startswith(("v", "f", "a", "n", "b")) and left_flag.startswith(_PROPER_FLAGS))
        )
        first = front.start == end - len(suffix)
        common = f.startswith(("n", "j")) or (first and f.startswith("f") and suffix in rules.strong)
        common = common and len(w) <= 2  # 上方/f 镇: a town; 以上 never reaches a suffix this way
        own_name = first and len(w) >= 2 and w.endswith(suffix)  # 湖镇/ns 镇: the town 湖镇镇
        if (
            w in rules.stop
            or (w in rules.generic and len(w) > 1)  # 内河 ends the front; the 江 of 常山江航电枢纽 does not
            or (len(w) == 1 and w in rules.kinds and front.kind == "admin")  # 湖镇 镇 | 星火村
            or not _is_cjk_word(w)
            or any(in_mention[s : s + len(w)])
            or not (proper or single or common)
            or (w.endswith(_ADMIN_ENDINGS) and len(w) > 1 and not own_name)
        ):
            break
        front.start = s
        k = token_at_end.get(s)
    front.left = k
    return front


def _refine_port(
    text: str,
    front: _Front,
    end: int,
    suffix: str,
    tokens: list[tuple[str, str, int]],
    in_mention: list[bool],
    rules: CandidateRules,
    place_names: Mapping[str, bool],
) -> None:
    """X港 sailed to is a port (驶往釜山港); a zone keeps the county of its port area even where
    jieba cut it apart (衢州港龙游港区团石作业区: 港龙 / 游), and that port area is its parent."""
    before = tokens[front.left][0] if front.left is not None else ""
    if front.kind == "river" and suffix == "港" and before in rules.towards:
        front.kind = "port"
    outside = place_names.get(text[front.start : end - len(suffix)])
    if front.kind == "river" and suffix == "港" and outside:
        front.kind = "port"  # 宁波港, 上海港: the port of a city outside Quzhou; 常山港 stays a river
    if front.kind == "port" and suffix == "作业区":
        area = text.rfind("港区", max(0, front.start - 2), end)
        county = _place_name_before(text, area, place_names, in_mention) if area >= 0 else None
        if county is not None and county < front.start:
            front.start = county
        if area > front.start:
            front.parent = text[front.start : area + 2]


def _proper_front(word: str, flag: str) -> bool:
    """A proper name that can start a name: two or more characters, or a one-character surname
    (贺/nr in 贺村镇); a one-character ns is usually an abbreviation (美 in 和美乡村)."""
    return flag.startswith(_PROPER_FLAGS) and (len(word) >= 2 or flag.startswith("nr"))


def _place_name_before(text: str, at: int, place_names: Mapping[str, bool], in_mention: list[bool]) -> int | None:
    """Start of a known place name written right before `at` and not already a mention (龙游 in 龙游港区)."""
    for length in (4, 3, 2):
        start = at - length
        if start >= 0 and text[start:at] in place_names and not any(in_mention[start:at]):
            return start
    return None


def _suffix_of(tail: str, rules: CandidateRules) -> str | None:
    for suffix in rules.kinds:
        if tail.endswith(suffix):
            return suffix
    return None


def _acceptable(name: str, suffix: str, rules: CandidateRules, *, min_front: int = 2) -> bool:
    front = name[: len(name) - len(suffix)]
    return (
        len(front) >= min_front
        and len(name) >= 2
        and name not in rules.generic
        and front not in rules.generic
        and not name.startswith(rules.not_first)
        and all(_is_cjk_word(char) for char in front)
    )


def _parent_before(
    text: str, tokens: list[tuple[str, str, int]], start: int, in_mention: list[bool], rules: CandidateRules
) -> str | None:
    """The admin unit written right before a name (衢江区樟潭街道新村: 新村's parent is 樟潭街道)."""
    for word, _flag, s in reversed(tokens):
        if s + len(word) == start:
            if word.endswith(_ADMIN_ENDINGS) and len(word) >= 2 and word not in rules.generic:
                return word
            if word in ("位于", "地处"):
                return None
            # an admin unit found as a mention, possibly spanning several tokens
            end = start
            k = end
            while k > 0 and in_mention[k - 1]:
                k -= 1
            if k < end and text[k:end].endswith(_ADMIN_ENDINGS):
                return text[k:end]
            return None
    return None


def _foreign_places(
    tokens: list[tuple[str, str, int]],
    in_mention: list[bool],
    rules: CandidateRules,
    already: list[tuple[int, int, str, str, str | None]],
) -> list[tuple[int, int, str, str, str | None]]:
    """Cities named without a suffix: a proper place word (jieba's ns/nr) right after a country is a
    foreign city (美国西雅图 -> 西雅图); one right after a verb of destination (运往洛杉矶), or listed
    after such a city (运往洛杉矶和鹿特丹), is a city."""
    taken = [(s, e) for s, e, *_ in already]
    out: list[tuple[int, int, str, str, str | None]] = []
    listing = False  # the previous token was a city found here, or a list separator after one
    for i in range(1, len(tokens)):
        word, flag, start = tokens[i]
        previous = tokens[i - 1][0]
        end = start + len(word)
        after_country = previous in rules.countries
        after_verb = previous in rules.towards or listing
        listing = listing and word in ("和", "、", "及", "与", "以及")
        if not (after_country or after_verb) or not flag.startswith(("ns", "nr")) or len(word) < 2:
            continue
        if any(in_mention[start:end]) or any(s < end and start < e for s, e in taken):
            continue
        if word in rules.generic or word in rules.countries or _suffix_of(word, rules) or not _is_cjk_word(word):
            continue
        if after_country:
            out.append((start, end, word, "foreign city", previous))
        else:
            out.append((start, end, word, "city", None))
        listing = True
    return out


def _is_cjk_word(word: str) -> bool:
    return bool(word) and all("\u3400" <= char <= "\u9fff" for char in word)
