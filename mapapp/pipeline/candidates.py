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
from mapapp.pipeline.encandidates import (
    CANDIDATES_EN_TOML,
    EnglishCandidateRules,
    english_candidates_in_article,
    load_english_candidate_rules,
)
from mapapp.pipeline.gazetteer import Gazetteer
from mapapp.pipeline.index import MapIndex
from mapapp.pipeline.mentions import MentionFinder, english_finder_for, finder_for
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
_BOUNDARY_WORDS = re.compile(r"(?:[东南西北]至|[东南西北]临|[东南西北]起|范围|以及|位于|途经|经过|直达|前往|来自)")


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
    gazetteer = index.gazetteer
    finder = MentionFinder(gazetteer)
    known = _known_names(gazetteer)
    found: dict[str, list[tuple[_Found, CandidateSentence]]] = defaultdict(list)
    english: list[Article] = []
    for article_id in index.articles:
        article = index.articles[article_id]
        if article.lang == "en":
            english.append(article)  # read by encandidates.py, below
            continue
        for hit, sentence in _found_in_article(article, finder, rules, index.names.get(article_id)):
            if hit.name not in known and hit.name not in gazetteer.curated.not_places:
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
                kind=Counter(hit.kind for hit, _ in hits).most_common(1)[0][0],
                parent=parents.most_common(1)[0][0] if parents else None,
                sentences=tuple(sentences),
            )
        )
    return sorted(candidates, key=lambda c: (-c.count, c.surface))


def candidate_names_in_article(
    article: Article,
    mentions: Sequence[Mention],
    gazetteer: Gazetteer,
    rules: CandidateRules,
    *,
    names: ArticleNames | None = None,
    english_rules: EnglishCandidateRules | None = None,
) -> list[str]:
    """The names `candidates` would propose for one article, in text order (the evaluation's view;
    `mentions` are the article's, as find_mentions gives them). An English article's come from
    encandidates.py, with `english_rules` (default: geodata/candidates_en.toml)."""
    if article.lang == "en":
        if english_rules is None:
            english_rules, _ = load_english_candidate_rules(GEODATA_DIR / CANDIDATES_EN_TOML)
        english = english_finder_for(gazetteer)
        admin_ids = frozenset(fid for fid, f in gazetteer.features.items() if f.category == "admin_area")
        dismissed = {name.lower() for name in gazetteer.curated.not_places}
        hits = english_candidates_in_article(
            article, mentions, english_rules, frozenset(english.names.forms), english.station_list_items, admin_ids
        )
        return [hit.name for hit in hits if hit.name.lower() not in dismissed]
    finder = finder_for(gazetteer)
    known = _known_names(gazetteer)
    return [
        hit.name
        for hit, _ in _found_in_article(article, finder, rules, names, mentions)
        if hit.name not in known and hit.name not in gazetteer.curated.not_places
    ]


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


def _known_names(gazetteer: Gazetteer) -> set[str]:
    return {normalise(name) for feature in gazetteer.features.values() for name in feature.names}


def _found_in_article(
    article: Article,
    finder: MentionFinder,
    rules: CandidateRules,
    names: ArticleNames | None,
    mentions: Sequence[Mention] | None = None,
) -> list[tuple[_Found, CandidateSentence]]:
    if article.lang != "zh":
        return []  # other languages have their own candidates (not the Chinese tagger)
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
    people = set(article.byline.split())  # the reporters (于山): people, however the tagger read them
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
        text_fronts = []
        for f_start, f_end, f_kind in result.fronts:
            k, j = position.get(f_start), position.get(f_end - 1)
            if k is not None and j is not None:
                text_fronts.append((k, j + 1, f_kind))
        tagged = _mend_split_names(
            text, [(start, end, kinds.get(offsets[start], "LOC")) for start, end in text_spans], covered
        )
        found = _names_in_text(text, tagged, text_fronts, covered, mention_at, parts, rules)
        found.sort(key=_position)
        found = [name for name in found if text[name[0] : name[1]] not in people]
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


Name = tuple[int, int, str, str | None]  # start, end (in a normalised sentence), kind, parent
_COUNT_AT_END = re.compile(r"[0-9一二三四五六七八九十两]+[座个条处家]$")
_LIST_BREAKS = "、—→-"
_FUNCTION_CHARS = "的在是和与及也将把被从向对为于至到"
_POSITION_AFTER = "畔边旁"  # a place's side, printed after its name
_UNIT_AFTER = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:街道|社区|乡|镇|村)")
# a road named after its class (县道钳何线, 省道常新线): the class is printed, the name ends in 线
_ROAD_AFTER_CLASS = re.compile(r"(?:国道|省道|县道|乡道|村道)([\u4e00-\u9fff]{2,4}?线)|([0-9]{2,3}(?:国道|省道|县道))")


