"""Find every mention of every gazetteer feature in an article.

Whole names first: the statistical tagger (tagger.py) gives the article's whole place,
organisation and person names; an Aho-Corasick automaton over every name, alias and systematic
variant (variants.py) gives the known names; a known name is a mention only where it is the whole
name at that position (wholenames.py, words as data in geodata/name_parts.toml).

Rules, in order:
1. Matching runs per sentence over its display text (line breaks removed), normalised for matching
   (traditional -> simplified, full-width -> half-width, inline pinyin in brackets skipped; see
   normalise.py), so a name the layout broke ("衢\\n\\n州"), printed in traditional characters or
   with pinyin inside it is found; offsets are mapped back to the file text, surfaces are as printed.
2. Longest match wins, leftmost first (衢江区体育馆 is the gymnasium, not 衢江区 + 体育馆).
3. A name that several features share, or a short form that needs context, is decided by the
   rules in geodata/disambiguation.toml (regexes on the text right before / after it); with no
   rule firing it takes the entry's default, which may be "" (not a mention).
4. A known name that is only the front of a longer name (衢江南路, 衢江大桥, 浙江常山经济开发区,
   龙游港区) is not a mention of the short place (wholenames.py); `find_with_fronts` also returns
   those longer names for `candidates`.
5. In a list of stations ("设开化、常山南、衢州北等站") a place whose name + 站 is a known station
   is that station; a station's bare name (龙游北) counts only in such a list.
6. A variant made by dropping an area's prefix (区体育馆) counts only in an article that mentions
   the area (the map's own city, 市体育中心, always).
7. A place written with its parent in front (衢州港衢江港区, 衢州市衢江区, 衢江港区大路章作业区) is
   ONE mention of the inner place: adjacent mentions merge when the first is the second's `parent`
   (transitively) or an administrative area whose polygon contains it, or when both name the same
   feature (衢州市体育中心 + 游泳馆).

One-character abbreviations (衢 for 衢州) are not names by themselves; they count only where a
disambiguation rule says so (e.g. 在衢 / 来衢 / 兴衢), never inside idioms such as 四省通衢.
Articles in another language than Chinese are left to their own finder (none here: no mentions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import ahocorasick
import shapely
from shapely.geometry import shape

from mapapp.models import Article, Feature, Mention
from mapapp.pipeline.corpus import DisplayText, display_texts
from mapapp.pipeline.enmentions import EnglishMentionFinder
from mapapp.pipeline.gazetteer import Gazetteer, SharedName
from mapapp.pipeline.nameparts import NameParts
from mapapp.pipeline.normalise import normalise, normalise_all
from mapapp.pipeline.tagger import ArticleNames, names_in_texts, spans_by_text
from mapapp.pipeline.variants import Variant, variants_from_features
from mapapp.pipeline.wholenames import AREA_CATEGORIES, Front, WholeNames

_CONTEXT_CHARS = 12  # how much text around a shared name the rules look at
_CONTAINERS = ("admin_area", "new_town", "port")
# A list of stations: items parted by 、 (or ，) closed by (等)(N座/个)(车)站, as in 设A、B、C等站.
_STATION_LIST = re.compile(
    r"(?:[^、,，。;；:：]{1,12}(?:\([^)]{0,6}\))?[、,，])+[^、,，。;；:：]{1,12}(?:\([^)]{0,6}\))?"
    r"(?:等)?(?:[0-9一二三四五六七八九十两]+(?:座|个))?(?:新)?(?:车站|站)"
)
_LIST_EDGE_BEFORE = re.compile(r"(?:^|[、,，:：;；\s]|设|经|停靠|经停|途经|包括)$")


@dataclass(frozen=True)
class _Hit:
    start: int  # display offsets, end exclusive
    end: int
    feature_id: str
    rule: str
    area_id: str = ""  # a variant that counts only where the article mentions this area


@dataclass(frozen=True)
class FoundNames:
    """One article's mentions, and the longer names whose front was a known name (file offsets)."""

    mentions: list[Mention]
    fronts: list[tuple[int, int, str]]  # (start, end, kind of the longer name)


