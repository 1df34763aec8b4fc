"""The Streamlit app: the map with the place panel, search, language, basemap, curator mode.

With curatorui.py and mapcomponent.py, the only modules that import streamlit / streamlit_folium.
Pipeline calls are cached with thin wrappers keyed on the data digest.

A reader's click costs the server nothing: the map's script (mapapp/map/js/reader.js) shows the
place's panel from its static file (mapapp.app.placefiles, written once per data version) and keeps
the state in the page's URL. The map reports nothing to the server in reader mode. The server reads
the URL at the start of each run (search, language, basemap, curator actions, a reconnect) into one
UrlState in st.session_state, and writes the URL only when it changed the state itself (a place
chosen by search), which the map's script then follows. Reports and an article's whole text are
asked for from the panel (the map component's value) and shown in a dialog.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import folium
import streamlit as st

from mapapp.app import curatorui
from mapapp.app.mapcomponent import RenderedMap, render_base_map, render_groups_js, show_map
from mapapp.app.pagelayout import LEGEND_KEY, SUBTITLE_KEY, TITLE_KEY, page_css
from mapapp.app.pagelayout import MAP_KEY as MAP_CONTAINER_KEY
from mapapp.app.pagelayout import NOTICES_KEY as NOTICES_CONTAINER_KEY
from mapapp.app.panel import (
    PANEL_CSS,
    escape_markdown,
    html_from_article,
    html_from_problems,
    notice_markdown,
    search_result_label,
)
from mapapp.app.placedata import panel_words
from mapapp.app.placefiles import PlaceFiles, ensure_place_files, make_current
from mapapp.app.previewfiles import PreviewMap, preview_file, write_preview
from mapapp.app.selection import (
    CURATOR_RETURNED_OBJECTS,
    PanelAction,
    action_from_map_value,
    click_from_map_value,
    new_click,
    search_features,
    select_feature,
)
from mapapp.app.urlstate import (
    UrlNotice,
    UrlState,
    adopt_browser_state,
    link_to_feature,
    query_from_state,
    state_from_query,
    visible_layer_ids,
)
from mapapp.datadirs import DataDirs, data_dirs_from_env
from mapapp.errors import MapAppError
from mapapp.map import asofcontrol, attributions, credits, displayshapes, maplayers, mapview, viewport
from mapapp.map.assets import (
    STATIC_URL_FROM_COMPONENT,
    LeafletUrls,
    install_leaflet,
    install_reader_files,
    leaflet_urls,
)
from mapapp.map.maplayers import MapLayer, default_layer_ids
from mapapp.map.readerpanel import ReaderOptions, reader_group
from mapapp.map.viewport import View
from mapapp.map.wording import BASEMAP_TITLES, t, title_in
from mapapp.models import Excerpt, Feature, Mention
from mapapp.paths import DEFAULT_INDEX_PATH, GEODATA_DIR, LAYERS_DIR, SEEDS_DIR
from mapapp.pipeline.datawatch import DATA_WATCH
from mapapp.pipeline.index import MapIndex, build_map_index
from mapapp.pipeline.store import IndexStore, ensure_store, open_map_index
from mapapp.pipeline.timeline import TimelineIndex, build_timeline_index

FAVICON = Path(__file__).with_name("favicon.svg")
MAP_KEY = "map"
STATE_KEY = "qz_state"
VIEW_REQUEST_KEY = "qz_view_request"
CLICK_KEY = "qz_click_signature"
ACTION_KEY = "qz_action_seen"  # the last panel action (report, whole article) this session took
DIALOG_KEY = "qz_dialog"  # a dialog the panel asked for, shown by this run
URL_SEEN_KEY = "qz_url_seen"  # the query string this session last read from the browser or wrote
FIRST_RUN_KEY = "qz_first_run"  # set by the session's first run until its map has been shown
SWITCH_START_KEY = "qz_switch_start"  # the visible layers the in-map switch started from (per built map)
ASOF_START_KEY = "qz_asof_start"  # the date the in-map as-of control started from (per built map)
MAX_ARTICLES_IN_PANEL = 12
NOTICES_KEY = "qz_url_notices"
DATA_KEY = "qz_data_key"  # the folders and data digest this session's current run reads
INDEX_PATH_ENV = "QZ_INDEX_PATH"  # an index file (python -m mapapp index build); unset: the default one, if any

# --- cached pipeline -----------------------------------------------------------------------


def data_dirs() -> DataDirs:
    """The data this app serves: the folders named by QZ_SEEDS_DIR / QZ_GEODATA_DIR / QZ_LAYERS_DIR,
    else the bundled ones (this module's SEEDS_DIR, GEODATA_DIR, LAYERS_DIR)."""
    return data_dirs_from_env(os.environ, defaults=DataDirs(SEEDS_DIR, GEODATA_DIR, LAYERS_DIR))


def index_path() -> Path | None:
    """The index file named by QZ_INDEX_PATH (python -m mapapp index build); else, for the bundled
    data, the one scripts/setup.sh built (DEFAULT_INDEX_PATH) if it is there; else None: build in memory.

    Either file is brought up to date when the data (or the pipeline's code) changed, see
    _cached_index_store; the default one is not made here, so a host that never ran setup.sh
    (Streamlit Community Cloud) builds in memory as before.
    """
    value = os.environ.get(INDEX_PATH_ENV, "").strip()
    if value:
        return Path(value).expanduser().resolve()
    bundled = data_dirs() == DataDirs(SEEDS_DIR, GEODATA_DIR, LAYERS_DIR)
    return DEFAULT_INDEX_PATH if bundled and DEFAULT_INDEX_PATH.is_file() else None


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
    digest: str,
    basemap: str,
    switch_layers: tuple[str, ...],
    asof_start: str | None,
    returned: tuple[str, ...],
    mode: str,
) -> RenderedMap:
    place_files = load_place_files()

    def build() -> folium.Map:
        reader = ReaderOptions(
            placedata=f"{STATIC_URL_FROM_COMPONENT}/placedata/{place_files.source}",
            version=place_files.version,
            basemap=basemap,
            mode="curator" if mode == "curator" else "reader",
        )
        base_map = mapview.build_base_map(
            basemap=basemap,
            leaflet=load_leaflet(),
            switch_layers=switch_layers,
            reader=reader,
        )
        asofcontrol.add_asof_setup(base_map, asof_start)
        return base_map

    return render_base_map(build, key=MAP_KEY, returned_objects=returned)


