"""The side panel's timeline: a facility's dated events (each opening onto the passage that states it,
the words that gave it marked) and its figures beside them. Pure HTML, every text escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence

from mapapp.map.markup import html_from_text_with_highlights, html_quoted, lang_of
from mapapp.map.wording import figure_text, timeline_text
from mapapp.models import Article
from mapapp.pipeline.events import Event
from mapapp.pipeline.figures import Figure
from mapapp.pipeline.timeline import event_cut_key, figure_cut_key

TIMELINE_CSS = """
<style>
.qz-timeline { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; margin: .2rem 0 .8rem; }
.qz-tl-events { flex: 3 1 18rem; list-style: none; margin: 0; padding: 0; border-left: 2px solid #c9d3e6; }
.qz-tl-item { margin: 0 0 .45rem; padding-left: .7rem; position: relative; }
.qz-tl-item::before { content: ""; position: absolute; left: -6px; top: .45rem; width: 10px; height: 10px;
  border-radius: 50%; background: #1f6fb2; }
.qz-tl-item.qz-tl-expected::before { background: #fff; border: 2px dotted #1f6fb2; width: 6px; height: 6px; }
.qz-tl-date { font-weight: 600; font-variant-numeric: tabular-nums; margin-right: .4rem; }
.qz-tl-kind { margin-right: .3rem; }
.qz-tl-item details summary { cursor: pointer; color: #555; font-size: .85rem; }
.qz-tl-item blockquote { margin: .25rem 0; padding: .1rem .5rem; border-left: 3px solid #ddd; font-size: .9rem; }
.qz-tl-item blockquote mark { background: #ffe066; }
.qz-tl-figures { flex: 2 1 12rem; font-size: .88rem; border-collapse: collapse; align-self: flex-start; }
.qz-tl-figures td { padding: .1rem .4rem .1rem 0; vertical-align: top; }
.qz-tl-figures td.qz-tl-value { font-weight: 600; white-space: nowrap; }
</style>
"""

# A place named in thousands of articles must not make its panel list them all (the excerpts are
# capped the same way): at most this many events and figures, dated ones first, then a note.
MAX_EVENTS = 40
MAX_FIGURES = 24


def _words(lang: str) -> Callable[..., str]:
    return lambda key, **values: timeline_text(lang, key, **values)


def _event_order(event: Event, articles: Mapping[str, Article]) -> tuple[str, str, int]:
    """Dated events by date; an undated one at its article's date (it happened by then)."""
    article = articles.get(event.article_id)
    written = article.date if article is not None else ""
    return (event.date or written or "9999", event.article_id, event.start)


def html_from_timeline(
    events: Sequence[Event],
    figures: Sequence[Figure],
    articles: Mapping[str, Article],
    lang: str,
    *,
    total_events: int | None = None,
    total_figures: int | None = None,
) -> str:
    """The timeline section for one facility, or "" if the articles give it no events or figures.

    `events` and `figures` may be already cut (timeline.first_rows); `total_*` then say how many
    there are in all, for the "N more" note."""
    if not events and not figures:
        return ""
    words = _words(lang)
    # Cut first, by what the events carry (no article is read for that), then order what is shown.
    shown = sorted(events, key=event_cut_key)[:MAX_EVENTS]
    items = [_event_item(e, articles, words) for e in sorted(shown, key=lambda e: _event_order(e, articles))]
    shown_figures = sorted(figures, key=figure_cut_key)[:MAX_FIGURES]
    all_events = len(events) if total_events is None else total_events
    all_figures = len(figures) if total_figures is None else total_figures
    hidden = all_events - len(shown) + all_figures - len(shown_figures)
    parts = [TIMELINE_CSS, f"<div class='qz-timeline-block'><h4>{html.escape(words('timeline'))}</h4>"]
    parts.append("<div class='qz-timeline'>")
    if items:
        parts.append(f"<ol class='qz-tl-events'>{''.join(items)}</ol>")
    if shown_figures:
        parts.append(_figures_table(shown_figures, words, lang))
    if hidden:
        parts.append(f"<p class='qz-meta'>{html.escape(words('more', n=hidden))}</p>")
    parts.append("</div></div>")
    return "".join(parts)


def _event_item(event: Event, articles: Mapping[str, Article], words: Callable[..., str]) -> str:
    article = articles.get(event.article_id)
    date = event.date or words("no_date")
    if event.date and event.date_end:
        date += f" – {event.date_end}"
    if not event.date and article is not None and article.date:
        date += f" · {words('reported')} {article.date}"
    notes = []
    if event.relative:
        notes.append(f"<span class='qz-badge' title='{html.escape(words('relative'), quote=True)}'>≈</span>")
    if event.expected:
        notes.append(f"<span class='qz-badge'>{html.escape(words('expected'))}</span>")
    source = (
        f"<div class='qz-meta'>{html_quoted(article.headline)} · {html.escape(article.date)}</div>" if article else ""
    )
    passage = html_from_text_with_highlights(event.sentence, event.evidence_spans)
    quoted = lang_of(event.sentence)
    css = "qz-tl-item qz-tl-expected" if event.expected else "qz-tl-item"
    return (
        f"<li class='{css}' data-kind='{html.escape(event.kind, quote=True)}'>"
        f"<span class='qz-tl-date'>{html.escape(date)}</span>"
        f"<span class='qz-tl-kind'>{html.escape(words(event.kind))}</span>{''.join(notes)}"
        f"<details><summary>{html.escape(words('passage'))}: <span lang='{quoted}'>{html.escape(event.evidence)}</span>"
        f"</summary><blockquote lang='{quoted}'>{passage}</blockquote>{source}</details></li>"
    )


def _figures_table(figures: Sequence[Figure], words: Callable[..., str], lang: str) -> str:
    rows = []
    for figure in sorted(figures, key=figure_cut_key):
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
        rows.append(
            f"<tr title='{html.escape(figure.sentence, quote=True)}'>"
            f"<td>{html.escape(words(figure.quantity))}</td>"
            f"<td class='qz-tl-value'>{html.escape(value + was)}</td>"
            f"<td class='qz-meta'>{html.escape(period)}</td></tr>"
        )
    return f"<table class='qz-tl-figures'><caption>{html.escape(words('figures'))}</caption>{''.join(rows)}</table>"
