"""Curator mode without Streamlit: who may curate, what a click on the map places, the work list, escaped HTML.

Pure functions, tested with recorded st_folium return values; mapapp/app/curatorui.py shows them.
Curator mode exists only where a credential hash is configured (QZ_CURATOR_PASSWORD_HASH or the
secret `curator_password_hash`); a malformed hash counts as none, so nobody gets in by mistake.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from mapapp.curation.credentials import is_valid_hash
from mapapp.curation.journal import Change
from mapapp.curation.placement import precision_from_zoom
from mapapp.curation.reports import Report
from mapapp.models import Feature, LayerSpec
from mapapp.pipeline.candidates import Candidate
from mapapp.pipeline.index import MapIndex

CURATOR_HASH_ENV = "QZ_CURATOR_PASSWORD_HASH"
CURATOR_HASH_SECRET = "curator_password_hash"
Shape = Literal["Point", "LineString", "Polygon"]
SHAPES: tuple[Shape, ...] = ("Point", "LineString", "Polygon")
_MIN_VERTICES = {"Point": 1, "LineString": 2, "Polygon": 3}


def configured_hash(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> str | None:
    """The curator credential hash from the environment, else from the secrets; None when absent or malformed."""
    for value in (environ.get(CURATOR_HASH_ENV, ""), secrets.get(CURATOR_HASH_SECRET, "")):
        if isinstance(value, str) and value.strip():
            return value.strip() if is_valid_hash(value) else None
    return None


@dataclass(frozen=True)
class Draft:
    """What the curator has put on the map so far, in the MAP's coordinates (GCJ-02 on Gaode), lon first."""

    shape: Shape = "Point"
    vertices: tuple[tuple[float, float], ...] = ()
    zoom: int | None = None
    basemap: str = ""  # the basemap the vertices were clicked on: their datum

    def on(self, basemap: str) -> Draft:
        """The draft as it can be shown and saved on `basemap`: a switch of basemap (datum) clears the vertices."""
        return self if not self.basemap or self.basemap == basemap else Draft(shape=self.shape)


ClickSeen = tuple[Any, Any]  # (last_clicked as (lng, lat), last_object_clicked_count)


def _lonlat(clicked: Any) -> tuple[float, float] | None:
    if not isinstance(clicked, Mapping):
        return None
    lat, lng = clicked.get("lat"), clicked.get("lng")
    if not isinstance(lat, (int, float)) or not isinstance(lng, (int, float)):
        return None
    return float(lng), float(lat)


def click_from_map_value(
    value: Mapping[str, Any] | None, seen: ClickSeen | None = None
) -> tuple[tuple[float, float, int | None] | None, ClickSeen]:
    """The new click in st_folium's return value as (lon, lat, zoom), and what to remember as seen.

    A click on bare map comes back as `last_clicked`; one on a drawn feature (inside the prefecture
    nearly every spot is on a district or halo) as `last_object_clicked` with a click count. Either
    places the draft, but only when it differs from the click seen before.
    """
    if not isinstance(value, Mapping):
        return None, seen or (None, None)
    plain = _lonlat(value.get("last_clicked"))
    count = value.get("last_object_clicked_count")
    on_object = _lonlat(value.get("last_object_clicked"))
    now_seen: ClickSeen = (plain, count)
    zoom_value = value.get("zoom")
    zoom = int(zoom_value) if isinstance(zoom_value, (int, float)) else None
    previous_plain, previous_count = seen or (None, None)
    if plain is not None and plain != previous_plain:
        return (*plain, zoom), now_seen
    if on_object is not None and count != previous_count:
        return (*on_object, zoom), now_seen
    return None, now_seen


def draft_with_click(draft: Draft, lon: float, lat: float, zoom: int | None, *, basemap: str = "") -> Draft:
    """A click places the point, or adds a vertex to the line or polygon being drawn (on `basemap`)."""
    draft = draft.on(basemap) if basemap else draft
    if draft.shape == "Point":
        return replace(draft, vertices=((lon, lat),), zoom=zoom, basemap=basemap or draft.basemap)
    zoom = zoom if zoom is not None else draft.zoom
    return replace(draft, vertices=(*draft.vertices, (lon, lat)), zoom=zoom, basemap=basemap or draft.basemap)


