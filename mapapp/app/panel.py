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
from mapapp.map.markup import feature_name
from mapapp.map.wording import (
    NOTICE_REASONS,
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


def metres_text(value: int) -> str:
    return f"{value / 1000:g} km" if value >= 1000 else f"{value} m"


def description_in(feature: Feature, lang: str) -> str:
    """The reader's description in `lang` (description_zh / description_en), else the other, else the old one."""
    props = feature.properties
    preferred, other = ("description_zh", "description_en") if lang == "zh" else ("description_en", "description_zh")
    for value in (props.get(preferred), props.get(other), feature.description):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


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


def notice_markdown(notice: UrlNotice, lang: str) -> str:
    """The warning for a link parameter that was not used, its value shown literally."""
    expected = f" ({escape_markdown(notice.expected)})" if notice.expected else ""
    return t(
        lang,
        "url_notice",
        param=escape_markdown(notice.param),
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
