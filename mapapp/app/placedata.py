"""What a place's panel shows, as plain data: one record per place and reader language, which the
browser's panel renders (mapapp/map/js/readerpanel.js) and mapapp.app.placefiles writes as static
files named by the data version.

Pure functions, no Streamlit. Nothing here is HTML: names, descriptions, sources and article text
stay text, and the browser puts them on the page with textContent. Highlight offsets are given in
UTF-16 code units, the unit of JavaScript strings (a character outside the BMP counts twice).
Every word of the interface comes from mapapp.map.wording (and the timeline's vocabulary from
mapapp.app.timelinepanel), resolved here in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from mapapp.app.panel import description_and_language, metres_text, position_note_and_language
from mapapp.app.textspans import utf16_spans
from mapapp.app.timelinepanel import timeline_record
from mapapp.map.markup import feature_name, lang_of
from mapapp.map.wording import BASIS_TITLES, CATEGORY_TITLES, STATUS_TITLES, TEXT, excerpt_count, t, title_in
from mapapp.models import Excerpt, Feature
from mapapp.pipeline.events import Event
from mapapp.pipeline.figures import Figure

RECORD_VERSION = 1  # the shape of a record; the browser's renderer reads this version
PAGE_ARTICLES = 12  # articles per page of excerpts: the panel shows the first page at once
MAX_PAGES = 20  # beyond 240 articles the panel says how to find the rest (search)
MAX_RELATED = 12


@dataclass(frozen=True)
class ArticleInfo:
    """What a group of excerpts says about its article (not its text)."""

    headline: str
    date: str
    lang: str = "zh"
    outlet: str = ""
    source_urls: tuple[str, ...] = ()


def web_url(ref: str) -> str | None:
    """`ref` if it is an http(s) address (the only kind the panel makes a link of), else None."""
    return ref if ref.startswith(("https://", "http://")) else None


def site_from_url(url: str) -> str:
    """The site a page is on, as a reader knows it: its host without a leading "www."."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def feature_facts(feature: Feature, lang: str) -> list[list[str]]:
    """[label, value] rows: category, status, precision and how the position is known."""

    def titled(table: Mapping[str, tuple[str, str]], key: str) -> str:
        return title_in(table.get(key, (key, key)), lang)

    return [
        [t(lang, "category"), titled(CATEGORY_TITLES, feature.category)],
        [t(lang, "status"), titled(STATUS_TITLES, feature.status)],
        [
            t(lang, "precision"),
            f"±{metres_text(feature.precision_m, lang)} · {titled(BASIS_TITLES, feature.location_basis)}",
        ],
    ]


def sources_record(feature: Feature) -> list[dict[str, Any]]:
    """Titles and quotes as the sources give them, each with the language it is written in."""
    return [
        {
            "title": source.title or source.ref,
            "title_lang": lang_of(source.title or source.ref),
            "url": web_url(source.ref),
            "ref": source.ref,
            "quote": source.quote,
            "quote_lang": lang_of(source.quote),
        }
        for source in feature.sources
    ]


def excerpt_groups(excerpts: Sequence[Excerpt], lang: str, articles: Mapping[str, ArticleInfo]) -> list[dict[str, Any]]:
    """Excerpts grouped by article (in the order given), each group with its article's headline,
    date, outlet, source link and how often the place occurs in it."""
    grouped: dict[str, list[Excerpt]] = {}
    for excerpt in excerpts:
        grouped.setdefault(excerpt.article_id, []).append(excerpt)
    groups = []
    for article_id, group in grouped.items():
        first = group[0]
        info = articles.get(article_id, ArticleInfo(first.headline, first.date))
        text_lang = getattr(first, "lang", "") or info.lang
        urls = [url for url in dict.fromkeys(map(web_url, info.source_urls)) if url]
        groups.append(
            {
                "article": article_id,
                "headline": first.headline,
                "date": first.date,
                "outlet": info.outlet,
                "lang": text_lang,
                # an article in another language than the interface's says which ("英文", "Chinese")
                "language": language_label(text_lang, lang) if text_lang != lang else "",
                "url": urls[0] if urls else None,
                # the same story on other sites (reprints): each page once, named by its site
                "also": [{"site": site_from_url(url), "url": url} for url in urls[1:]],
                "times": t(lang, "times", n=sum(e.count for e in group)),
                "excerpts": [_excerpt_item(e, lang) for e in group],
            }
        )
    return groups


def language_label(text_lang: str, lang: str) -> str:
    """What the interface in `lang` calls an article written in `text_lang` (the code if it has no word)."""
    key = f"lang_{text_lang}"
    return t(lang, key) if key in TEXT[lang] else text_lang