def geometry_from_draft(draft: Draft) -> dict[str, Any] | None:
    """The draft as a GeoJSON geometry in the map's coordinates; None until it has enough vertices."""
    points = [list(v) for v in draft.vertices]
    if len(points) < _MIN_VERTICES[draft.shape]:
        return None
    if draft.shape == "Point":
        return {"type": "Point", "coordinates": points[-1]}
    if draft.shape == "LineString":
        return {"type": "LineString", "coordinates": points}
    return {"type": "Polygon", "coordinates": [[*points, points[0]]]}


def suggested_precision(draft: Draft) -> int | None:
    """The precision a click at the draft's zoom supports (editable by the curator)."""
    if draft.zoom is None or not draft.vertices:
        return None
    return precision_from_zoom(draft.zoom, draft.vertices[-1][1])


def layers_for_category(layers: Sequence[LayerSpec], category: str) -> list[str]:
    return [layer.layer_id for layer in layers if category in layer.categories]


def worst_precision(features: Iterable[Feature], limit: int = 15) -> list[Feature]:
    """Features whose position is least certain first (boundaries excluded: they are exact polygons)."""
    own = [f for f in features if not f.properties.get("boundary")]
    return sorted(own, key=lambda f: (-f.precision_m, f.feature_id))[:limit]


def sentences_of(index: MapIndex, candidate: Candidate) -> list[tuple[str, str, str]]:
    """(headline, sentence, the name as printed there) for each of a candidate's sentences.

    The candidate's surface is normalised (simplified); a traditional reprint prints it otherwise, so
    the name to mark is read from the file text at the candidate's offsets.
    """
    found = []
    for sentence in candidate.sentences:
        article = index.articles.get(sentence.article_id)
        if article is not None:
            printed = article.text[sentence.start : sentence.end].replace("\r", "").replace("\n", "")
            found.append((article.headline, sentence.text, printed or candidate.surface))
    return found


def html_from_sentences(sentences: Sequence[tuple[str, str, str]]) -> str:
    """(headline, sentence, name) triples as escaped HTML, each name marked in its sentence."""
    items = [
        f"<div class='qz-excerpt'><span class='qz-meta'>{html.escape(headline)}</span><br>"
        + f"<mark>{html.escape(name)}</mark>".join(html.escape(piece) for piece in text.split(name))
        + "</div>"
        for headline, text, name in sentences
    ]
    return "".join(items)


def html_from_report(report: Report, features: Mapping[str, Feature], index: MapIndex | None = None) -> str:
    """One reader report for a curator; every piece of it is escaped (a reader wrote it)."""
    feature = features.get(report.feature_id)
    name = f"{feature.name_zh} ({feature.feature_id})" if feature else report.feature_id
    kind = "位置不对 · the position is wrong" if report.kind == "position" else "这段不是说这里 · passage not about it"
    passage = ""
    article = index.articles.get(report.article_id) if index is not None and report.article_id else None
    if report.kind == "passage" and article is not None:
        text = article.text
        if report.start is not None and report.end is not None:
            passage = f"<br><span class='qz-meta'>“{html.escape(text[report.start : report.end][:300])}”</span>"
    comment = f"<br>{html.escape(report.comment)}" if report.comment else ""
    return (
        f"<div class='qz-report'><b>#{report.report_id}</b> {html.escape(kind)} · {html.escape(name)}"
        f" <span class='qz-meta'>{html.escape(report.created_at)}</span>{passage}{comment}</div>"
    )


def html_from_changes(changes: Sequence[Change], undone: set[str], limit: int = 10) -> str:
    """The latest changes, newest first, escaped."""
    rows = []
    for change in list(reversed(changes))[:limit]:
        mark = " (undone)" if change.change_id in undone else ""
        rows.append(
            f"<li><code>{html.escape(change.change_id)}</code> {html.escape(change.action)} "
            f"<b>{html.escape(change.subject)}</b> · {html.escape(change.who)} · "
            f"<span class='qz-meta'>{html.escape(change.when)}{html.escape(mark)}</span></li>"
        )
    return f"<ul class='qz-log'>{''.join(rows)}</ul>"


def sources_note(feature: Feature) -> str:
    """The note on how the position was found (position_note), shown with the sources."""
    note = feature.properties.get("position_note")
    return note if isinstance(note, str) else ""
