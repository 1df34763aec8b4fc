"""One event once: statements of the same event, in one article or in several, merged into one
event whose `also` lists every other passage that reports it, so that a timeline shows it once with
all its sources.

Two statements are of the same event when they are about the same facility, of the same kind and
stage, both of the past or both of the future (`expected`), and their dates agree:
- both dated: one date contains the other ("2025" and "2025-12"; "2025-12" and "2025-12-26");
- undated: a statement without a date says it had happened by its article's date. What happens once
  to a facility (planned, approved, construction started, completed, opened) joins the latest dated
  event of its kind at or before that date; failing that, the other undated statements of its kind.
  A milestone (a first sailing, a new route, a timetable) happens many times: undated milestones
  join only those stated with the same event word.
The merged event is the most precisely dated statement (then the first in article and text order);
the others are its `also`, in article and text order (the first MAX_ALSO), and `reports` counts them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from mapapp.pipeline.dates import first_day
from mapapp.pipeline.events import Event, EventReport

MAX_ALSO = 11  # passages kept with a merged event besides its own (a panel lists a dozen; the count is kept)
ONCE_PER_FACILITY = frozenset({"planned", "approved", "construction_started", "completed", "opened"})
_PRECISION = {None: 0, "year": 1, "month": 2, "day": 3}


def _text_order(event: Event) -> tuple[str, int]:
    return (event.article_id, event.start)


def _dates_agree(a: Event, b: Event) -> bool:
    if a.date is None or b.date is None or not (a.date.startswith(b.date) or b.date.startswith(a.date)):
        return False
    return (
        a.date_end is None
        or b.date_end is None
        or a.date_end.startswith(b.date_end)
        or b.date_end.startswith(a.date_end)
    )


def event_word(event: Event) -> str:
    """The words that name what happened (the last piece of the evidence: date and tense come first)."""
    if not event.evidence_spans:
        return event.evidence
    start, end = event.evidence_spans[-1]
    return event.sentence[start:end]


def report_from_event(event: Event) -> EventReport:
    return EventReport(
        event.article_id, event.start, event.end, event.evidence, event.sentence, event.evidence_spans, event.date
    )


def merge_event_reports(events: Iterable[Event], article_dates: Mapping[str, str]) -> list[Event]:
    """The events with the statements of one event merged (see the module docstring), in article
    and text order of the merged events. `article_dates`: article id -> its date (articles.toml)."""
    groups: dict[tuple, list[Event]] = {}
    for event in events:
        groups.setdefault((event.feature_id, event.kind, event.stage, event.expected), []).append(event)
    merged: list[Event] = []
    for (_, kind, _, _), statements in groups.items():
        clusters: list[list[Event]] = []
        dated = sorted(
            (e for e in statements if e.date),
            key=lambda e: (-_PRECISION.get(e.date_precision, 0), *_text_order(e)),
        )
        for event in dated:  # the most precise first: a coarser date joins the event it contains
            for cluster in clusters:
                if _dates_agree(cluster[0], event):
                    cluster.append(event)
                    break
            else:
                clusters.append([event])
        undated: dict[str, list[Event]] = {}
        for event in sorted((e for e in statements if not e.date), key=_text_order):
            if kind in ONCE_PER_FACILITY:
                written = first_day(article_dates.get(event.article_id, ""))
                before = [c for c in clusters if written and (first_day(c[0].date or "") or "9999") <= written]
                if before:
                    max(before, key=lambda c: first_day(c[0].date or "") or "").append(event)
                    continue
                undated.setdefault("", []).append(event)
            else:
                undated.setdefault(event_word(event), []).append(event)
        for cluster in (*clusters, *undated.values()):
            head, others = cluster[0], sorted(cluster[1:], key=_text_order)
            also = tuple(report_from_event(e) for e in others[:MAX_ALSO])
            merged.append(replace(head, also=also, reports=len(cluster)) if others else head)
    return sorted(merged, key=_text_order)


def merged_by_feature(events: Iterable[Event], article_dates: Mapping[str, str]) -> dict[str, tuple[Event, ...]]:
    """merge_event_reports, each facility's events apart, by feature id."""
    by_feature: dict[str, list[Event]] = {}
    for event in events:
        by_feature.setdefault(event.feature_id, []).append(event)
    return {fid: tuple(merge_event_reports(found, article_dates)) for fid, found in by_feature.items()}