def _mend_split_names(text: str, tagged: list[tuple[int, int, str]], covered: list[bool]) -> list[tuple[int, int, str]]:
    """The tagger sometimes cuts one character off the front of a name (建 | 德南站, 、建德南、 tagged
    德南): a name of one character (not a function word: 于 | 山区) right before another name is
    joined to it, and a name that is a list item but for one character in front gets that character
    back when a neighbouring item is a whole name too (建德、建德南、龙游北; not 登城楼、穿七巷)."""
    spans = sorted(tagged)
    whole = {(s, e) for s, e, _ in spans}

    def is_name(s: int, e: int) -> bool:
        return (s, e) in whole or (e > s and all(covered[s:e]))

    def item_around(k: int, forward: bool) -> tuple[int, int] | None:
        """The list item that begins (forward) or ends (backward) at k, between list breaks."""
        n = k
        while 0 <= n < len(text) and "\u4e00" <= text[n] <= "\u9fff" and text[n] not in _LIST_BREAKS:
            n += 1 if forward else -1
        return (k, n) if forward else (n + 1, k + 1)

    out: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        joined = text[start - 1 : start]
        if (
            out
            and out[-1][1] == start
            and out[-1][1] - out[-1][0] == 1
            and "\u4e00" <= joined <= "\u9fff"
            and joined not in _FUNCTION_CHARS
        ):
            out[-1] = (out[-1][0], end, kind)  # 建 + 德南站
            continue
        one = text[start - 1 : start] if start >= 1 else ""
        if (
            one
            and "\u4e00" <= one <= "\u9fff"
            and start >= 2
            and text[start - 2] in _LIST_BREAKS
            and text[end : end + 1] in _LIST_BREAKS
            and (not out or out[-1][1] < start - 1)
        ):
            before = item_around(start - 3, forward=False) if start >= 3 else None
            after = item_around(end + 1, forward=True)
            if (before is not None and is_name(*before)) or (after is not None and is_name(*after)):
                start = start - 1  # 、建德南、: the item, not 德南
        out.append((start, end, kind))
    return out


def _names_in_text(
    text: str,
    tagged: list[tuple[int, int, str]],
    fronts: list[tuple[int, int, str]],
    covered: list[bool],
    mention_at: dict[int, int],
    parts: NameParts,
    rules: CandidateRules,
) -> list[Name]:
    """The candidates of one normalised sentence: the tagger's names and the longer names of known
    fronts, joined where they overlap or touch, with a head that follows them, completed in lists."""
    found: list[Name] = []
    for start, end, tag in tagged:
        hit = _whole_name(text, start, end, tag, covered, mention_at, parts, rules)
        if hit is not None:
            found.append(hit)
    for start, end, kind in fronts:
        if kind != "company":  # a company named after a place (衢州日报, 衢州航空) is no place
            found.append((start, end, kind or _kind_of(text[start:end], parts), None))
    found = _joined(text, sorted(found, key=_position), parts)
    found = [_with_head_after(text, name, covered, parts) for name in found]
    found = _joined(text, sorted(found, key=_position), parts)
    found.extend(_listed_names(text, found, covered, parts))
    found.extend(_units_after_boundaries(text, found, covered, mention_at, parts, rules))
    taken = [(s, e) for s, e, *_ in found]
    for match in _ROAD_AFTER_CLASS.finditer(text):
        s, e = match.span(1) if match.group(1) else match.span(2)
        if not any(covered[s:e]) and not any(a < e and s < b for a, b in taken):
            found.append((s, e, "road", None))
    out = []
    placed = sorted(found, key=_position)
    for start, end, kind, parent in placed:
        count = _COUNT_AT_END.search(text, start, end)
        if count is not None:
            end = count.start()
        if text[end - 1 : end] in _POSITION_AFTER and parts.head_at_end(text[start : end - 1]):
            end -= 1  # 信安湖畔: the lake's shore
        name = text[start:end]
        if not _acceptable(name, rules) or parts.is_generic_name(name) or _generic_name(name, parts, rules):
            continue
        kind = _kind_of(name, parts) if kind == "place" else kind
        if text[start - 1 : start] in _QUOTES_OPEN and text[end : end + 1] in _QUOTES_CLOSE:
            continue  # a name in quotes is a slogan or a nickname (“县县通高铁”, “五城”)
        if _weak(name, kind, parts) and not _placed_by_context(text, start, end, parent, placed, mention_at, rules):
            continue  # a word the tagger took for a place, with nothing around it that says so (五城, 融杭)
        out.append((start, end, kind, parent))
    return out


_WEAK_UNITS = ("市", "区", "县", "省", "城")  # one-character units slogans are also made of (平安区, 兴市)
_LINKS = "、,，和与及至到—-→"  # between the items of a list or the ends of a route
_QUOTES_OPEN = "“‘\"'「『"
_QUOTES_CLOSE = "”’\"'」』"


