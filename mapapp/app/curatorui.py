"""Curator mode and readers' reports in the Streamlit page (the second module allowed to import streamlit).

Curator mode is reachable only after a sign-in against the configured credential hash; every action
checks it again when it runs, so no URL, query parameter or widget state reaches one. Everything a
reader or curator typed is shown escaped. The logic lives in mapapp.app.curator (pure, tested) and
mapapp.curation (the one write path); this module only lays out widgets.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import folium
import streamlit as st

from mapapp.app.articleform import render_add_article
from mapapp.app.curator import (
    SHAPES,
    Draft,
    click_from_map_value,
    configured_hash,
    draft_with_click,
    geometry_from_draft,
    html_from_changes,
    html_from_report,
    html_from_sentences,
    layers_for_category,
    sentences_of,
    suggested_precision,
    worst_precision,
)
from mapapp.app.panel import escape_markdown
from mapapp.curation.actions import (
    NewPlace,
    add_alias,
    add_place,
    correct_mention,
    dismiss_candidate,
    move_feature,
    set_descriptions,
    undo,
)
from mapapp.curation.credentials import verify_password
from mapapp.curation.journal import Change
from mapapp.curation.placement import CRS_OF_BASEMAP, Placement
from mapapp.curation.ratelimit import RateLimiter
from mapapp.curation.reports import MAX_COMMENT_CHARS, ReportBook, ReportRefused, state_dir_from_env
from mapapp.curation.store import DataStore
from mapapp.datadirs import DataDirs
from mapapp.errors import CurationError
from mapapp.map.draftshape import build_draft_group
from mapapp.models import CATEGORIES, LOCATION_BASES, STATUSES, Excerpt, Feature, Mention, Source
from mapapp.pipeline.candidates import Candidate, find_candidates
from mapapp.pipeline.index import MapIndex

CURATOR_KEY = "qzc_curator"  # (name, the hash signed in against); never a widget key
TASK_KEY = "qzc_task"  # {"mode": "add" | "move", "feature_id": ..., "name_zh": ...}
DRAFT_KEY = "qzc_draft"
CLICK_SEEN_KEY = "qzc_click_seen"
FLASH_KEY = "qzc_flash"
SESSION_KEY = "qz_session_key"
BASEMAP_WIDGET_KEY = "w_basemap"  # ui.py's basemap radio: the datum of a click (GCJ-02 on Gaode)
SIGN_IN_LIMIT = RateLimiter(per_key=5, total=30, window_s=300)  # failed sign-ins, per session and in all
WORK_LIST_LENGTH = 10


def _w(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def session_key() -> str:
    """A random id for this browser session (rate limits, report counting); never shown."""
    if SESSION_KEY not in st.session_state:
        st.session_state[SESSION_KEY] = secrets.token_hex(16)
    return st.session_state[SESSION_KEY]


def _configured() -> str | None:
    secret_values: dict[str, Any] = {}
    if st.secrets.load_if_toml_exists():
        secret_values = st.secrets.to_dict()
    return configured_hash(os.environ, secret_values)


def curator_name() -> str | None:
    """The signed-in curator, only while the credential they signed in with is still the configured one."""
    signed = st.session_state.get(CURATOR_KEY)
    configured = _configured()
    if configured is None or not isinstance(signed, tuple) or len(signed) != 2 or signed[1] != configured:
        return None
    return signed[0]


# --- sign-in (sidebar) ----------------------------------------------------------------------------


def render_sign_in(lang: str) -> None:
    configured = _configured()
    st.divider()
    if configured is None:
        st.caption(
            _w(
                lang,
                "编辑模式未开启。要开启：用 `python -m mapapp curate hash-password` 生成口令散列，设为环境变量 "
                "`QZ_CURATOR_PASSWORD_HASH`（或 secrets 中的 `curator_password_hash`），然后重启（见 README）。",
                "Curator mode is off. To turn it on, make a password hash with `python -m mapapp curate "
                "hash-password`, set it as the environment variable `QZ_CURATOR_PASSWORD_HASH` (or "
                "`curator_password_hash` in the app's secrets) and restart (see the README).",
            )
        )
        return
    name = curator_name()
    if name is not None:
        st.caption(_w(lang, "编辑：", "Curator: ") + escape_markdown(name))
        st.button(_w(lang, "退出编辑模式", "Sign out"), key="qzc_sign_out", on_click=_sign_out)
        return
    with st.expander(_w(lang, "编辑登录", "Curator sign-in")):
        with st.form("qzc_sign_in", clear_on_submit=True):
            typed_name = st.text_input(_w(lang, "姓名", "Your name"), key="qzc_name", max_chars=80)
            password = st.text_input(_w(lang, "口令", "Password"), type="password", key="qzc_password")
            submitted = st.form_submit_button(_w(lang, "登录", "Sign in"))
        if submitted:
            _sign_in(typed_name, password, configured, lang)


def _sign_in(name: str, password: str, configured: str, lang: str) -> None:
    key = session_key()
    if not SIGN_IN_LIMIT.allows(key):
        wait = int(SIGN_IN_LIMIT.retry_after_s(key)) + 1
        st.error(_w(lang, f"尝试次数过多，请 {wait} 秒后再试。", f"Too many attempts; try again in {wait} s."))
        return
    if not name.strip() or not verify_password(password, configured):
        SIGN_IN_LIMIT.record(key)
        st.error(_w(lang, "姓名或口令不对。", "Wrong name or password."))
        return
    st.session_state[CURATOR_KEY] = (" ".join(name.split())[:80], configured)
    st.rerun()


def _sign_out() -> None:
    for key in (CURATOR_KEY, TASK_KEY, DRAFT_KEY):
        st.session_state.pop(key, None)


# --- the map: clicks place the draft ---------------------------------------------------------------


def extra_returned_objects() -> tuple[str, ...]:
    """What st_folium must also report in curator mode: plain clicks on the map."""
    return ("last_clicked",) if curator_name() is not None else ()


def take_map_click(value: Any) -> None:
    """From ui's on_change: a new click on the map moves the draft point (or adds a vertex)."""
    if curator_name() is None or st.session_state.get(TASK_KEY) is None:
        return
    click, seen = click_from_map_value(value, st.session_state.get(CLICK_SEEN_KEY))
    st.session_state[CLICK_SEEN_KEY] = seen
    if click is None:
        return
    draft: Draft = st.session_state.get(DRAFT_KEY) or Draft()
    basemap = str(st.session_state.get(BASEMAP_WIDGET_KEY, ""))
    st.session_state[DRAFT_KEY] = draft_with_click(draft, *click, basemap=basemap)


