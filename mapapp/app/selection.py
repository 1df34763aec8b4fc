"""What the reader selects: a feature clicked on the map (st_folium's return value) or found by search.

Pure functions, no Streamlit: a click is identified by the `id` property of the clicked GeoJSON
feature, never by its tooltip text or by the point nearest to the click.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from mapapp.app.urlstate import UrlState, visible_layer_ids
from mapapp.map.maplayers import MapLayer, default_layer_ids, map_layer_id_for
from mapapp.map.viewport import MAX_ZOOM, MIN_ZOOM, View, view_for_feature
from mapapp.models import Excerpt, Feature
from mapapp.pipeline.normalise import simplified

# What ui.py asks st_folium to report in curator mode (every change costs a rerun): the clicks, which
# select a place on the server and place a curator's draft. A reader's map reports nothing: its state
# (place, layers, view, as-of date) is in the page's URL (mapapp/map/js/reader.js).
CURATOR_RETURNED_OBJECTS: tuple[str, ...] = (
    "last_active_drawing",
    "last_object_clicked",
    "last_object_clicked_count",
)
ACTION_KINDS = ("report", "read")


@dataclass(frozen=True)
class MapClick:
    """A click on a feature. `signature` tells this click from an earlier one on the same feature."""

    feature_id: str
    signature: tuple[Any, ...]


def click_from_map_value(value: Mapping[str, Any] | None) -> MapClick | None:
    """The clicked feature in st_folium's return value, or None if it holds no feature click."""
    if not isinstance(value, Mapping):
        return None
    drawing = value.get("last_active_drawing")
    if not isinstance(drawing, Mapping):
        return None
    properties = drawing.get("properties")
    if not isinstance(properties, Mapping):
        return None
    feature_id = properties.get("id")
    if not isinstance(feature_id, str) or not feature_id:
        return None
    # A marker reports the same latlng at every click: the component's click count tells clicks apart.
    count = value.get("last_object_clicked_count")
    clicked = value.get("last_object_clicked")
    where: tuple[Any, ...] = ()
    if isinstance(clicked, Mapping):
        where = (clicked.get("lat"), clicked.get("lng"))
    return MapClick(feature_id=feature_id, signature=(feature_id, count, *where))


@dataclass(frozen=True)
class PanelAction:
    """What the place panel asked the server for: a report form, or an article's whole text."""

    kind: Literal["report", "read"]
    feature_id: str
    article_id: str | None
    number: int  # counts the panel's requests, so the same request twice is two requests


def action_from_map_value(value: Mapping[str, Any] | None, previous_number: int | None) -> PanelAction | None:
    """The panel's request in the map component's value (`{"qz_action": {...}}`, set by reader.js),
    if it is well formed and new (its number differs from the last one taken)."""
    if not isinstance(value, Mapping):
        return None
    action = value.get("qz_action")
    if not isinstance(action, Mapping):
        return None
    kind, feature_id, article_id, number = (action.get(k) for k in ("kind", "feature", "article", "n"))
    if kind not in ACTION_KINDS or not isinstance(feature_id, str) or not isinstance(number, int):
        return None
    if number == previous_number or (article_id is not None and not isinstance(article_id, str)):
        return None
    return PanelAction(kind, feature_id, article_id, number)


def new_click(value: Mapping[str, Any] | None, previous_signature: tuple[Any, ...] | None) -> MapClick | None:
    """The click in `value` if it was not handled yet (its signature differs from the previous one)."""
    click = click_from_map_value(value)
    if click is None or click.signature == previous_signature:
        return None
    return click


def view_from_map_value(value: Mapping[str, Any] | None) -> View | None:
    """The map's centre and zoom as reported by st_folium, or None if it reported none."""
    if not isinstance(value, Mapping):
        return None
    center, zoom = value.get("center"), value.get("zoom")
    if not isinstance(center, Mapping) or not isinstance(zoom, (int, float)):
        return None
    lat, lng = center.get("lat"), center.get("lng")
    if not isinstance(lat, (int, float)) or not isinstance(lng, (int, float)):
        return None
    lon = ((lng + 180) % 360) - 180  # Leaflet reports unwrapped longitudes after panning round the world
    return View(lat=round(lat, 6), lon=round(lon, 6), zoom=int(max(MIN_ZOOM, min(MAX_ZOOM, zoom))))