def _weak(name: str, kind: str, parts: NameParts) -> bool:
    """A name with no head of its own (a bare city, or a one-character unit), or one character and a
    one-character head (临港, 海河, but also 婺江): it needs context."""
    if kind == "place" or (len(name) == 2 and parts.head_at_end(name) is not None):
        return True
    return kind == "admin" and name.endswith(_WEAK_UNITS) and parts.head_at_end(name) is None


def _placed_by_context(
    text: str,
    start: int,
    end: int,
    parent: str | None,
    names: list[Name],
    mention_at: dict[int, int],
    rules: CandidateRules,
) -> bool:
    """Does the text say this is a place: a known place or a country right before it, a verb of
    destination, or another place beside it in a list or a route (西安、成都、昆明; 衢州至舟山)?
    Never when it stands in quotes (a slogan: “五城”)."""
    if text[start - 1 : start] in _QUOTES_OPEN and text[end : end + 1] in _QUOTES_CLOSE:
        return False
    if parent is not None or any(text.endswith(country, 0, start) for country in rules.countries):
        return True
    if any(text.endswith(verb, 0, start) for verb in rules.towards) or text.endswith(
        ("飞往", "经停", "前往", "途经"), 0, start
    ):
        return True
    ends = set(mention_at.values()) | {e for _, e, *_ in names}
    starts = set(mention_at) | {s for s, *_ in names}
    before = text[start - 1 : start]
    after = text[end : end + 1]
    return (before in _LINKS and start - 1 in ends) or (after in _LINKS and end + 1 in starts)


def _generic_name(name: str, parts: NameParts, rules: CandidateRules) -> bool:
    """Generic words of the candidate rules with at most a head or unit after them (浙西山区, 自然村)."""
    if any(word in name for word in ("自然村", "行政村")):
        return True
    head = parts.head_at_end(name) or next((u for u in parts.admin_units if name.endswith(u)), "")
    core = name[: len(name) - len(head)] if head else name
    words = {w for w in rules.generic if len(w) >= 2} | parts.generic
    if len(name) < 3:
        return False  # 南街, 上街: two characters are the old towns' streets
    reachable = {0}
    for k in range(len(core)):
        if k in reachable:
            reachable.update(k + len(w) for w in words if core.startswith(w, k))
    return bool(core) and len(core) in reachable


def _position(name: Name) -> tuple[int, int]:
    return name[0], name[1]


def _joined(text: str, names: list[Name], parts: NameParts) -> list[Name]:
    """Overlapping names become one; touching names too: a run of names with no break is one whole
    name (高铁 + 新城 + 中央公园, 龙游港区 + 团石作业区), unless one is an administrative unit, which
    stands alone (樟潭街道下张村, 乌溪江湖南镇)."""
    out: list[Name] = []
    for name in names:
        if out:
            start, end, kind, parent = out[-1]
            second_unit = name[2] == "admin" and not parts.is_generic(_unit_core(text[name[0] : name[1]], parts))
            joins = kind != "admin" and not second_unit and not _is_unit(text[start:end], parts)
            if name[0] < end or (name[0] == end and joins):
                merged_end = max(end, name[1])
                out[-1] = (start, merged_end, name[2] if name[1] >= end else kind, parent or name[3])
                continue
        out.append(name)
    return out


def _unit_core(name: str, parts: NameParts) -> str:
    """The name without its administrative unit (湖南镇 -> 湖南; 文化村 -> 文化, a generic word)."""
    unit = next((u for u in parts.admin_units if name.endswith(u)), "")
    return name[: len(name) - len(unit)]


def _is_unit(name: str, parts: NameParts) -> bool:
    return any(name.endswith(u) for u in parts.admin_units) and parts.head_at_end(name) is None


def _with_head_after(text: str, name: Name, covered: list[bool], parts: NameParts) -> Name:
    """A name the tagger ended before its head (宾港 | 中路, 九华 | 隧道) gets the head."""
    start, end, kind, parent = name
    head = parts.head_at_start(text[end : end + 8])
    if head is None and kind in ("port", "zone"):
        # a port area's or a zone's own part: 龙游港区 + 团石作业区, 智造新城 + 高新片区
        for cut in range(end + 1, min(len(text), end + 5)):
            inner = parts.head_at_start(text[cut : cut + 5])
            if inner is not None and len(inner) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in text[end:cut]):
                if not any(covered[end : cut + len(inner)]) and not set(text[end:cut]) & set(_FUNCTION_CHARS):
                    return start, cut + len(inner), parts.heads[inner], parent
                break
    if head is None or any(covered[end : end + len(head)]):
        return name
    rest = text[end + len(head) : end + len(head) + 1]
    if len(head) == 1 and rest and "\u4e00" <= rest <= "\u9fff" and parts.head_at_start(rest) is None:
        return name  # one character that may begin the next word
    return start, end + len(head), parts.heads[head], parent