def draft_groups(basemap: str) -> list[folium.FeatureGroup]:
    draft: Draft | None = st.session_state.get(DRAFT_KEY)
    draft = draft.on(basemap) if draft is not None else None
    if curator_name() is None or draft is None or not draft.vertices:
        return []
    return [build_draft_group(draft.shape, draft.vertices)]


# --- the curator's panel ---------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=4)
def _cached_candidates(_index: MapIndex, index_key: int) -> list[Candidate]:
    return find_candidates(_index)


def render_curator_panel(
    index: MapIndex,
    dirs: DataDirs,
    *,
    lang: str,
    basemap: str,
    on_data_changed: Callable[[], None],
    select: Callable[..., None],
    feature_id: str | None = None,
) -> None:
    name = curator_name()
    if name is None:
        return
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(escape_markdown(flash))
    store = DataStore(dirs.geodata_dir, layers_dir=dirs.layers_dir, seeds_dir=dirs.seeds_dir)
    with st.expander(_w(lang, "编辑工作台", "Curator desk"), expanded=True):
        task = st.session_state.get(TASK_KEY)
        if task is not None:
            _render_placing(
                index, store, task, lang=lang, basemap=basemap, on_data_changed=on_data_changed, select=select
            )
        feature = index.features.get(feature_id) if feature_id else None
        if feature is not None and task is None:
            _render_feature_actions(feature, store, lang=lang, on_data_changed=on_data_changed, select=select)
        work, add, log = st.tabs(
            [_w(lang, "待办", "Work list"), _w(lang, "添加文章", "Add an article"), _w(lang, "记录", "Log")]
        )
        with work:
            _render_work_list(index, store, lang=lang, on_data_changed=on_data_changed, select=select)
        with add:  # articles from the web (mapapp/app/articleform.py)
            render_add_article(index, store, name, lang=lang, on_data_changed=on_data_changed, select=select)
        with log:
            _render_log(store, lang=lang, on_data_changed=on_data_changed)


