"""Place names in the articles that no feature covers, for a curator to review.

Candidates come from the whole names the tagger found (tagger.py: places, and organisations whose
head makes them a place, such as a zone, venue or school) and from the longer names whose front is
a known place (衢江 + 中路 where the tagger cut them apart; wholenames.py). Each is a whole name:
- known places written in front of it are its parents, not part of it (衢江区樟潭街道下张村 gives
  樟潭街道, parent 衢江区, and 下张村, parent 樟潭街道), unless it is named after them (龙游港区,
  浙江常山经济开发区: the known name is only their front);
- words of a boundary or a route in front (东至, 西至, 经) are not part of it (东至县道 is no county);
- its kind comes from its head (geodata/name_parts.toml: street, bridge, station, zone, port,
  river, scenic area ...), "admin" for a unit (镇 乡 街道 村), "foreign city" right after a country,
  "place" otherwise;
- generic words, slogans, scopes, vague regions and countries (geodata/candidates.toml) are never
  candidates, and neither is a name a feature has or a curator dismissed.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mapapp.errors import Problem
from mapapp.models import Article, Mention
from mapapp.paths import GEODATA_DIR
from mapapp.pipeline.corpus import display_texts
from mapapp.pipeline.gazetteer import Gazetteer
from mapapp.pipeline.index import MapIndex
from mapapp.pipeline.mentions import MentionFinder, finder_for
from mapapp.pipeline.nameparts import NameParts
from mapapp.pipeline.normalise import normalise, normalise_all
from mapapp.pipeline.tagger import ArticleNames, names_in_texts, spans_by_text

CANDIDATES_TOML = "candidates.toml"
MAX_SENTENCES = 3
_ADMIN_ENDINGS = ("省", "市", "县", "区", "街道", "镇", "乡")


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
    name: str  # normalised
    kind: str
    parent: str | None
    start: int  # file offsets
    end: int


# the place kinds an organisation's name may have (an ORG span ending in such a head is a place)
_PLACE_KINDS_OF_ORGS = ("zone", "venue", "school", "hospital", "park", "scenic area", "station", "airport", "port")
_BOUNDARY_WORDS = re.compile(
    r"^(?:[东南西北]至|[东南西北]临|[东南西北]起|范围|以及|位于|途经|经过|经|至|到|从|在|由|向|和|与|及)"
)


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


def find_candidates(index: MapIndex, rules: CandidateRules | None = None) -> list[Candidate]:
    """Every candidate in the index's articles, most frequent first."""
    if rules is None:
        rules, _ = load_candidate_rules(GEODATA_DIR / CANDIDATES_TOML)
    gazetteer = index.gazetteer
    finder = MentionFinder(gazetteer)
    known = _known_names(gazetteer)
    found: dict[str, list[tuple[_Found, CandidateSentence]]] = defaultdict(list)
    for article_id in index.articles:
        article = index.articles[article_id]
        for hit, sentence in _found_in_article(article, finder, rules, index.names.get(article_id)):
            if hit.name not in known and hit.name not in gazetteer.curated.not_places:
                found[hit.name].append((hit, sentence))  # (a name a curator dismissed never returns)
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
                kind=Counter(hit.kind for hit, _ in hits).most_common(1)[0][0],
                parent=parents.most_common(1)[0][0] if parents else None,
                sentences=tuple(sentences),
            )
        )
    return sorted(candidates, key=lambda c: (-c.count, c.surface))


def candidate_names_in_article(
    article: Article, mentions: Sequence[Mention], gazetteer: Gazetteer, rules: CandidateRules
) -> list[str]:
    """The names `candidates` would propose for one article, in text order (the evaluation's view;
    `mentions` are the article's, as find_mentions gives them)."""
    finder = finder_for(gazetteer)
    known = _known_names(gazetteer)
    return [
        hit.name
        for hit, _ in _found_in_article(article, finder, rules, None, mentions)
        if hit.name not in known and hit.name not in gazetteer.curated.not_places
    ]


def _known_names(gazetteer: Gazetteer) -> set[str]:
    return {normalise(name) for feature in gazetteer.features.values() for name in feature.names}


