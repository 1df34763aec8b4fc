"""Curator mode and readers' reports in the Streamlit page (the second module allowed to import streamlit).

Curator mode is reachable only after a sign-in against the configured credential hash; every action
checks it again when it runs, so no URL, query parameter or widget state reaches one. Sign-ins are
throttled per client address and per account, in a file shared by every session and replica
(mapapp.curation.ratelimit), and logged for curators. Everything a reader or curator typed is shown
escaped. The logic lives in mapapp.app.curator (pure, tested) and mapapp.curation (the one write
path); this module only lays out widgets, in the page's language.

Hooks for ui.py: `render_sign_in`, `render_curator_panel`, `render_report_form`, `take_map_click`
(True while placing: the click placed, it selects nothing), `extra_returned_objects`, `draft_groups`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import folium
import streamlit as st

from mapapp.app.articleform import render_add_article
from mapapp.app.curator import (
    BASIS_CHOICE_TITLES,
    KIND_CATEGORIES,
    SHAPE_TITLES,
    SHAPES,
    Draft,
    click_from_map_value,
    configured_hash,
    draft_from_feature,
    draft_with_click,
    drawing_from_map_value,
    geometry_from_draft,
    html_from_changes,
    html_from_report,
    html_from_sentences,
    html_from_signins,
    is_feature_change,
    layers_for_category,
    message_from_change,
    metres_text,
    name_of,
    outline_length_m,
    precision_prompt,
    refusal_in,
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
from mapapp.curation.clientaddress import client_address, trusted_proxies_from_env
from mapapp.curation.credentials import verify_password
from mapapp.curation.journal import Change
from mapapp.curation.placement import CRS_OF_BASEMAP, Placement, precision_from_zoom
from mapapp.curation.ratelimit import SignInThrottle, account_key
from mapapp.curation.reports import MAX_COMMENT_CHARS, ReportBook, ReportRefused, state_dir_from_env
from mapapp.curation.store import DataStore
from mapapp.datadirs import DataDirs
from mapapp.errors import CurationError
from mapapp.map.assets import LeafletDrawUrls, leaflet_draw_urls
from mapapp.map.draftshape import build_draft_group
from mapapp.map.wording import CATEGORY_TITLES, STATUS_TITLES, report_refusal_text, title_in
from mapapp.models import CATEGORIES, LOCATION_BASES, STATUSES, Excerpt, Feature, Mention, Source
from mapapp.pipeline.candidates import Candidate, find_candidates
from mapapp.pipeline.index import MapIndex

CURATOR_KEY = "qzc_curator"  # (name, the hash signed in against); never a widget key
TASK_KEY = "qzc_task"  # {"mode": "add" | "move", "feature_id": ..., "name_zh": ..., "category": ...}
DRAFT_KEY = "qzc_draft"
CLICK_SEEN_KEY = "qzc_click_seen"
DRAWING_SEEN_KEY = "qzc_drawing_seen"
FLASH_KEY = "qzc_flash"  # {"text": ..., "change_id": ... | None, "error": bool}
BASEMAP_WIDGET_KEY = "w_basemap"  # ui.py's basemap radio: the datum of a click (GCJ-02 on Gaode)
LANG_WIDGET_KEY = "w_lang"  # ui.py's language radio
MAP_VALUE_KEY = "map"  # ui.MAP_KEY: st_folium's value
WORK_LIST_LENGTH = 10


def _w(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _lang() -> str:
    return "en" if st.session_state.get(LANG_WIDGET_KEY) == "en" else "zh"


def client_key() -> str:
    """The client's address: the peer, or what a trusted proxy forwarded (FORWARDED_ALLOW_IPS; see README)."""
    headers = st.context.headers
    pairs = [(name, value) for name in dict.fromkeys(headers) for value in headers.get_all(name)]
    return client_address(st.context.ip_address, pairs, trusted_proxies_from_env(os.environ))


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


@st.cache_resource(show_spinner=False)
def _signin_throttle(state_dir: str) -> SignInThrottle:
    return SignInThrottle.in_state_dir(Path(state_dir))


def signin_throttle() -> SignInThrottle:
    return _signin_throttle(str(state_dir_from_env(os.environ)))