def _start_task(
    mode: str, *, feature_id: str = "", name_zh: str = "", select: Callable[..., None] | None = None
) -> None:
    if curator_name() is None:
        return
    st.session_state[TASK_KEY] = {"mode": mode, "feature_id": feature_id, "name_zh": name_zh}
    _, st.session_state[CLICK_SEEN_KEY] = click_from_map_value(st.session_state.get("map"), None)  # ui.MAP_KEY
    st.session_state[DRAFT_KEY] = Draft()
    st.session_state["qzc_f_name_zh"] = name_zh
    if select is not None and feature_id:
        select(feature_id, zoom=True)


def _cancel_task() -> None:
    st.session_state.pop(TASK_KEY, None)
    st.session_state.pop(DRAFT_KEY, None)


def _on_shape_change() -> None:
    st.session_state[DRAFT_KEY] = Draft(shape=st.session_state["qzc_shape"])


def _render_placing(
    index: MapIndex,
    store: DataStore,
    task: dict[str, str],
    *,
    lang: str,
    basemap: str,
    on_data_changed: Callable[[], None],
    select: Callable[..., None],
) -> None:
    adding = task["mode"] == "add"
    title = task["name_zh"] if adding else task["feature_id"]
    st.markdown(
        ("**" + _w(lang, "放置新地点：", "Place a new place: ") if adding else "**" + _w(lang, "移动：", "Move: "))
        + escape_markdown(title)
        + "**"
    )
    st.radio(_w(lang, "形状", "Shape"), SHAPES, key="qzc_shape", horizontal=True, on_change=_on_shape_change)
    draft: Draft = (st.session_state.get(DRAFT_KEY) or Draft()).on(basemap)  # clicked on another basemap: again
    crs = CRS_OF_BASEMAP.get(basemap, "wgs84")
    geometry = geometry_from_draft(draft)
    if geometry is None:
        st.info(
            _w(
                lang,
                "在地图上点击放置（线、面：依次点击各个顶点）。",
                "Click the map to place it (line, polygon: click each vertex in turn).",
            )
        )
    else:
        shown = ", ".join(f"[{lon:.6f}, {lat:.6f}]" for lon, lat in draft.vertices[-3:])
        st.caption(
            f"{escape_markdown(shown)} · {crs.upper()} · zoom {draft.zoom}"
            + _w(lang, "（高德底图为 GCJ-02，保存时转为 WGS-84）", " (Gaode is GCJ-02; stored as WGS-84)")
            * (crs == "gcj02")
        )
    suggested = suggested_precision(draft) or 1000
    place_fields: dict[str, Any] = {}
    if adding:  # outside the form: the layers offered follow the category
        place_fields["category"] = st.selectbox("category", CATEGORIES, key="qzc_f_category")
        layer_ids = layers_for_category(index.layers, place_fields["category"]) or [
            layer.layer_id for layer in index.layers
        ]
        place_fields["layer"] = st.selectbox("layer", layer_ids, key="qzc_f_layer")
    with st.form("qzc_place_form"):
        if adding:
            place_fields["name_zh"] = st.text_input("name_zh", key="qzc_f_name_zh", max_chars=80)
            place_fields["name_en"] = st.text_input("name_en", key="qzc_f_name_en", max_chars=80)
            place_fields["aliases"] = st.text_input(
                _w(lang, "别名（逗号分隔）", "Aliases (comma-separated)"), key="qzc_f_aliases"
            )
            place_fields["parent"] = st.text_input("parent (id)", key="qzc_f_parent", max_chars=100)
            place_fields["status"] = st.selectbox("status", STATUSES, key="qzc_f_status")
        precision = st.number_input(
            _w(lang, "精度（米，按缩放级别建议）", "Precision in metres (suggested from the zoom)"),
            min_value=1,
            max_value=500_000,
            value=int(suggested),
            step=10,
            key=f"qzc_f_precision_{suggested}",
        )
        basis = st.selectbox("location_basis", ("auto", *LOCATION_BASES), key="qzc_f_basis")
        st.caption(_w(lang, "来源（必填）", "Source (required)"))
        source_title = st.text_input(_w(lang, "来源标题", "Source title"), key="qzc_f_source_title", max_chars=200)
        source_ref = st.text_input(_w(lang, "网址或出处", "URL or reference"), key="qzc_f_source_ref", max_chars=500)
        source_quote = st.text_area(_w(lang, "引文", "Quote"), key="qzc_f_source_quote", max_chars=1000)
        saved = st.form_submit_button(_w(lang, "保存", "Save"), type="primary")
    st.button(_w(lang, "取消", "Cancel"), key="qzc_cancel", on_click=_cancel_task)
    if not saved:
        return
    who = curator_name()
    if who is None:  # signed out (or the credential changed) since the form was drawn
        return
    if geometry is None:
        st.error(_w(lang, "请先在地图上点击放置。", "Click the map first."))
        return
    placement = Placement(
        geometry,
        crs,
        int(precision),
        location_basis=None if basis == "auto" else basis,
        basemap=basemap,
        zoom=draft.zoom,
    )
    source = Source(source_title, source_ref, source_quote)
    try:
        if adding:
            aliases = tuple(a.strip() for a in place_fields["aliases"].replace("，", ",").split(",") if a.strip())
            change = add_place(
                store,
                who,
                NewPlace(
                    name_zh=place_fields["name_zh"],
                    name_en=place_fields["name_en"],
                    category=place_fields["category"],
                    layer=place_fields["layer"],
                    aliases=aliases,
                    parent=place_fields["parent"].strip() or None,
                    status=place_fields["status"],
                ),
                placement,
                source,
            )
        else:
            change = move_feature(store, who, task["feature_id"], placement, source)
    except CurationError as error:
        st.error(escape_markdown(str(error)))
        return
    _cancel_task()
    on_data_changed()
    select(change.subject, zoom=False)
    st.session_state[FLASH_KEY] = f"{change.action} {change.subject} · {change.change_id}"
    st.rerun()


