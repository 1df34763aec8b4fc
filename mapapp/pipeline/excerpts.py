"""Build the excerpt index: for each feature, the whole sentences that mention it.

Sentences are shown with layout breaks repaired, the mention highlighted, the article's headline
and date, captions marked as captions; a sentence printed twice in one article (004 repeats a whole
block, and one caption 16 times) is one excerpt with a count.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from mapapp.models import Article, Excerpt, Feature, Mention, Sentence
from mapapp.pipeline.corpus import DisplayText, SentenceLocator, display_text


def build_excerpt_index(
    articles: tuple[Article, ...],
    mentions: tuple[Mention, ...],
    *,
    shown: Mapping[str, Sequence[DisplayText]] | None = None,
) -> dict[str, tuple[Excerpt, ...]]:
    """Excerpts per feature id, in article order then text order (`shown`: article id -> its
    sentences' display texts, where the caller has them; see corpus.display_texts)."""
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_article[mention.article_id].append(mention)
    index: dict[str, list[Excerpt]] = defaultdict(list)
    for article in articles:
        article_shown = shown.get(article.article_id) if shown is not None else None
        found = _excerpts_for_article(article, by_article.get(article.article_id, []), article_shown)
        for feature_id, excerpts in found.items():
            index[feature_id].extend(excerpts)
    return {feature_id: tuple(excerpts) for feature_id, excerpts in index.items()}


def mentions_by_co_occurrence(
    articles: tuple[Article, ...], mentions: tuple[Mention, ...], features: dict[str, Feature]
) -> tuple[Mention, ...]:
    """Mentions for features the text names only through their ends, such as routes.

    A feature with `excerpts_with: [[a, b], ...]` is taken to be meant by every sentence in which
    all features of one group are mentioned (衢州—太原航线: 衢州机场 and 太原 in one sentence). The
    group's mentions are returned re-labelled with the route's id, for the excerpt index only: they
    are not text mentions of the route's name.
    """
    groups = {
        fid: [tuple(group) for group in f.properties.get("excerpts_with", []) if isinstance(group, list) and group]
        for fid, f in features.items()
        if f.properties.get("excerpts_with")
    }
    if not groups:
        return ()
    locators = {a.article_id: SentenceLocator(a) for a in articles}
    by_sentence: dict[tuple[str, int], list[Mention]] = defaultdict(list)
    for mention in mentions:
        locator = locators.get(mention.article_id)
        n = locator.sentence_index(mention.start) if locator else None
        if n is not None:
            by_sentence[(mention.article_id, n)].append(mention)
    derived: list[Mention] = []
    for sentence_mentions in by_sentence.values():
        present = {m.feature_id for m in sentence_mentions}
        for route_id, route_groups in groups.items():
            for group in route_groups:
                if set(group) <= present:
                    derived.extend(
                        replace(m, feature_id=route_id, rule="excerpts_with")
                        for m in sentence_mentions
                        if m.feature_id in group
                    )
                    break
    return tuple(sorted(derived, key=lambda m: (m.article_id, m.start)))


def _excerpts_for_article(
    article: Article, mentions: list[Mention], displayed: Sequence[DisplayText] | None
) -> dict[str, list[Excerpt]]:
    locator = SentenceLocator(article)
    rendered: dict[int, tuple[str, list[int]]] = {}
    # (feature, display text) -> highlights, first sentence; identical repeats are merged
    grouped: dict[tuple[str, str], tuple[set[tuple[int, int]], Sentence]] = {}
    occurrences: Counter[tuple[str, str]] = Counter()
    seen_sentence: set[tuple[str, int]] = set()
    for mention in mentions:
        n = locator.sentence_index(mention.start)
        if n is None:
            continue
        sentence = article.sentences[n]
        if n not in rendered:
            rendered[n] = displayed[n] if displayed is not None else display_text(article.text, sentence)
        shown, offsets = rendered[n]
        highlight = _display_span(offsets, mention.start, mention.end)
        key = (mention.feature_id, shown)
        if key not in grouped:
            grouped[key] = (set(), sentence)
        if grouped[key][1] is sentence:
            grouped[key][0].add(highlight)
        if (mention.feature_id, n) not in seen_sentence:
            seen_sentence.add((mention.feature_id, n))
            occurrences[key] += 1
    result: dict[str, list[Excerpt]] = defaultdict(list)
    for (feature_id, shown), (highlights, sentence) in sorted(grouped.items(), key=lambda item: item[1][1].start):
        result[feature_id].append(
            Excerpt(
                feature_id=feature_id,
                article_id=article.article_id,
                headline=article.headline,
                date=article.date,
                kind=sentence.kind,
                text=shown,
                highlights=tuple(sorted(highlights)),
                count=occurrences[(feature_id, shown)],
                source_start=sentence.start,
                source_end=sentence.end,
            )
        )
    return result


def _display_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) range of file offsets onto display offsets."""
    first = bisect.bisect_left(offsets, start)
    last = bisect.bisect_left(offsets, end)
    return first, last


def build_related_index(
    articles: tuple[Article, ...], mentions: tuple[Mention, ...]
) -> dict[str, tuple[tuple[str, int], ...]]:
    """For each feature, the other features mentioned in the same sentences, most often first."""
    by_sentence: dict[tuple[str, int], set[str]] = defaultdict(set)
    locators = {a.article_id: SentenceLocator(a) for a in articles}
    for mention in mentions:
        if mention.article_id not in locators:
            continue
        n = locators[mention.article_id].sentence_index(mention.start)
        if n is None:
            continue
        by_sentence[(mention.article_id, n)].add(mention.feature_id)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for feature_ids in by_sentence.values():
        for feature_id in feature_ids:
            for other in feature_ids:
                if other != feature_id:
                    counts[feature_id][other] += 1
    return {fid: tuple(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for fid, c in counts.items()}