def _overlay_groups(basemap: str, lang: str) -> list:
    """Every layer's group (the switch shows the ones that are on), then the switch."""
    index = load_map_index()
    return mapview.build_overlay_groups(
        load_map_layers(),
        index.features.values(),
        with_switch=True,
        excerpts=index.excerpts,
        lang=lang,
        basemap=basemap,
        shapes=load_display_shapes(basemap),
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_layer_groups_js(digest: str, basemap: str, lang: str) -> tuple[str, int]:
    """The layers' groups (all but the last, the switch) as script, and how many there are."""
    groups = _overlay_groups(basemap, lang)[:-1]
    return render_groups_js(lambda: groups, first_index=0), len(groups)


@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_tail_groups_js(digest: str, basemap: str, lang: str) -> tuple[str, int]:
    """The groups after the layers': the switch, the as-of control's data, the credits, then the reader's
    language and words (last: the reader's script then finds every feature); as script, and the index
    the next group takes."""
    _, first = _cached_layer_groups_js(digest, basemap, lang)
    groups = [
        *_overlay_groups(basemap, lang)[first:],
        asofcontrol.asof_group(asofcontrol.asof_spec(load_timeline_index().stages, lang)),
        credits.credits_group(basemap, mapview.TILES.get(basemap, {}).get("attr", ""), load_attributions(), lang),
        reader_group(lang, panel_words(lang), load_place_files().version),
    ]
    return render_groups_js(lambda: groups, first_index=first), first + len(groups)


def load_overlay_groups_js(basemap: str, lang: str) -> str:
    """Every overlay group as script: the cached layers, switch, as-of control and reader's words, then
    a curator's unsaved placement (per session, never cached; nothing for readers)."""
    digest = data_digest()
    layers_js, _ = _cached_layer_groups_js(digest, basemap, lang)
    tail_js, next_index = _cached_tail_groups_js(digest, basemap, lang)
    drafts = curatorui.draft_groups(basemap)
    draft_js = render_groups_js(lambda: drafts, first_index=next_index) if drafts else ""
    return layers_js + tail_js + draft_js


# Every place's panel as static files, written once per data version (mapapp.app.placefiles). Keyed
# on the digest like the index: a curator's save or a new article makes a new version, which the
# panels in open pages read on their next click.
@st.cache_resource(show_spinner=False, max_entries=3)
def _cached_place_files(seeds_dir: str, geodata_dir: str, layers_dir: str, digest: str) -> PlaceFiles:
    dirs = DataDirs(Path(seeds_dir), Path(geodata_dir), Path(layers_dir))
    return ensure_place_files(
        dirs,
        digest,
        index=_cached_map_index(seeds_dir, geodata_dir, layers_dir, digest),
        timeline=_cached_timeline_index(seeds_dir, geodata_dir, layers_dir, digest),
        store=_cached_index_store(seeds_dir, geodata_dir, layers_dir, digest),
    )


def load_place_files() -> PlaceFiles:
    files = _cached_place_files(*_dir_key())
    if not files.directory.is_dir():  # pruned by another process since it was cached
        _cached_place_files.clear()
        files = _cached_place_files(*_dir_key())
    make_current(files)  # a cached version may not be the current one any more (data changed back)
    return files


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
    install_reader_files()
    return leaflet_urls()


# --- state -----------------------------------------------------------------------------------


def _state() -> UrlState:
    return st.session_state[STATE_KEY]


def _set_state(state: UrlState) -> None:
    st.session_state[STATE_KEY] = state


def _request_view(view: View | None) -> None:
    """Ask a map that is about to be built to open at `view`. st_folium moves only when centre/zoom
    differ from the last request, so a repeated request (same place twice) is nudged by a micrometre
    of latitude."""
    previous = st.session_state.get(VIEW_REQUEST_KEY)
    if (
        view is not None
        and previous is not None
        and (view.lat, view.lon, view.zoom) == (previous.lat, previous.lon, previous.zoom)
    ):
        view = replace(view, lat=view.lat + 1e-6)
    st.session_state[VIEW_REQUEST_KEY] = view


def _query_now() -> dict[str, list[str]]:
    """The URL this run was asked with (the browser's address bar: mapapp/map/js/reader.js)."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _flat(query: Mapping[str, Sequence[str]]) -> dict[str, str]:
    return {key: values[-1] if values else "" for key, values in query.items()}


def _init_session(index: MapIndex, layers: Sequence[MapLayer]) -> None:
    """First run of a session: restore the state from the URL."""
    query = _query_now()
    state, notices = state_from_query(query, feature_ids=index.features, layer_ids=[layer.layer_id for layer in layers])
    st.session_state[NOTICES_KEY] = notices
    st.session_state[URL_SEEN_KEY] = _flat(query)
    _set_state(state)
    st.session_state[CLICK_KEY] = None
    st.session_state[VIEW_REQUEST_KEY] = None
    st.session_state[FIRST_RUN_KEY] = True
    if state.feature_id is not None:  # its layer turned on; a link with no view opens on the place
        _select(state.feature_id, zoom=state.view is None)
    if _state().view is not None:
        _request_view(_state().view)
    _restart_switch()


def _adopt_url() -> None:
    """Take the browser's state (place, layers, view, as-of date) from the URL this run was asked
    with, if it changed since this session last read or wrote it. Runs at the start of every run
    and of every callback (callbacks run before the page does)."""
    if STATE_KEY not in st.session_state:
        return
    query = _query_now()
    if _flat(query) == st.session_state.get(URL_SEEN_KEY):
        return
    st.session_state[URL_SEEN_KEY] = _flat(query)
    index, layers = load_map_index(), load_map_layers()
    browser, _ = state_from_query(query, feature_ids=index.features, layer_ids=[layer.layer_id for layer in layers])
    _set_state(adopt_browser_state(_state(), browser))


def _write_url(state: UrlState, layers: Sequence[MapLayer]) -> None:
    """Write the state to the URL if this run changed it (a place chosen by search, the language, the
    basemap); otherwise leave the browser's URL alone, which the map's script may be changing."""
    query = query_from_state(state, default_layer_ids=default_layer_ids(layers))
    if query != st.session_state.get(URL_SEEN_KEY):
        st.query_params.from_dict(query)
        st.session_state[URL_SEEN_KEY] = query


def _restart_switch() -> None:
    """The map is about to be built anew: its layer switch starts from the layers visible now.

    Between rebuilds the switch's start stays fixed, so the map's own text does not change (and
    the component is not rebuilt) when the reader toggles layers in it.
    """
    st.session_state[SWITCH_START_KEY] = visible_layer_ids(_state(), default_layer_ids(load_map_layers()))
    st.session_state[ASOF_START_KEY] = _state().asof


def _select(feature_id: str | None, *, zoom: bool) -> None:
    """Select a feature (None clears); make its layer visible; optionally move the view to it.

    The new state reaches the browser through the URL this run writes, which the map's script
    follows (panel, popup, layers, view)."""
    _adopt_url()
    feature = load_map_index().features.get(feature_id) if feature_id else None
    change = select_feature(_state(), feature, load_map_layers(), zoom=zoom)
    if change.turned_on_layer_id:
        st.session_state["qz_layer_turned_on"] = change.turned_on_layer_id
    _set_state(change.state)


def _on_map_change() -> None:
    """The map component reported: a request from the place panel (any mode), or a click (curator mode)."""
    _adopt_url()
    value = st.session_state.get(MAP_KEY)
    action = action_from_map_value(value, st.session_state.get(ACTION_KEY))
    if action is not None:
        st.session_state[ACTION_KEY] = action.number
        st.session_state[DIALOG_KEY] = action
        return
    placing = curatorui.take_map_click(value)  # curator's placing mode: the click placed, it selects nothing
    click = new_click(value, st.session_state.get(CLICK_KEY))
    if click is not None:
        st.session_state[CLICK_KEY] = click.signature
        if not placing and click.feature_id in load_map_index().features:
            _select(click.feature_id, zoom=False)


def _take_value_from_before(value: object, defaults: Mapping[str, object]) -> None:
    """The session's first run: take what the map reported before this session began.

    A curator whose replica died is sent to another one by nginx, and the first run of their new
    session comes with their map's last report, often the very click that asked for the run. No
    callback runs for it (Streamlit calls none for a widget that this session has not drawn yet),
    so it is taken here. A request from the place panel is not repeated: it was answered (or its
    dialog lost with the replica), and the reader can ask again.
    """
    if not isinstance(value, Mapping) or value == defaults:
        return
    action = action_from_map_value(value, None)
    if action is not None:
        st.session_state[ACTION_KEY] = action.number
        return
    click = click_from_map_value(value)
    if click is not None and click.feature_id == _state().feature_id:
        st.session_state[CLICK_KEY] = click.signature  # the URL already has it selected
    st.session_state[MAP_KEY] = value
    _on_map_change()


def _on_basemap_change() -> None:
    _adopt_url()
    state = replace(_state(), basemap=st.session_state["w_basemap"])
    _set_state(state)
    # A new basemap rebuilds the map component; ask it to open where the reader was.
    _request_view(state.view)
    _restart_switch()
    st.session_state[CLICK_KEY] = None


def _on_lang_change() -> None:
    _adopt_url()
    _set_state(replace(_state(), lang=st.session_state["w_lang"]))


# --- page ------------------------------------------------------------------------------------


def main() -> None:
    # The icon is a file, not an emoji: Streamlit checks an emoji string against every emoji there is,
    # one regex compiled in the first reader's run (0.2-0.5 s of it, BENCHMARKS.md).
    st.set_page_config(page_title="衢州新闻地图 · Quzhou news map", page_icon=FAVICON, layout="wide")
    _refresh_data_key()  # a changed data file is served from this run on
    try:
        load_leaflet()  # Leaflet's and the reader's files in static/ (a failure is said here, not in the map)
        index = load_map_index()
        layers = load_map_layers()
        load_place_files()
    except MapAppError as error:  # the edge: say what is wrong instead of a traceback
        st.title(t("zh", "title"))
        st.error(escape_markdown(str(error)))
        return
    if STATE_KEY not in st.session_state:
        _init_session(index, layers)
    else:
        _adopt_url()
    with st.sidebar:
        render_controls(index, layers, _state())
    lang = _state().lang
    st.html(page_css(lang))
    if lang == "zh":  # Streamlit's own hint under a text box ("Press Enter to apply") is in English only
        st.html("<style>[data-testid='InputInstructions'] { display: none; }</style>")
    with st.sidebar:
        curatorui.render_sign_in(lang)
    state = _state()

    with st.container(key=TITLE_KEY):
        st.title(t(lang, "title"), anchor=False)
    with st.container(key=SUBTITLE_KEY):
        st.caption(t(lang, "subtitle"))
    with st.container(key=NOTICES_CONTAINER_KEY):  # on a phone: above the map, which takes what they leave
        render_notices(index, lang)
    with st.container(key=MAP_CONTAINER_KEY):
        render_map(state)
    with st.container(key=LEGEND_KEY):
        st.caption(t(lang, "legend"))
    curatorui.render_curator_panel(
        index,
        data_dirs(),
        lang=lang,
        basemap=state.basemap,
        on_data_changed=notice_data_change,
        select=_select,
        feature_id=_state().feature_id,
    )
    render_dialog(index, lang)
    _write_url(_state(), layers)
    with st.sidebar:
        st.subheader(t(lang, "share"))
        st.caption(t(lang, "share_in_address"))


def render_controls(index: MapIndex, layers: Sequence[MapLayer], state: UrlState) -> None:
    """Language, search and basemap. The radios start from the URL's state (`index`); a session that
    resumes a page after a reconnect (its replica died) takes their values from the page instead."""
    lang = st.radio(
        t(state.lang, "language"),
        ["zh", "en"],
        index=["zh", "en"].index(state.lang),
        key="w_lang",
        horizontal=True,
        format_func=lambda code: "中文" if code == "zh" else "English",
        on_change=_on_lang_change,
    )
    if lang != _state().lang:  # the page's own value, in a session's first run
        _set_state(replace(_state(), lang=lang))
    render_search(index, lang)
    st.caption(t(lang, "layers_in_map"))
    turned_on = st.session_state.pop("qz_layer_turned_on", None)
    if turned_on:
        title = next((layer.title(lang) for layer in layers if layer.layer_id == turned_on), turned_on)
        st.info(t(lang, "selected_hidden", layer=escape_markdown(title)))
    basemap = st.radio(
        t(lang, "basemap"),
        list(mapview.BASEMAPS),
        index=list(mapview.BASEMAPS).index(state.basemap),
        key="w_basemap",
        format_func=lambda code: title_in(BASEMAP_TITLES[code], lang),
        on_change=_on_basemap_change,
    )
    if basemap != _state().basemap:
        _set_state(replace(_state(), basemap=basemap))


def render_search(index: MapIndex, lang: str) -> None:
    query = st.text_input(t(lang, "search"), key="w_search", help=t(lang, "search_help"))
    if not query.strip():
        return
    store = load_index_store()
    features = index.features
    if store is not None:  # the database narrows the search to the features that contain the text
        features = {fid: index.features[fid] for fid in store.search_feature_ids(query) if fid in index.features}
    # features the index found by word (English excerpts, by stem) count as matches
    word_matched = store.word_feature_ids(query) if store is not None else ()
    hits = search_features(query, features, index.excerpts, limit=8, word_matched=word_matched)
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
            st.html(html_from_problems(errors, lang))
    if warnings:
        with st.expander(t(lang, "data_warnings", n=len(warnings)), icon="ℹ️"):
            st.html(html_from_problems(warnings, lang))
    timeline = load_timeline_index()
    if timeline.problems:  # no timeline in the panels: say why, keep the rest
        st.html(html_from_problems(timeline.problems, lang))


def render_map(state: UrlState) -> None:
    curator = curatorui.curator_name() is not None
    # A reader's map reports nothing (its state is in the URL); a curator's reports its clicks.
    returned = (*CURATOR_RETURNED_OBJECTS, *curatorui.extra_returned_objects()) if curator else ()
    # Rendered once per data, basemap, switch and as-of start and mode (cached): the same for every
    # reader who opened the same link, whatever they clicked since.
    rendered = _cached_rendered_map(
        data_digest(),
        state.basemap,
        tuple(st.session_state[SWITCH_START_KEY]),
        st.session_state.get(ASOF_START_KEY),
        returned,
        "curator" if curator else "reader",
    )
    groups_js = load_overlay_groups_js(state.basemap, state.lang)
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
        on_change=_on_map_change,
    )
    if st.session_state.pop(FIRST_RUN_KEY, False):
        _take_value_from_before(value, rendered.defaults)
    if (
        not curator
        and not st.session_state.get(ASOF_START_KEY)
        and (tuple(st.session_state[SWITCH_START_KEY]) == default_layer_ids(load_map_layers()))
    ):  # the map a new reader of a link in this language and basemap gets: a phone's first map
        _cached_preview(data_digest(), state.basemap, state.lang, rendered, groups_js)


# A phone's first map (mapapp.app.previewfiles): written when this process first renders the map of
# a data version, basemap and language for a new reader (then unchanged until the data change).
# `_rendered` and `_groups_js` follow from the key (not hashed: Streamlit skips arguments named _*).
@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_preview(digest: str, basemap: str, lang: str, _rendered: RenderedMap, _groups_js: str) -> bool:
    path = preview_file(load_place_files().directory.parent, lang, basemap)
    preview = PreviewMap(_rendered.header, _rendered.script, _groups_js, _rendered.css_links, _rendered.js_links)
    try:
        return write_preview(path, preview)
    except OSError as error:  # the page itself is not hurt: phones just wait for Streamlit's map
        print(f"mapapp: could not write the phone's first map {path}: {error}", file=sys.stderr)
        return False


# --- dialogs the place panel asks for -------------------------------------------------------------


def render_dialog(index: MapIndex, lang: str) -> None:
    """The report form or an article's whole text, if the panel asked for one in this run."""
    action: PanelAction | None = st.session_state.pop(DIALOG_KEY, None)
    feature = index.features.get(action.feature_id) if action is not None else None
    if action is None or feature is None:
        return
    if action.kind == "report":
        st.dialog(t(lang, "place_report"))(_report_dialog)(feature, lang)
    elif action.article_id is not None and action.article_id in index.articles:
        st.dialog(t(lang, "place_read"), width="large")(_article_dialog)(feature, action.article_id, lang)


def _report_dialog(feature: Feature, lang: str) -> None:
    store = load_index_store()
    if store is not None:
        excerpts: Sequence[Excerpt] = store.excerpts_of(feature.feature_id, max_articles=MAX_ARTICLES_IN_PANEL)
    else:
        excerpts = load_map_index().excerpts.get(feature.feature_id, ())
    st.markdown(f"**{escape_markdown(feature.name_zh if lang == 'zh' else feature.name_en or feature.name_zh)}**")
    curatorui.render_report_form(feature, excerpts, lang, expanded=True)


def _article_dialog(feature: Feature, article_id: str, lang: str) -> None:
    index = load_map_index()
    article = index.articles[article_id]  # read now (from the index file, if there is one)
    state = _state()
    defaults = default_layer_ids(load_map_layers())
    st.markdown(f"**{escape_markdown(article.headline)}** · {escape_markdown(article.date)}")
    st.caption(t(lang, "reader"))
    # st.html, not st.markdown: article text must not be read as markdown.
    st.html(
        PANEL_CSS
        + html_from_article(
            article,
            load_article_mentions(article_id),
            selected_feature_id=feature.feature_id,
            link_for=lambda fid: link_to_feature(state, fid, default_layer_ids=defaults),
        )
    )