class MentionFinder:
    """An Aho-Corasick automaton over every surface form in the gazetteer and its variants."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        # Surfaces are matched in normalised form; two forms that normalise alike share owners.
        self._owners: dict[str, tuple[str, ...]] = {}
        for surface, owners in gazetteer.surfaces.items():
            key = normalise(surface)
            self._owners[key] = tuple(dict.fromkeys((*self._owners.get(key, ()), *owners)))
        self._shared: dict[str, SharedName] = {normalise(s): shared for s, shared in gazetteer.shared.items()}
        self._official = {fid: normalise(f.name_zh) for fid, f in gazetteer.features.items()}
        self._variants: dict[str, Variant] = {
            key: v
            for v in variants_from_features(gazetteer.features).values()
            if (key := normalise(v.surface)) not in self._owners and key not in self._shared
        }
        self._automaton = ahocorasick.Automaton()
        for surface in set(self._owners) | set(self._shared) | set(self._variants):
            self._automaton.add_word(surface, surface)
        if len(self._automaton):
            self._automaton.make_automaton()
        self._english_finder: EnglishMentionFinder | None = None
        self._whole = WholeNames(gazetteer.name_parts, gazetteer.features)
        # rules that read the text before a name (在衢, 兴衢): that text is the name's context, not its front
        self._rules_with_before = {r.rule_id for shared in gazetteer.shared.values() for r in shared.rules if r.before}
        # a place whose name + 站 is a station: in a list of stations it is the station (开化、常山等站)
        stations = {
            normalise(name): fid
            for fid, f in gazetteer.features.items()
            if f.category == "rail_station"
            for name in f.names
        }
        self._station_of = {key: stations[key + "站"] for key in self._owners if key + "站" in stations}
        self._shapes: dict[str, shapely.Geometry] = {}

    def find(
        self, article: Article, *, shown: Sequence[DisplayText] | None = None, names: ArticleNames | None = None
    ) -> list[Mention]:
        """The article's mentions, in text order (`shown`: its sentences' display texts, if the
        caller has them, see corpus.display_texts; `names`: its tagged names, if kept, see
        tagger.names_in_texts; else the article is tagged now). An English article is read by
        enmentions.py (never tagged here)."""
        if article.lang == "en":
            return self._corrected(self._english().find(article, shown=shown))
        return self.find_with_fronts(article, shown=shown, names=names).mentions

    def find_with_fronts(
        self, article: Article, *, shown: Sequence[DisplayText] | None = None, names: ArticleNames | None = None
    ) -> FoundNames:
        if article.lang != "zh" or not len(self._automaton):
            return FoundNames([], [])  # English: enmentions.py (see find)
        if shown is None:
            shown = display_texts(article)
        texts = normalise_all(shown)
        if names is None:
            names = names_in_texts(texts)
        spans = spans_by_text(texts, names)
        found: list[tuple[list[int], list[_Hit]]] = []
        fronts: list[tuple[int, int, str]] = []
        for (text, offsets), text_spans in zip(texts, spans, strict=True):
            hits, text_fronts = self._find_in(text, text_spans)
            found.append((offsets, hits))
            fronts.extend((offsets[f.start], offsets[f.end - 1] + 1, f.kind) for f in text_fronts)
        mentioned = {hit.feature_id for _, hits in found for hit in hits}
        mentions: list[Mention] = []
        for offsets, hits in found:
            for hit in hits:
                if hit.area_id and hit.area_id not in mentioned:
                    continue  # 区体育馆 in an article that never names the district
                start = offsets[hit.start]
                end = offsets[hit.end - 1] + 1
                mentions.append(
                    Mention(article.article_id, start, end, article.text[start:end], hit.feature_id, hit.rule)
                )
        return FoundNames(sorted(self._corrected(mentions), key=lambda m: (m.start, m.end)), sorted(fronts))

    def _english(self) -> EnglishMentionFinder:
        """The English reading of the same gazetteer, made when the first English article comes."""
        if self._english_finder is None:
            self._english_finder = EnglishMentionFinder(self.gazetteer, self._qualifies)
        return self._english_finder

    def _corrected(self, mentions: list[Mention]) -> list[Mention]:
        """Apply curators' corrections (mention_corrections.json) to the mentions they name."""
        corrections = self.gazetteer.curated.corrections
        if not corrections:
            return mentions
        kept: list[Mention] = []
        for mention in mentions:
            fix = corrections.get((mention.article_id, mention.start, mention.end))
            if fix is None or fix.surface != mention.surface:  # the text moved: the correction no longer applies
                kept.append(mention)
            elif fix.feature_id:
                kept.append(replace(mention, feature_id=fix.feature_id, rule="curator"))
        return kept

    def _find_in(self, shown: str, spans: list[tuple[int, int]]) -> tuple[list[_Hit], list[Front]]:
        candidates = [(end + 1 - len(surface), end + 1, surface) for end, surface in self._automaton.iter(shown)]
        if not candidates:
            return [], []  # most sentences name no known place
        chosen = _leftmost_longest(candidates)
        station_lists = [m.span() for m in _STATION_LIST.finditer(shown)] if "站" in shown else []
        resolved = [self._resolve(shown, start, end, surface, station_lists) for start, end, surface in chosen]
        covering = _covering_spans(spans, chosen)
        # right to left: whether a known name is whole may depend on the known name after it
        whole: list[bool] = [False] * len(chosen)
        fronts: list[Front] = []
        for i in range(len(chosen) - 1, -1, -1):
            hit = resolved[i]
            if hit is None:
                continue
            start, end, _ = chosen[i]
            following = i + 1 < len(chosen) and chosen[i + 1][0] == end and resolved[i + 1] is not None
            front = self._whole.longer_name(
                shown,
                start,
                end,
                hit.feature_id,
                covering[i],
                (chosen[i + 1][1], whole[i + 1]) if following else None,
                parent_before=(i > 0 and chosen[i - 1][1] == start and resolved[i - 1] is not None)
                or hit.rule in self._rules_with_before,
                next_span=next((s for s in spans if s[0] == end), None),
            )
            if front is None and hit.rule == "listed-place":
                front = Front(start, end, "station")  # 衢江（预留）in a list of stations: a station we lack
            if front is None:
                whole[i] = True
            else:
                fronts.append(front)
        hits = [hit for hit, ok in zip(resolved, whole, strict=True) if ok and hit is not None]
        return self._merge_qualified(self._with_list_items(shown, hits)), fronts

    def _with_list_items(self, shown: str, hits: list[_Hit]) -> list[_Hit]:
        """A list's first item lends what it names to the bare items after it: its prefix
        (市文化馆、美术馆、非遗馆: the city's halls, 市美术馆 …) or its facility (衢州市体育中心游泳馆、
        体育馆、综合训练馆: halls of the sports centre). A facility's hall written right after it is
        part of the mention (衢州市体育中心游泳馆)."""
        if "、" not in shown and not any(
            self.gazetteer.features[h.feature_id].category not in AREA_CATEGORIES for h in hits
        ):
            return hits  # no list and no facility: nothing to lend or to join
        parts = self.gazetteer.name_parts
        out: list[_Hit] = []
        taken = {hit.start: hit.end for hit in hits}
        for hit in hits:
            feature = self.gazetteer.features[hit.feature_id]
            facility = feature.category not in AREA_CATEGORIES
            end = hit.end
            hall = _venue_word(shown, end, parts) if facility else None
            if hall is not None:
                end += len(hall)  # 衢州市体育中心 + 游泳馆: one mention of the centre
            out.append(_Hit(hit.start, end, hit.feature_id, hit.rule + ("+part" if end > hit.end else ""), hit.area_id))
            surface = shown[hit.start : hit.end]
            prefix = surface[0] if surface[0] in "市区县" and len(surface) > 2 else ""
            position = end
            while shown[position : position + 1] == "、":
                item = position + 1
                if item in taken:  # an item that names a place itself (美术馆): the list goes on after it
                    position = taken[item]
                    continue
                word = _venue_word(shown, item, parts)
                if word is None:
                    break
                if hall is not None:  # 游泳馆、体育馆: halls of the same facility
                    out.append(_Hit(item, item + len(word), hit.feature_id, "list-part"))
                elif prefix:
                    owner = self._single_owner(prefix + word)
                    if owner is None:
                        break
                    out.append(_Hit(item, item + len(word), owner, "list-prefix", hit.area_id))
                else:
                    break
                position = item + len(word)
        return sorted(out, key=lambda h: h.start)

    def _single_owner(self, surface: str) -> str | None:
        variant = self._variants.get(surface)
        if variant is not None and variant.condition != "list":
            return variant.feature_id
        owners = self._owners.get(surface, ())
        return owners[0] if len(owners) == 1 else None

    def _resolve(
        self, shown: str, start: int, end: int, surface: str, station_lists: list[tuple[int, int]]
    ) -> _Hit | None:
        in_list = any(s <= start and end <= e for s, e in station_lists)
        station = self._station_of.get(surface)
        listed = in_list and _listed(shown, start, end)
        if station is not None and listed:
            return _Hit(start, end, station, "station-list")
        variant = self._variants.get(surface)
        if variant is not None:
            if (
                variant.condition == "list"
                and not (in_list and _listed(shown, start, end))
                and not _paired(shown, start, end)
            ):
                return None
            area = variant.area_id if variant.condition == "about" else ""
            return _Hit(start, end, variant.feature_id, "variant", area)
        shared = self._shared.get(surface)
        if shared is None:
            owners = self._owners.get(surface, ())
            if len(owners) != 1:
                return None  # an unresolved shared name is a validate problem; never guess
            if listed and self.gazetteer.features[owners[0]].category == "admin_area":
                return _Hit(start, end, owners[0], "listed-place")
            return _Hit(start, end, owners[0], "name" if surface == self._official[owners[0]] else "alias")
        before = shown[max(0, start - _CONTEXT_CHARS) : start]
        after = shown[end : end + _CONTEXT_CHARS]
        for rule in shared.rules:
            if rule.before is not None and not rule.before.search(before):
                continue
            if rule.after is not None and not rule.after.search(after):
                continue
            return _Hit(start, end, rule.feature_id, rule.rule_id) if rule.feature_id else None
        if listed and shared.default:
            return _Hit(start, end, shared.default, "listed-place")
        return _Hit(start, end, shared.default, "default") if shared.default else None

    def _merge_qualified(self, hits: list[_Hit]) -> list[_Hit]:
        merged: list[_Hit] = []
        for hit in hits:
            if (
                merged
                and merged[-1].end == hit.start
                and (merged[-1].feature_id == hit.feature_id or self._qualifies(merged[-1].feature_id, hit.feature_id))
            ):
                first = merged.pop()
                hit = _Hit(first.start, hit.end, hit.feature_id, hit.rule + "+qualified", hit.area_id)
            merged.append(hit)
        return merged

    def _qualifies(self, outer_id: str, inner_id: str) -> bool:
        """Is `outer` written in front of `inner` as its parent (衢州港 + 衢江港区)?"""
        features = self.gazetteer.features
        parent = features[inner_id].properties.get("parent")
        seen: set[str] = set()
        while isinstance(parent, str) and parent in features and parent not in seen:
            if parent == outer_id:
                return True
            seen.add(parent)
            parent = features[parent].properties.get("parent")
        outer = features[outer_id]
        if outer.category not in _CONTAINERS or outer_id == inner_id:
            return False
        outer_shape = self._shape(outer)
        if outer_shape.geom_type not in ("Polygon", "MultiPolygon"):
            return False
        return bool(outer_shape.contains(self._shape(features[inner_id]).representative_point()))

    def _shape(self, feature: Feature) -> shapely.Geometry:
        if feature.feature_id not in self._shapes:
            geom = shape(feature.geometry)
            shapely.prepare(geom)
            self._shapes[feature.feature_id] = geom
        return self._shapes[feature.feature_id]


