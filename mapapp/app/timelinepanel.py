"""The panel's timeline as data: a facility's dated events (each once, with the passages that state
it and the words that gave it) and its figures, in the reader's language. Pure functions; nothing is HTML
(the browser's panel renders the record with textContent).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mapapp.app.textspans import utf16_spans
from mapapp.map.markup import lang_of
from mapapp.map.wording import figure_text, timeline_text
from mapapp.pipeline.events import Event, EventReport
from mapapp.pipeline.figures import Figure
from mapapp.pipeline.timeline import event_cut_key, figure_cut_key

# A place named in thousands of articles must not make its panel list them all (the excerpts are
# capped the same way): at most this many events and figures, dated ones first, then a note.
MAX_EVENTS = 40
MAX_FIGURES = 24


def _words(lang: str) -> Callable[..., str]:
    """The timeline's words in `lang` (mapapp.map.wording.TIMELINE_WORDS), values filled in."""
    return lambda key, **values: timeline_text(lang, key, **values)


ArticleDates = Mapping[str, tuple[str, str]]  # article id -> (headline, date)


def _event_order(event: Event, articles: ArticleDates) -> tuple[str, str, int]:
    """Dated events by date; an undated one at its article's date (it happened by then)."""
    written = articles[event.article_id][1] if event.article_id in articles else ""
    return (event.date or written or "9999", event.article_id, event.start)


def timeline_record(
    events: Sequence[Event],
    figures: Sequence[Figure],
    articles: ArticleDates,
    lang: str,
    *,
    total_events: int | None = None,
    total_figures: int | None = None,
) -> dict[str, Any] | None:
    """The timeline section for one facility, or None if the articles give it no events or figures.

    `events` and `figures` may be already cut (timeline.first_rows); `total_*` then say how many
    there are in all, for the "N more" note. `articles` gives each article's headline and date."""
    if not events and not figures:
        return None
    words = _words(lang)
    # Cut first, by what the events carry (no article is read for that), then order what is shown.
    shown = sorted(events, key=event_cut_key)[:MAX_EVENTS]
    shown_figures = sorted(figures, key=figure_cut_key)[:MAX_FIGURES]
    all_events = len(events) if total_events is None else total_events
    all_figures = len(figures) if total_figures is None else total_figures
    hidden = all_events - len(shown) + all_figures - len(shown_figures)
    return {
        "title": words("timeline"),
        "figures_title": words("figures"),
        "events": [_event_item(e, articles, words) for e in sorted(shown, key=lambda e: _event_order(e, articles))],
        "figures": [_figure_item(f, words, lang) for f in shown_figures],
        "more": words("more", n=hidden) if hidden else None,
    }


def _event_item(event: Event, articles: ArticleDates, words: Callable[..., str]) -> dict[str, Any]:
    headline, written = articles.get(event.article_id, ("", ""))
    date = event.date or words("no_date")
    if event.date and event.date_end:
        date += f" – {event.date_end}"
    if not event.date and written:
        date += f" · {words('reported')} {written}"
    badges = []
    if event.relative:
        badges.append({"text": "≈", "title": words("relative")})
    if event.expected:
        badges.append({"text": words("expected"), "title": ""})
    if event.reports > 1:  # one event once, with every passage that reports it (pipeline.eventreports)
        badges.append({"text": words("reports", n=event.reports), "title": ""})
    hidden = event.reports - 1 - len(event.also)
    return {
        "date": date,
        "kind": words(event.kind),
        "kind_id": event.kind,
        "expected": event.expected,
        "badges": badges,
        # the interface's word, then the article's words as printed (the panel marks their language)
        "summary": words("passage"),
        "evidence": event.evidence,
        "passage": event.sentence,
        "passage_lang": lang_of(event.sentence),
        "marks": utf16_spans(event.sentence, event.evidence_spans),
        "source_headline": headline,
        "source_date": written,
        "also": [_report_item(report, articles) for report in event.also],
        "more_reports": words("more_reports", n=hidden) if hidden > 0 else None,
    }


def _report_item(report: EventReport, articles: ArticleDates) -> dict[str, Any]:
    """Another passage that reports the same event, and the article it is from."""
    headline, written = articles.get(report.article_id, ("", ""))
    return {
        "passage": report.sentence,
        "passage_lang": lang_of(report.sentence),
        "marks": utf16_spans(report.sentence, report.evidence_spans),
        "source_headline": headline,
        "source_date": written,
    }


def _figure_item(figure: Figure, words: Callable[..., str], lang: str) -> dict[str, str]:
    value = figure_text(figure.value, figure.unit, figure.approximate, lang)
    period = figure.period or words("no_period")
    if figure.period and figure.period_end:
        period += f" – {figure.period_end}"
    if figure.relative:
        period += " ≈"
    was = (
        f" ({words('from')} {figure_text(figure.from_value, figure.unit, '', lang)})"
        if figure.from_value is not None
        else ""
    )
    return {
        "quantity": words(figure.quantity),
        "value": value + was,
        "period": period,
        "sentence": figure.sentence,
    }
