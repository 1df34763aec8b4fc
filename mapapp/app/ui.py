"""The Streamlit app: map, layer toggles, search, the side panel with excerpts, shareable URLs.

With curatorui.py and mapcomponent.py, the only modules that import streamlit / streamlit_folium.
Pipeline calls are cached with thin wrappers keyed on the data digest; the state of the page lives in one UrlState in st.session_state and is written to the URL
on every run.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import folium
import streamlit as st

from mapapp.app import curatorui
from mapapp.app.mapcomponent import RenderedMap, render_base_map, render_groups_js, show_map
from mapapp.app.panel import (
    PANEL_CSS,
    escape_markdown,
    html_from_article,
    html_from_article_excerpts,
    html_from_feature_card,
    html_from_sources,
    markdown_list,
    notice_markdown,
    search_result_label,
)
from mapapp.app.selection import (
    RETURNED_OBJECTS,
    click_from_map_value,
    new_click,
    search_features,
    select_feature,
    view_from_map_value,
)
from mapapp.app.timelinepanel import MAX_EVENTS, MAX_FIGURES, html_from_timeline
from mapapp.app.urlstate import (
    UrlNotice,
    UrlState,
    link_to_feature,
    query_from_state,
    state_from_query,
    visible_layer_ids,
)
from mapapp.datadirs import DataDirs, data_dirs_from_env
from mapapp.errors import MapAppError
from mapapp.map import asofcontrol, attributions, displayshapes, maplayers, mapview, markup, viewport
from mapapp.map.assets import LeafletUrls, install_leaflet, leaflet_urls
from mapapp.map.layerswitch import layer_ids_from_map_value
from mapapp.map.maplayers import MapLayer, default_layer_ids
from mapapp.map.viewport import View
from mapapp.map.wording import BASEMAP_TITLES, t, title_in
from mapapp.models import Excerpt, Feature, Mention
from mapapp.paths import GEODATA_DIR, LAYERS_DIR, SEEDS_DIR
from mapapp.pipeline.datawatch import DATA_WATCH
from mapapp.pipeline.index import MapIndex, build_map_index
from mapapp.pipeline.store import IndexStore, ensure_store, open_map_index
from mapapp.pipeline.timeline import TimelineIndex, build_timeline_index, event_cut_key, figure_cut_key, first_rows

MAP_KEY = "map"
STATE_KEY = "qz_state"
VIEW_REQUEST_KEY = "qz_view_request"
CLICK_KEY = "qz_click_signature"
CLIENT_SELECTED_KEY = "qz_selected_by_map_click"  # the selection the map itself already shows
FIRST_RUN_KEY = "qz_first_run"  # set by the session's first run until its map has been shown
SWITCH_START_KEY = "qz_switch_start"  # the visible layers the in-map switch started from (per built map)
ASOF_START_KEY = "qz_asof_start"  # the date the in-map as-of control started from (per built map)
MAX_ARTICLES_IN_PANEL = 12
NOTICES_KEY = "qz_url_notices"
DATA_KEY = "qz_data_key"  # the folders and data digest this session's current run reads
INDEX_PATH_ENV = "QZ_INDEX_PATH"  # an index file (python -m mapapp index build); unset: build in memory

# --- cached pipeline -----------------------------------------------------------------------


def data_dirs() -> DataDirs:
    """The data this app serves: the folders named by QZ_SEEDS_DIR / QZ_GEODATA_DIR / QZ_LAYERS_DIR,
    else the bundled ones (this module's SEEDS_DIR, GEODATA_DIR, LAYERS_DIR)."""
    return data_dirs_from_env(os.environ, defaults=DataDirs(SEEDS_DIR, GEODATA_DIR, LAYERS_DIR))


def index_path() -> Path | None:
    """The index file named by QZ_INDEX_PATH (python -m mapapp index build), or None: build in memory."""
    value = os.environ.get(INDEX_PATH_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else None


# Cached on the folders' paths (as strings), so an app pointed at other data gets its own index, and
# on the data digest (mapapp.pipeline.datawatch), so a new, changed or removed file is served on the
# next rerun without a restart. Old entries are dropped (max_entries); a session keeps its own.
@st.cache_resource(show_spinner=False, max_entries=3)
def _cached_map_index(seeds_dir: str, geodata_dir: str, layers_dir: str, digest: str) -> MapIndex:
    dirs = DataDirs(Path(seeds_dir), Path(geodata_dir), Path(layers_dir))
    store = _cached_index_store(seeds_dir, geodata_dir, layers_dir, digest)
    with _long_lived():
        if store is not None:
            return open_map_index(store, dirs)
        return build_map_index(seeds_dir=dirs.seeds_dir, geodata_dir=dirs.geodata_dir, layers_dir=dirs.layers_dir)


@contextmanager
def _long_lived() -> Iterator[None]:
    """Build objects that live as long as the process without the collector walking them meanwhile
    (it took 0.3-0.5 s of the first page), then move them out of its way (gc.freeze)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


@st.cache_resource(show_spinner=False, max_entries=3)
def _cached_index_store(seeds_dir: str, geodata_dir: str, layers_dir: str, digest: str) -> IndexStore | None:
    """The index file, brought up to date (incrementally) if the data changed; None without one."""
    path = index_path()
    if path is None:
        return None
    ensure_store(DataDirs(Path(seeds_dir), Path(geodata_dir), Path(layers_dir)), path)
    return IndexStore(path)


@st.cache_resource(show_spinner=False, max_entries=3)
def _cached_map_layers(seeds_dir: str, geodata_dir: str, layers_dir: str, digest: str) -> tuple[MapLayer, ...]:
    return maplayers.map_layers_from_specs(_cached_map_index(seeds_dir, geodata_dir, layers_dir, digest).layers)


@st.cache_resource(show_spinner=False, max_entries=3)
def _cached_mentions_by_article(
    seeds_dir: str, geodata_dir: str, layers_dir: str, digest: str
) -> dict[str, tuple[Mention, ...]]:
    grouped: dict[str, list[Mention]] = {}
    for mention in _cached_map_index(seeds_dir, geodata_dir, layers_dir, digest).mentions:
        grouped.setdefault(mention.article_id, []).append(mention)
    return {article_id: tuple(sorted(ms, key=lambda m: m.start)) for article_id, ms in grouped.items()}


@st.cache_resource(show_spinner=False, max_entries=6)
def _cached_display_shapes(
    seeds_dir: str, geodata_dir: str, layers_dir: str, digest: str, basemap: str
) -> displayshapes.DisplayShapes:
    features = _cached_map_index(seeds_dir, geodata_dir, layers_dir, digest).features.values()
    return displayshapes.build_display_shapes(features, basemap=basemap)


@st.cache_resource(show_spinner=False, max_entries=3)
def _cached_timeline_index(seeds_dir: str, geodata_dir: str, layers_dir: str, digest: str) -> TimelineIndex:
    store = _cached_index_store(seeds_dir, geodata_dir, layers_dir, digest)
    if store is not None:  # found at build time: a start does not walk the whole corpus
        return store.timeline()
    return build_timeline_index(_cached_map_index(seeds_dir, geodata_dir, layers_dir, digest))


def data_digest() -> str:
    """A short hash of the data's files (mapapp.pipeline.fingerprint, re-stamped at most once a second by
    mapapp.pipeline.datawatch and fixed for the run): the key of every cache built from them."""
    return _dir_key()[3]


# The map as st_folium's component arguments, rendered once per data, basemap, switch and as-of start
# and what it reports (mapapp.app.mapcomponent): a rerun that does not change the map does not render it.
@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_rendered_map(
    digest: str, basemap: str, switch_layers: tuple[str, ...], asof_start: str | None, returned: tuple[str, ...]
) -> RenderedMap:
    def build() -> folium.Map:
        base_map = mapview.build_base_map(
            basemap=basemap, leaflet=load_leaflet(), attributions=load_attributions(), switch_layers=switch_layers
        )
        asofcontrol.add_asof_setup(base_map, asof_start)
        return base_map

    return render_base_map(build, key=MAP_KEY, returned_objects=returned)


def _overlay_groups(basemap: str, lang: str, selected_feature_id: str | None) -> list:
    """Every layer's group (the switch shows the ones that are on), the selection, the switch."""
    index = load_map_index()
    return mapview.build_overlay_groups(
        load_map_layers(),
        index.features.values(),
        with_switch=True,
        excerpts=index.excerpts,
        lang=lang,
        basemap=basemap,
        selected_feature=index.features.get(selected_feature_id) if selected_feature_id else None,
        shapes=load_display_shapes(basemap),
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_layer_groups_js(digest: str, basemap: str, lang: str) -> tuple[str, int]:
    """The layers' groups (all but the last, the switch) as script, and how many there are."""
    groups = _overlay_groups(basemap, lang, None)[:-1]
    return render_groups_js(lambda: groups, first_index=0), len(groups)


@st.cache_resource(show_spinner=False, max_entries=512)
def _cached_tail_groups_js(digest: str, basemap: str, lang: str, selected_feature_id: str | None) -> tuple[str, int]:
    """The groups after the layers': a selection drawn by the server (if any), the switch, then the
    as-of control's data; as script, and the index the next group takes."""
    _, first = _cached_layer_groups_js(digest, basemap, lang)
    groups = [
        *_overlay_groups(basemap, lang, selected_feature_id)[first:],
        asofcontrol.asof_group(asofcontrol.asof_spec(load_timeline_index().stages, lang)),
    ]
    return render_groups_js(lambda: groups, first_index=first), first + len(groups)


def load_overlay_groups_js(basemap: str, lang: str, selected_feature_id: str | None) -> str:
    """Every overlay group as script: the cached layers, selection, switch and as-of control, then a
    curator's unsaved placement (per session, never cached; nothing for readers)."""
    digest = data_digest()
    layers_js, _ = _cached_layer_groups_js(digest, basemap, lang)
    tail_js, next_index = _cached_tail_groups_js(digest, basemap, lang, selected_feature_id)
    drafts = curatorui.draft_groups(basemap)
    draft_js = render_groups_js(lambda: drafts, first_index=next_index) if drafts else ""
    return layers_js + tail_js + draft_js


@st.cache_data(show_spinner=False, max_entries=3)
def _cached_attributions(sources_dir: str, data_digest: str) -> tuple[str, ...]:
    return attributions.load_source_attributions(Path(sources_dir))


def _dir_key() -> tuple[str, str, str, str]:
    """The data this run reads: fixed at the start of the run (see `_refresh_data_key`), so every
    look-up in one run, callbacks included, sees the same index."""
    key = st.session_state.get(DATA_KEY)
    return key if key is not None else _refresh_data_key()


def _refresh_data_key() -> tuple[str, str, str, str]:
    dirs = data_dirs()
    digest = DATA_WATCH.digest(dirs.seeds_dir, dirs.geodata_dir, dirs.layers_dir)
    key = (str(dirs.seeds_dir), str(dirs.geodata_dir), str(dirs.layers_dir), digest)
    st.session_state[DATA_KEY] = key
    return key


def load_map_index() -> MapIndex:
    return _cached_map_index(*_dir_key())


def load_index_store() -> IndexStore | None:
    return _cached_index_store(*_dir_key())


def load_map_layers() -> tuple[MapLayer, ...]:
    return _cached_map_layers(*_dir_key())


def load_article_mentions(article_id: str) -> tuple[Mention, ...]:
    """One article's mentions (for its reader view): from the index file if there is one."""
    store = load_index_store()
    if store is not None:
        return store.mentions_of(article_id)
    return _cached_mentions_by_article(*_dir_key()).get(article_id, ())


def load_display_shapes(basemap: str) -> displayshapes.DisplayShapes:
    return _cached_display_shapes(*_dir_key(), basemap)


def load_timeline_index() -> TimelineIndex:
    return _cached_timeline_index(*_dir_key())


def notice_data_change() -> None:
    """A curator saved a change: stamp the data files again now, not within the second, so this run
    and every session's next one read the new data (every cache is keyed on the digest)."""
    DATA_WATCH.forget()
    _refresh_data_key()


def load_attributions() -> tuple[str, ...]:
    return _cached_attributions(str(data_dirs().sources_dir), _dir_key()[3])


@st.cache_resource(show_spinner=False)
def load_leaflet() -> LeafletUrls:
    install_leaflet()
    return leaflet_urls()


# --- state -----------------------------------------------------------------------------------


def _state() -> UrlState:
    return st.session_state[STATE_KEY]


def _set_state(state: UrlState) -> None:
    st.session_state[STATE_KEY] = state


def _request_view(view: View | None) -> None:
    """Ask the map to move. st_folium moves only when centre/zoom differ from the last request,
    so a repeated request (same place twice) is nudged by a micrometre of latitude."""
    previous = st.session_state.get(VIEW_REQUEST_KEY)
    if (
        view is not None
        and previous is not None
        and (view.lat, view.lon, view.zoom) == (previous.lat, previous.lon, previous.zoom)
    ):
        view = replace(view, lat=view.lat + 1e-6)
    st.session_state[VIEW_REQUEST_KEY] = view


def _init_session(index: MapIndex, layers: Sequence[MapLayer]) -> None:
    """First run of a session: restore the state from the URL."""
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    state, notices = state_from_query(query, feature_ids=index.features, layer_ids=[layer.layer_id for layer in layers])
    st.session_state[NOTICES_KEY] = notices
    st.session_state["w_basemap"] = state.basemap
    st.session_state["w_lang"] = state.lang
    _set_state(state)
    st.session_state[CLICK_KEY] = None
    st.session_state[VIEW_REQUEST_KEY] = None
    st.session_state[FIRST_RUN_KEY] = True
    if state.feature_id is not None:
        _select(state.feature_id, zoom=state.view is None)
    if state.view is not None:
        _request_view(state.view)
    _restart_switch()


def _restart_switch() -> None:
    """The map is about to be built anew: its layer switch starts from the layers visible now.

    Between rebuilds the switch's start stays fixed, so the map's own text does not change (and
    the component is not rebuilt) when the reader toggles layers in it.
    """
    st.session_state[SWITCH_START_KEY] = visible_layer_ids(_state(), default_layer_ids(load_map_layers()))
    st.session_state[ASOF_START_KEY] = _state().asof


def _select(feature_id: str | None, *, zoom: bool, from_map_click: bool = False) -> None:
    """Select a feature (None clears); make its layer visible; optionally move the map to it."""
    st.session_state[CLIENT_SELECTED_KEY] = feature_id if from_map_click else None
    feature = load_map_index().features.get(feature_id) if feature_id else None
    change = select_feature(_state(), feature, load_map_layers(), zoom=zoom)
    if change.turned_on_layer_id:
        st.session_state["qz_layer_turned_on"] = change.turned_on_layer_id
    if change.view is not None:
        _request_view(change.view)
    _set_state(change.state)


def _on_map_change(*, with_view: bool = True) -> None:
    """st_folium reported a click or a move (runs before the rerun, so the map redraws once)."""
    value = st.session_state.get(MAP_KEY)
    curatorui.take_map_click(value)  # in curator mode, a click places the draft
    click = new_click(value, st.session_state.get(CLICK_KEY))
    if click is not None:
        st.session_state[CLICK_KEY] = click.signature
        if click.feature_id in load_map_index().features:
            _select(click.feature_id, zoom=False, from_map_click=True)
    view = view_from_map_value(value)
    if view is not None and with_view and not _is_start_report(view):
        _set_state(replace(_state(), view=viewport.wgs84_view_from_map(view, basemap=_state().basemap)))
    # The in-map layer switch has already changed the map; the state follows for the URL.
    layer_ids = layer_ids_from_map_value(value, [layer.layer_id for layer in load_map_layers()])
    if layer_ids is not None:
        _set_state(replace(_state(), layer_ids=layer_ids))
    asof = asofcontrol.asof_from_map_value(value)  # likewise the in-map as-of control
    if asof is not None:
        _set_state(replace(_state(), asof=asof or None))


def _is_start_report(view: View) -> bool:
    """True for the report of a map that has just been built, made before it moved where it was asked.

    streamlit-folium 0.27's frontend reports the map's view as soon as it is built (initComponent),
    at the start view, and only then applies the requested centre/zoom (finalizeOnRender). Taken as
    the reader's view, that report put the start view in the URL until the next one; a reader whose
    replica died meanwhile got a new session restored from that URL, and the map moved to the start.
    (A reader cannot drag the map back onto the start view to the micro-degree.)
    """
    request: View | None = st.session_state.get(VIEW_REQUEST_KEY)
    if request is None or view != viewport.START_VIEW:
        return False
    return viewport.map_view_from_wgs84(request, basemap=_state().basemap) != viewport.START_VIEW


def _take_value_from_before(value: object, defaults: Mapping[str, object]) -> None:
    """The session's first run: take what the reader's map reported before this session began.

    A reader whose replica died is sent to another one by nginx, and the first run of their new
    session comes with their map's last report, often the very click that asked for the run. No
    callback runs for it (Streamlit calls none for a widget that this session has not drawn yet),
    so it is taken here as `_on_map_change` takes it: the click, the layers and the as-of date. Not
    the view: the map has just been asked for the URL's. A fresh page reports nothing yet (defaults).
    """
    if not isinstance(value, Mapping) or value == defaults:
        return
    click = click_from_map_value(value)
    if click is not None and click.feature_id == _state().feature_id:
        st.session_state[CLICK_KEY] = click.signature  # the URL already has it selected
    st.session_state[MAP_KEY] = value
    _on_map_change(with_view=False)


def _on_basemap_change() -> None:
    state = replace(_state(), basemap=st.session_state["w_basemap"])
    _set_state(state)
    # A new basemap rebuilds the map component; ask it to open where the reader was.
    _request_view(state.view)
    _restart_switch()
    st.session_state[CLICK_KEY] = None


def _on_lang_change() -> None:
    _set_state(replace(_state(), lang=st.session_state["w_lang"]))


# --- page ------------------------------------------------------------------------------------


def main() -> None:
    st.set_page_config(page_title="衢州新闻地图 · Quzhou news map", page_icon="🗺️", layout="wide")
    _refresh_data_key()  # a changed data file is served from this run on
    try:
        load_leaflet()  # Leaflet's files in static/ (a failure is said here, not in the map)
        index = load_map_index()
        layers = load_map_layers()
    except MapAppError as error:  # the edge: say what is wrong instead of a traceback
        st.title(t("zh", "title"))
        st.error(escape_markdown(str(error)))
        return
    if STATE_KEY not in st.session_state:
        _init_session(index, layers)
    state = _state()
    lang = state.lang
    st.html(PANEL_CSS)

    with st.sidebar:
        render_controls(index, layers, lang)
        curatorui.render_sign_in(lang)
    state = _state()

    st.title(t(lang, "title"))
    st.caption(t(lang, "subtitle"))
    render_notices(index, lang)

    map_column, panel_column = st.columns([3, 2], gap="medium")
    with map_column:
        render_map(index, state)
        st.caption(t(lang, "legend"))
    state = _state()
    with panel_column:
        curatorui.render_curator_panel(
            index,
            data_dirs(),
            lang=lang,
            basemap=state.basemap,
            on_data_changed=notice_data_change,
            select=_select,
            feature_id=_state().feature_id,
        )
        render_panel(index, _state())
    st.query_params.from_dict(query_from_state(state, default_layer_ids=default_layer_ids(layers)))
    with st.sidebar:
        render_share(state, layers)


def render_controls(index: MapIndex, layers: Sequence[MapLayer], lang: str) -> None:
    st.radio(
        t(lang, "language"),
        ["zh", "en"],
        key="w_lang",
        horizontal=True,
        format_func=lambda code: "中文" if code == "zh" else "English",
        on_change=_on_lang_change,
    )
    render_search(index, lang)
    st.caption(t(lang, "layers_in_map"))
    turned_on = st.session_state.pop("qz_layer_turned_on", None)
    if turned_on:
        title = next((layer.title(lang) for layer in layers if layer.layer_id == turned_on), turned_on)
        st.info(t(lang, "selected_hidden", layer=escape_markdown(title)))
    st.radio(
        t(lang, "basemap"),
        list(mapview.BASEMAPS),
        key="w_basemap",
        format_func=lambda code: title_in(BASEMAP_TITLES[code], lang),
        on_change=_on_basemap_change,
    )


def render_search(index: MapIndex, lang: str) -> None:
    query = st.text_input(t(lang, "search"), key="w_search", help=t(lang, "search_help"))
    if not query.strip():
        return
    store = load_index_store()
    features = index.features
    if store is not None:  # the database narrows the search to the features that contain the text
        features = {fid: index.features[fid] for fid in store.search_feature_ids(query) if fid in index.features}
    # features the index found by word (English excerpts, by stem) count as matches
    hits = search_features(query, features, index.excerpts, limit=8, word_matched=features if store else ())
    if not hits:
        st.caption(t(lang, "no_results"))
    for hit in hits:
        label = search_result_label(hit, index.features[hit.feature_id], query, lang)
        st.button(
            label,
            key=f"w_hit_{hit.feature_id}",
            on_click=_select,
            args=(hit.feature_id,),
            kwargs={"zoom": True},
            use_container_width=True,
        )


def render_notices(index: MapIndex, lang: str) -> None:
    notices: tuple[UrlNotice, ...] = st.session_state.get(NOTICES_KEY, ())
    for notice in notices:
        st.warning(notice_markdown(notice, lang), icon="⚠️")
    errors = [problem for problem in index.problems if problem.severity == "error"]
    warnings = [problem for problem in index.problems if problem.severity != "error"]
    if errors:
        # Shown, not folded away: a curator must see at once what the map is missing.
        st.warning(t(lang, "problems", n=len(errors)), icon="⚠️")
        with st.expander(t(lang, "problems_details"), expanded=len(errors) <= 5):
            st.markdown(markdown_list(str(problem) for problem in errors))
    if warnings:
        with st.expander(t(lang, "data_warnings", n=len(warnings)), icon="ℹ️"):
            st.markdown(markdown_list(str(problem) for problem in warnings))


def render_map(index: MapIndex, state: UrlState) -> None:
    selected = index.features.get(state.feature_id) if state.feature_id else None
    if selected is not None and st.session_state.get(CLIENT_SELECTED_KEY) == selected.feature_id:
        # Picked by a click on the map: the map already shows it (popup, hover halo), so the
        # overlays stay as they were and Streamlit can re-use the map message it sent before.
        selected = None
    returned = (*RETURNED_OBJECTS, *curatorui.extra_returned_objects())
    # Rendered once per data, basemap, language, switch start and server-drawn selection (cached).
    rendered = _cached_rendered_map(
        data_digest(),
        state.basemap,
        tuple(st.session_state[SWITCH_START_KEY]),
        st.session_state.get(ASOF_START_KEY),
        returned,
    )
    groups_js = load_overlay_groups_js(state.basemap, state.lang, selected.feature_id if selected else None)
    request: View | None = st.session_state.get(VIEW_REQUEST_KEY)
    if request is not None:
        request = viewport.map_view_from_wgs84(request, basemap=state.basemap)
    value = show_map(
        rendered,
        groups_js,
        key=MAP_KEY,
        session_state=st.session_state,
        height=viewport.MAP_HEIGHT_PX,
        width=None,  # the container's width
        center=mapview.latlng_from_lonlat(request.lon, request.lat) if request else None,
        zoom=request.zoom if request else None,
        returned_objects=returned,
        forget_click=selected is not None,  # a selection by search, link or button replaces the click
        on_change=_on_map_change,
    )
    if st.session_state.pop(FIRST_RUN_KEY, False):
        _take_value_from_before(value, rendered.defaults)


def render_share(state: UrlState, layers: Sequence[MapLayer]) -> None:
    lang = state.lang
    st.subheader(t(lang, "share"))
    query = urlencode(query_from_state(state, default_layer_ids=default_layer_ids(layers)))
    base = (st.context.url or "").split("?")[0]
    # st.code has a copy-to-clipboard button.
    st.code(f"{base}?{query}", language=None, wrap_lines=True)
    st.caption(t(lang, "share_help"))


# --- the side panel ----------------------------------------------------------------------------


def render_panel(index: MapIndex, state: UrlState) -> None:
    lang = state.lang
    feature = index.features.get(state.feature_id) if state.feature_id else None
    if feature is None:
        st.info(t(lang, "pick"))
        return
    render_feature_card(feature, lang)
    timeline = load_timeline_index()
    # only what the panel lists is read (from the index file: cut in SQL)
    events, total_events = first_rows(timeline.events, feature.feature_id, MAX_EVENTS, event_cut_key)
    figures, total_figures = first_rows(timeline.figures, feature.feature_id, MAX_FIGURES, figure_cut_key)
    section = html_from_timeline(
        events, figures, index.articles, lang, total_events=total_events, total_figures=total_figures
    )
    if section:
        st.html(section)
    if timeline.problems:  # no timeline: say why, keep the rest of the panel
        st.warning(markdown_list(str(problem) for problem in timeline.problems))
    store = load_index_store()
    if store is not None:  # counted and cut in SQL: a click reads a dozen articles' excerpts, not thousands
        excerpts: Sequence[Excerpt] = store.excerpts_of(feature.feature_id, max_articles=MAX_ARTICLES_IN_PANEL)
        total, n_articles = store.excerpt_totals(feature.feature_id)
    else:
        excerpts = index.excerpts.get(feature.feature_id, ())
        total, n_articles = sum(e.count for e in excerpts), len({e.article_id for e in excerpts})
    curatorui.render_report_form(feature, excerpts, lang)
    st.subheader(t(lang, "excerpts"))
    if not excerpts:
        st.caption(t(lang, "not_mentioned"))
    by_article: dict[str, list[Excerpt]] = {}
    for excerpt in excerpts:
        by_article.setdefault(excerpt.article_id, []).append(excerpt)
    if excerpts:
        st.caption(t(lang, "excerpt_count", n=total, a=n_articles))
    defaults = default_layer_ids(load_map_layers())

    def link_for(feature_id: str) -> str:
        return link_to_feature(state, feature_id, default_layer_ids=defaults)

    # A place named in thousands of articles must not make every click send them all: the panel
    # (and each article's reader view) is capped, so a click costs the same for 5 or 5,000 articles.
    if n_articles > MAX_ARTICLES_IN_PANEL:
        st.caption(t(lang, "articles_shown", shown=MAX_ARTICLES_IN_PANEL))
    shown = list(by_article.items())[:MAX_ARTICLES_IN_PANEL]
    sources = article_sources(index, store, [article_id for article_id, _ in shown])
    for article_id, article_excerpts in shown:
        outlet, source_urls = sources.get(article_id, ("", ()))
        # st.html, not st.markdown: article text must not be read as markdown.
        st.html(html_from_article_excerpts(article_excerpts, lang, outlet=outlet, source_urls=source_urls))
        if article_id in index.articles:
            # Lazy: the article's full text is rendered and sent only while its reader is open.
            reader = st.expander(t(lang, "reader"), key=f"w_reader_{article_id}", on_change="rerun")
            if reader.open:
                article = index.articles[article_id]  # read now (from the index file, if there is one)
                with reader:
                    st.html(
                        html_from_article(
                            article,
                            load_article_mentions(article_id),
                            selected_feature_id=feature.feature_id,
                            link_for=link_for,
                        )
                    )
    render_related(index, feature, lang)


def article_sources(
    index: MapIndex, store: IndexStore | None, article_ids: Sequence[str]
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each article's outlet and source URLs (from the index file without reading its text)."""
    if store is not None:
        return store.article_sources(article_ids)
    return {
        aid: (index.articles[aid].outlet, index.articles[aid].source_urls)
        for aid in article_ids
        if aid in index.articles
    }


def render_feature_card(feature: Feature, lang: str) -> None:
    other = feature.name_en if lang == "zh" else feature.name_zh
    st.header(escape_markdown(markup.feature_name(feature, lang)), anchor=False)
    if other:
        st.caption(escape_markdown(other))
    st.html(html_from_feature_card(feature, lang))
    sources = html_from_sources(feature, lang)
    if sources:
        st.html(sources)


def render_related(index: MapIndex, feature: Feature, lang: str) -> None:
    related = [(fid, n) for fid, n in index.related.get(feature.feature_id, ()) if fid in index.features]
    if not related:
        return
    st.subheader(t(lang, "related"))
    columns = st.columns(2)
    for position, (feature_id, count) in enumerate(related[:12]):
        other = index.features[feature_id]
        columns[position % 2].button(
            f"{escape_markdown(markup.feature_name(other, lang))} · {count}",
            key=f"w_related_{feature_id}",
            on_click=_select,
            args=(feature_id,),
            kwargs={"zoom": True},
            use_container_width=True,
        )
