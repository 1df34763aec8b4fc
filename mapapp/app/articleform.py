"""The curator's "add an article" (a Streamlit module, called from curatorui.py's desk): paste a URL
or upload a saved page, see the text, headline, date, outlet and the places it names that would be
stored, then save or cancel. Saving goes through mapapp.intake (the same code as `python -m mapapp
ingest`): validated, journalled, written atomically under the curators' lock. Text is shown escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from mapapp.app.panel import escape_markdown
from mapapp.curation.store import DataStore
from mapapp.errors import SourceRefused
from mapapp.intake.articlestore import TakenPage
from mapapp.intake.catalog import SignatureCache
from mapapp.intake.ingest import Intake, places_named
from mapapp.intake.webfetch import MAX_BYTES, PAGE_SUFFIXES, Download, is_url
from mapapp.map.markup import feature_name
from mapapp.pipeline.index import MapIndex

PREVIEW_KEY = "qza_preview"  # the TakenPage a curator is looking at
FLASH_KEY = "qza_flash"  # (message, [feature ids]) after a save
MAX_PLACES_SHOWN = 24


def _w(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


@st.cache_resource(show_spinner=False, max_entries=4)
def _signature_cache(seeds_dir: str) -> SignatureCache:
    """Signatures of the seed files, kept between reruns (recomputed only for changed files)."""
    return SignatureCache()


def render_add_article(
    index: MapIndex,
    store: DataStore,
    who: str,
    *,
    lang: str,
    on_data_changed: Callable[[], None],
    select: Callable[..., None],
) -> None:
    """The form, the preview of what would be stored, and what the last save did."""
    intake = Intake(store, who, cache=_signature_cache(str(store.seeds_dir)))
    flash = st.session_state.get(FLASH_KEY)
    if flash:
        message, feature_ids = flash
        st.success(escape_markdown(message))
        _place_buttons(index, feature_ids, lang=lang, select=select, key="qza_saved")
    taken: TakenPage | None = st.session_state.get(PREVIEW_KEY)
    if taken is None:
        _render_form(intake, lang=lang)
        return
    _render_preview(index, intake, taken, lang=lang, on_data_changed=on_data_changed, select=select)


def _render_form(intake: Intake, *, lang: str) -> None:
    with st.form("qza_form", clear_on_submit=False):
        url = st.text_input(_w(lang, "文章网址", "Article URL"), key="qza_url", placeholder="https://…")
        upload = st.file_uploader(
            _w(lang, "或上传保存的网页（.html）", "or upload a saved page (.html)"),
            type=[suffix.lstrip(".") for suffix in PAGE_SUFFIXES],
            key="qza_upload",
        )
        submitted = st.form_submit_button(_w(lang, "预览", "Preview"))
    if not submitted:
        return
    try:
        if upload is not None:
            body = upload.getvalue()
            if len(body) > MAX_BYTES:
                raise SourceRefused(f"{upload.name}: {len(body):,} bytes; the limit is {MAX_BYTES:,} (too large)")
            download = Download(Path(upload.name).name, None, body, "")
        elif is_url(url.strip()):
            download = intake.fetch(url.strip())
        else:
            raise SourceRefused(
                _w(
                    lang,
                    "请填写以 http:// 或 https:// 开头的网址，或上传网页文件。",
                    "Give an http(s) URL or upload a saved page.",
                )
            )
        taken = intake.read_page(download)
    except SourceRefused as error:
        st.error(escape_markdown(_w(lang, "未能读取：", "Not taken: ") + str(error)))
        return
    st.session_state[PREVIEW_KEY] = taken
    st.session_state.pop(FLASH_KEY, None)
    st.rerun()


def _render_preview(
    index: MapIndex,
    intake: Intake,
    taken: TakenPage,
    *,
    lang: str,
    on_data_changed: Callable[[], None],
    select: Callable[..., None],
) -> None:
    page = taken.page
    rows = [
        (_w(lang, "标题", "Headline"), page.headline),
        (_w(lang, "日期", "Date"), f"{page.date or '—'}  ({page.date_basis})"),
        (_w(lang, "媒体", "Outlet"), page.outlet or "—"),
        (_w(lang, "网址", "URL"), " · ".join(taken.sources)),
        (_w(lang, "编码", "Encoding"), page.encoding),
    ]
    st.html(
        "<div class='qz-card qza-preview'>"
        + "<br>".join(f"<span class='qz-meta'>{html.escape(k)}</span>　{html.escape(v)}" for k, v in rows)
        + "</div>"
    )
    try:
        status, article_id = intake.would_do(taken)
    except SourceRefused as error:
        st.error(escape_markdown(str(error)))
        status, article_id = "refused", None
    notes = {
        "added": _w(lang, "将作为新文章保存。", "Will be saved as a new article."),
        "reprint": _w(
            lang,
            f"这是已有文章 {article_id} 的转载：保存时只把网址加为它的来源。",
            f"A reprint of {article_id}: saving adds its URL as another source of that article.",
        ),
        "unchanged": _w(
            lang, f"已经收录（{article_id}），无需保存。", f"Already taken in ({article_id}); nothing to save."
        ),
    }
    if status in notes:
        st.info(escape_markdown(notes[status]))
    places = places_named(page.text, index.gazetteer)
    st.markdown(_w(lang, f"**文中提到的地方**（{len(places)}）", f"**Places it names** ({len(places)})"))
    if places:
        names = [
            f"{feature_name(index.features[fid], lang)} ×{n}"
            for fid, n in places[:MAX_PLACES_SHOWN]
            if fid in index.features
        ]
        st.caption(escape_markdown("、".join(names) if lang == "zh" else ", ".join(names)))
    with st.expander(_w(lang, "将保存的正文", "The text that would be stored"), expanded=False):
        st.html(f"<div class='qz-article qza-text'>{html.escape(page.text)}</div>")
    save, cancel = st.columns(2)
    if save.button(
        _w(lang, "保存", "Save"), key="qza_save", type="primary", disabled=status not in ("added", "reprint")
    ):
        outcome = intake.save(taken)
        st.session_state.pop(PREVIEW_KEY, None)
        if outcome.status == "refused":
            st.session_state[FLASH_KEY] = (_w(lang, "未保存：", "Not saved: ") + (outcome.reason or ""), [])
        else:
            on_data_changed()
            said = {
                "added": _w(lang, "已保存为", "Saved as"),
                "reprint": _w(lang, "已加为来源：", "Added as a source of"),
            }
            message = f"{said.get(outcome.status, outcome.status)} {outcome.article}"
            st.session_state[FLASH_KEY] = (message, [fid for fid, _ in places[:MAX_PLACES_SHOWN]])
        st.rerun()
    if cancel.button(_w(lang, "取消", "Cancel"), key="qza_cancel"):
        st.session_state.pop(PREVIEW_KEY, None)
        st.rerun()


def _place_buttons(
    index: MapIndex, feature_ids: list[str], *, lang: str, select: Callable[..., None], key: str
) -> None:
    """A button per place the saved article names: it selects the place (its excerpts in the panel)."""
    shown = [fid for fid in feature_ids if fid in index.features]
    if not shown:
        return
    columns = st.columns(3)
    for n, feature_id in enumerate(shown):
        columns[n % 3].button(
            escape_markdown(feature_name(index.features[feature_id], lang)),
            key=f"{key}_{feature_id}",
            on_click=select,
            args=(feature_id,),
            kwargs={"zoom": True},
            use_container_width=True,
        )