def _listed_names(text: str, found: list[Name], covered: list[bool], parts: NameParts) -> list[Name]:
    """Items of a list (parted by 、 or —) that the tagger missed: an item that ends in a head with a
    name of its own in front (青少年活动中心、妇女儿童活动中心), and, in a list of streets, the short
    streets too (上街、下街、县后街)."""
    out: list[Name] = []
    items: list[tuple[int, int]] = []
    start = 0
    for k, char in enumerate(text + "。"):
        if char in _LIST_BREAKS or not ("\u4e00" <= char <= "\u9fff"):
            if k > start:
                items.append((start, k))
            start = k + 1
    kinds = Counter(kind for s, e, kind, _ in found for i_s, i_e in items if (s, e) == (i_s, i_e))
    streets = sum(n for kind, n in kinds.items() if kind in ("street", "road", "bridge")) >= 2
    taken = {(s, e) for s, e, *_ in found}
    spans = [(s, e) for s, e, *_ in found]
    for s, e in items:
        neighbours = text[s - 1 : s] in _LIST_BREAKS or text[e : e + 1] in _LIST_BREAKS
        if (s, e) in taken or not neighbours or not 2 <= e - s <= 8 or any(covered[s:e]):
            continue
        if any(a < e and s < b for a, b in spans) or _BOUNDARY_WORDS.match(text, s, e):
            continue  # the tagger's name is in this item already (途经 | 新园路)
        head = parts.head_at_end(text[s:e])
        inner = text[s - 1 : s] in _LIST_BREAKS + "(（" and text[e : e + 1] in _LIST_BREAKS + ")）"
        if inner and head is not None and len(head) >= 2 and e - s > len(head) and parts.heads[head] != "company":
            out.append((s, e, parts.heads[head], None))  # generic ones (体育场) are dropped later
        elif streets and e - s <= 5 and (head is not None or text[e - 1] in "街巷沿"):
            out.append((s, e, "street", None))
    return out


def _units_after_boundaries(
    text: str,
    found: list[Name],
    covered: list[bool],
    mention_at: dict[int, int],
    parts: NameParts,
    rules: CandidateRules,
) -> list[Name]:
    """A town, village or sub-district written right after a known place (龙游县庙下乡) that the
    tagger missed."""
    out: list[Name] = []
    taken = [(s, e) for s, e, *_ in found]
    for start, end in mention_at.items():
        match = _UNIT_AFTER.match(text, end)
        if (
            match is None
            or any(s < match.end() and match.start() < e for s, e in taken)
            or any(covered[end : match.end()])
        ):
            continue
        name = match.group()
        front = name.rstrip("街道社区乡镇村")
        if name not in rules.generic and front not in rules.generic and not parts.is_generic(front):
            out.append((end, match.end(), "admin", text[start:end]))
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
        if country is not None and text[start + len(country) : end] not in parts.heads:
            parent = country  # 德国汉堡港: a port abroad, in that country (新加坡港: the country's own)
            start += len(country)
            continue
        break
    if parent is None:
        before = next((k for k, e in mention_at.items() if e == start), None)
        if before is not None:
            parent = text[before:start]  # 江山市贺村镇: the known place written right before it
    if start >= end or all(covered[start:end]):
        return None
    if any(text[max(0, start - k) : end] in rules.generic for k in (1, 2)):
        return None  # the tail of a generic word the tagger cut (和 | 美乡村)
    if any(covered[start:end]):
        return None  # a known place inside or at the end (中国银行衢州分行): not a name of its own
    name = text[start:end]
    kind = _kind_of(name, parts)
    if kind == "place" and parent in rules.countries:
        kind = "foreign city"
    elif kind == "place" and any(text.endswith(verb, 0, start) for verb in rules.towards):
        kind = "city"  # 运往洛杉矶
    elif kind == "river" and name.endswith("港") and parent in rules.countries:
        kind = "port"  # 德国汉堡港
    if (tag == "ORG" and kind not in _PLACE_KINDS_OF_ORGS) or kind == "company":
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


# one-character names of provinces: a name made of them only is a region (浙闽赣皖, 浙赣), not a place
_PROVINCE_CHARS = set("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼台港澳")


def _acceptable(name: str, rules: CandidateRules) -> bool:
    return (
        len(name) >= 2
        and not set(name) <= _PROVINCE_CHARS
        and name not in rules.generic
        and name not in rules.countries
        and not name.startswith(rules.not_first)
        and any("\u3400" <= char <= "\u9fff" for char in name)
    )