def _venue_word(shown: str, at: int, parts: NameParts) -> str | None:
    """A hall or ground written at `at` (游泳馆, 体育馆, 美术馆 …: the heads of kind venue)."""
    head = parts.head_at_start(shown[at : at + 6])
    return head if head is not None and parts.heads[head] == "venue" else None


_PAIR_JOIN = "至到—"
_STATION_NEXT = re.compile(r"[^、,，。;；:：\s()（）]{1,8}?站")


def _paired(shown: str, start: int, end: int) -> bool:
    """Is shown[start:end] one end of a pair of stations (杭州西至衢州西站, 衢州西站到杭州东): a station
    written right after it, or right before it, across 至, 到 or —?"""
    joiner = shown[end : end + 1]
    if joiner and joiner in _PAIR_JOIN and _STATION_NEXT.match(shown, end + 1):
        return True
    return start >= 2 and shown[start - 1] in _PAIR_JOIN and shown[start - 2] == "站"


def _listed(shown: str, start: int, end: int) -> bool:
    """Is shown[start:end] an item of a list: a list break (or 设, 经 ...) before it, and a list break,
    a bracket, 等 or 站 after it?"""
    after = shown[end : end + 1]
    return bool(_LIST_EDGE_BEFORE.search(shown[max(0, start - 2) : start])) and (
        after in ("", "、", ",", "，", "(", "等", "站", "和", "及", "与") or after in "0123456789一二三四五六七八九十两"
    )