# --- search --------------------------------------------------------------------------------

MatchKind = Literal["name", "alias", "excerpt"]
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class SearchHit:
    feature_id: str
    kind: MatchKind
    matched: str  # the name, alias or excerpt sentence that matched
    score: int  # lower is better


def normalize_for_search(text: str) -> str:
    """Case-, width-, space- and script-insensitive form: 'ＣＢＤ ' and 'cbd' compare equal, and so do
    '衢江港區' and '衢江港区' (a reprint in traditional characters is found by a simplified query)."""
    return "".join(simplified(unicodedata.normalize("NFKC", text)).casefold().split())


def search_features(
    query: str,
    features: Mapping[str, Feature],
    excerpts: Mapping[str, Sequence[Excerpt]],
    *,
    limit: int = 12,
    word_matched: Collection[str] = (),
) -> list[SearchHit]:
    """Features whose names, aliases (zh/en) or excerpt sentences contain the query, best first; an
    English query also finds excerpts that have all its words, in any order ("railway opened"), and
    `word_matched` are features the index file's word search found (by stem: "opening"/"opened")."""
    needle = normalize_for_search(query)
    if not needle:
        return []
    words = [w.casefold() for w in _LATIN_WORD.findall(query)]
    hits: list[SearchHit] = []
    for feature_id, feature in features.items():
        hit = _best_hit(needle, feature, excerpts.get(feature_id, ()), words, feature_id in word_matched)
        if hit is not None:
            hits.append(hit)
    hits.sort(key=lambda h: (h.score, -len(excerpts.get(h.feature_id, ())), h.feature_id))
    return hits[:limit]


def _best_hit(
    needle: str,
    feature: Feature,
    feature_excerpts: Iterable[Excerpt],
    words: Sequence[str] = (),
    word_matched: bool = False,
) -> SearchHit | None:
    aliases_en = [a for a in feature.properties.get("aliases_en") or [] if isinstance(a, str)]
    names = [
        (feature.name_zh, "name"),
        (feature.name_en, "name"),
        *((alias, "alias") for alias in (*feature.aliases, *aliases_en)),
    ]
    best: SearchHit | None = None
    for text, kind in names:
        form = normalize_for_search(text)
        if not form or needle not in form:
            continue
        score = 0 if form == needle else 1 if form.startswith(needle) else 2
        score += 0 if kind == "name" else 1
        if best is None or score < best.score:
            best = SearchHit(feature.feature_id, kind, text, score)  # type: ignore[arg-type]
    if best is not None:
        return best
    first_english: Excerpt | None = None
    for excerpt in feature_excerpts:
        if needle in normalize_for_search(excerpt.text):
            return SearchHit(feature.feature_id, "excerpt", excerpt.text, 10)
        if words and excerpt.lang == "en":
            first_english = first_english or excerpt
            present = [w.casefold() for w in _LATIN_WORD.findall(excerpt.text)]
            if all(any(p.startswith(w) for p in present) for w in words):
                return SearchHit(feature.feature_id, "excerpt", excerpt.text, 10)
    if word_matched and first_english is not None:
        return SearchHit(feature.feature_id, "excerpt", first_english.text, 11)
    return None


# --- selecting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectionChange:
    """The state after selecting a feature, the layer turned on to show it, the view to move to."""

    state: UrlState
    turned_on_layer_id: str | None = None
    view: View | None = None


def select_feature(
    state: UrlState, feature: Feature | None, layers: Sequence[MapLayer], *, zoom: bool
) -> SelectionChange:
    """Select `feature` (None clears the selection); turn on its layer if it is hidden; with
    `zoom`, move the view to show all of it."""
    state = replace(state, feature_id=feature.feature_id if feature else None)
    if feature is None:
        return SelectionChange(state)
    turned_on = None
    layer_id = map_layer_id_for(feature)
    visible = visible_layer_ids(state, default_layer_ids(layers))
    if layer_id not in visible:
        state = replace(
            state,
            layer_ids=tuple(
                layer.layer_id for layer in layers if layer.layer_id in visible or layer.layer_id == layer_id
            ),
        )
        turned_on = layer_id
    view = None
    if zoom and feature.geometry:
        view = view_for_feature(feature)
        state = replace(state, view=view)
    return SelectionChange(state, turned_on, view)
