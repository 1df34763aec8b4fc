"""Rows for `python -m mapapp events | figures`: JSON-ready dicts and one text line per row."""

from __future__ import annotations

from typing import Any

from mapapp.pipeline.events import events_from_index
from mapapp.pipeline.figures import figures_from_index


def event_rows(index) -> tuple[list[dict[str, Any]], list[str]]:  # index: MapIndex
    rows: list[dict[str, Any]] = [
        {
            "feature_id": e.feature_id,
            "date": e.date,
            "date_precision": e.date_precision,
            "date_end": e.date_end,
            "kind": e.kind,
            "relative": e.relative,
            "expected": e.expected,
            "article": e.article_id,
            "start": e.start,
            "end": e.end,
            "evidence": e.evidence,
        }
        for e in events_from_index(index)
    ]
    lines = [
        f"{r['article']}\t{r['feature_id']}\t{r['kind']}\t{r['date'] or '—'}"
        f"{'..' + r['date_end'] if r['date_end'] else ''}{' (relative)' if r['relative'] else ''}"
        f"{' (expected)' if r['expected'] else ''}\t{r['evidence']}"
        for r in rows
    ]
    return rows, lines


def figure_rows(index) -> tuple[list[dict[str, Any]], list[str]]:  # index: MapIndex
    rows: list[dict[str, Any]] = [
        {
            "feature_id": f.feature_id,
            "quantity": f.quantity,
            "value": f.value,
            "unit": f.unit,
            "approximate": f.approximate,
            "from_value": f.from_value,
            "period": f.period,
            "period_end": f.period_end,
            "relative": f.relative,
            "article": f.article_id,
            "start": f.start,
            "end": f.end,
            "evidence": f.evidence,
        }
        for f in figures_from_index(index)
    ]
    lines = [
        f"{r['article']}\t{r['feature_id']}\t{r['quantity']}\t{r['evidence']}\t{r['period'] or '—'}"
        f"{'..' + r['period_end'] if r['period_end'] else ''}"
        for r in rows
    ]
    return rows, lines