def _covering_spans(spans: list[tuple[int, int]], chosen: list[tuple[int, int, str]]) -> list[tuple[int, int] | None]:
    """For each known name, the tagger's name span that covers it, if any."""
    out: list[tuple[int, int] | None] = []
    for start, end, _ in chosen:
        out.append(next((s for s in spans if s[0] <= start and end <= s[1]), None))
    return out


def _leftmost_longest(candidates: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping matches: scanning left to right, at each start keep the longest."""
    chosen: list[tuple[int, int, str]] = []
    position = 0
    if len(candidates) < 2:
        return candidates
    for start, end, surface in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]))):
        if start < position:
            continue
        chosen.append((start, end, surface))
        position = end
    return chosen


def find_mentions(article: Article, gazetteer: Gazetteer) -> list[Mention]:
    """Every mention in one article, in text order."""
    return finder_for(gazetteer).find(article)


@lru_cache(maxsize=4)
def finder_for(gazetteer: Gazetteer) -> MentionFinder:
    """The gazetteer's finder, made once (gazetteers are hashed by identity)."""
    return MentionFinder(gazetteer)


def english_finder_for(gazetteer: Gazetteer) -> EnglishMentionFinder:
    """The English mention finder of a gazetteer (made once per gazetteer, like the Chinese one)."""
    return finder_for(gazetteer)._english()
