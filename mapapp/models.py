"""Frozen records that flow through the pipeline: articles, features, mentions, excerpts, layers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

Category = Literal[
    "admin_area",  # province, prefecture, county, town, village, urban area
    "new_town",  # planned city districts (空港新城, 智慧新城 ...)
    "rail_line",
    "rail_station",
    "expressway",
    "road",
    "bridge",
    "port",
    "port_zone",
    "waterway",
    "airport",
    "flight_route",
    "shipping_route",
    "bonded_zone",
    "logistics_park",
    "sports_venue",
    "culture_venue",
    "landmark",
    "park",
    "commerce",
    "office",
    "research_institute",
    "industrial_park",
    "plant",
    "agriculture",
    "hospital",
    "public_service",
]
CATEGORIES: tuple[str, ...] = get_args(Category)

LocationBasis = Literal["exact", "address", "area", "schematic"]
LOCATION_BASES: tuple[str, ...] = get_args(LocationBasis)

Status = Literal["operating", "under_construction", "planned", "closed"]
STATUSES: tuple[str, ...] = get_args(Status)

SentenceKind = Literal["body", "caption", "heading"]


@dataclass(frozen=True)
class Span:
    """A half-open [start, end) range of Python str offsets into an article's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """A sentence (or caption / heading line) with offsets into the original file text.

    A sentence that the page layout broke across blank lines (or around a photo caption) is made of
    several `pieces`; its display text is the pieces joined, with the line breaks inside a piece
    removed. `start`/`end` are the first piece's start and the last piece's end.
    """

    start: int
    end: int
    kind: SentenceKind
    paragraph: int
    pieces: tuple[Span, ...]


@dataclass(frozen=True)
class Article:
    article_id: str  # the seed file name, e.g. "000_1e0ac95a091b81dc.txt"
    text: str  # the file text exactly as read with newline=""
    headline: str
    section: str
    byline: str
    date: str  # ISO date, approximate; see date_basis
    date_basis: str
    sentences: tuple[Sentence, ...] = field(repr=False)
    lang: str = "zh"  # the language of the text: "zh" or "en" (articles.toml `lang`)
    outlet: str = ""  # the paper or site it was published by (articles.toml `outlet`)
    source_urls: tuple[str, ...] = ()  # every page the text is known from, first the one it was taken from


@dataclass(frozen=True)
class Source:
    title: str
    ref: str
    quote: str


@dataclass(frozen=True)
class Feature:
    feature_id: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...]
    category: str
    layer_id: str
    status: str
    precision_m: int
    location_basis: str
    external: bool
    sources: tuple[Source, ...]
    description: str
    geometry: dict[str, Any] = field(compare=False, repr=False)  # GeoJSON geometry, WGS-84
    properties: dict[str, Any] = field(compare=False, repr=False)  # every property as stored

    @property
    def names(self) -> tuple[str, ...]:
        """Every surface form that names this feature: the official name first."""
        return (self.name_zh, *[a for a in self.aliases if a != self.name_zh])


@dataclass(frozen=True)
class Mention:
    article_id: str
    start: int
    end: int
    surface: str  # the text as printed, layout breaks included
    feature_id: str
    rule: str = "name"  # how the feature was chosen: name | alias | context rule id


@dataclass(frozen=True)
class Excerpt:
    """A whole sentence that mentions a feature, repaired for display."""

    feature_id: str
    article_id: str
    headline: str
    date: str
    kind: SentenceKind
    text: str  # display text: layout breaks inside the sentence removed
    highlights: tuple[tuple[int, int], ...]  # [start, end) offsets into `text`
    count: int  # how many times this same sentence occurs in the article
    source_start: int  # offsets of the (first) sentence in the article text
    source_end: int
    lang: str = "zh"  # the article's language: an English excerpt is shown as printed in both interfaces


@dataclass(frozen=True)
class LayerSpec:
    layer_id: str
    title_zh: str
    title_en: str
    group: str  # e.g. "transport"
    categories: tuple[str, ...]
    default_visible: bool
    order: int
    style: dict[str, Any] = field(compare=False)
