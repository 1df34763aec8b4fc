"""Short and variant forms of the gazetteer's names, made by rule rather than one alias at a time.

- The city's prefix dropped: a feature named after an administrative area ("衢州市体育中心",
  "衢江区体育馆") is written "市体育中心" / "区体育馆" in articles about that area. For the map's own
  prefecture (the feature whose boundary adcode is 330800) the article is about it unless it says
  otherwise; for any other area the article must mention the area.
- The other way round: an alias that begins with 市 ("市“两中心”") is also written with the city's
  name in front ("衢州“两中心”", "衢州市“两中心”").
- Quotes: a name with “…” inside is also written with "…", '…', 「…」 or ‘…’; a name made of an
  area and the rest is also written with the rest quoted (衢江区“三馆两中心”).
- A company's short name for its site: "衢州鹏辉能源科技有限公司" is "鹏辉能源科技" and "鹏辉能源"
  (place names in front and the legal form and trade words at the end dropped).
- A station printed bare in a list of stations ("龙游北、衢州西等站"): "龙游北" for 龙游北站, when
  the bare form is no other feature's name (衢州 is the city; in a list of stations it is decided
  by mentions.py).
- A high-speed line's name ending in 高速铁路 is also written with 高铁, and the other way round
  (杭州至衢州高速铁路, 杭州至衢州高铁): two spellings of one kind of line.
- A national road's number (G + three digits: G351) is also written with 国道 (G351国道, 351国道,
  国道351, 国道351线), a provincial road's (S + three digits: S222) with 省道; G + one, two or four
  digits is an expressway (G60), which is never a 国道.
Lines that share a stem are never merged: no rule drops 高速/高铁/铁路/线 from a line's name, so
沪昆铁路 (the conventional line) and 沪昆高铁 stay apart.

A variant never replaces a name a feature already has; two features' variants of one form cancel out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from mapapp.models import Feature

PREFECTURE_ADCODE = 330800
Condition = Literal["always", "about", "list"]
_QUOTES = (("“", "”"), ('"', '"'), ("'", "'"), ("「", "」"), ("‘", "’"))
_LEGAL_FORMS = ("股份有限公司", "集团有限公司", "有限责任公司", "有限公司")
_TRADE_WORDS = ("科技", "技术", "实业", "发展", "控股")
_COMPANY_CATEGORIES = ("plant", "commerce", "office", "industrial_park")
_MIN_REST = 2  # characters left after the prefix: 市体育中心 yes, 市区 no
_ROAD_NUMBER = re.compile(r"([GS])(\d{3})")  # a national or provincial road (an expressway has 1, 2 or 4 digits)
_ROAD_KINDS = {"G": "国道", "S": "省道"}


@dataclass(frozen=True)
class Variant:
    surface: str
    feature_id: str
    condition: Condition
    area_id: str = ""  # for "about": the area the article must be about


def variants_from_features(features: dict[str, Feature]) -> dict[str, Variant]:
    """Every variant surface (not already a name of some feature) -> its variant."""
    taken = {name for feature in features.values() for name in feature.names}
    found: dict[str, list[Variant]] = defaultdict(list)
    for variant in _all_variants(features):
        if variant.surface not in taken:
            found[variant.surface].append(variant)
    return {
        surface: options[0]
        for surface, options in found.items()
        if len({v.feature_id for v in options}) == 1  # two features' variants of one form: neither
    }


def _all_variants(features: dict[str, Feature]) -> Iterator[Variant]:
    areas = [
        f
        for f in features.values()
        if f.category == "admin_area" and not f.external and f.name_zh.endswith(("市", "区", "县"))
    ]
    home = next((f for f in areas if _adcode(f) == PREFECTURE_ADCODE), None)
    short_names = sorted(
        (n for f in features.values() if f.category == "admin_area" for n in f.names), key=len, reverse=True
    )
    for feature in features.values():
        for name in feature.names:
            for area in areas:
                rest = name[len(area.name_zh) :]
                if area.feature_id != feature.feature_id and name.startswith(area.name_zh) and len(rest) >= _MIN_REST:
                    condition: Condition = "always" if area is home else "about"
                    yield Variant(area.name_zh[-1] + rest, feature.feature_id, condition, area.feature_id)
                    if "“" not in rest:  # the rest quoted as a nickname: 衢江区“三馆两中心”
                        yield Variant(f"{area.name_zh}“{rest}”", feature.feature_id, "always")
            if home is not None and name.startswith("市") and len(name) > _MIN_REST:
                for prefix in home.names:
                    yield Variant(prefix + name[1:], feature.feature_id, "always")
        if feature.category in _COMPANY_CATEGORIES:
            yield from _company_short_names(feature, short_names)
        if feature.category == "rail_station" and feature.name_zh.endswith("站") and len(feature.name_zh) >= 4:
            yield Variant(feature.name_zh[:-1], feature.feature_id, "list")
        for name in feature.names:  # one kind of line, two spellings: 高速铁路 is 高铁 (never 铁路 alone)
            for long, short in (("高速铁路", "高铁"), ("高铁", "高速铁路")):
                if name.endswith(long) and len(name) > len(long) + 1:
                    yield Variant(name[: -len(long)] + short, feature.feature_id, "always")
        if feature.category == "road":
            yield from _road_number_variants(feature)
    # quote variants of every name and variant so far
    for feature in features.values():
        for name in feature.names:
            for quoted in _requoted(name):
                yield Variant(quoted, feature.feature_id, "always")


def _road_number_variants(feature: Feature) -> Iterator[Variant]:
    for name in feature.names:
        found = _ROAD_NUMBER.fullmatch(name)
        if found:
            number, kind = found.group(2), _ROAD_KINDS[found.group(1)]
            for surface in (f"{name}{kind}", f"{number}{kind}", f"{kind}{number}", f"{kind}{number}线"):
                yield Variant(surface, feature.feature_id, "always")


def _company_short_names(feature: Feature, short_names: list[str]) -> Iterator[Variant]:
    name = feature.name_zh
    legal = next((form for form in _LEGAL_FORMS if name.endswith(form)), None)
    if legal is None:
        return
    name = name[: -len(legal)]
    while True:  # place names in front: 衢州, 浙江衢州
        prefix = next((p for p in short_names if name.startswith(p) and len(name) - len(p) >= 2), None)
        if prefix is None:
            break
        name = name[len(prefix) :]
    yield Variant(name, feature.feature_id, "always")
    while (word := next((w for w in _TRADE_WORDS if name.endswith(w) and len(name) - len(w) >= 2), None)) is not None:
        name = name[: -len(word)]
        yield Variant(name, feature.feature_id, "always")


def _requoted(name: str) -> Iterator[str]:
    if "“" not in name or "”" not in name:
        return
    for opening, closing in _QUOTES[1:]:
        yield name.replace("“", opening).replace("”", closing)


def _adcode(feature: Feature) -> int | None:
    boundary = feature.properties.get("boundary")
    return boundary.get("adcode") if isinstance(boundary, dict) else None
