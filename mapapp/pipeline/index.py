"""Assemble the whole pipeline: corpus + layers + gazetteer -> mentions -> excerpts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mapapp.errors import Problem
from mapapp.models import Article, Excerpt, Feature, LayerSpec, Mention
from mapapp.paths import GEODATA_DIR, LAYERS_DIR, SEEDS_DIR
from mapapp.pipeline.corpus import display_texts, load_corpus
from mapapp.pipeline.excerpts import build_excerpt_index, build_related_index, mentions_by_co_occurrence
from mapapp.pipeline.gazetteer import Gazetteer, load_gazetteer
from mapapp.pipeline.layers import load_layers
from mapapp.pipeline.mentions import MentionFinder
from mapapp.pipeline.normalise import normalise_all
from mapapp.pipeline.tagger import ArticleNames, names_in_texts


@dataclass(frozen=True, eq=False)
class MapIndex:
    """Everything the app shows. Built in memory here, or read from an index file
    (mapapp.pipeline.store.open_map_index), whose articles, mentions and excerpts are read on demand."""

    articles: Mapping[str, Article]
    features: dict[str, Feature]
    layers: tuple[LayerSpec, ...]
    mentions: Sequence[Mention]
    excerpts: Mapping[str, Sequence[Excerpt]]
    related: dict[str, tuple[tuple[str, int], ...]]
    problems: tuple[Problem, ...]
    gazetteer: Gazetteer
    names: Mapping[str, ArticleNames] = field(default_factory=dict)  # the tagger's names per article, if kept


_TAGGED: dict[tuple[str, str], ArticleNames] = {}  # (article id, text) -> names, for this process
_TAGGED_MAX = 20_000


def _tagged(article: Article, shown: Sequence[tuple[str, list[int]]]) -> ArticleNames:
    """The article's tagged names, kept for the life of the process by article id and text: a
    rebuild after a geodata change (a curator's save) re-links without tagging again."""
    key = (article.article_id, article.text)
    names = _TAGGED.get(key)
    if names is None:
        if len(_TAGGED) >= _TAGGED_MAX:
            _TAGGED.clear()
        names = _TAGGED[key] = names_in_texts(normalise_all(shown))
    return names


def build_map_index(
    seeds_dir: Path = SEEDS_DIR,
    geodata_dir: Path = GEODATA_DIR,
    layers_dir: Path = LAYERS_DIR,
) -> MapIndex:
    """Read and check everything, find mentions, build excerpts. Bad input becomes `problems`."""
    corpus = load_corpus(seeds_dir)
    layers, layer_problems = load_layers(layers_dir)
    gazetteer = load_gazetteer(geodata_dir, layers)
    finder = MentionFinder(gazetteer)
    mentions: list[Mention] = []
    names: dict[str, ArticleNames] = {}
    for article in corpus.articles:
        shown = display_texts(article)
        if article.lang == "zh":
            names[article.article_id] = _tagged(article, shown)
        mentions.extend(finder.find(article, shown=shown, names=names.get(article.article_id)))
    mentions_t = tuple(mentions)
    return MapIndex(
        articles={a.article_id: a for a in corpus.articles},
        features=gazetteer.features,
        layers=layers,
        mentions=mentions_t,
        excerpts=build_excerpt_index(
            corpus.articles, (*mentions_t, *mentions_by_co_occurrence(corpus.articles, mentions_t, gazetteer.features))
        ),
        related=build_related_index(corpus.articles, mentions_t),
        problems=(*corpus.problems, *layer_problems, *gazetteer.problems),
        gazetteer=gazetteer,
        names=names,
    )
