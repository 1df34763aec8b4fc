"""The one linking rule: a gazetteer name is a mention only where it is the whole name at that
position, or a place written in front of another place.

The tagger (tagger.py) says where whole names are. For a known name inside a longer whole name, the
rest of that name (geodata/name_parts.toml says what its words are) decides:
- nothing more, or another known place that is itself a mention: a whole name or a chain of places
  written parent first (衢州市衢江区, 衢江港区大路章作业区);
- an organ or part of the place (衢江区委, 衢州市人民政府, 衢州市区): the place is meant;
- an administrative unit (衢江区樟潭街道, 龙游溪口镇) or a proper name of a street, river or mountain
  (江山江郎山): the known place is its parent, still a mention;
- a generic head, maybe after generic modifiers (衢江 + 南路, 衢江 + 大桥, 常山 + 经济开发区,
  衢州 + 绿色产业集聚区), a direction (常山 + 南), or any name of a kind that takes a place's name
  as its own front (a station, zone, company, school, venue ...): the known name is only the front
  of the longer name, which is a candidate; a known place that is the front of a front
  (浙江 + 常山经济开发区) is one too.
- A known facility followed by a generic word is the facility (衢州站 + 站前广场, 市体育中心 +
  体育场), unless the word makes a street or bridge named after it.
Where the tagger saw no longer name, the text right after the known name still may begin a head
(衢江 | 中路 tagged apart): a head of two or more characters, or a one-character head that ends the
name (衢江站、, 常山港 ...), or a direction followed by a list break (江山南、).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mapapp.models import Feature
from mapapp.pipeline.nameparts import NameParts

AREA_CATEGORIES = ("admin_area", "new_town", "waterway")
_FACILITY_FRONT_KINDS = ("street", "road", "bridge", "tunnel")
# one-character heads that make a longer name wherever they follow a place (衢江站为…, 衢州桥头);
# others (江 溪 山 路 街) often begin a name of their own (江郎山, 溪口镇, 街道) and count only before
# the end of a name
_ONE_CHAR_KINDS = ("station",)
# A name ends here: a list break, clause punctuation, a conjunction, 等, brackets, the end.
_NAME_END = re.compile(r"^(?:$|[、,，。;；:：!?！？\s()（）\[\]【】“”\"'‘’《》]|[和与及等或至到])")
# Kinds of heads that end a route named after its two ends (杭州至衢州铁路, 衢州—宁波高速公路): the
# place in front of 至/到/— is the front of the route's name, as the one before the head is.
_ROUTE_KINDS = ("railway", "road")
_ROUTE_JOIN = "至到—－-~～"


@dataclass(frozen=True)
class Front:
    """A known name that is only the front of a longer name at [start, end) (display offsets in the
    normalised sentence); `kind` is what the longer name is, from its head ("" if none is known)."""

    start: int
    end: int
    kind: str


class WholeNames:
    def __init__(self, parts: NameParts, features: dict[str, Feature]):
        self.parts = parts
        self.features = features

    def longer_name(
        self,
        text: str,
        start: int,
        end: int,
        feature_id: str,
        span: tuple[int, int] | None,
        next_hit: tuple[int, bool] | None,
        *,
        parent_before: bool = False,
        next_span: tuple[int, int] | None = None,
    ) -> Front | None:
        """Is the known name text[start:end] (of `feature_id`) only the front (or a piece) of a
        longer name?

        `span` is the tagger's whole name covering it ([s, e) with s <= start, e >= end, or None);
        `next_hit` is (end, is_mention) of a known name starting where this one ends, if any;
        `parent_before`: a known place ends where this one starts, inside the span (a chain);
        `next_span`: the tagger's name that begins where this one ends, if any (武汉 | 天河国际机场)."""
        facility = self.features[feature_id].category not in AREA_CATEGORIES
        if span is not None and span[0] < start and not parent_before:
            # inside a longer name, not at its front (中国银行衢州分行): not a mention of the place
            return Front(span[0], span[1], self._kind(text[span[0] : span[1]]))
        if span is None or span[1] == end:
            if next_hit is not None and not facility:
                return None if next_hit[1] else Front(start, next_hit[0], "")  # 浙江 + 常山(经济开发区)
            if next_span is not None and not facility:
                kind = self._kind(text[next_span[0] : next_span[1]])
                if kind in self.parts.named_after:
                    return Front(start, next_span[1], kind)  # 武汉 + 天河国际机场: the city's airport
            return self._head_after(text, start, end, facility)
        rest = text[end : span[1]]
        after = self._head_after(text, start, end, facility)
        if after is not None:  # a head right after it, whether or not the tagger ended its name there
            return Front(start, max(span[1], after.end), after.kind)
        if next_hit is not None and next_hit[0] <= span[1]:
            if not next_hit[1] and not facility:
                return Front(start, span[1], self._kind(rest))  # the front of a front: 浙江 + 常山经济开发区
            return None  # a chain of places written parent first
        return self._rest(text, start, end, span[1], rest, facility)

    def _rest(self, text: str, start: int, end: int, span_end: int, rest: str, facility: bool) -> Front | None:
        parts = self.parts
        straddle = parts.head_at_end(text[start:end] + rest)
        if straddle is not None and len(straddle) > len(rest) and not facility:
            return Front(start, span_end, parts.heads[straddle])  # 常山港 + 区: 常山港区, a port area
        if rest in parts.parts or text[end - 1 : end] + rest in parts.parts:
            return None
        if any(rest.startswith(o) or rest.endswith(o) for o in parts.organs):
            return None
        if rest in parts.directions:
            return Front(start, span_end, "station")
        generic = self._generic_then_head(rest)
        if generic is not None and not facility:
            return Front(start, span_end, generic[1])  # 江山 + 经济开发区…, whatever the tagger joined after it
        head = parts.head_at_end(rest)
        kind = parts.heads[head] if head else ""
        if facility:
            return Front(start, span_end, kind) if rest == head and kind in _FACILITY_FRONT_KINDS else None
        if kind in parts.named_after:
            return Front(start, span_end, kind)
        unit = next((u for u in parts.admin_units if rest.endswith(u) and len(rest) > len(u)), None)
        core = rest[: len(rest) - len(head)] if head else rest[: len(rest) - len(unit)] if unit else rest
        if not core or parts.is_generic(core):
            return Front(start, span_end, kind or ("admin" if unit else ""))
        return None  # a proper name of its own after the known place: its parent

    def _route_after(self, text: str, start: int, end: int) -> Front | None:
        """The known name is the first end of a route's name: X至Y铁路, X—Y高速公路 (Y a short name of
        two to four Chinese characters, then a railway or road head of two or more characters; a longer
        stretch is a clause, 杭州至衢州间形成高铁双通道, not a name)."""
        after = text[end : end + 16]
        if after[:1] not in _ROUTE_JOIN:
            return None
        for length in range(2, 5):
            other = after[1 : 1 + length]
            if len(other) < length or not all("\u4e00" <= ch <= "\u9fff" for ch in other):
                return None
            head = self.parts.head_at_start(after[1 + length :])
            if head is not None and len(head) >= 2 and self.parts.heads[head] in _ROUTE_KINDS:
                return Front(start, end + 1 + length + len(head), self.parts.heads[head])
        return None

    def _head_after(self, text: str, start: int, end: int, facility: bool) -> Front | None:
        route = self._route_after(text, start, end)
        if route is not None:
            return route
        after = text[end : end + 12]
        parts = self.parts
        if not facility:
            straddle = parts.head_at_start(text[end - 1 : end + 8])
            if straddle is not None and len(straddle) > 1 and _NAME_END.match(text[end - 1 + len(straddle) :]):
                return Front(start, end - 1 + len(straddle), parts.heads[straddle])  # 常山港 + 区、
            generic = self._generic_then_head(after)
            if generic is not None:
                return Front(start, end + generic[0], generic[1])  # 衢州 + 绿色产业集聚区, 江山 + 经济开发区
        head = self.parts.head_at_start(after)
        if head is not None:
            kind = self.parts.heads[head]
            if facility and kind not in _FACILITY_FRONT_KINDS:
                return None  # 衢州站 + 站前广场: the station's square
            rest = after[len(head) :]
            if len(head) >= 2 or kind in _ONE_CHAR_KINDS or _NAME_END.match(rest) or self.parts.head_at_start(rest):
                return Front(start, end + len(head), kind)
            return None
        if not facility and after[:1] in self.parts.directions:
            if _NAME_END.match(after[1:]):
                return Front(start, end + 1, "station")  # 江山南、常山北 in a list of stations
            head = self.parts.head_at_start(after[1:])
            if head is not None:
                return Front(start, end + 1 + len(head), self.parts.heads[head])  # 衢州 + 东出口, 衢州 + 南连接线
        return None

    def _generic_then_head(self, after: str) -> tuple[int, str] | None:
        """(length, kind) when `after` begins with generic modifiers and a head that ends a name."""
        for cut in sorted(self.parts.generic_prefixes(after)):
            if cut < 2:
                continue
            head = self.parts.head_at_end(after[:cut])
            if head is not None and len(head) <= cut and (len(head) >= 2 or _NAME_END.match(after[cut:])):
                core = after[: cut - len(head)]
                if core not in self.parts.directions:
                    return cut, self.parts.heads[head]
        return None

    def _kind(self, rest: str) -> str:
        head = self.parts.head_at_end(rest)
        return self.parts.heads[head] if head else ""