def _render_work_list(
    index: MapIndex,
    store: DataStore,
    *,
    lang: str,
    on_data_changed: Callable[[], None],
    select: Callable[..., None],
) -> None:
    reports = report_book().open_reports()
    st.markdown("**" + _w(lang, f"读者报告（{len(reports)}）", f"Reader reports ({len(reports)})") + "**")
    for report in reports[:WORK_LIST_LENGTH]:
        st.html(html_from_report(report, index.features, index))
        columns = st.columns(3)
        if report.feature_id in index.features:
            columns[0].button(
                _w(lang, "打开", "Open"),
                key=f"qzc_r_open_{report.report_id}",
                on_click=select,
                args=(report.feature_id,),
                kwargs={"zoom": True},
            )
            if report.kind == "position":
                columns[1].button(
                    _w(lang, "移动", "Move"),
                    key=f"qzc_r_move_{report.report_id}",
                    on_click=_start_task,
                    args=("move",),
                    kwargs={"feature_id": report.feature_id, "select": select},
                )
            else:
                columns[1].button(
                    _w(lang, "不是这个地方", "Not this place"),
                    key=f"qzc_r_fix_{report.report_id}",
                    on_click=_correct_reported,
                    args=(
                        index,
                        store,
                        report.article_id,
                        report.start,
                        report.end,
                        report.feature_id,
                        on_data_changed,
                    ),
                )
        columns[2].button(
            _w(lang, "已处理", "Resolved"),
            key=f"qzc_r_done_{report.report_id}",
            on_click=_resolve,
            args=(report.report_id,),
        )
    st.markdown("**" + _w(lang, "候选地名", "Candidates") + "**")
    for position, candidate in enumerate(_cached_candidates(index, id(index))[:WORK_LIST_LENGTH]):
        parent = f" · {_w(lang, '上级', 'in')} {candidate.parent}" if candidate.parent else ""
        st.markdown(escape_markdown(f"{candidate.surface} · ×{candidate.count} · {candidate.kind}{parent}"))
        st.html(html_from_sentences(sentences_of(index, candidate)))
        buttons = st.columns(2)
        buttons[0].button(
            _w(lang, "放置", "Place"),
            key=f"qzc_c_place_{position}",
            on_click=_start_task,
            args=("add",),
            kwargs={"name_zh": candidate.surface},
        )
        buttons[1].button(
            _w(lang, "不是地名", "Not a place"),
            key=f"qzc_c_dismiss_{position}",
            on_click=_run_action,
            args=(lambda who, s=candidate.surface: dismiss_candidate(store, who, s), on_data_changed),
        )
    st.markdown("**" + _w(lang, "位置最不确定", "Least certain positions") + "**")
    for feature in worst_precision(index.features.values(), WORK_LIST_LENGTH):
        st.button(
            f"{escape_markdown(feature.name_zh)} · ±{feature.precision_m / 1000:g} km",
            key=f"qzc_w_move_{feature.feature_id}",
            on_click=_start_task,
            args=("move",),
            kwargs={"feature_id": feature.feature_id, "select": select},
        )


