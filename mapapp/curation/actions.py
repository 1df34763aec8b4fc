"""What a curator can do: add a place, move it, add an alias, dismiss a candidate, correct a mention,
edit descriptions, undo. Each action is one DataStore.apply call (validated, atomic, journalled).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mapapp.curation.geojsonfile import text_from_features, text_from_json
from mapapp.curation.journal import Change, sha256_of
from mapapp.curation.placement import (
    Placement,
    basis_from_precision,
    placement_notes,
    placement_source,
    wgs84_geometry,
)
from mapapp.curation.store import DataStore, Edit, Snapshot
from mapapp.errors import CurationError
from mapapp.models import Source
from mapapp.pipeline.curated import MENTION_CORRECTIONS_JSON, NOT_PLACES_JSON

DEFAULT_FEATURE_FILE = "places.geojson"
MAX_TEXT_CHARS = {"name": 80, "alias": 80, "title": 200, "ref": 500, "quote": 1000, "description": 1000}


@dataclass(frozen=True)
class NewPlace:
    name_zh: str
    category: str
    layer: str
    name_en: str = ""  # "" = the Chinese name is shown to English readers too
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    status: str = "operating"
    description_zh: str = ""
    description_en: str = ""
    external: bool = False
    feature_id: str | None = None  # None: made from the English name


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _text(value: str, field: str, *, required: bool = True) -> str:
    cleaned = (value or "").strip()
    limit = MAX_TEXT_CHARS.get(field, 200)
    if required and not cleaned:
        raise CurationError(f"{field} is empty; expected some text")
    if len(cleaned) > limit:
        raise CurationError(f"{field} has {len(cleaned)} characters; expected at most {limit}")
    return cleaned


def checked_source(source: Source) -> dict[str, str]:
    """A source for a position must say what it is (title), where (ref or URL) and what it says (quote)."""
    return {
        "title": _text(source.title, "title"),
        "ref": _text(source.ref, "ref"),
        "quote": _text(source.quote, "quote"),
    }


def slug_from_name(name_en: str, name_zh: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name_en.lower()).strip("-")
    return slug[:60].strip("-") or "place-" + hashlib.sha1(name_zh.encode("utf-8")).hexdigest()[:8]


def _feature_file_for(snapshot: Snapshot, category: str) -> str:
    """The file that already holds most features of this category (geodata/README.md's themes)."""
    counts: Counter[str] = Counter()
    for name in snapshot.feature_files():
        counts[name] += sum(
            1 for raw in snapshot.features_in(name) if raw.get("properties", {}).get("category") == category
        )
    best = [name for name, n in counts.most_common(1) if n > 0]
    if best:
        return best[0]
    if DEFAULT_FEATURE_FILE in counts or not counts:
        return DEFAULT_FEATURE_FILE
    return sorted(counts)[0]


def _all_ids(snapshot: Snapshot) -> set[str]:
    return {
        str(raw.get("properties", {}).get("id"))
        for name in snapshot.feature_files()
        for raw in snapshot.features_in(name)
    }


def _replaced(snapshot: Snapshot, file_name: str, feature_id: str, new: dict[str, Any] | None) -> bytes:
    features = [f for f in snapshot.features_in(file_name) if f.get("properties", {}).get("id") != feature_id]
    if new is not None:
        features.append(new)
    return text_from_features(features).encode("utf-8")


def add_place(store: DataStore, who: str, place: NewPlace, placement: Placement, source: Source) -> Change:
    """A new feature at the placement, with the curator's source and one for the placement itself."""
    name_zh = _text(place.name_zh, "name")
    name_en = _text(place.name_en, "name", required=False) or name_zh
    aliases = [_text(a, "alias") for a in place.aliases if a.strip()]
    evidence = checked_source(source)
    geometry = wgs84_geometry(placement)

    def make(snapshot: Snapshot) -> Edit:
        when = _now()
        taken = _all_ids(snapshot)
        base = place.feature_id or slug_from_name(name_en, name_zh)
        feature_id, n = base, 2
        while feature_id in taken:
            if place.feature_id:
                raise CurationError(f"id {feature_id!r} is already used; expected a new id")
            feature_id, n = f"{base}-{n}", n + 1
        properties: dict[str, Any] = {
            "id": feature_id,
            "name_zh": name_zh,
            "name_en": name_en,
            "aliases": aliases,
            "category": place.category,
            "layer": place.layer,
            "status": place.status,
            "precision_m": placement.precision_m,
            "location_basis": placement.location_basis or basis_from_precision(placement.precision_m, geometry["type"]),
            "external": place.external,
            "sources": [evidence, placement_source(placement, store_name(who), when, geometry)],
            "description_zh": place.description_zh,
            "description_en": place.description_en,
            "position_note": placement_notes(placement, store_name(who), when)[0],
            "position_note_en": placement_notes(placement, store_name(who), when)[1],
            "curated": {"by": store_name(who), "at": when, "basemap": placement.basemap or "command line"},
        }
        if place.parent:
            properties["parent"] = place.parent
        feature = {"type": "Feature", "geometry": geometry, "properties": properties}
        file_name = _feature_file_for(snapshot, place.category)
        return Edit(
            "add-place",
            feature_id,
            None,
            feature,
            {file_name: _replaced(snapshot, file_name, feature_id, feature)},
        )

    return store.apply(who, make)


def store_name(who: str) -> str:
    return " ".join(who.split())


def move_feature(store: DataStore, who: str, feature_id: str, placement: Placement, source: Source) -> Change:
    """A new geometry, precision and location basis for a feature; its new source comes first."""
    evidence = checked_source(source)
    geometry = wgs84_geometry(placement)

    def make(snapshot: Snapshot) -> Edit:
        when = _now()
        file_name, before = snapshot.find_feature(feature_id)
        after = copy.deepcopy(before)
        props = after["properties"]
        if props.get("boundary"):
            raise CurationError(
                f"{file_name}: feature {feature_id!r} is drawn from boundary {props['boundary']}; "
                "expected a feature with its own geometry (a boundary is not moved by hand)"
            )
        after["geometry"] = geometry
        props["precision_m"] = placement.precision_m
        props["location_basis"] = placement.location_basis or basis_from_precision(
            placement.precision_m, geometry["type"]
        )
        props["sources"] = [evidence, placement_source(placement, store_name(who), when, geometry)] + [
            s for s in props.get("sources", []) if s != evidence
        ]
        props["position_note"], props["position_note_en"] = placement_notes(placement, store_name(who), when)
        props["curated"] = {"by": store_name(who), "at": when, "basemap": placement.basemap or "command line"}
        return Edit("move", feature_id, before, after, {file_name: _replaced(snapshot, file_name, feature_id, after)})

    return store.apply(who, make)


def add_alias(store: DataStore, who: str, feature_id: str, alias: str) -> Change:
    alias = _text(alias, "alias")

    def make(snapshot: Snapshot) -> Edit:
        file_name, before = snapshot.find_feature(feature_id)
        props = before["properties"]
        if alias == props.get("name_zh") or alias in props.get("aliases", []):
            raise CurationError(f"{file_name}: feature {feature_id!r} already has the name {alias!r}")
        after = copy.deepcopy(before)
        after["properties"]["aliases"] = [*props.get("aliases", []), alias]
        return Edit(
            "add-alias", feature_id, before, after, {file_name: _replaced(snapshot, file_name, feature_id, after)}
        )

    return store.apply(who, make)


def set_descriptions(store: DataStore, who: str, feature_id: str, description_zh: str, description_en: str) -> Change:
    """The reader-facing descriptions in both languages (the position note is kept apart)."""
    zh = _text(description_zh, "description", required=False)
    en = _text(description_en, "description", required=False)

    def make(snapshot: Snapshot) -> Edit:
        file_name, before = snapshot.find_feature(feature_id)
        after = copy.deepcopy(before)
        after["properties"].update(description_zh=zh, description_en=en)
        after["properties"].pop("description", None)  # the two languages replace the old single description
        return Edit(
            "describe", feature_id, before, after, {file_name: _replaced(snapshot, file_name, feature_id, after)}
        )

    return store.apply(who, make)


def _list_file(snapshot: Snapshot, file_name: str) -> list[dict[str, Any]]:
    content = snapshot.read(file_name)
    if content is None:
        return []
    data = json.loads(content.decode("utf-8"))
    if not isinstance(data, list):
        raise CurationError(f"{file_name}: is not a JSON list; fix it by hand before curating")
    return data


def dismiss_candidate(store: DataStore, who: str, surface: str) -> Change:
    """Record that a candidate name is not a place: `candidates` never returns it again."""
    surface = _text(surface, "name")

    def make(snapshot: Snapshot) -> Edit:
        entries = _list_file(snapshot, NOT_PLACES_JSON)
        if any(isinstance(e, dict) and e.get("surface") == surface for e in entries):
            raise CurationError(f"{NOT_PLACES_JSON}: {surface!r} is already dismissed")
        entry = {"surface": surface, "by": store_name(who), "at": _now()}
        ordered = sorted([*entries, entry], key=lambda e: str(e.get("surface")))
        return Edit("dismiss", surface, None, entry, {NOT_PLACES_JSON: text_from_json(ordered).encode("utf-8")})

    return store.apply(who, make)


def correct_mention(
    store: DataStore, who: str, *, article_id: str, start: int, end: int, surface: str, feature_id: str
) -> Change:
    """The mention at [start, end) of the article names `feature_id` ("" = it is not a place)."""
    key = (article_id, start, end)

    def make(snapshot: Snapshot) -> Edit:
        entries = _list_file(snapshot, MENTION_CORRECTIONS_JSON)
        before = next((e for e in entries if (e.get("article"), e.get("start"), e.get("end")) == key), None)
        entry = {
            "article": article_id,
            "start": start,
            "end": end,
            "surface": surface,
            "feature_id": feature_id,
            "by": store_name(who),
            "at": _now(),
        }
        kept = [e for e in entries if e is not before]
        ordered = sorted([*kept, entry], key=lambda e: (str(e.get("article")), e.get("start", 0), e.get("end", 0)))
        return Edit(
            "correct-mention",
            f"{article_id}:{start}-{end}",
            before,
            entry,
            {MENTION_CORRECTIONS_JSON: text_from_json(ordered).encode("utf-8")},
        )

    return store.apply(who, make)


def undo(store: DataStore, who: str, change_id: str | None = None) -> Change:
    """Restore the files a change wrote to their bytes before it; refused if a later change wrote them too."""

    def make(snapshot: Snapshot) -> Edit:
        changes = store.changes()
        undone = store.journal.undone_ids()
        if change_id is None:
            live = [c for c in changes if c.undoes is None and c.change_id not in undone]
            if not live:
                raise CurationError(f"{store.journal.path}: no change to undo")
            target = live[-1]
        else:
            found = [c for c in changes if c.change_id == change_id]
            if not found:
                raise CurationError(
                    f"{store.journal.path}: no change {change_id!r}; `python -m mapapp curate log` lists them"
                )
            target = found[0]
            if target.change_id in undone:
                raise CurationError(f"change {change_id!r} is already undone")
        files: dict[str, bytes | None] = {}
        for file_change in target.files:
            current = snapshot.read(file_change.path)
            current_digest = None if current is None else sha256_of(current)
            if current_digest != file_change.after_sha256:
                position = changes.index(target)
                later = [
                    c.change_id for c in changes[position + 1 :] if any(f.path == file_change.path for f in c.files)
                ]
                raise CurationError(
                    f"{file_change.path}: changed since {target.change_id} (by {', '.join(later) or 'a hand edit'}); "
                    "undo those first"
                )
            files[file_change.path] = (
                store.journal.blob(file_change.before_sha256) if file_change.before_sha256 else None
            )
        return Edit("undo", target.subject, target.after, target.before, files, undoes=target.change_id)

    return store.apply(who, make)
