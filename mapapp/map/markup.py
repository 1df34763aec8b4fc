"""Escaped HTML fragments made from the data, for the map (popups, tooltips, credits) and the panel.

Article text and every geodata string are data, never markup: everything is escaped here before a
mention is wrapped in <mark>.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from mapapp.map.wording import distance_text, t
from mapapp.models import Excerpt, Feature

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# A run of the other script inside prose: Chinese (with the punctuation inside it) in English text,
# Latin words (with digits and the marks names carry) in Chinese text.
_OTHER_RUN = {
    "en": re.compile(
        r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef·]*"
    ),
    "zh": re.compile(r"[A-Za-z][A-Za-z0-9.'’&/-]*(?:[ -][A-Za-z0-9][A-Za-z0-9.'’&/-]*)*"),
}


def feature_name(feature: Feature, lang: str) -> str:
    if lang == "en" and feature.name_en:
        return feature.name_en
    return feature.name_zh


def lang_of(text: str) -> str:
    """ "zh" for text written mostly in Chinese characters, else "en" (the lang attribute of quoted data)."""
    han = len(_HAN.findall(text))  # a character is about a word; an English word about five letters
    return "zh" if han and 2 * han >= len(_LATIN.findall(text)) else "en"


def html_quoted(text: str, *, tag: str = "span", css: str = "") -> str:
    """Data shown as it is written (a headline, a source title or quote, a credit line): escaped and
    marked with the language it is (mostly) written in."""
    attributes = f' class="{css}"' if css else ""
    return f'<{tag}{attributes} lang="{lang_of(text)}" translate="no">{html.escape(text)}</{tag}>'


def html_name(feature: Feature, lang: str, *, tag: str = "span", css: str = "") -> str:
    """The feature's name in `lang` (its Chinese name when it has no English one), marked with its language."""
    name = feature_name(feature, lang)
    attributes = f' class="{css}"' if css else ""
    return f'<{tag}{attributes} lang="{lang_of(name)}" translate="no">{html.escape(name)}</{tag}>'


def html_marking_quotes(text: str, lang: str, *, written_in: str | None = None) -> str:
    """Prose written in `lang` (a description, a position note), escaped, with the names and quoted
    words it gives in the other script marked as such (`<span lang="zh">樟潭街道</span>`).

    Prose written in the other language (`written_in`, guessed from its script when not given: a
    note nobody has translated yet) is marked whole, as the quoted text it then is."""
    written_in = written_in or lang_of(text)
    if written_in != lang:
        return f'<span lang="{written_in}" translate="no">{html.escape(text)}</span>'
    other = "zh" if lang == "en" else "en"
    out: list[str] = []
    position = 0
    for match in _OTHER_RUN[lang].finditer(text):
        out.append(html.escape(text[position : match.start()]))
        out.append(f'<span lang="{other}" translate="no">{html.escape(match.group())}</span>')
        position = match.end()
    out.append(html.escape(text[position:]))
    return "".join(out)


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


def lead_excerpt(excerpts: Sequence[Excerpt]) -> Excerpt | None:
    """The excerpt a popup leads with: the first sentence of body text that names the place; a
    photo caption or a headline only when the articles name the place nowhere else."""
    named = [e for e in excerpts if e.highlights] or list(excerpts)
    return next((e for e in named if e.kind == "body"), named[0] if named else None)


def popup_html(feature: Feature, excerpts: Sequence[Excerpt], lang: str) -> str:
    """Pre-escaped popup content: the name and the lead excerpt (shown at once on click)."""
    name = feature_name(feature, lang)
    other = feature.name_zh if lang == "en" else feature.name_en
    parts = [f'<div class="qz-popup">{html_name(feature, lang, tag="b")}']
    if other and other != name:
        parts.append(f'<div class="qz-popup-sub" lang="{lang_of(other)}" translate="no">{html.escape(other)}</div>')
    lead = lead_excerpt(excerpts)
    if lead is not None:
        quoted = lang_of(lead.text)
        badge = f'<span class="qz-popup-kind">{html.escape(t(lang, lead.kind))}</span> ' if lead.kind != "body" else ""
        parts.append(
            f'<blockquote class="qz-popup-excerpt">{badge}<span lang="{quoted}" translate="no">'
            f"{html_from_excerpt(lead, max_chars=140)}</span></blockquote>"
        )
        parts.append(f'<div class="qz-popup-source">{html_quoted(lead.headline)} · {html.escape(lead.date)}</div>')
        more = len(excerpts) - 1
        if more > 0:
            parts.append(f'<div class="qz-popup-more">{html.escape(t(lang, "popup_more", n=more))}</div>')
    else:
        parts.append(f'<div class="qz-popup-more">{html.escape(t(lang, "popup_none"))}</div>')
    parts.append("</div>")
    return "".join(parts)


def approximate_note(feature: Feature, lang: str) -> str:
    """The tooltip's second line for a place known only by address or area."""
    return t(lang, "approximate", radius=distance_text(feature.precision_m, lang))


def attribution_html(attributions: Sequence[str], lang: str) -> str:
    """Every data source's credit line, escaped, folded into one expandable attribution entry.

    A credit names its source as the source names itself (a publication, a site, a licence), so each
    line is marked with the language it is written in."""
    if not attributions:
        return ""
    items = "".join(html_quoted(text, tag="li") for text in attributions)
    summary = html.escape(t(lang, "sources_summary", n=len(attributions)))
    return f'<details class="qz-sources"><summary>{summary}</summary><ul>{items}</ul></details>'