# --- sign-in (sidebar) ----------------------------------------------------------------------------


def render_sign_in(lang: str) -> None:
    configured = _configured()
    st.divider()
    if configured is None:
        st.caption(
            _w(
                lang,
                "编辑模式未开启。要开启：用 `python -m mapapp curate hash-password` 生成口令散列，设为环境变量 "
                "`QZ_CURATOR_PASSWORD_HASH`（或 `.streamlit/secrets.toml` 中的 `curator_password_hash`），然后重启（见 `README.md`）。",
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
    name = " ".join(name.split())[:80]
    if not name:
        st.error(_w(lang, "请填写姓名：修改记录里会写上它。", "Please give your name: the change log records it."))
        return
    throttle, client, account = signin_throttle(), client_key(), account_key(configured)
    wait = throttle.wait_s(client, account)
    note = (
        _w(
            lang,
            f"为防止猜测口令，核对前稍候约 {wait:.0f} 秒……",
            f"Against password guessing, a wait of about {wait:.0f} s……",
        )
        if wait >= 0.5
        else _w(lang, "正在核对口令……", "Checking the password……")
    )
    with st.spinner(note):
        result = throttle.attempt(
            client=client, account=account, name=name, check=lambda: verify_password(password, configured)
        )
    if result.outcome == "throttled":
        again = int(result.retry_after_s) + 1
        st.error(_w(lang, f"尝试太频繁，请 {again} 秒后再试。", f"Too many attempts; try again in {again} s."))
        return
    if result.outcome == "failed":
        st.error(_w(lang, "姓名或口令不对。", "Wrong name or password."))
        return
    st.session_state[CURATOR_KEY] = (name, configured)
    st.rerun()


def _sign_out() -> None:
    for key in (CURATOR_KEY, TASK_KEY, DRAFT_KEY):
        st.session_state.pop(key, None)


# --- the map: in placing mode, clicks and drawings make the draft ----------------------------------


def extra_returned_objects() -> tuple[str, ...]:
    """What st_folium must also report in curator mode: nothing up front. The component takes its list
    only when the map is first made, so placing mode adds plain clicks and drawings to it in the
    browser while it lasts (mapapp.map.drawcontrol); signing in does not rebuild the map."""
    return ()


def is_placing() -> bool:
    return curator_name() is not None and st.session_state.get(TASK_KEY) is not None


def take_map_click(value: Any) -> bool:
    """From ui's on_change. While placing: a click places the point, a drawing (Leaflet.draw) becomes the
    line or area; returns True, and the click selects nothing. Otherwise returns False."""
    if not is_placing():
        return False
    draft: Draft = st.session_state.get(DRAFT_KEY) or Draft()
    basemap = str(st.session_state.get(BASEMAP_WIDGET_KEY, ""))
    click, seen = click_from_map_value(value, st.session_state.get(CLICK_SEEN_KEY))
    st.session_state[CLICK_SEEN_KEY] = seen
    drawing, drawing_seen = drawing_from_map_value(value, st.session_state.get(DRAWING_SEEN_KEY))
    st.session_state[DRAWING_SEEN_KEY] = drawing_seen
    zoom_value = value.get("zoom") if isinstance(value, dict) else None
    zoom = int(zoom_value) if isinstance(zoom_value, (int, float)) else draft.zoom
    if draft.shape == "Point" and click is not None:
        st.session_state[DRAFT_KEY] = draft_with_click(draft, *click, basemap=basemap)
    elif draft.shape != "Point" and drawing is not None and drawing[0] == draft.shape:
        st.session_state[DRAFT_KEY] = Draft(shape=draft.shape, vertices=drawing[1], zoom=zoom, basemap=basemap)
    return True


@st.cache_resource(show_spinner=False)
def _draw_urls() -> LeafletDrawUrls | None:
    return leaflet_draw_urls()


def draft_groups(basemap: str) -> list[folium.FeatureGroup]:
    """Placing mode's group (the draft, the drawing control); nothing outside placing mode."""
    if not is_placing():
        return []
    draft: Draft = (st.session_state.get(DRAFT_KEY) or Draft()).on(basemap)
    return [build_draft_group(draft.shape, draft.vertices, lang=_lang(), draw=_draw_urls())]


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
    store = DataStore(dirs.geodata_dir, layers_dir=dirs.layers_dir, seeds_dir=dirs.seeds_dir)
    # What comes and goes (the last message, the task, the selected place's actions) sits in containers
    # that are always there, so the desk's tabs keep their place in the page and the tab the curator
    # opened stays open when a place is selected on the map or a message appears.
    with st.container():
        _render_flash(store, lang=lang, on_data_changed=on_data_changed, select=select)
    with st.expander(_w(lang, "编辑工作台", "Curator desk"), expanded=True):
        with st.container():
            task = st.session_state.get(TASK_KEY)
            if task is not None:
                _render_placing(
                    index, store, task, lang=lang, basemap=basemap, on_data_changed=on_data_changed, select=select
                )
            feature = index.features.get(feature_id) if feature_id else None
            if feature is not None and task is None:
                _render_feature_actions(feature, store, lang=lang, on_data_changed=on_data_changed, select=select)
        work, add, log, signins = st.tabs(
            [
                _w(lang, "待办", "Work list"),
                _w(lang, "添加文章", "Add an article"),
                _w(lang, "记录", "Log"),
                _w(lang, "登录记录", "Sign-ins"),
            ]
        )
        with work:
            _render_work_list(index, store, lang=lang, on_data_changed=on_data_changed, select=select)
        with add:  # articles from the web (mapapp/app/articleform.py)
            render_add_article(index, store, name, lang=lang, on_data_changed=on_data_changed, select=select)
        with log:
            _render_log(store, lang=lang, on_data_changed=on_data_changed, select=select)
        with signins:
            st.caption(
                _w(
                    lang,
                    "最近的登录尝试（不记录口令）。同一地址或同一账号接连失败后，下一次核对要稍候几秒。",
                    "The latest sign-in attempts (passwords are never recorded). After failures from one address "
                    "or on one account, the next check waits a few seconds.",
                )
            )
            st.html(html_from_signins(signin_throttle().recent(limit=30), lang))


def _flash(text: str, *, change: Change | None = None, error: bool = False) -> None:
    st.session_state[FLASH_KEY] = {"text": text, "change_id": change.change_id if change else None, "error": error}


def _render_flash(
    store: DataStore, *, lang: str, on_data_changed: Callable[[], None], select: Callable[..., None]
) -> None:
    """The last action's message in words, with an undo button for it: kept until the next action's
    message replaces it or a new task starts (a rerun the reader's map asks for must not lose it)."""
    flash = st.session_state.get(FLASH_KEY)
    if not isinstance(flash, dict):
        return
    if flash.get("error"):
        st.error(escape_markdown(flash["text"]))
        return
    columns = st.columns([4, 1], vertical_alignment="center")
    columns[0].success(escape_markdown(flash["text"]))
    change_id = flash.get("change_id")
    if change_id and change_id not in store.journal.undone_ids():
        columns[1].button(
            _w(lang, "撤销", "Undo"),
            key="qzc_undo_flash",
            on_click=_run_action,
            args=(lambda who: undo(store, who, change_id), on_data_changed, select, store),
        )


def _start_task(
    mode: str,
    *,
    feature: Feature | None = None,
    name_zh: str = "",
    kind: str = "",
    select: Callable[..., None] | None = None,
) -> None:
    if curator_name() is None:
        return
    st.session_state.pop(FLASH_KEY, None)  # the last action's message is done with
    basemap = str(st.session_state.get(BASEMAP_WIDGET_KEY, ""))
    category = feature.category if feature is not None else KIND_CATEGORIES.get(kind, "landmark")
    st.session_state[TASK_KEY] = {
        "mode": mode,
        "feature_id": feature.feature_id if feature is not None else "",
        "name_zh": name_zh or (feature.name_zh if feature is not None else ""),
        "category": category,
    }
    value = st.session_state.get(MAP_VALUE_KEY)
    _, st.session_state[CLICK_SEEN_KEY] = click_from_map_value(value, None)  # a click before now places nothing
    _, st.session_state[DRAWING_SEEN_KEY] = drawing_from_map_value(value, None)
    draft = draft_from_feature(feature, basemap) if feature is not None else Draft()
    st.session_state[DRAFT_KEY] = draft
    st.session_state["qzc_shape"] = draft.shape
    st.session_state["qzc_f_name_zh"] = st.session_state[TASK_KEY]["name_zh"]
    st.session_state["qzc_f_category"] = category
    if select is not None and feature is not None:
        select(feature.feature_id, zoom=True)


def _cancel_task() -> None:
    st.session_state.pop(TASK_KEY, None)
    st.session_state.pop(DRAFT_KEY, None)


def _on_shape_change() -> None:
    basemap = str(st.session_state.get(BASEMAP_WIDGET_KEY, ""))
    st.session_state[DRAFT_KEY] = Draft(shape=st.session_state["qzc_shape"], basemap=basemap)


def _map_zoom() -> int | None:
    value = st.session_state.get(MAP_VALUE_KEY)
    zoom = value.get("zoom") if isinstance(value, dict) else None
    return int(zoom) if isinstance(zoom, (int, float)) else None


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
    feature = index.features.get(task["feature_id"]) if not adding else None
    title = task["name_zh"] if adding else name_of(feature, lang, task["name_zh"])
    st.markdown(
        "**"
        + _w(lang, "放置新地点：", "Place a new place: ") * adding
        + _w(lang, "移动或重画：", "Move or redraw: ") * (not adding)
        + escape_markdown(title)
        + "**"
    )
    st.radio(
        _w(lang, "形状", "Shape"),
        SHAPES,
        key="qzc_shape",
        horizontal=True,
        format_func=lambda shape: title_in(SHAPE_TITLES[shape], lang),
        on_change=_on_shape_change,
    )
    draft: Draft = (st.session_state.get(DRAFT_KEY) or Draft()).on(basemap)  # clicked on another basemap: again
    crs = CRS_OF_BASEMAP.get(basemap, "wgs84")
    geometry = geometry_from_draft(draft)
    if draft.shape == "Point":
        how = _w(
            lang,
            "点击地图放置这个点（放置时点击不会打开地图上的地点）；再点别处或拖动圆圈可以改位置。",
            "Click the map to place the point (while placing, clicks do not open the places on the map); click "
            "elsewhere or drag the ring to move it.",
        )
    else:
        how = _w(
            lang,
            "用地图左上角的绘图工具依次点击各个顶点，点最后一个点（面：点第一个点）完成；画好后可拖动顶点修改，"
            "拖动两点之间的小方块可以加点。",
            "Draw with the tool at the map's top left: click each vertex, then click the last point (an area: the "
            "first point) to finish; afterwards drag a vertex to move it, or drag a small square between two "
            "vertices to add one.",
        )
        if _draw_urls() is None:
            how = _w(
                lang,
                "绘图工具未安装（运行 `bash scripts/setup.sh`，它从 npm 安装 leaflet-draw）：现在只能放置点。",
                "The drawing control is not installed (run `bash scripts/setup.sh`, which installs leaflet-draw "
                "from npm): only points can be placed now.",
            )
    st.info(how)
    if geometry is not None:
        shape_title = title_in(SHAPE_TITLES[draft.shape], lang)
        if draft.shape == "Point":
            where = f"{draft.vertices[-1][1]:.5f}° N, {draft.vertices[-1][0]:.5f}° E"
        else:
            length = metres_text(outline_length_m(draft), lang)
            where = _w(
                lang,
                f"{len(draft.vertices)} 个顶点，{'长' if draft.shape == 'LineString' else '周长'} {length}",
                f"{len(draft.vertices)} vertices, {length} {'long' if draft.shape == 'LineString' else 'round'}",
            )
        datum = _w(lang, "（高德底图坐标，保存时转为 WGS-84）", " (on the Gaode basemap; stored as WGS-84)") * (
            crs == "gcj02"
        )
        st.caption(_w(lang, f"已放置{shape_title}：", f"Placed a {shape_title}: ") + escape_markdown(where) + datum)
    zoom = draft.zoom if draft.vertices and draft.zoom is not None else _map_zoom()
    lat = draft.vertices[-1][1] if draft.vertices else 28.95
    suggested = suggested_precision(draft) or (precision_from_zoom(zoom, lat) if zoom is not None else 1000)
    category = st.session_state.get("qzc_f_category", task.get("category", "landmark"))
    if not adding and feature is not None:
        category = feature.category
    prompt = precision_prompt(suggested, category, lat, lang)
    if prompt:
        st.warning(prompt)
    place_fields: dict[str, Any] = {}
    if adding:  # outside the form: the layers offered follow the category
        place_fields["category"] = st.selectbox(
            _w(lang, "类别", "Category"),
            CATEGORIES,
            key="qzc_f_category",
            format_func=lambda c: title_in(CATEGORY_TITLES.get(c, (c, c)), lang),
        )
        layer_ids = layers_for_category(index.layers, place_fields["category"]) or [
            layer.layer_id for layer in index.layers
        ]
        titles = {layer.layer_id: (layer.title_zh, layer.title_en) for layer in index.layers}
        place_fields["layer"] = st.selectbox(
            _w(lang, "图层", "Layer"),
            layer_ids,
            key="qzc_f_layer",
            format_func=lambda layer_id: title_in(titles.get(layer_id, (layer_id, layer_id)), lang),
        )
    with st.form("qzc_place_form"):
        if adding:
            place_fields["name_zh"] = st.text_input(
                _w(lang, "中文名", "Chinese name"), key="qzc_f_name_zh", max_chars=80
            )
            place_fields["name_en"] = st.text_input(
                _w(lang, "英文名（可空）", "English name (optional)"), key="qzc_f_name_en", max_chars=80
            )
            place_fields["aliases"] = st.text_input(
                _w(lang, "别名（逗号分隔）", "Other names (comma-separated)"), key="qzc_f_aliases"
            )
            parents = sorted(
                (f for f in index.features.values() if f.geometry),
                key=lambda f: name_of(f, lang),
            )
            names = {f.feature_id: name_of(f, lang) for f in parents}
            place_fields["parent"] = st.selectbox(
                _w(lang, "上级地点（可输入名称搜索）", "Parent place (type a name to search)"),
                ["", *names],
                key="qzc_f_parent",
                format_func=lambda fid: names.get(fid, _w(lang, "（无）", "(none)")),
            )
            place_fields["status"] = st.selectbox(
                _w(lang, "状态", "Status"),
                STATUSES,
                key="qzc_f_status",
                format_func=lambda s: title_in(STATUS_TITLES.get(s, (s, s)), lang),
            )
        precision = st.number_input(
            _w(lang, "精度（米，按缩放级别建议）", "Precision in metres (suggested from the zoom)"),
            min_value=1,
            max_value=500_000,
            value=int(suggested),
            step=10,
            key=f"qzc_f_precision_{suggested}",
        )
        basis = st.selectbox(
            _w(lang, "定位依据", "How the position is known"),
            ("auto", *LOCATION_BASES),
            key="qzc_f_basis",
            format_func=lambda b: title_in(BASIS_CHOICE_TITLES.get(b, (b, b)), lang),
        )
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
        st.error(
            _w(
                lang,
                "还没有放置：请先在地图上点击（线至少两个点，面至少三个点）。",
                "Not placed yet: click the map first (a line needs two points, an area three).",
            )
        )
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
                    parent=place_fields["parent"] or None,
                    status=place_fields["status"],
                ),
                placement,
                source,
            )
        else:
            change = move_feature(store, who, task["feature_id"], placement, source)
    except CurationError as error:
        st.error(escape_markdown(refusal_in(str(error), lang)))
        return
    _cancel_task()
    on_data_changed()
    select(change.subject, zoom=False)
    _flash(
        message_from_change(change, lang)
        + _w(
            lang,
            f"（误差约 ±{metres_text(placement.precision_m, lang)}）",
            f" (±{metres_text(placement.precision_m, lang)})",
        ),
        change=change,
    )
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
        st.html(html_from_report(report, index.features, index, lang=lang))
        columns = st.columns(3)
        reported = index.features.get(report.feature_id)
        if reported is not None:
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
                    kwargs={"feature": reported, "select": select},
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
        parent = index.features.get(candidate.parent) if candidate.parent else None
        inside = f" · {_w(lang, '位于', 'in')} {name_of(parent, lang)}" if parent is not None else ""
        times = _w(lang, f"出现 {candidate.count} 次", f"{candidate.count}×")
        st.markdown(escape_markdown(f"{candidate.surface} · {times}{inside}"))
        st.html(html_from_sentences(sentences_of(index, candidate)))
        buttons = st.columns(2)
        buttons[0].button(
            _w(lang, "放置", "Place"),
            key=f"qzc_c_place_{position}",
            on_click=_start_task,
            args=("add",),
            kwargs={"name_zh": candidate.surface, "kind": candidate.kind},
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
            f"{escape_markdown(name_of(feature, lang))} · ±{metres_text(feature.precision_m, lang)}",
            key=f"qzc_w_move_{feature.feature_id}",
            on_click=_start_task,
            args=("move",),
            kwargs={"feature": feature, "select": select},
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
    st.markdown("**" + escape_markdown(name_of(feature, lang)) + "**")
    st.button(
        _w(lang, "移动或重画", "Move or redraw"),
        key="qzc_move_selected",
        on_click=_start_task,
        args=("move",),
        kwargs={"feature": feature},
    )
    with st.form(f"qzc_alias_{feature.feature_id}", clear_on_submit=True):
        alias = st.text_input(_w(lang, "新别名", "New alias"), max_chars=80, key=f"qzc_alias_text_{feature.feature_id}")
        if st.form_submit_button(_w(lang, "添加别名", "Add alias")) and alias.strip():
            _run_action(lambda who: add_alias(store, who, feature.feature_id, alias), on_data_changed)
            st.rerun()
    with st.form(f"qzc_describe_{feature.feature_id}"):
        props = feature.properties
        zh = st.text_area(
            _w(lang, "中文简介", "Description in Chinese"), value=str(props.get("description_zh", "")), max_chars=1000
        )
        en = st.text_area(
            _w(lang, "英文简介", "Description in English"), value=str(props.get("description_en", "")), max_chars=1000
        )
        if st.form_submit_button(_w(lang, "保存简介", "Save descriptions")):
            _run_action(lambda who: set_descriptions(store, who, feature.feature_id, zh, en), on_data_changed)
            st.rerun()


def _run_action(
    action: Callable[[str], Change],
    on_data_changed: Callable[[], None],
    select: Callable[..., None] | None = None,
    store: DataStore | None = None,
) -> None:
    """Run a curation action; the message says what changed, in words. After a change to a place (an
    undo included), the selection follows: a place that no longer exists leaves the panel and the URL."""
    who = curator_name()
    if who is None:
        return
    lang = _lang()
    try:
        change = action(who)
    except CurationError as error:
        _flash(refusal_in(str(error), lang), error=True)
        return
    on_data_changed()
    if select is not None and is_feature_change(change):
        select(change.subject, zoom=False)  # select() clears the selection when the place is gone
    changes = store.changes() if store is not None else ()
    _flash(message_from_change(change, lang, changes), change=change)


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


def _render_log(
    store: DataStore, *, lang: str, on_data_changed: Callable[[], None], select: Callable[..., None]
) -> None:
    changes = store.changes()
    if not changes:
        st.caption(_w(lang, "还没有修改。", "No changes yet."))
        return
    st.html(html_from_changes(changes, store.journal.undone_ids(), lang=lang))
    st.button(
        _w(lang, "撤销最近一次修改", "Undo the latest change"),
        key="qzc_undo",
        on_click=_run_action,
        args=(lambda who: undo(store, who), on_data_changed, select, store),
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
                client_key=client_key(),
                article_id=excerpt.article_id if excerpt else None,
                start=excerpt.source_start if excerpt else None,
                end=excerpt.source_end if excerpt else None,
            )
        except ReportRefused as error:  # said in the reader's language (the message is for logs)
            st.warning(escape_markdown(report_refusal_text(error.reason, lang, count=error.count, limit=error.limit)))
            return
        st.success(_w(lang, "谢谢，编辑会查看。", "Thank you; a curator will look at it."))
