"""Curator mode without Streamlit: who may curate, what a click on the map places, the work list, escaped HTML.

Pure functions, tested with recorded st_folium return values; mapapp/app/curatorui.py shows them.
Curator mode exists only where a credential hash is configured (QZ_CURATOR_PASSWORD_HASH or the
secret `curator_password_hash`); a malformed hash counts as none, so nobody gets in by mistake.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from mapapp.coords import gcj02_geometry_from_wgs84
from mapapp.curation.credentials import is_valid_hash
from mapapp.curation.journal import Change
from mapapp.curation.placement import CRS_OF_BASEMAP, precision_from_zoom
from mapapp.curation.ratelimit import SignInRecord
from mapapp.curation.reports import Report
from mapapp.map.wording import BASIS_TITLES, CATEGORY_TITLES, title_in
from mapapp.models import Feature, LayerSpec
from mapapp.pipeline.candidates import Candidate
from mapapp.pipeline.index import MapIndex

CURATOR_HASH_ENV = "QZ_CURATOR_PASSWORD_HASH"
CURATOR_HASH_SECRET = "curator_password_hash"
Shape = Literal["Point", "LineString", "Polygon"]
SHAPES: tuple[Shape, ...] = ("Point", "LineString", "Polygon")
SHAPE_TITLES: dict[str, tuple[str, str]] = {
    "Point": ("点", "point"),
    "LineString": ("线", "line"),
    "Polygon": ("面", "area"),
}
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


def vertices_from_drawings(drawings: Any) -> tuple[str | None, tuple[tuple[float, float], ...]]:
    """The shape and vertices (lon, lat) of the last line or polygon in st_folium's `all_drawings`
    (Leaflet.draw's layers as GeoJSON features); (None, ()) when there is none."""
    if not isinstance(drawings, list):
        return None, ()
    for feature in reversed(drawings):
        geometry = feature.get("geometry") if isinstance(feature, Mapping) else None
        if not isinstance(geometry, Mapping):
            continue
        kind, coordinates = geometry.get("type"), geometry.get("coordinates")
        ring = coordinates[0] if kind == "Polygon" and isinstance(coordinates, list) and coordinates else coordinates
        if kind not in ("LineString", "Polygon") or not isinstance(ring, list):
            continue
        points = tuple(
            (float(p[0]), float(p[1]))
            for p in ring
            if isinstance(p, list) and len(p) >= 2 and all(isinstance(v, (int, float)) for v in p[:2])
        )
        if kind == "Polygon" and len(points) > 1 and points[0] == points[-1]:
            points = points[:-1]  # GeoJSON closes the ring; the draft keeps each vertex once
        return kind, points
    return None, ()


def drawing_from_map_value(
    value: Any, seen: str | None
) -> tuple[tuple[str, tuple[tuple[float, float], ...]] | None, str]:
    """A new drawing in st_folium's value (shape, vertices) unless it is the one seen before, and what to remember."""
    drawings = value.get("all_drawings") if isinstance(value, Mapping) else None
    signature = json.dumps(drawings, sort_keys=True)
    if signature == seen:
        return None, signature
    shape, vertices = vertices_from_drawings(drawings)
    return ((shape, vertices) if shape is not None else None), signature


def draft_with_click(draft: Draft, lon: float, lat: float, zoom: int | None, *, basemap: str = "") -> Draft:
    """A click places the point, or adds a vertex to the line or polygon being drawn (on `basemap`)."""
    draft = draft.on(basemap) if basemap else draft
    if draft.shape == "Point":
        return replace(draft, vertices=((lon, lat),), zoom=zoom, basemap=basemap or draft.basemap)
    zoom = zoom if zoom is not None else draft.zoom
    return replace(draft, vertices=(*draft.vertices, (lon, lat)), zoom=zoom, basemap=basemap or draft.basemap)


def draft_from_feature(feature: Feature, basemap: str, zoom: int | None = None) -> Draft:
    """A place's own geometry as the draft to edit, in the datum of `basemap` (GCJ-02 on Gaode).

    A point, a line or the outer ring of an area; other shapes (multi-part) start from an empty draft.
    """
    geometry = feature.geometry or {}
    kind = geometry.get("type")
    if kind not in SHAPES:
        return Draft(shape="Point", zoom=zoom, basemap=basemap)
    if CRS_OF_BASEMAP.get(basemap) == "gcj02":
        geometry = gcj02_geometry_from_wgs84(dict(geometry))
    coordinates = geometry["coordinates"]
    if kind == "Point":
        vertices: tuple[tuple[float, float], ...] = ((float(coordinates[0]), float(coordinates[1])),)
    else:
        ring = coordinates[0] if kind == "Polygon" else coordinates
        vertices = tuple((float(p[0]), float(p[1])) for p in ring)
        if kind == "Polygon" and len(vertices) > 1 and vertices[0] == vertices[-1]:
            vertices = vertices[:-1]
    return Draft(shape=kind, vertices=vertices, zoom=zoom, basemap=basemap)


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


def outline_length_m(draft: Draft) -> float:
    """The length of a drawn line, or the perimeter of an area, in metres (for the curator's check)."""
    points = list(draft.vertices)
    if draft.shape == "Polygon" and len(points) >= 3:
        points.append(points[0])
    return sum(distance_m(a, b) for a, b in itertools.pairwise(points))


def suggested_precision(draft: Draft) -> int | None:
    """The precision a click at the draft's zoom supports (editable by the curator)."""
    if draft.zoom is None or not draft.vertices:
        return None
    return precision_from_zoom(draft.zoom, draft.vertices[-1][1])


# How precise a position the kind of place needs: a station or a venue is found within tens of metres,
# a park or a port zone within a few hundred, a district within kilometres.
PRECISION_NEEDED_M: dict[str, int] = {
    "admin_area": 5000,
    "new_town": 2000,
    "flight_route": 5000,
    "shipping_route": 5000,
    "industrial_park": 500,
    "bonded_zone": 500,
    "agriculture": 500,
    "logistics_park": 300,
    "port": 300,
    "airport": 300,
    "port_zone": 200,
    "park": 200,
    "waterway": 200,
    "rail_line": 100,
    "expressway": 100,
    "road": 100,
}
DEFAULT_PRECISION_NEEDED_M = 50  # stations, venues, buildings, bridges, hospitals ...
KIND_CATEGORIES: dict[str, str] = {  # a candidate's kind (geodata/candidates.toml) -> the category offered first
    "admin": "admin_area",
    "airport": "airport",
    "bridge": "bridge",
    "hospital": "hospital",
    "hub": "waterway",
    "lake": "waterway",
    "landmark": "landmark",
    "park": "park",
    "port": "port_zone",
    "river": "waterway",
    "road": "road",
    "station": "rail_station",
    "venue": "sports_venue",
}
BASIS_CHOICE_TITLES: dict[str, tuple[str, str]] = {
    "auto": ("按精度自动判断", "decide from the precision"),
    **BASIS_TITLES,
}


def needed_precision_m(category: str) -> int:
    return PRECISION_NEEDED_M.get(category, DEFAULT_PRECISION_NEEDED_M)


def zoom_for_precision(needed_m: int, lat: float) -> int:
    """The least zoom at which a click is as precise as `needed_m` (precision_from_zoom)."""
    for zoom in range(20):
        if precision_from_zoom(zoom, lat) <= needed_m:
            return zoom
    return 19


def metres_text(metres: float, lang: str) -> str:
    if metres >= 1000:
        km = f"{metres / 1000:.1f}".rstrip("0").rstrip(".")
        return f"{km} 公里" if lang == "zh" else f"{km} km"
    return f"{round(metres):,} 米" if lang == "zh" else f"{round(metres):,} m"


def precision_prompt(suggested_m: int, category: str, lat: float, lang: str) -> str | None:
    """Ask to zoom in when a click at this zoom is coarser than the kind of place needs; None when fine."""
    needed = needed_precision_m(category)
    if suggested_m <= needed:
        return None
    kind = title_in(CATEGORY_TITLES.get(category, (category, category)), lang)
    zoom = zoom_for_precision(needed, lat)
    if lang == "zh":
        return (
            f"在这个缩放级别，点击的误差约 ±{metres_text(suggested_m, lang)}，而{kind}需要 ±{metres_text(needed, lang)}"
            f"以内：请把地图放大到第 {zoom} 级或更大，再点击放置。"
        )
    return (
        f"At this zoom a click is good to about ±{metres_text(suggested_m, lang)}, and a {kind} needs "
        f"±{metres_text(needed, lang)} or better: zoom the map in to level {zoom} or more, then click to place it."
    )


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


def _w(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def name_of(feature: Feature | Mapping[str, Any] | None, lang: str, fallback: str = "") -> str:
    """A place's name in the page's language (the Chinese name where there is no English one)."""
    if isinstance(feature, Feature):
        props: Mapping[str, Any] = feature.properties
    elif isinstance(feature, Mapping):
        props = feature.get("properties", feature)
    else:
        return fallback
    zh, en = str(props.get("name_zh") or ""), str(props.get("name_en") or "")
    return (en or zh or fallback) if lang == "en" else (zh or en or fallback)


def html_from_report(
    report: Report, features: Mapping[str, Feature], index: MapIndex | None = None, *, lang: str = "zh"
) -> str:
    """One reader report for a curator; every piece of it is escaped (a reader wrote it)."""
    name = name_of(features.get(report.feature_id), lang, _w(lang, "（已删除的地点）", "(a removed place)"))
    kind = (
        _w(lang, "位置不对", "the position is wrong")
        if report.kind == "position"
        else _w(lang, "这段文字说的不是这里", "this passage is not about this place")
    )
    passage = ""
    article = index.articles.get(report.article_id) if index is not None and report.article_id else None
    if report.kind == "passage" and article is not None:
        text = article.text
        if report.start is not None and report.end is not None:
            passage = f"<br><span class='qz-meta'>“{html.escape(text[report.start : report.end][:300])}”</span>"
    comment = f"<br>{html.escape(report.comment)}" if report.comment else ""
    when = report.created_at.replace("T", " ")[:16]
    return (
        f"<div class='qz-report'><b>{html.escape(name)}</b> · {html.escape(kind)}"
        f" <span class='qz-meta'>{html.escape(when)}</span>{passage}{comment}</div>"
    )


# --- what a change did, in words -----------------------------------------------------------------


def _geometry_of(record: Any) -> Mapping[str, Any] | None:
    geometry = record.get("geometry") if isinstance(record, Mapping) else None
    return geometry if isinstance(geometry, Mapping) else None


def _anchor(geometry: Mapping[str, Any]) -> tuple[float, float] | None:
    """A point for the distance moved: the point itself, else the mean of the vertices."""
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "Point" and isinstance(coordinates, list) and len(coordinates) >= 2:
        return float(coordinates[0]), float(coordinates[1])
    flat: list[tuple[float, float]] = []

    def walk(value: Any) -> None:
        if isinstance(value, list) and len(value) >= 2 and all(isinstance(v, (int, float)) for v in value[:2]):
            flat.append((float(value[0]), float(value[1])))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(coordinates)
    if not flat:
        return None
    return sum(p[0] for p in flat) / len(flat), sum(p[1] for p in flat) / len(flat)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points, in metres."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def is_feature_change(change: Change) -> bool:
    """Did the change add, move, remove or edit a place (not a candidate name or a mention)?"""
    return any(isinstance(r, Mapping) and r.get("type") == "Feature" for r in (change.before, change.after))


def message_from_change(change: Change, lang: str, changes: Sequence[Change] = ()) -> str:
    """What a change did, in words: "衢江区体育馆 移动了 120 米" / "衢江区体育馆 moved 120 m"."""
    if change.action == "undo":
        target = next((c for c in changes if c.change_id == change.undoes), None)
        undone = message_from_change(target, lang) if target is not None else name_of(change.before, lang, "")
        return _w(lang, f"已撤销：{undone}", f"Undone: {undone}")
    record = change.after if isinstance(change.after, Mapping) else change.before
    name = name_of(record, lang, change.subject) if is_feature_change(change) else change.subject
    before, after = _geometry_of(change.before), _geometry_of(change.after)
    if change.action == "add-place" and after is not None:
        shape = title_in(SHAPE_TITLES.get(str(after.get("type")), ("", "")), lang)
        return _w(lang, f"已添加 {name}（{shape}）", f"Added {name} ({shape})")
    if change.action == "move" and before is not None and after is not None:
        if before.get("type") == "Point" and after.get("type") == "Point":
            a, b = _anchor(before), _anchor(after)
            moved = metres_text(distance_m(a, b), lang) if a and b else "?"
            return _w(lang, f"{name} 移动了 {moved}", f"{name} moved {moved}")
        shape = title_in(SHAPE_TITLES.get(str(after.get("type")), ("", "")), lang)
        return _w(lang, f"{name} 已重画为{shape}", f"{name} redrawn as a {shape}")
    if change.action == "add-alias" and isinstance(change.after, Mapping):
        aliases = change.after.get("properties", {}).get("aliases") or [""]
        return _w(lang, f"{name} 新增别名“{aliases[-1]}”", f"Added the alias “{aliases[-1]}” to {name}")
    if change.action == "describe":
        return _w(lang, f"已保存 {name} 的简介", f"Saved the descriptions of {name}")
    if change.action == "dismiss":
        return _w(lang, f"“{change.subject}”已标为不是地名", f"“{change.subject}” marked as not a place")
    if change.action == "correct-mention" and isinstance(change.after, Mapping):
        surface = str(change.after.get("surface", ""))
        return _w(lang, f"文中的“{surface}”已标为不是地名", f"“{surface}” in the text marked as not a place")
    return _w(lang, f"已修改 {name}", f"Changed {name}")


def local_time(iso_utc: str) -> str:
    """'2026-05-01T08:30:00+00:00' as '2026-05-01 16:30' (China Standard Time, the map's readers' clock)."""
    try:
        when = datetime.fromisoformat(iso_utc)
    except ValueError:
        return iso_utc[:16]
    return datetime.fromtimestamp(when.timestamp() + 8 * 3600, UTC).strftime("%Y-%m-%d %H:%M")


def html_from_changes(changes: Sequence[Change], undone: set[str], *, lang: str = "zh", limit: int = 10) -> str:
    """The latest changes, newest first, in words, escaped."""
    rows = []
    for change in list(reversed(changes))[:limit]:
        mark = _w(lang, "（已撤销）", " (undone)") if change.change_id in undone else ""
        rows.append(
            f"<li>{html.escape(message_from_change(change, lang, changes))}{html.escape(mark)}"
            f" <span class='qz-meta'>· {html.escape(change.who)} · {html.escape(local_time(change.when))}</span></li>"
        )
    return f"<ul class='qz-log'>{''.join(rows)}</ul>"


SIGN_IN_OUTCOMES: dict[str, tuple[str, str]] = {
    "signed-in": ("登录成功", "signed in"),
    "failed": ("口令错误", "wrong password"),
    "throttled": ("过于频繁，未核对", "too frequent, not checked"),
    "pending": ("核对中断", "check interrupted"),
}


def html_from_signins(records: Sequence[SignInRecord], lang: str) -> str:
    """The sign-in log for curators (time, result, name typed, address, wait), escaped; never a password."""
    head = _w(
        lang,
        "<th>时间</th><th>结果</th><th>姓名</th><th>地址</th><th>等待</th>",
        "<th>Time</th><th>Result</th><th>Name</th><th>Address</th><th>Wait</th>",
    )
    rows = []
    for record in records:
        when = datetime.fromtimestamp(record.at + 8 * 3600, UTC).strftime("%m-%d %H:%M:%S")
        outcome = title_in(SIGN_IN_OUTCOMES.get(record.outcome, (record.outcome, record.outcome)), lang)
        wait = _w(lang, f"{record.waited_s:.1f} 秒", f"{record.waited_s:.1f} s") if record.waited_s else ""
        rows.append(
            f"<tr class='qz-signin-{html.escape(record.outcome)}'><td>{html.escape(when)}</td>"
            f"<td>{html.escape(outcome)}</td><td>{html.escape(record.name)}</td>"
            f"<td>{html.escape(record.client)}</td><td>{html.escape(wait)}</td></tr>"
        )
    return f"<table class='qz-signins'><tr>{head}</tr>{''.join(rows)}</table>"


# --- refusals in the page's language --------------------------------------------------------------

FIELD_TITLES: dict[str, tuple[str, str]] = {
    "name": ("名称", "name"),
    "alias": ("别名", "alias"),
    "title": ("来源标题", "source title"),
    "ref": ("网址或出处", "URL or reference"),
    "quote": ("引文", "quote"),
    "description": ("简介", "description"),
    "name_zh": ("中文名", "Chinese name"),
    "name_en": ("英文名", "English name"),
    "aliases": ("别名", "aliases"),
    "category": ("类别", "category"),
    "layer": ("图层", "layer"),
    "parent": ("上级地点", "parent place"),
    "status": ("状态", "status"),
    "precision_m": ("精度", "precision"),
    "location_basis": ("定位依据", "location basis"),
    "geometry": ("位置", "position"),
    "sources": ("来源", "sources"),
}
_REFUSALS: list[tuple[re.Pattern[str], Callable[[re.Match[str], str], str]]] = []


def _refusal(pattern: str) -> Callable[[Callable[[re.Match[str], str], str]], Callable[[re.Match[str], str], str]]:
    def register(render: Callable[[re.Match[str], str], str]) -> Callable[[re.Match[str], str], str]:
        _REFUSALS.append((re.compile(pattern), render))
        return render

    return register


def _field(name: str, lang: str) -> str:
    return title_in(FIELD_TITLES.get(name, (name, name)), lang)


@_refusal(r"^(\w+) is empty; expected some text$")
def _empty(m: re.Match[str], lang: str) -> str:
    return _w(lang, f"{_field(m[1], lang)}为空：请填写。", f"The {_field(m[1], lang)} is empty: please fill it in.")


@_refusal(r"^(\w+) has (\d+) characters; expected at most (\d+)$")
def _too_long(m: re.Match[str], lang: str) -> str:
    return _w(
        lang,
        f"{_field(m[1], lang)}有 {m[2]} 个字，最多 {m[3]} 个：请删短。",
        f"The {_field(m[1], lang)} has {m[2]} characters; at most {m[3]}: please shorten it.",
    )


@_refusal(r"already has the name '(.*)'$")
def _has_name(m: re.Match[str], lang: str) -> str:
    return _w(lang, f"这个地点已经有“{m[1]}”这个名字。", f"This place already has the name “{m[1]}”.")


@_refusal(r"^not_places\.json: '(.*)' is already dismissed$")
def _dismissed(m: re.Match[str], lang: str) -> str:
    return _w(lang, f"“{m[1]}”已经标为不是地名。", f"“{m[1]}” is already marked as not a place.")


@_refusal(r"no change to undo$")
def _nothing(m: re.Match[str], lang: str) -> str:
    return _w(lang, "没有可撤销的修改。", "There is no change to undo.")


@_refusal(r"^(.+?): changed since (\S+) \(by (.*)\); undo those first$")
def _later(m: re.Match[str], lang: str) -> str:
    return _w(
        lang,
        f"无法撤销：文件 {m[1]} 之后又被修改过（{m[3]}），请先撤销后来的修改。",
        f"Cannot undo: the file {m[1]} was changed again later ({m[3]}); undo the later changes first.",
    )


@_refusal(r"is drawn from boundary")
def _boundary(m: re.Match[str], lang: str) -> str:
    return _w(
        lang,
        "这是按官方行政区界绘制的地点，不能手动移动。",
        "This place is drawn from an official boundary; it cannot be moved by hand.",
    )


@_refusal(r"nothing would change")
def _no_change(m: re.Match[str], lang: str) -> str:
    return _w(lang, "没有任何改动，未保存。", "Nothing would change; nothing was saved.")


@_refusal(r"^crs is|^geometry is|^geometry coordinates cannot be read")
def _geometry(m: re.Match[str], lang: str) -> str:
    return _w(lang, "位置无法读取：请在地图上重新放置。", "The position cannot be read: place it on the map again.")


@_refusal(r"^(\S+?): '([^']*)': (\w+): (.*)$")
def _problem(m: re.Match[str], lang: str) -> str:
    """A line of the data check (mapapp.errors.Problem): file, place, field, what was found."""
    return _w(
        lang,
        f"数据检查未通过：文件 {m[1]} 中地点“{m[2]}”的{_field(m[3], lang)}不合格（{m[4]}）。",
        f"The data check failed: in {m[1]}, place “{m[2]}”, the {_field(m[3], lang)}: {m[4]}.",
    )


def refusal_in(message: str, lang: str) -> str:
    """A refusal from mapapp.curation (English, for the CLI and logs) said in the page's language.

    Each line is matched against the known shapes; the precise detail (field, values, file) is kept.
    """
    lines = [line for line in message.splitlines() if line.strip()]
    if lines and lines[0].startswith("the change was refused, it would break the data"):
        said = [_w(lang, "保存被拒绝，这样会破坏数据：", "Refused: the change would break the data:")]
        said += [refusal_in(line.strip(), lang) for line in lines[1:]]
        return "\n".join(said)
    out = []
    for line in lines:
        for pattern, render in _REFUSALS:
            found = pattern.search(line)
            if found:
                out.append(render(found, lang))
                break
        else:
            out.append(_w(lang, f"保存被拒绝（{line}）。", f"Refused: {line}."))
    return "\n".join(out)


def sources_note(feature: Feature) -> str:
    """The note on how the position was found (position_note), shown with the sources."""
    note = feature.properties.get("position_note")
    return note if isinstance(note, str) else ""