def _render_feature_actions(
    feature: Feature,
    store: DataStore,
    *,
    lang: str,
    on_data_changed: Callable[[], None],
    select: Callable[..., None],
) -> None:
    """The selected feature: move it, add an alias, edit its descriptions in both languages."""
    st.markdown("**" + escape_markdown(f"{feature.name_zh} ({feature.feature_id})") + "**")
    st.button(
        _w(lang, "移动或重画", "Move or redraw"),
        key="qzc_move_selected",
        on_click=_start_task,
        args=("move",),
        kwargs={"feature_id": feature.feature_id},
    )
    with st.form(f"qzc_alias_{feature.feature_id}", clear_on_submit=True):
        alias = st.text_input(_w(lang, "新别名", "New alias"), max_chars=80, key=f"qzc_alias_text_{feature.feature_id}")
        if st.form_submit_button(_w(lang, "添加别名", "Add alias")) and alias.strip():
            _run_action(lambda who: add_alias(store, who, feature.feature_id, alias), on_data_changed)
            st.rerun()
    with st.form(f"qzc_describe_{feature.feature_id}"):
        props = feature.properties
        zh = st.text_area("description_zh", value=str(props.get("description_zh", "")), max_chars=1000)
        en = st.text_area("description_en", value=str(props.get("description_en", "")), max_chars=1000)
        if st.form_submit_button(_w(lang, "保存简介", "Save descriptions")):
            _run_action(lambda who: set_descriptions(store, who, feature.feature_id, zh, en), on_data_changed)
            st.rerun()


