"""Build the excerpt index: for each feature, the whole sentences that mention it.

Sentences are shown with layout breaks repaired, the mention highlighted, the article's headline
and date, captions marked as captions; a sentence printed twice in one article (004 repeats a whole
block, and one caption 16 times) is one excerpt with a count.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from mapapp.models import Article, Excerpt, Feature, Mention, SentenceKind
from mapapp.pipeline.corpus import DisplayText, MentionsBySentence, display_text


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
        article_mentions = by_article.get(article.article_id, [])
        located = MentionsBySentence(article, article_mentions)
        found = excerpts_in_article(article, article_mentions, located, article_shown)
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
    groups = co_occurrence_groups(features)
    if not groups:
        return ()
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_article[mention.article_id].append(mention)
    derived: list[Mention] = []
    for article in articles:
        if article.article_id in by_article:
            located = MentionsBySentence(article, by_article.pop(article.article_id))
            derived.extend(co_occurring_in_article(located, groups))
    return tuple(sorted(derived, key=lambda m: (m.article_id, m.start)))


CoOccurrenceGroups = list[tuple[str, list[tuple[tuple[str, ...], frozenset[str]]]]]


def co_occurrence_groups(features: Mapping[str, Feature]) -> CoOccurrenceGroups:
    """(route id, its `excerpts_with` groups) for each feature that has them."""
    return [
        (fid, [(group, frozenset(group)) for group in (tuple(g) for g in raw if isinstance(g, list) and g)])
        for fid, f in features.items()
        if (raw := f.properties.get("excerpts_with"))
    ]


def co_occurring_in_article(located: MentionsBySentence, groups: CoOccurrenceGroups) -> list[Mention]:
    """mentions_by_co_occurrence for one article (its mentions located in its sentences), in text order."""
    derived: list[Mention] = []
    fewest = min((len(members) for _, route_groups in groups for _, members in route_groups), default=1)
    for sentence_mentions in located.by_sentence.values():
        if len(sentence_mentions) < fewest:
            continue  # too few mentions to name every feature of any group
        present = {m.feature_id for m in sentence_mentions}
        for route_id, route_groups in groups:
            for group, members in route_groups:
                if members <= present:
                    derived.extend(
                        replace(m, feature_id=route_id, rule="excerpts_with")
                        for m in sentence_mentions
                        if m.feature_id in group
                    )
                    break
    return sorted(derived, key=lambda m: m.start)


def excerpts_in_article(
    article: Article,
    mentions: Sequence[Mention],
    located: MentionsBySentence,
    displayed: Sequence[DisplayText] | None,
) -> dict[str, list[Excerpt]]:
    """build_excerpt_index for one article (`located`: its mentions in its sentences; a mention
    is looked up by its start, so re-labelled copies of them may be among `mentions`)."""
    return {
        feature_id: [
            Excerpt(feature_id, article.article_id, article.headline, article.date, *fields, lang=article.lang)
            for fields in found
        ]
        for feature_id, found in excerpt_fields_in_article(article, mentions, located, displayed).items()
    }


# an excerpt's own fields: kind, text, highlights, count, source_start, source_end
ExcerptFields = tuple[SentenceKind, str, tuple[tuple[int, int], ...], int, int, int]


def excerpt_fields_in_article(
    article: Article,
    mentions: Sequence[Mention],
    located: MentionsBySentence,
    displayed: Sequence[DisplayText] | None,
) -> dict[str, list[ExcerptFields]]:
    """excerpts_in_article without the article's own fields (for the index build, which writes
    them as rows)."""
    sentence_of = located.sentence_of
    sentences = article.sentences
    rendered: dict[int, tuple[str, list[int]]] = {}
    # (feature, display text) -> highlights, first sentence; identical repeats are merged
    grouped: dict[tuple[str, str], tuple[set[tuple[int, int]], int]] = {}
    occurrences: Counter[tuple[str, str]] = Counter()
    seen_sentence: set[tuple[str, int]] = set()
    for mention in mentions:
        n = sentence_of.get(mention.start)
        if n is None:
            continue
        if n not in rendered:
            rendered[n] = (
                displayed[n] if displayed is not None else display_text(article.text, sentences[n], lang=article.lang)
            )
        shown, offsets = rendered[n]
        highlight = _display_span(offsets, mention.start, mention.end)
        key = (mention.feature_id, shown)
        group = grouped.get(key)
        if group is None:
            group = grouped[key] = (set(), n)
        if group[1] == n:
            group[0].add(highlight)
        if (mention.feature_id, n) not in seen_sentence:
            seen_sentence.add((mention.feature_id, n))
            occurrences[key] += 1
    result: dict[str, list[ExcerptFields]] = {}
    for (feature_id, shown), (highlights, n) in sorted(grouped.items(), key=lambda item: sentences[item[1][1]].start):
        sentence = sentences[n]
        result.setdefault(feature_id, []).append(
            (
                sentence.kind,
                shown,
                tuple(sorted(highlights)),
                occurrences[(feature_id, shown)],
                sentence.start,
                sentence.end,
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
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_article[mention.article_id].append(mention)
    by_sentence = [
        {m.feature_id for m in sentence_mentions}
        for article in articles
        if article.article_id in by_article
        for sentence_mentions in MentionsBySentence(article, by_article.pop(article.article_id)).by_sentence.values()
    ]
    return _related(by_sentence)


def related_in_article(located: MentionsBySentence) -> dict[str, tuple[tuple[str, int], ...]]:
    """build_related_index for one article (its mentions located in its sentences)."""
    return _related([{m.feature_id for m in sentence_mentions} for sentence_mentions in located.by_sentence.values()])


def _related(by_sentence: Sequence[set[str]]) -> dict[str, tuple[tuple[str, int], ...]]:
    pairs: Counter[tuple[str, str]] = Counter()
    for feature_ids in by_sentence:
        if len(feature_ids) > 1:
            pairs.update(itertools.permutations(feature_ids, 2))
    counts: dict[str, list[tuple[str, int]]] = {}
    for (feature_id, other), n in pairs.items():
        counts.setdefault(feature_id, []).append((other, n))
    # by feature id: a sentence's ids are a set, whose order changes from process to process
    return {fid: tuple(sorted(c, key=lambda kv: (-kv[1], kv[0]))) for fid, c in sorted(counts.items())}
