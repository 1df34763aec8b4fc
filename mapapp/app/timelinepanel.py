"""The side panel's timeline: a facility's dated events (each opening onto the passage that states it,
the words that gave it marked) and its figures beside them. Pure HTML, every text escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from mapapp.map.markup import html_from_text_with_highlights
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

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "timeline": "时间线",
        "figures": "数据",
        "no_date": "日期未载",
        "reported": "见报",
        "relative": "据文章日期推算",
        "expected": "预计",
        "passage": "原文",
        "planned": "规划",
        "approved": "获批/验收",
        "construction_started": "开工",
        "completed": "建成",
        "opened": "开通/投用",
        "milestone": "节点",
        "throughput": "吞吐量",
        "routes": "航线",
        "area": "面积",
        "investment": "投资",
        "berths": "泊位",
        "travel_time": "通行时间",
        "from": "由",
        "no_period": "时期未载",
        "more": "另有 {n} 条未列出（见下方摘录）",
        "reports": "{n} 处报道",
        "more_reports": "另有 {n} 处报道未列出",
    },
    "en": {
        "timeline": "Timeline",
        "figures": "Figures",
        "no_date": "date not given",
        "reported": "reported",
        "relative": "resolved from the article's date",
        "expected": "expected",
        "passage": "passage",
        "planned": "planned",
        "approved": "approved",
        "construction_started": "construction started",
        "completed": "completed",
        "opened": "opened",
        "milestone": "milestone",
        "throughput": "throughput",
        "routes": "routes",
        "area": "area",
        "investment": "investment",
        "berths": "berths",
        "travel_time": "travel time",
        "from": "from",
        "no_period": "period not given",
        "more": "{n} more not listed (see the excerpts below)",
        "reports": "reported in {n} passages",
        "more_reports": "{n} more reports not listed",
    },
}


def _words(lang: str) -> dict[str, str]:
    return WORDS["en" if lang == "en" else "zh"]


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
    parts = [TIMELINE_CSS, f"<div class='qz-timeline-block'><h4>{html.escape(words['timeline'])}</h4>"]
    parts.append("<div class='qz-timeline'>")
    if items:
        parts.append(f"<ol class='qz-tl-events'>{''.join(items)}</ol>")
    if shown_figures:
        parts.append(_figures_table(shown_figures, words))
    if hidden:
        parts.append(f"<p class='qz-meta'>{html.escape(words['more'].format(n=hidden))}</p>")
    parts.append("</div></div>")
    return "".join(parts)


def _event_item(event: Event, articles: Mapping[str, Article], words: dict[str, str]) -> str:
    article = articles.get(event.article_id)
    date = event.date or words["no_date"]
    if event.date and event.date_end:
        date += f" – {event.date_end}"
    if not event.date and article is not None and article.date:
        date += f" · {words['reported']} {article.date}"
    notes = []
    if event.relative:
        notes.append(f"<span class='qz-badge' title='{html.escape(words['relative'], quote=True)}'>≈</span>")
    if event.expected:
        notes.append(f"<span class='qz-badge'>{html.escape(words['expected'])}</span>")
    if event.reports > 1:
        notes.append(
            f"<span class='qz-badge qz-tl-reports'>{html.escape(words['reports'].format(n=event.reports))}</span>"
        )
    # the event once, with every passage that reports it (mapapp.pipeline.eventreports)
    passages = [_passage(event.sentence, event.evidence_spans, article)]
    passages.extend(_passage(r.sentence, r.evidence_spans, articles.get(r.article_id)) for r in event.also)
    hidden = event.reports - 1 - len(event.also)
    if hidden > 0:
        passages.append(f"<div class='qz-meta'>{html.escape(words['more_reports'].format(n=hidden))}</div>")
    css = "qz-tl-item qz-tl-expected" if event.expected else "qz-tl-item"
    return (
        f"<li class='{css}' data-kind='{html.escape(event.kind, quote=True)}'>"
        f"<span class='qz-tl-date'>{html.escape(date)}</span>"
        f"<span class='qz-tl-kind'>{html.escape(words.get(event.kind, event.kind))}</span>{''.join(notes)}"
        f"<details><summary>{html.escape(words['passage'])}: {html.escape(event.evidence)}</summary>"
        f"{''.join(passages)}</details></li>"
    )


def _passage(sentence: str, spans: Sequence[tuple[int, int]], article: Article | None) -> str:
    """One passage that reports an event, its evidence marked, and the article it is from."""
    source = (
        f"<div class='qz-meta'>{html.escape(article.headline)} · {html.escape(article.date)}</div>" if article else ""
    )
    return f"<blockquote>{html_from_text_with_highlights(sentence, spans)}</blockquote>{source}"


def _figures_table(figures: Sequence[Figure], words: dict[str, str]) -> str:
    rows = []
    for figure in sorted(figures, key=figure_cut_key):
        value = f"{figure.value:g}"
        if figure.approximate:
            value = (
                f"{figure.approximate}{value}"
                if figure.approximate in ("约", "超", "近", "超过", "逾")
                else f"{value}{figure.approximate}"
            )
        value += figure.unit
        period = figure.period or words["no_period"]
        if figure.period and figure.period_end:
            period += f" – {figure.period_end}"
        if figure.relative:
            period += " ≈"
        was = f" ({words['from']} {figure.from_value:g})" if figure.from_value is not None else ""
        rows.append(
            f"<tr title='{html.escape(figure.sentence, quote=True)}'>"
            f"<td>{html.escape(words.get(figure.quantity, figure.quantity))}</td>"
            f"<td class='qz-tl-value'>{html.escape(value + was)}</td>"
            f"<td class='qz-meta'>{html.escape(period)}</td></tr>"
        )
    return f"<table class='qz-tl-figures'><caption>{html.escape(words['figures'])}</caption>{''.join(rows)}</table>"
