"""Place-like names in the articles that no feature covers, for a curator to review.

A candidate is a run of noun tokens (jieba's part-of-speech tagger) that either carries jieba's
place tag (ns) or ends in a place-like suffix (区 县 镇 村 港 站 园 馆 中心 大道 大桥 作业区 研究院 ...),
and is not already inside a found mention.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from mapapp.pipeline.corpus import display_text
from mapapp.pipeline.index import MapIndex

PLACE_SUFFIXES = (
    "作业区",
    "研究院",
    "中心",
    "大道",
    "大桥",
    "大厦",
    "广场",
    "公园",
    "园区",
    "码头",
    "机场",
    "高铁",
    "铁路",
    "高速",
    "区",
    "县",
    "镇",
    "村",
    "港",
    "站",
    "园",
    "馆",
    "市",
    "省",
    "街",
    "路",
    "岛",
    "城",
    "寺",
    "塔",
    "门",
    "江",
    "湖",
    "山",
)
_NOUN_FLAGS = ("n", "ns", "nr", "nrt", "nz", "nt", "j", "s", "eng")
# Words that look like places but name none: scopes (全省), generic nouns (城市, 新城), slogans.
GENERIC_WORDS = frozenset(
    [
        "城市",
        "全省",
        "全市",
        "全区",
        "全国",
        "全县",
        "四省",
        "内河",
        "市区",
        "城区",
        "港区",
        "山区",
        "景区",
        "地区",
        "新城",
        "古城",
        "乡村",
        "农村",
        "自然村",
        "省市",
        "市县",
        "县县",
        "建区",
        "宜居",
        "山水",
        "深度",
        "新春",
        "美丽",
        "惠及",
        "普及",
        "热门",
        "开馆",
        "一村",
        "一路",
        "之路",
        "之区",
        "中国",
        "省内",
        "省级",
        "市级",
        "县域",
        "市域",
        "区域",
        "港口",
        "车站",
    ]
)
_MAX_TOKENS = 4


@dataclass(frozen=True)
class Candidate:
    surface: str
    count: int
    articles: tuple[str, ...]
    reason: str  # "place tag" or "suffix <x>"


def find_candidates(index: MapIndex) -> list[Candidate]:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    covered: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for mention in index.mentions:
        covered[mention.article_id].append((mention.start, mention.end))
    counts: dict[str, int] = defaultdict(int)
    where: dict[str, set[str]] = defaultdict(set)
    reasons: dict[str, str] = {}
    for article in index.articles.values():
        spans = covered[article.article_id]
        for sentence in article.sentences:
            shown, offsets = display_text(article.text, sentence)
            pos = 0
            run: list[tuple[str, str, int]] = []  # word, flag, display start
            for pair in jieba.posseg.cut(shown):
                word, flag = pair.word, pair.flag
                start = pos
                pos += len(word)
                if flag.startswith(_NOUN_FLAGS) or word.endswith(PLACE_SUFFIXES):
                    run.append((word, flag, start))
                else:
                    run = []
                    continue
                reason = _reason(word, flag)
                if reason is None or len(run[-1][0]) == 0:
                    continue
                tail = run[-_MAX_TOKENS:]
                surface = "".join(w for w, _, _ in tail)
                if len(surface) < 2:
                    continue
                file_end = offsets[pos - 1] + 1
                last_start = offsets[tail[-1][2]]
                if surface in GENERIC_WORDS or tail[-1][0] in GENERIC_WORDS:
                    continue
                if surface in index.gazetteer.curated.not_places:
                    continue  # a curator dismissed it (geodata/not_places.json)
                if any(s < file_end and last_start < e for s, e in spans):
                    continue  # its place-like word is already part of a mention
                counts[surface] += 1
                where[surface].add(article.article_id)
                reasons.setdefault(surface, reason)
    return sorted(
        (Candidate(s, counts[s], tuple(sorted(where[s])), reasons[s]) for s in counts),
        key=lambda c: (-c.count, c.surface),
    )


def _reason(word: str, flag: str) -> str | None:
    if flag == "ns":
        return "place tag"
    for suffix in PLACE_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return f"suffix {suffix}"
    return None
