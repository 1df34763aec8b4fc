"""Find every mention of every gazetteer feature in an article.

Rules, in order:
1. Matching runs per sentence over its display text (line breaks removed), normalised for matching
   (traditional -> simplified, full-width -> half-width, inline pinyin in brackets skipped; see
   normalise.py), so a name the layout broke ("衢\\n\\n州"), printed in traditional characters or
   with pinyin inside it is found; offsets are mapped back to the file text, surfaces are as printed.
2. Longest match wins, leftmost first (衢江区体育馆 is the gymnasium, not 衢江区 + 体育馆).
3. A name that several features share, or a short form that needs context, is decided by the
   rules in geodata/disambiguation.toml (regexes on the text right before / after it); with no
   rule firing it takes the entry's default, which may be "" (not a mention).
4. A short name that is only the front of a longer name (常山港, 衢江航电枢纽, 龙游港区) is not a
   mention of the short place: rules in geodata/longer_names.toml (see longernames.py).
5. A place written with its parent in front (衢州港衢江港区, 衢州市衢江区, 衢江港区大路章作业区) is ONE
   mention of the inner place: adjacent mentions merge when the first is the second's `parent`
   (transitively) or an administrative area whose polygon contains it, or when both name the same
   feature (衢州市体育中心 + 游泳馆).

One-character abbreviations (衢 for 衢州) are not names by themselves; they count only where a
disambiguation rule says so (e.g. 在衢 / 来衢 / 兴衢), never inside idioms such as 四省通衢.
"""

from __future__ import annotations

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
from mapapp.pipeline.normalise import normalise, normalise_all

_CONTEXT_CHARS = 12  # how much text around a shared name the rules look at
_CONTAINERS = ("admin_area", "new_town", "port")


@dataclass(frozen=True)
class _Hit:
    start: int  # display offsets, end exclusive
    end: int
    feature_id: str
    rule: str


class MentionFinder:
    """An Aho-Corasick automaton over every surface form in the gazetteer."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        # Surfaces are matched in normalised form; two forms that normalise alike share owners.
        self._owners: dict[str, tuple[str, ...]] = {}
        for surface, owners in gazetteer.surfaces.items():
            key = normalise(surface)
            self._owners[key] = tuple(dict.fromkeys((*self._owners.get(key, ()), *owners)))
        self._shared: dict[str, SharedName] = {normalise(s): shared for s, shared in gazetteer.shared.items()}
        self._official = {fid: normalise(f.name_zh) for fid, f in gazetteer.features.items()}
        self._automaton = ahocorasick.Automaton()
        for surface in set(self._owners) | set(self._shared):
            self._automaton.add_word(surface, surface)
        if len(self._automaton):
            self._automaton.make_automaton()
        self._shapes: dict[str, shapely.Geometry] = {}
        self._english_finder: EnglishMentionFinder | None = None
        # the longer-name rules that can apply to each feature (a rule names its features' categories)
        self._longer_names = {
            fid: rules
            for fid, feature in gazetteer.features.items()
            if (rules := tuple(r for r in gazetteer.longer_names if feature.category in r.categories))
        }

    def find(self, article: Article, *, shown: Sequence[DisplayText] | None = None) -> list[Mention]:
        """The article's mentions, in text order (`shown`: its sentences' display texts, if the
        caller has them; see corpus.display_texts). An English article is read by enmentions.py."""
        if article.lang == "en":
            return self._corrected(self._english().find(article, shown=shown))
        mentions: list[Mention] = []
        if not len(self._automaton):
            return mentions
        if shown is None:
            shown = display_texts(article)
        for text, offsets in normalise_all(shown):
            for hit in self._find_in(text):
                start = offsets[hit.start]
                end = offsets[hit.end - 1] + 1
                mentions.append(
                    Mention(article.article_id, start, end, article.text[start:end], hit.feature_id, hit.rule)
                )
        return sorted(self._corrected(mentions), key=lambda m: (m.start, m.end))

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

    def _find_in(self, shown: str) -> list[_Hit]:
        candidates = [(end + 1 - len(surface), end + 1, surface) for end, surface in self._automaton.iter(shown)]
        chosen = _leftmost_longest(candidates)
        starts = {start for start, _, _ in candidates}
        hits = [
            hit
            for start, end, surface in chosen
            if (hit := self._resolve(shown, start, end, surface, starts)) is not None
        ]
        return self._merge_qualified(hits)

    def _resolve(self, shown: str, start: int, end: int, surface: str, starts: set[int]) -> _Hit | None:
        hit = self._resolve_name(shown, start, end, surface)
        if hit is None or end in starts:
            return hit  # a known place follows: the name is its parent written in front (江山江郎山)
        rules = self._longer_names.get(hit.feature_id)
        if rules is None:
            return hit  # no rule is about features of its category
        after = shown[end : end + _CONTEXT_CHARS]
        feature = self.gazetteer.features[hit.feature_id]
        if any(rule.applies(feature, surface, after) for rule in rules):
            return None  # only the front of a longer name (常山港 is a river, not 常山县)
        return hit

    def _resolve_name(self, shown: str, start: int, end: int, surface: str) -> _Hit | None:
        shared = self._shared.get(surface)
        if shared is None:
            owners = self._owners.get(surface, ())
            if len(owners) != 1:
                return None  # an unresolved shared name is a validate problem; never guess
            return _Hit(start, end, owners[0], "name" if surface == self._official[owners[0]] else "alias")
        before = shown[max(0, start - _CONTEXT_CHARS) : start]
        after = shown[end : end + _CONTEXT_CHARS]
        for rule in shared.rules:
            if rule.before is not None and not rule.before.search(before):
                continue
            if rule.after is not None and not rule.after.search(after):
                continue
            return _Hit(start, end, rule.feature_id, rule.rule_id) if rule.feature_id else None
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
                hit = _Hit(first.start, hit.end, hit.feature_id, hit.rule + "+qualified")
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
    return _finder_for(gazetteer).find(article)


@lru_cache(maxsize=4)
def _finder_for(gazetteer: Gazetteer) -> MentionFinder:
    return MentionFinder(gazetteer)


def english_finder_for(gazetteer: Gazetteer) -> EnglishMentionFinder:
    """The English mention finder of a gazetteer (made once per gazetteer, like the Chinese one)."""
    return _finder_for(gazetteer)._english()
