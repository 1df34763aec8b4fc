"""The side panel's HTML: the feature card, its sources, excerpts grouped by article, the reader.

Pure functions, no Streamlit. Everything that came from the data (names, descriptions, sources,
article text and metadata) is escaped here; ui.py shows the result with st.html. Text that ui.py
hands to Streamlit's markdown-rendering widgets (headers, buttons, labels) goes through
`escape_markdown` instead.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

from mapapp.app.selection import SearchHit
from mapapp.app.urlstate import UrlNotice
from mapapp.map.markup import feature_name, html_from_excerpt
from mapapp.map.wording import (
    BASIS_TITLES,
    CATEGORY_TITLES,
    NOTICE_REASONS,
    STATUS_TITLES,
    TEXT,
    t,
    title_in,
)
from mapapp.models import Article, Excerpt, Feature, Mention

PANEL_CSS = """
<style>
.qz-excerpt { margin: .3rem 0 .6rem 0; padding: .2rem .6rem; border-left: 3px solid #d0d0d0; }
.qz-excerpt mark, .qz-article mark { background: #ffe066; padding: 0 1px; }
.qz-article { white-space: pre-wrap; line-height: 1.7; font-size: .95rem; max-height: 32rem; overflow-y: auto; }
.qz-article a.qz-mention { color: inherit; text-decoration: none; }
.qz-article a.qz-mention mark { background: #e8eefc; border-bottom: 1px solid #5b7bd5; }
.qz-article a.qz-mention mark.qz-selected { background: #ffe066; border-bottom: 2px solid #c49a00; }
.qz-badge { font-size: .75rem; color: #555; border: 1px solid #bbb; border-radius: 3px; padding: 0 .3rem; margin-right: .3rem; }
.qz-meta { color: #666; font-size: .85rem; }
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


def html_from_feature_card(feature: Feature, lang: str) -> str:
    """Category, status, precision and location basis, and the description."""
    rows = [
        (
            t(lang, "category"),
            title_in(CATEGORY_TITLES.get(feature.category, (feature.category, feature.category)), lang),
        ),
        (t(lang, "status"), title_in(STATUS_TITLES.get(feature.status, (feature.status, feature.status)), lang)),
        (
            t(lang, "precision"),
            f"±{metres_text(feature.precision_m)} · "
            + title_in(
                BASIS_TITLES.get(feature.location_basis, (feature.location_basis, feature.location_basis)), lang
            ),
        ),
    ]
    card = "<br>".join(f"<span class='qz-meta'>{html.escape(k)}</span>　{html.escape(v)}" for k, v in rows)
    description = description_in(feature, lang)
    if description:
        card += f"<p>{html.escape(description)}</p>"
    return f"<div class='qz-card'>{card}</div>"


def description_in(feature: Feature, lang: str) -> str:
    """The reader's description in `lang` (description_zh / description_en), else the other, else the old one."""
    props = feature.properties
    preferred, other = ("description_zh", "description_en") if lang == "zh" else ("description_en", "description_zh")
    for value in (props.get(preferred), props.get(other), feature.description):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def html_from_sources(feature: Feature, lang: str) -> str:
    """The feature's sources as a collapsed list; a web reference becomes a link, nothing else does."""
    if not feature.sources:
        return ""
    items = []
    for source in feature.sources:
        title = html.escape(source.title or source.ref)
        if source.ref.startswith(("https://", "http://")):
            title = (
                f'<a href="{html.escape(source.ref, quote=True)}" target="_blank" rel="noopener noreferrer">{title}</a>'
            )
        elif source.ref:
            title += f" <code>{html.escape(source.ref)}</code>"
        quote = f"<br><span class='qz-meta'>“{html.escape(source.quote)}”</span>" if source.quote else ""
        items.append(f"<li>{title}{quote}</li>")
    note = feature.properties.get("position_note")
    how = f"<p class='qz-meta qz-position-note'>{html.escape(note)}</p>" if isinstance(note, str) and note else ""
    return f"<details><summary>{html.escape(t(lang, 'sources'))} ({len(items)})</summary>{how}<ul>{''.join(items)}</ul></details>"


def html_from_excerpt_block(excerpt: Excerpt, lang: str) -> str:
    """One excerpt, as printed in its article's language (marked with `lang`, so an English sentence in
    the Chinese interface is read and hyphenated as English)."""
    badges = ""
    if excerpt.kind in ("caption", "heading"):
        badges += f"<span class='qz-badge'>{html.escape(t(lang, excerpt.kind))}</span>"
    if excerpt.count > 1:
        badges += f"<span class='qz-badge'>×{excerpt.count}</span>"
    text_lang = html.escape(excerpt.lang, quote=True)
    return f"<div class='qz-excerpt' lang='{text_lang}'>{badges}{html_from_excerpt(excerpt)}</div>"


def html_from_article_excerpts(
    excerpts: Sequence[Excerpt], lang: str, *, outlet: str = "", source_urls: Sequence[str] = ()
) -> str:
    """One article's excerpts under its headline, outlet, date, how often the place occurs in it and
    a link to its source (and to the pages that reprint it); an article written in another language
    than the interface's says which ("英文" for an English article in the Chinese interface,
    "Chinese" for a Chinese one in the English interface)."""
    first = excerpts[0]
    language = ""
    if first.lang != lang:
        label = t(lang, f"lang_{first.lang}") if f"lang_{first.lang}" in TEXT[lang] else first.lang
        language = f"<span class='qz-lang'>{html.escape(label)}</span> · "
    said_by = f"{html.escape(outlet)} · " if outlet else ""
    return (
        f"<div class='qz-headline' lang='{html.escape(first.lang, quote=True)}'><b>{html.escape(first.headline)}</b>"
        f"<br><span class='qz-meta'>{said_by}{html.escape(first.date)} · {language}"
        f"{html.escape(t(lang, 'times', n=sum(e.count for e in excerpts)))}</span>"
        f"{html_from_source_links(source_urls, lang)}</div>"
        + "".join(html_from_excerpt_block(e, lang) for e in excerpts)
    )


def html_from_source_links(source_urls: Sequence[str], lang: str) -> str:
    """A link to the page an article was taken from, then to each page that reprints it, each
    labelled with its site's host; only http(s) addresses become links."""
    links = []
    for n, url in enumerate(u for u in source_urls if u.startswith(("https://", "http://"))):
        host = urlsplit(url).hostname or url
        label = t(lang, "article_source" if n == 0 else "article_reprint")
        links.append(
            f"{html.escape(label)} <a class='qz-source-link' href=\"{html.escape(url, quote=True)}\" target='_blank'"
            f" rel='noopener noreferrer nofollow'>{html.escape(host)} ↗</a>"
        )
    return f"<br><span class='qz-meta qz-sources'>{' · '.join(links)}</span>" if links else ""


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