def _excerpt_item(excerpt: Excerpt, lang: str) -> dict[str, Any]:
    badges = []
    if excerpt.kind in ("caption", "heading"):
        badges.append(t(lang, excerpt.kind))
    if excerpt.count > 1:
        badges.append(f"×{excerpt.count}")
    return {
        "text": excerpt.text,
        "marks": utf16_spans(excerpt.text, excerpt.highlights),
        "badges": badges,
        "lang": getattr(excerpt, "lang", ""),
    }


def page_name(feature_id: str, page: int) -> str:
    """The file of page `page` (1 = the place's own record) of a place's excerpts."""
    return f"{feature_id}.json" if page == 1 else f"{feature_id}.{page}.json"


def pages_for(n_articles: int) -> int:
    """How many pages of excerpts a place named in `n_articles` articles gets (at least one)."""
    return max(1, min(MAX_PAGES, -(-n_articles // PAGE_ARTICLES)))


def excerpts_record(
    feature_id: str,
    lang: str,
    *,
    page: int,
    excerpts: Sequence[Excerpt],
    total: int,
    n_articles: int,
    articles: Mapping[str, ArticleInfo],
) -> dict[str, Any]:
    """One page of a place's excerpts: its groups, the next page's file (or None) and, on the last
    page of a place named in more articles than the pages hold, how to find the others."""
    last = pages_for(n_articles)
    shown = min(n_articles, MAX_PAGES * PAGE_ARTICLES)
    return {
        "page": page,
        "summary": excerpt_count(lang, total, n_articles) if total else "",
        "total": total,
        "articles": n_articles,
        "groups": excerpt_groups(excerpts, lang, articles),
        "next": page_name(feature_id, page + 1) if page < last else None,
        "more_articles": max(0, n_articles - page * PAGE_ARTICLES) if page < last else 0,
        "note": t(lang, "articles_shown", shown=shown) if page == last and n_articles > shown else None,
    }


def related_record(
    feature_id: str, related: Mapping[str, Sequence[tuple[str, int]]], features: Mapping[str, Feature], lang: str
) -> list[dict[str, Any]]:
    return [
        {
            "id": other_id,
            "name": feature_name(features[other_id], lang),
            "name_lang": lang_of(feature_name(features[other_id], lang)),
            "count": count,
        }
        for other_id, count in related.get(feature_id, ())
        if other_id in features
    ][:MAX_RELATED]


def place_record(
    feature: Feature,
    lang: str,
    *,
    excerpts: dict[str, Any],
    events: Sequence[Event],
    figures: Sequence[Figure],
    total_events: int,
    total_figures: int,
    articles: Mapping[str, ArticleInfo],
    related: list[dict[str, Any]],
    layer_id: str,
) -> dict[str, Any]:
    """Everything the panel shows for `feature` in `lang`; `excerpts` is its first page."""
    other = feature.name_en if lang == "zh" else feature.name_zh
    # the note and the description in the interface's language where the place has them, else as
    # written; the panel marks the names they give in the other script (and a whole untranslated one)
    note, note_lang = position_note_and_language(feature, lang)
    description, description_lang = description_and_language(feature, lang)
    return {
        "v": RECORD_VERSION,
        "id": feature.feature_id,
        "lang": lang,
        "layer": layer_id,
        "name": feature_name(feature, lang),
        "name_lang": lang_of(feature_name(feature, lang)),
        "other_name": other if other and other != feature_name(feature, lang) else "",
        "other_name_lang": lang_of(other or ""),
        "facts": feature_facts(feature, lang),
        "description": description,
        "description_lang": description_lang,
        "position_note": note,
        "position_note_lang": note_lang,
        "sources": sources_record(feature),
        "excerpts": excerpts,
        "timeline": timeline_record(
            events,
            figures,
            {aid: (info.headline, info.date) for aid, info in articles.items()},
            lang,
            total_events=total_events,
            total_figures=total_figures,
        ),
        "related": related,
    }


def panel_words(lang: str) -> dict[str, str]:
    """The panel's own labels in `lang` (the section titles and buttons), from mapapp.map.wording."""
    keys = (
        "pick",
        "excerpts",
        "related",
        "sources",
        "not_mentioned",
        "place_about",
        "place_loading",
        "place_failed",
        "place_copy_link",
        "place_copied",
        "place_close",
        "place_report",
        "place_read",
        "place_source_link",
        "place_also_at",
        "place_panel_label",
    )
    words = {key: t(lang, key) for key in keys}
    words["more_template"] = t(lang, "place_more", n="{n}")
    return words
