"""Text and HTML the Streamlit page shows itself: an article's whole text (the dialog the place panel
opens), notices, search result labels, and the small helpers the place data shares.

Pure functions, no Streamlit. Everything that came from the data (names, article text) is escaped
here; ui.py shows the HTML with st.html. Text that ui.py hands to Streamlit's markdown-rendering
widgets (headers, buttons, labels) goes through `escape_markdown` instead. The place panel itself is
rendered in the browser from plain data (mapapp.app.placedata).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence

from mapapp.app.selection import SearchHit
from mapapp.app.urlstate import UrlNotice
from mapapp.map.markup import feature_name, lang_of
from mapapp.map.wording import (
    NOTICE_REASONS,
    distance_text,
    t,
)
from mapapp.models import Article, Feature, Mention

PANEL_CSS = """
<style>
.qz-article mark { background: #ffe066; padding: 0 1px; }
.qz-article { white-space: pre-wrap; line-height: 1.7; font-size: .95rem; max-height: 32rem; overflow-y: auto; }
.qz-article a.qz-mention { color: inherit; text-decoration: none; }
.qz-article a.qz-mention mark { background: #e8eefc; border-bottom: 1px solid #5b7bd5; }
.qz-article a.qz-mention mark.qz-selected { background: #ffe066; border-bottom: 2px solid #c49a00; }
</style>
"""

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_markdown(text: str) -> str:
    """Text shown literally by st.markdown / st.warning: every markdown and HTML character escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def markdown_list(lines: Iterable[str]) -> str:
    """A markdown bullet list whose items are shown literally."""
    return "\n".join(f"- {escape_markdown(line)}" for line in lines)


def metres_text(value: int, lang: str = "en") -> str:
    """A precision in the reader's language: "2.5 km" / "2.5 公里"."""
    return distance_text(value, lang)


def description_in(feature: Feature, lang: str) -> str:
    """The reader's description in `lang` (description_zh / description_en), else the other, else the old one."""
    return description_and_language(feature, lang)[0]


def description_and_language(feature: Feature, lang: str) -> tuple[str, str]:
    """description_in and the language it is written in ("" and `lang` if there is none)."""
    props = feature.properties
    mine, other = ("zh", "en") if lang == "zh" else ("en", "zh")
    for value, written_in in (
        (props.get(f"description_{mine}"), mine),
        (props.get(f"description_{other}"), other),
        (feature.description, None),
    ):
        if isinstance(value, str) and value.strip():
            return value.strip(), written_in or lang_of(value)
    return "", lang


def position_note_in(feature: Feature, lang: str) -> str:
    """How the position was found, in `lang` (position_note_zh / position_note_en), else the note in
    whatever language it was written (position_note, as a curator's placement writes it)."""
    return position_note_and_language(feature, lang)[0]


def position_note_and_language(feature: Feature, lang: str) -> tuple[str, str]:
    """position_note_in and the language it is written in."""
    props = feature.properties
    mine = "en" if lang == "en" else "zh"
    translated = props.get(f"position_note_{mine}")
    if isinstance(translated, str) and translated.strip():
        return translated.strip(), mine
    note = props.get("position_note")
    if isinstance(note, str) and note.strip():
        return note.strip(), lang_of(note)
    return "", lang


def html_from_problems(problems: Iterable[object], lang: str) -> str:
    """The data checks' lines (file, feature, field, found, expected), as the validator writes them:
    in English, for curators, so marked as such and introduced in the reader's language."""
    items = "".join(f"<li>{html.escape(str(problem))}</li>" for problem in problems)
    return f"<div class='qz-problems'><p>{html.escape(t(lang, 'problems_lines'))}</p><ul lang='en'>{items}</ul></div>"


def html_from_article(
    article: Article,
    mentions: Sequence[Mention],
    *,
    selected_feature_id: str,
    link_for: Callable[[str], str],
) -> str:
    """The whole article, escaped, each mention a link that selects its place."""
    out: list[str] = []
    position = 0
    for mention in sorted(mentions, key=lambda m: m.start):
        if mention.start < position:
            continue
        out.append(html.escape(article.text[position : mention.start]))
        css = ' class="qz-selected"' if mention.feature_id == selected_feature_id else ""
        out.append(
            f'<a class="qz-mention" href="{html.escape(link_for(mention.feature_id), quote=True)}" target="_self">'
            f"<mark{css}>{html.escape(article.text[mention.start : mention.end])}</mark></a>"
        )
        position = mention.end
    out.append(html.escape(article.text[position:]))
    return f'<div class="qz-article" lang="{html.escape(article.lang, quote=True)}">{"".join(out).strip()}</div>'


def snippet(text: str, query: str, width: int = 28) -> str:
    """About `width` characters of `text` around the first place `query` occurs (plain text)."""
    position = text.find(query.strip())
    start = max(0, position - width // 2) if position >= 0 else 0
    return ("…" if start else "") + text[start : start + width] + ("…" if start + width < len(text) else "")


def markdown_code(text: str) -> str:
    """`text` as inline code (a URL parameter, its allowed values: the same in either language),
    or escaped plain text if it holds a backtick."""
    return f"`{text}`" if text and "`" not in text else escape_markdown(text)


def notice_markdown(notice: UrlNotice, lang: str) -> str:
    """The warning for a link parameter that was not used, its value shown literally."""
    expected = f" ({markdown_code(notice.expected)})" if notice.expected else ""
    return t(
        lang,
        "url_notice",
        param=markdown_code(notice.param),
        value=escape_markdown(notice.value) or "—",
        reason=NOTICE_REASONS[lang][notice.reason] + expected,
    )


def search_result_label(hit: SearchHit, feature: Feature, query: str, lang: str) -> str:
    """A search result button's label (markdown, escaped): the name, and what matched if not it."""
    label = feature_name(feature, lang)
    if hit.kind == "alias":
        label += f" ({hit.matched})"
    elif hit.kind == "excerpt":
        label += " — " + snippet(hit.matched, query)
    return escape_markdown(label)
