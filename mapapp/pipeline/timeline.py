"""Each facility's stage over time, as the articles give it: not yet mentioned, mentioned, planned,
under construction, open. The map's "as of" control shows the stage at a chosen date.

- mentioned: from the start of the first dated article that names it (or an excerpt of it);
- an event moves it to its stage (its kind's, or the one its words give: 试运行 is still being built)
  from its date; an event without a date happened by its article's
  date; a statement of the future (`expected`) makes it only planned, from its article's date;
- a throughput or route count for a period says it was operating then (open from the period's start).

Stages only rise: a later "planned" statement (a second phase) does not close what is open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, get_args

from mapapp.errors import Problem, ProblemsError
from mapapp.models import Article, Excerpt, Feature
from mapapp.pipeline.clauses import NOT_FACILITIES
from mapapp.pipeline.dates import first_day
from mapapp.pipeline.eventreports import merged_by_feature
from mapapp.pipeline.events import Event, EventKind, events_from_index
from mapapp.pipeline.figures import Figure, figures_from_index

Stage = Literal["mentioned", "planned", "under_construction", "open"]
STAGES: tuple[str, ...] = get_args(Stage)  # in order: a later stage outranks an earlier one
STAGE_OF_KIND: dict[EventKind, Stage] = {
    "planned": "planned",
    "approved": "planned",
    "construction_started": "under_construction",
    "completed": "open",
    "opened": "open",
    "milestone": "open",
}
OPERATING_QUANTITIES = frozenset({"throughput", "routes"})


@dataclass(frozen=True)
class StageChange:
    since: str  # YYYY-MM-DD: the first day of the date's period
    stage: Stage


def build_stage_timelines(
    articles: Mapping[str, Article],
    features: Mapping[str, Feature],
    excerpts: Mapping[str, Sequence[Excerpt]],
    events: Iterable[Event],
    figures: Iterable[Figure],
) -> dict[str, tuple[StageChange, ...]]:
    """For every facility named in a dated article: when it reached each stage, in date order."""

    def article_day(article_id: str) -> str | None:
        article = articles.get(article_id)
        return first_day(article.date) if article is not None else None

    return stage_timelines(
        features,
        ((feature_id, article_day(e.article_id)) for feature_id, fe in excerpts.items() for e in fe),
        ((event, article_day(event.article_id)) for event in events),
        figures,
    )


def stage_timelines(
    features: Mapping[str, Feature],
    mentioned: Iterable[tuple[str, str | None]],
    events: Iterable[tuple[Event, str | None]],
    figures: Iterable[Figure],
) -> dict[str, tuple[StageChange, ...]]:
    """build_stage_timelines from what it reads: (feature id, first day of the article's date) per
    excerpt, each event with its article's first day, the figures."""
    return timelines_from_changes(stage_changes(features, mentioned, events, figures))


def stage_changes(
    features: Mapping[str, Feature],
    mentioned: Iterable[tuple[str, str | None]],
    events: Iterable[tuple[Event, str | None]],
    figures: Iterable[Figure],
) -> Iterator[tuple[str, StageChange]]:
    """Every (facility, stage change) the excerpts, events and figures give, in no useful order. The
    index build finds them per article (mapapp.pipeline.storedtimeline) and reduces them at the end."""

    def change(feature_id: str, since: str | None, stage: Stage) -> Iterator[tuple[str, StageChange]]:
        feature = features.get(feature_id)
        if since is not None and feature is not None and feature.category not in NOT_FACILITIES:
            yield feature_id, StageChange(since, stage)

    for feature_id, day in mentioned:
        yield from change(feature_id, day, "mentioned")
    for event, written in events:
        if event.expected:
            yield from change(event.feature_id, written, "planned")
        else:
            stage: Stage = event.stage if event.stage in STAGES else STAGE_OF_KIND[event.kind]  # type: ignore[assignment]
            yield from change(event.feature_id, first_day(event.date) if event.date else written, stage)
    for figure in figures:
        if figure.quantity in OPERATING_QUANTITIES and figure.period:
            yield from change(figure.feature_id, first_day(figure.period), "open")


def timelines_from_changes(changes: Iterable[tuple[str, StageChange]]) -> dict[str, tuple[StageChange, ...]]:
    """Each facility's rising stages, by feature id (repeated changes change nothing)."""
    raw: dict[str, list[StageChange]] = {}
    for feature_id, stage_change in changes:
        raw.setdefault(feature_id, []).append(stage_change)
    return {feature_id: _rising(found) for feature_id, found in sorted(raw.items())}


def _rising(changes: list[StageChange]) -> tuple[StageChange, ...]:
    """The changes that raise the stage, in date order (same day: the highest stage)."""
    rank = {stage: n for n, stage in enumerate(STAGES)}
    out: list[StageChange] = []
    for change in sorted(changes, key=lambda c: (c.since, -rank[c.stage])):
        if not out or rank[change.stage] > rank[out[-1].stage]:
            out.append(change)
    return tuple(out)


def stage_at(changes: Sequence[StageChange], day: str) -> Stage | Literal["not_yet"]:
    """The stage on `day` (YYYY-MM-DD); "not_yet" before the first change."""
    stage: Stage | Literal["not_yet"] = "not_yet"
    for change in changes:
        if change.since <= day:
            stage = change.stage
    return stage


@dataclass(frozen=True, eq=False)
class TimelineIndex:
    """Events, figures and stage timelines by feature id, for the panel and the as-of control."""

    # a dict, or read from the index file per feature; the statements of one event merged into one
    # (mapapp.pipeline.eventreports: the others in its `also`)
    events: Mapping[str, tuple[Event, ...]]
    figures: Mapping[str, tuple[Figure, ...]]
    stages: dict[str, tuple[StageChange, ...]]
    problems: tuple[Problem, ...] = ()  # eventwords.toml could not be used: no events, no figures


def event_cut_key(event: Event) -> tuple[bool, str, str, int]:
    """The order a long list of events is cut in: dated ones first, by date, then as printed."""
    return (event.date is None, event.date or "", event.article_id, event.start)


def figure_cut_key(figure: Figure) -> tuple[str, str, str, int]:
    """The order figures are listed and cut in: by quantity, then period, then as printed."""
    return (figure.quantity, figure.period or "9999", figure.article_id, figure.start)


R = TypeVar("R")


def first_rows(
    rows: Mapping[str, tuple[R, ...]], feature_id: str, limit: int, key: Callable[[R], Any]
) -> tuple[tuple[R, ...], int]:
    """At most `limit` of a feature's events (or figures) in the order `key` gives, and how many it
    has; an index file's rows are cut in SQL (storedtimeline, in the same order)."""
    first = getattr(rows, "first", None)
    if first is not None:
        return first(feature_id, limit)
    found = rows.get(feature_id, ())
    return tuple(sorted(found, key=key)[:limit]), len(found)


def build_timeline_index(index) -> TimelineIndex:  # index: mapapp.pipeline.index.MapIndex
    """Find the events and figures in a built MapIndex and each facility's stages (from every
    statement; the events listed per facility are merged: one event once).

    A words file that cannot be used gives an empty index with its problems (the map still works)."""
    try:
        events = events_from_index(index)
        figures = figures_from_index(index)
    except ProblemsError as error:
        return TimelineIndex({}, {}, {}, tuple(error.problems))
    article_dates = {article_id: article.date for article_id, article in index.articles.items()}
    by_feature_figures: dict[str, list[Figure]] = {}
    for figure in figures:
        by_feature_figures.setdefault(figure.feature_id, []).append(figure)
    return TimelineIndex(
        events=merged_by_feature(events, article_dates),  # one event once, with every passage that reports it
        figures={k: tuple(v) for k, v in by_feature_figures.items()},
        stages=build_stage_timelines(index.articles, index.features, index.excerpts, events, figures),
    )
