"""The panel's timeline as data: a facility's dated events (each once, with the passages that state
it and the words that gave it) and its figures, in the reader's language. Pure functions; nothing is HTML
(the browser's panel renders the record with textContent).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mapapp.app.textspans import utf16_spans
from mapapp.pipeline.events import Event, EventReport
from mapapp.pipeline.figures import Figure
from mapapp.pipeline.timeline import event_cut_key, figure_cut_key

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
        "title": words["timeline"],
        "figures_title": words["figures"],
        "events": [_event_item(e, articles, words) for e in sorted(shown, key=lambda e: _event_order(e, articles))],
        "figures": [_figure_item(f, words) for f in shown_figures],
        "more": words["more"].format(n=hidden) if hidden else None,
    }


def _event_item(event: Event, articles: ArticleDates, words: dict[str, str]) -> dict[str, Any]:
    headline, written = articles.get(event.article_id, ("", ""))
    date = event.date or words["no_date"]
    if event.date and event.date_end:
        date += f" – {event.date_end}"
    if not event.date and written:
        date += f" · {words['reported']} {written}"
    badges = []
    if event.relative:
        badges.append({"text": "≈", "title": words["relative"]})
    if event.expected:
        badges.append({"text": words["expected"], "title": ""})
    if event.reports > 1:  # one event once, with every passage that reports it (pipeline.eventreports)
        badges.append({"text": words["reports"].format(n=event.reports), "title": ""})
    hidden = event.reports - 1 - len(event.also)
    return {
        "date": date,
        "kind": words.get(event.kind, event.kind),
        "kind_id": event.kind,
        "expected": event.expected,
        "badges": badges,
        "summary": f"{words['passage']}: {event.evidence}",
        "passage": event.sentence,
        "marks": utf16_spans(event.sentence, event.evidence_spans),
        "source": f"{headline} · {written}" if headline or written else "",
        "also": [_report_item(report, articles) for report in event.also],
        "more_reports": words["more_reports"].format(n=hidden) if hidden > 0 else None,
    }


def _report_item(report: EventReport, articles: ArticleDates) -> dict[str, Any]:
    """Another passage that reports the same event, and the article it is from."""
    headline, written = articles.get(report.article_id, ("", ""))
    return {
        "passage": report.sentence,
        "marks": utf16_spans(report.sentence, report.evidence_spans),
        "source": f"{headline} · {written}" if headline or written else "",
    }


def _figure_item(figure: Figure, words: dict[str, str]) -> dict[str, str]:
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
    return {
        "quantity": words.get(figure.quantity, figure.quantity),
        "value": value + was,
        "period": period,
        "sentence": figure.sentence,
    }
