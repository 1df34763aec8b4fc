"""The shareable URL: parse and check query parameters into a UrlState, and write one back.

`?feature=<id>&layers=<id,...>&basemap=osm&lang=zh&lat=..&lon=..&z=..&asof=2025-06`. Anything unusable becomes
a UrlNotice (what, which value, why) and is replaced by its default, so a bad link still opens a map.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urlencode

from mapapp.map.mapview import BASEMAPS, LANGS
from mapapp.map.viewport import MAX_ZOOM, MIN_ZOOM, View

PARAMS: tuple[str, ...] = ("feature", "layers", "basemap", "lang", "lat", "lon", "z", "asof")
MAX_PARAM_CHARS = 1000  # longer values are refused whole, not parsed
MAX_SHOWN_CHARS = 60  # how much of a refused value a notice repeats

NoticeReason = Literal["unknown_feature", "unknown_layer", "bad_value", "too_long", "incomplete_view"]


@dataclass(frozen=True)
class UrlNotice:
    """A query parameter that could not be used. `value` is shortened; show it escaped.

    `expected` is language-neutral (allowed values or a range); the UI words the reason.
    """

    param: str
    value: str
    reason: NoticeReason
    expected: str = ""


@dataclass(frozen=True)
class UrlState:
    feature_id: str | None = None
    layer_ids: tuple[str, ...] | None = None  # None: the layers' defaults
    basemap: str = "osm"
    lang: str = "zh"
    view: View | None = None
    asof: str | None = None  # the map's "as of" date (YYYY, YYYY-MM or YYYY-MM-DD); None: off


def shorten(value: str, limit: int = MAX_SHOWN_CHARS) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def state_from_query(
    query: Mapping[str, str | Iterable[str]],
    *,
    feature_ids: Iterable[str],
    layer_ids: Iterable[str],
) -> tuple[UrlState, tuple[UrlNotice, ...]]:
    """The state a URL asks for, with a notice for every value that was not used."""
    notices: list[UrlNotice] = []
    known_features = set(feature_ids)
    known_layers = list(layer_ids)

    def get(param: str) -> str | None:
        raw = query.get(param)
        if raw is None:
            return None
        value = raw if isinstance(raw, str) else (list(raw) or [""])[-1]
        if len(value) > MAX_PARAM_CHARS:
            notices.append(UrlNotice(param, shorten(value), "too_long", f"≤ {MAX_PARAM_CHARS}"))
            return None
        return value.strip()

    feature_id = get("feature")
    if feature_id == "":
        feature_id = None
    if feature_id is not None and feature_id not in known_features:
        notices.append(UrlNotice("feature", shorten(feature_id), "unknown_feature"))
        feature_id = None

    layers_value = get("layers")
    chosen_layers: tuple[str, ...] | None = None
    if layers_value is not None:
        asked = [part.strip() for part in layers_value.split(",") if part.strip()]
        unknown = [part for part in asked if part not in known_layers]
        if unknown:  # one notice for all of them: a long list of bad ids must not flood the page
            notices.append(UrlNotice("layers", shorten(", ".join(unknown)), "unknown_layer", ", ".join(known_layers)))
        chosen_layers = tuple(layer for layer in known_layers if layer in asked)

    basemap = _choice(get("basemap"), "basemap", BASEMAPS, notices)
    lang = _choice(get("lang"), "lang", LANGS, notices)
    view = _view(get("lat"), get("lon"), get("z"), notices)
    asof = asof_from_query(get("asof"), notices)
    state = UrlState(feature_id=feature_id, layer_ids=chosen_layers, basemap=basemap, lang=lang, view=view, asof=asof)
    return state, tuple(notices)


def asof_from_query(value: str | None, notices: list[UrlNotice]) -> str | None:
    """An "as of" date: YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date between 1900 and 2100."""
    if value is None or value == "":
        return None
    if not valid_asof(value):
        notices.append(UrlNotice("asof", shorten(value), "bad_value", ASOF_EXPECTED))
        return None
    return value


ASOF_EXPECTED = "YYYY | YYYY-MM | YYYY-MM-DD (1900 … 2100)"
_ASOF = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def valid_asof(value: str) -> bool:
    match = _ASOF.match(value)
    if match is None or not 1900 <= int(match[1]) <= 2100:
        return False
    if match[2] is None:
        return True
    if not 1 <= int(match[2]) <= 12:
        return False
    if match[3] is None:
        return True
    try:
        datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False
    return True


def _choice(value: str | None, param: str, allowed: tuple[str, ...], notices: list[UrlNotice]) -> str:
    if value is None or value == "":
        return allowed[0]
    if value.lower() in allowed:
        return value.lower()
    notices.append(UrlNotice(param, shorten(value), "bad_value", " | ".join(allowed)))
    return allowed[0]


def _view(
    lat_value: str | None, lon_value: str | None, zoom_value: str | None, notices: list[UrlNotice]
) -> View | None:
    given = {"lat": lat_value, "lon": lon_value, "z": zoom_value}
    if all(v in (None, "") for v in given.values()):
        return None
    if any(v in (None, "") for v in given.values()):
        missing = ",".join(k for k, v in given.items() if v in (None, ""))
        notices.append(UrlNotice(missing, "", "incomplete_view"))
        return None
    lat = _number(lat_value, "lat", -85.0, 85.0, notices)
    lon = _number(lon_value, "lon", -180.0, 180.0, notices)
    zoom = _number(zoom_value, "z", float(MIN_ZOOM), float(MAX_ZOOM), notices)
    if lat is None or lon is None or zoom is None:
        return None
    return View(lat=round(lat, 6), lon=round(lon, 6), zoom=round(zoom))


def _number(value: str | None, param: str, low: float, high: float, notices: list[UrlNotice]) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        notices.append(UrlNotice(param, shorten(value or ""), "bad_value", f"{low:g} … {high:g}"))
        return None
    return number


def query_from_state(state: UrlState, *, default_layer_ids: Iterable[str]) -> dict[str, str]:
    """Query parameters for `state`, in a stable order; every part of the state is written."""
    query: dict[str, str] = {}
    if state.feature_id:
        query["feature"] = state.feature_id
    layers = state.layer_ids if state.layer_ids is not None else tuple(default_layer_ids)
    query["layers"] = ",".join(layers)
    query["basemap"] = state.basemap
    query["lang"] = state.lang
    if state.view is not None:
        query["lat"] = f"{state.view.lat:.5f}"
        query["lon"] = f"{state.view.lon:.5f}"
        query["z"] = str(state.view.zoom)
    if state.asof:
        query["asof"] = state.asof
    return query


def adopt_browser_state(state: UrlState, browser: UrlState) -> UrlState:
    """`state` with what the browser owns taken from `browser` (the state its URL gives): the
    selected place, the layers, the view and the as-of date, which the map's script changes without
    the server. The language and the basemap stay the server's (its widgets)."""
    return replace(
        state, feature_id=browser.feature_id, layer_ids=browser.layer_ids, view=browser.view, asof=browser.asof
    )


def visible_layer_ids(state: UrlState, default_layer_ids: Iterable[str]) -> tuple[str, ...]:
    """The layers the state shows: those it names, else the defaults."""
    return state.layer_ids if state.layer_ids is not None else tuple(default_layer_ids)


def link_to_feature(state: UrlState, feature_id: str, *, default_layer_ids: Iterable[str]) -> str:
    """A relative link ('?feature=...') that selects `feature_id` and keeps the rest of `state`
    but its view (the map then zooms to the place)."""
    target = UrlState(
        feature_id=feature_id, layer_ids=state.layer_ids, basemap=state.basemap, lang=state.lang, asof=state.asof
    )
    return "?" + urlencode(query_from_state(target, default_layer_ids=default_layer_ids))