def _run_action(action: Callable[[str], Any], on_data_changed: Callable[[], None]) -> None:
    who = curator_name()
    if who is None:
        return
    try:
        change = action(who)
    except CurationError as error:
        st.session_state[FLASH_KEY] = str(error)
        return
    on_data_changed()
    st.session_state[FLASH_KEY] = f"{change.action} {change.subject} · {change.change_id}"


def _correct_reported(
    index: MapIndex,
    store: DataStore,
    article_id: str | None,
    start: int | None,
    end: int | None,
    feature_id: str,
    on_data_changed: Callable[[], None],
) -> None:
    """The reported passage is not about this place: each mention of it in that sentence becomes no mention."""
    mentions = [
        m
        for m in index.mentions
        if m.article_id == article_id
        and m.feature_id == feature_id
        and start is not None
        and end is not None
        and start <= m.start < end
    ]
    for mention in mentions:

        def not_a_place(who: str, m: Mention = mention) -> Change:
            return correct_mention(
                store, who, article_id=m.article_id, start=m.start, end=m.end, surface=m.surface, feature_id=""
            )

        _run_action(not_a_place, on_data_changed)


def _resolve(report_id: int) -> None:
    who = curator_name()
    if who is not None:
        report_book().resolve(report_id, by=who)


def _render_log(store: DataStore, *, lang: str, on_data_changed: Callable[[], None]) -> None:
    changes = store.changes()
    if not changes:
        st.caption(_w(lang, "还没有修改。", "No changes yet."))
        return
    st.html(html_from_changes(changes, store.journal.undone_ids()))
    st.button(
        _w(lang, "撤销最近一次修改", "Undo the latest change"),
        key="qzc_undo",
        on_click=_run_action,
        args=(lambda who: undo(store, who), on_data_changed),
    )


# --- readers' reports ------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _report_book(state_dir: str) -> ReportBook:
    return ReportBook.in_state_dir(Path(state_dir))


def report_book() -> ReportBook:
    return _report_book(str(state_dir_from_env(os.environ)))


def render_report_form(feature: Feature, excerpts: Sequence[Excerpt], lang: str, *, expanded: bool = False) -> None:
    """ "Something is wrong here": the reader's only view of reports is their own confirmation."""
    with st.expander(_w(lang, "报告问题", "Report a problem"), expanded=expanded):
        with st.form(f"qz_report_{feature.feature_id}", clear_on_submit=True):
            kind = st.radio(
                _w(lang, "问题", "What is wrong"),
                ("position", "passage"),
                format_func=lambda k: {
                    "position": _w(lang, "位置不对", "The position is wrong"),
                    "passage": _w(lang, "这段文字说的不是这里", "This passage is not about this place"),
                }[k],
                key=f"qz_report_kind_{feature.feature_id}",
            )
            choices = list(range(len(excerpts)))
            picked = (
                st.selectbox(
                    _w(lang, "哪一段（仅对文字问题）", "Which passage (for a passage only)"),
                    choices,
                    format_func=lambda n: excerpts[n].text[:60],
                    key=f"qz_report_passage_{feature.feature_id}",
                )
                if choices
                else None
            )
            comment = st.text_area(
                _w(lang, "说明（可选）", "Comment (optional)"),
                max_chars=MAX_COMMENT_CHARS,
                key=f"qz_report_comment_{feature.feature_id}",
            )
            sent = st.form_submit_button(_w(lang, "发送", "Send"))
        if not sent:
            return
        excerpt = excerpts[picked] if kind == "passage" and picked is not None else None
        try:
            report_book().add(
                kind=kind,
                feature_id=feature.feature_id,
                comment=comment,
                session_key=session_key(),
                article_id=excerpt.article_id if excerpt else None,
                start=excerpt.source_start if excerpt else None,
                end=excerpt.source_end if excerpt else None,
            )
        except ReportRefused as error:
            st.warning(escape_markdown(str(error)))
            return
        st.success(_w(lang, "谢谢，编辑会查看。", "Thank you; a curator will look at it."))