def _found_in_article(
    article: Article,
    finder: MentionFinder,
    rules: CandidateRules,
    names: ArticleNames | None,
    mentions: Sequence[Mention] | None = None,
) -> list[tuple[_Found, CandidateSentence]]:
    shown = display_texts(article)
    texts = normalise_all(shown)
    if names is None:
        names = names_in_texts(texts)
    result = finder.find_with_fronts(article, shown=shown, names=names)
    if mentions is None:
        mentions = result.mentions
    parts = finder.gazetteer.name_parts
    kinds = {start: kind for start, _, kind in names}
    spans = spans_by_text(texts, names)
    out: list[tuple[_Found, CandidateSentence]] = []
    for (text, offsets), (display, _), text_spans in zip(texts, shown, spans, strict=True):
        if not offsets:
            continue
        first, last = offsets[0], offsets[-1]
        here = [(m.start, m.end, m.surface) for m in mentions if first <= m.start <= last]
        covered = [False] * len(text)
        position = {offset: k for k, offset in enumerate(offsets)}
        mention_at: dict[int, int] = {}  # start -> end, in this text
        for start, end, _ in here:
            k = position.get(start)
            j = position.get(end - 1)
            if k is not None and j is not None:
                mention_at[k] = j + 1
                for n in range(k, j + 1):
                    covered[n] = True
        found: list[tuple[int, int, str, str | None]] = []
        for start, end in text_spans:
            kind = kinds.get(offsets[start], "LOC")
            hit = _whole_name(text, start, end, kind, covered, mention_at, parts, rules)
            if hit is not None:
                found.append(hit)
        for f_start, f_end, f_kind in result.fronts:
            k, j = position.get(f_start), position.get(f_end - 1)
            if k is None or j is None or any(s <= k and j < e for s, e, *_ in found):
                continue
            name = text[k : j + 1]
            if _acceptable(name, rules):
                found.append((k, j + 1, f_kind or _kind_of(name, parts), None))
        found.sort()
        for n, (start, end, kind, parent) in enumerate(found):
            if parent is None and n and found[n - 1][1] == start and found[n - 1][2] == "admin":
                parent = text[found[n - 1][0] : found[n - 1][1]]  # 樟潭街道下张村
            if parent is None:
                parent = next((c for c in rules.countries if text.endswith(c, 0, start)), None)  # 荷兰 鹿特丹
                if parent is not None and kind == "place":
                    kind = "foreign city"
            s, e = offsets[start], offsets[end - 1] + 1
            out.append(
                (_Found(text[start:end], kind, parent, s, e), CandidateSentence(article.article_id, s, e, display))
            )
    return out


def _whole_name(
    text: str,
    start: int,
    end: int,
    tag: str,
    covered: list[bool],
    mention_at: dict[int, int],
    parts: NameParts,
    rules: CandidateRules,
) -> tuple[int, int, str, str | None] | None:
    """The candidate in the tagger's name text[start:end], if any: (start, end, kind, parent)."""
    if tag == "PER":
        return None
    parent: str | None = None
    while start < end:
        boundary = _BOUNDARY_WORDS.match(text, start, end)
        if boundary and boundary.end() < end:
            start = boundary.end()
            continue
        if start in mention_at and mention_at[start] <= end:  # a known place in front: its parent
            parent = text[start : mention_at[start]]
            start = mention_at[start]
            continue
        country = next((c for c in rules.countries if text.startswith(c, start) and start + len(c) < end), None)
        if country is not None:  # 德国汉堡港: a port abroad, in that country
            parent = country
            start += len(country)
            continue
        break
    if start >= end or all(covered[start:end]):
        return None
    if any(covered[start:end]):
        return None  # a known place inside or at the end (中国银行衢州分行): not a name of its own
    name = text[start:end]
    kind = _kind_of(name, parts)
    if kind == "place" and parent in rules.countries:
        kind = "foreign city"
    if tag == "ORG" and kind not in _PLACE_KINDS_OF_ORGS:
        return None  # an organisation, not a place
    if not _acceptable(name, rules):
        return None
    return start, end, kind, parent


def _kind_of(name: str, parts: NameParts) -> str:
    unit = next((u for u in parts.admin_units if name.endswith(u) and len(name) > len(u)), None)
    head = parts.head_at_end(name)
    if head is not None and (unit is None or len(head) >= len(unit)):
        return parts.heads[head]
    return "admin" if unit is not None else "place"


def _acceptable(name: str, rules: CandidateRules) -> bool:
    return (
        len(name) >= 2
        and name not in rules.generic
        and name not in rules.countries
        and not name.startswith(rules.not_first)
        and any("\u3400" <= char <= "\u9fff" for char in name)
    )
