"""Escaped HTML fragments made from the data, for the map (popups, tooltips, credits) and the panel.

Article text and every geodata string are data, never markup: everything is escaped here before a
mention is wrapped in <mark>.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from mapapp.models import Excerpt, Feature


def feature_name(feature: Feature, lang: str) -> str:
    if lang == "en" and feature.name_en:
        return feature.name_en
    return feature.name_zh


def html_from_text_with_highlights(text: str, highlights: Sequence[tuple[int, int]], *, mark_class: str = "") -> str:
    """Escape `text` and wrap each [start, end) highlight in <mark>."""
    out: list[str] = []
    position = 0
    open_tag = f'<mark class="{html.escape(mark_class)}">' if mark_class else "<mark>"
    for start, end in sorted(highlights):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        out.append(html.escape(text[position:start]))
        out.append(f"{open_tag}{html.escape(text[start:end])}</mark>")
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)


def html_from_excerpt(excerpt: Excerpt, *, max_chars: int | None = None) -> str:
    """The excerpt sentence, escaped, the mention(s) in <mark>; cut around the first mention."""
    text, highlights = excerpt.text, list(excerpt.highlights)
    if max_chars is not None and len(text) > max_chars:
        first = highlights[0][0] if highlights else 0
        start = max(0, min(first - max_chars // 3, len(text) - max_chars))
        end = start + max_chars
        highlights = [(s - start, e - start) for s, e in highlights if s >= start and e <= end]
        body = html_from_text_with_highlights(text[start:end], highlights)
        return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")
    return html_from_text_with_highlights(text, highlights)


def popup_html(feature: Feature, excerpts: Sequence[Excerpt], lang: str) -> str:
    """Pre-escaped popup content: the name and the first excerpt (shown at once on click)."""
    name = html.escape(feature_name(feature, lang))
    other = html.escape(feature.name_zh if lang == "en" else feature.name_en)
    parts = [f'<div class="qz-popup"><b>{name}</b>']
    if other and other != name:
        parts.append(f'<div class="qz-popup-sub">{other}</div>')
    if excerpts:
        first = excerpts[0]
        parts.append(f'<blockquote class="qz-popup-excerpt">{html_from_excerpt(first, max_chars=140)}</blockquote>')
        parts.append(f'<div class="qz-popup-source">{html.escape(first.headline)} · {html.escape(first.date)}</div>')
        more = len(excerpts) - 1
        if more > 0:
            parts.append(
                f'<div class="qz-popup-more">{"+" + str(more) + (" more excerpts" if lang == "en" else " 条摘录，见侧栏")}</div>'
            )
    else:
        parts.append(
            '<div class="qz-popup-more">' + ("Not named in the articles" if lang == "en" else "文章未提及") + "</div>"
        )
    parts.append("</div>")
    return "".join(parts)


def approximate_note(feature: Feature, lang: str) -> str:
    """The tooltip's second line for a place known only by address or area."""
    radius = f"{feature.precision_m / 1000:g} km" if feature.precision_m >= 1000 else f"{feature.precision_m} m"
    return f"approximate location (±{radius})" if lang == "en" else f"位置约略（±{radius}）"


def attribution_html(attributions: Sequence[str]) -> str:
    """Every data source's credit line, escaped, folded into one expandable attribution entry."""
    if not attributions:
        return ""
    items = "".join(f"<li>{html.escape(text)}</li>" for text in attributions)
    return f'<details class="qz-sources"><summary>数据来源 Data sources ({len(attributions)})</summary><ul>{items}</ul></details>'
