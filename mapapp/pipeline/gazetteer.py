"""Read and check the curated geodata: features, their names and aliases, and the naming rules.

Problems are collected, never raised one at a time: a bad feature is reported and skipped, and the
rest of the gazetteer is served.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

from mapapp.errors import GazetteerError, Problem
from mapapp.models import CATEGORIES, LOCATION_BASES, STATUSES, Feature, LayerSpec, Source
from mapapp.paths import DISAMBIGUATION_TOML
from mapapp.pipeline.curated import CuratedRules, load_curated_rules
from mapapp.pipeline.ennames import ENGLISH_NAMES_TOML, EnglishNameRules, build_english_names, load_english_rules
from mapapp.pipeline.nameparts import NAME_PARTS_TOML, NameParts, load_name_parts

_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
PREFECTURE_ADCODE = 330800
# How far outside the prefecture polygon a non-external feature may reach (boundary simplification,
# rail lines drawn to the next station over the border), in degrees (~0.05° ≈ 5 km).
_PREFECTURE_SLACK_DEG = 0.05


@dataclass(frozen=True)
class NameRule:
    """A context rule for a surface form: when it matches, the surface names `feature_id`."""

    rule_id: str
    feature_id: str
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None


@dataclass(frozen=True)
class SharedName:
    """A surface form two features share, or a short form that needs context to count."""

    surface: str
    default: str  # feature id when no rule fires; "" = not a mention
    rules: tuple[NameRule, ...]


@dataclass(frozen=True, eq=False)  # hashed by identity: a loaded gazetteer is a value to cache on
class Gazetteer:
    features: dict[str, Feature]
    surfaces: dict[str, tuple[str, ...]]  # surface form -> feature ids that claim it
    shared: dict[str, SharedName]
    problems: tuple[Problem, ...]
    curated: CuratedRules = field(default_factory=CuratedRules)  # curators' not-places and corrected mentions
    name_parts: NameParts = field(default_factory=NameParts)  # the words of longer names (name_parts.toml)
    english_rules: EnglishNameRules = field(default_factory=EnglishNameRules)  # how English news writes names


def load_gazetteer(geodata_dir: Path, layers: tuple[LayerSpec, ...], *, resolve_boundaries: bool = True) -> Gazetteer:
    """Read geodata/*.geojson and disambiguation.toml; check every feature against the layers."""
    problems: list[Problem] = []
    features: dict[str, Feature] = {}
    feature_files: dict[str, str] = {}
    layer_by_id = {layer.layer_id: layer for layer in layers}
    paths = sorted(geodata_dir.glob("*.geojson")) if geodata_dir.is_dir() else []
    if not paths:
        problems.append(Problem(str(geodata_dir), "", "", "holds no .geojson files; expected the curated features"))
    for path in paths:
        for raw in _read_feature_collection(path, problems):
            feature = feature_from_geojson(path.name, raw, layer_by_id, problems, resolve_boundaries=resolve_boundaries)
            if feature is None:
                continue
            if feature.feature_id in features:
                problems.append(
                    Problem(
                        path.name,
                        feature.feature_id,
                        "id",
                        f"is already used by a feature in {feature_files[feature.feature_id]}; expected unique ids",
                    )
                )
                continue
            features[feature.feature_id] = feature
            feature_files[feature.feature_id] = path.name
    if resolve_boundaries:
        _check_inside_prefecture(features, feature_files, problems)
    for layer in layers:
        if not any(f.layer_id == layer.layer_id for f in features.values()):
            problems.append(
                Problem(
                    f"{layer.layer_id}.toml",
                    layer.layer_id,
                    "categories",
                    "selects no feature; expected at least one feature of its categories",
                )
            )
    _check_references(features, feature_files, problems)
    surfaces = surfaces_from_features(features)
    shared = _load_shared_names(geodata_dir / DISAMBIGUATION_TOML, features, problems)
    for surface, owners in sorted(surfaces.items()):
        if len(owners) > 1 and surface not in shared:
            problems.append(
                Problem(
                    feature_files[owners[0]],
                    ",".join(owners),
                    "aliases",
                    f"'{surface}' is claimed by {len(owners)} features ({', '.join(owners)}) with no rule to decide; "
                    f"add a [[name]] entry for it to {DISAMBIGUATION_TOML} or remove it from all but one",
                )
            )
    curated = load_curated_rules(geodata_dir, features, problems)
    name_parts = load_name_parts(geodata_dir / NAME_PARTS_TOML, problems)
    english_rules = load_english_rules(geodata_dir / ENGLISH_NAMES_TOML, problems)
    problems.extend(build_english_names(features, english_rules).problems)  # English names two features claim
    return Gazetteer(features, surfaces, shared, tuple(problems), curated, name_parts, english_rules)


def _check_references(features: dict[str, Feature], feature_files: dict[str, str], problems: list[Problem]) -> None:
    """`parent` and `excerpts_with` must name features that exist."""
    for feature in features.values():
        file_name = feature_files[feature.feature_id]
        parent = feature.properties.get("parent")
        if parent is not None and parent not in features:
            problems.append(
                Problem(file_name, feature.feature_id, "parent", f"is {parent!r}, which is not a feature id")
            )
        groups = feature.properties.get("excerpts_with", [])
        if not isinstance(groups, list) or not all(isinstance(g, list) and g for g in groups):
            problems.append(
                Problem(
                    file_name,
                    feature.feature_id,
                    "excerpts_with",
                    f"is {groups!r}; expected a list of lists of feature ids",
                )
            )
            continue
        for group in groups:
            for other in group:
                if other not in features:
                    problems.append(
                        Problem(
                            file_name,
                            feature.feature_id,
                            "excerpts_with",
                            f"names {other!r}, which is not a feature id",
                        )
                    )


def surfaces_from_features(features: dict[str, Feature]) -> dict[str, tuple[str, ...]]:
    owners: dict[str, list[str]] = {}
    for feature in features.values():
        for name in feature.names:
            if name and feature.feature_id not in owners.setdefault(name, []):
                owners[name].append(feature.feature_id)
    return {surface: tuple(ids) for surface, ids in owners.items()}


def _read_feature_collection(path: Path, problems: list[Problem]) -> list[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(path.name, "", "encoding", "is not UTF-8 text; expected a UTF-8 GeoJSON file"))
        return []
    except json.JSONDecodeError as exc:
        problems.append(
            Problem(
                path.name,
                "",
                "json",
                f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); expected a GeoJSON FeatureCollection",
            )
        )
        return []
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        problems.append(Problem(path.name, "", "type", "expected a GeoJSON FeatureCollection with a 'features' list"))
        return []
    if "crs" in data:
        problems.append(
            Problem(
                path.name,
                "",
                "crs",
                "is set; RFC 7946 GeoJSON has no crs member: coordinates must be WGS-84 [lon, lat]",
            )
        )
    return data["features"]


def feature_from_geojson(
    file_name: str,
    raw: Any,
    layer_by_id: dict[str, LayerSpec],
    problems: list[Problem],
    *,
    resolve_boundaries: bool = True,
) -> Feature | None:
    """Check one GeoJSON feature; on any error report every problem and return None."""
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        problems.append(Problem(file_name, "", "type", f"found {str(raw)[:60]!r}; expected a GeoJSON Feature object"))
        return None
    props = raw.get("properties")
    if not isinstance(props, dict):
        problems.append(
            Problem(file_name, "", "properties", "is missing; expected an object with id, name_zh, sources ...")
        )
        return None
    feature_id = props.get("id")
    found: list[Problem] = []

    def bad(field: str, message: str) -> None:
        found.append(Problem(file_name, str(feature_id or "?"), field, message))

    if not isinstance(feature_id, str) or not _ID_PATTERN.match(feature_id):
        bad("id", f"is {feature_id!r}; expected a slug of lowercase letters, digits and hyphens")
    for key in ("name_zh", "name_en"):
        if not isinstance(props.get(key), str) or not props[key].strip():
            bad(key, f"is {props.get(key)!r}; expected a non-empty string")
    aliases = props.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        bad("aliases", f"is {aliases!r}; expected a list of non-empty strings")
        aliases = []
    aliases_en = props.get("aliases_en", [])
    if not isinstance(aliases_en, list) or not all(
        isinstance(a, str) and _LATIN.search(a) and not _CJK.search(a) for a in aliases_en
    ):
        bad("aliases_en", f"is {aliases_en!r}; expected a list of English names (Latin letters, no Chinese characters)")
    category = props.get("category")
    if category not in CATEGORIES:
        bad("category", f"is {category!r}; expected one of {', '.join(CATEGORIES)}")
    layer_id = props.get("layer")
    layer = layer_by_id.get(layer_id) if isinstance(layer_id, str) else None
    if layer is None:
        bad("layer", f"is {layer_id!r}; expected one of the layers in layers/: {', '.join(sorted(layer_by_id))}")
    elif category in CATEGORIES and category not in layer.categories:
        bad(
            "layer",
            f"is '{layer_id}', which does not take category '{category}'; expected a layer whose categories include it",
        )
    status = props.get("status")
    if status not in STATUSES:
        bad("status", f"is {status!r}; expected one of {', '.join(STATUSES)}")
    precision = props.get("precision_m")
    if not isinstance(precision, int) or isinstance(precision, bool) or precision <= 0:
        bad("precision_m", f"is {precision!r}; expected a positive whole number of metres")
    basis = props.get("location_basis")
    if basis not in LOCATION_BASES:
        bad("location_basis", f"is {basis!r}; expected one of {', '.join(LOCATION_BASES)}")
    external = props.get("external", False)
    if not isinstance(external, bool):
        bad("external", f"is {external!r}; expected true or false")
    sources = _sources_from(props.get("sources"), bad)
    for key in ("description", "description_zh", "description_en", "position_note", "position_note_en"):
        if not isinstance(props.get(key, ""), str):
            bad(key, f"is {props[key]!r}; expected a string")
    description = props.get("description_en") or props.get("description_zh") or props.get("description") or ""
    geometry = _geometry_from(raw.get("geometry"), props.get("boundary"), bad, resolve_boundaries=resolve_boundaries)
    if found or geometry is None:
        problems.extend(found)
        return None
    # Every check above passed, so the values have the types the record needs.
    assert isinstance(feature_id, str) and isinstance(category, str) and isinstance(layer_id, str)
    assert isinstance(status, str) and isinstance(precision, int) and isinstance(basis, str)
    return Feature(
        feature_id=feature_id,
        name_zh=props["name_zh"].strip(),
        name_en=props["name_en"].strip(),
        aliases=tuple(a.strip() for a in aliases),
        category=category,
        layer_id=layer_id,
        status=status,
        precision_m=precision,
        location_basis=basis,
        external=external,
        sources=sources,
        description=description,
        geometry=geometry,
        properties=dict(props),
    )


def _sources_from(value: Any, bad) -> tuple[Source, ...]:
    if not isinstance(value, list) or not value:
        bad("sources", f"is {value!r}; expected a non-empty list of {{title, ref, quote}}")
        return ()
    sources: list[Source] = []
    for n, item in enumerate(value):
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) and item[k].strip() for k in ("title", "ref", "quote")
        ):
            bad(f"sources[{n}]", f"is {str(item)[:80]!r}; expected an object with non-empty title, ref and quote")
            continue
        sources.append(Source(item["title"], item["ref"], item["quote"]))
    return tuple(sources)


def _geometry_from(geometry: Any, boundary: Any, bad, *, resolve_boundaries: bool) -> dict[str, Any] | None:
    if geometry is None:
        if (
            not isinstance(boundary, dict)
            or not isinstance(boundary.get("adcode"), int)
            or not isinstance(boundary.get("dataset"), str)
        ):
            bad("geometry", "is null and there is no boundary {dataset, adcode}; expected a GeoJSON geometry")
            return None
        if not resolve_boundaries:
            return {"type": "Point", "coordinates": [0.0, 0.0]}
        from mapapp.pipeline.boundaries import load_boundary  # reads the installed boundary package

        try:
            return load_boundary(boundary["dataset"], boundary["adcode"])
        except GazetteerError as exc:
            bad("boundary", str(exc))
            return None
    if not isinstance(geometry, dict) or geometry.get("type") not in _GEOMETRY_TYPES:
        bad("geometry", f"is {str(geometry)[:60]!r}; expected a GeoJSON geometry ({', '.join(_GEOMETRY_TYPES)})")
        return None
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        bad("geometry", f"cannot be read ({exc}); expected [lon, lat] coordinates")
        return None
    if geom.is_empty:
        bad("geometry", "is empty; expected coordinates")
        return None
    west, south, east, north = geom.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        swapped = -90 <= west <= east <= 90 and -180 <= south <= north <= 180
        hint = " (it looks like [lat, lon]: swap the two numbers)" if swapped else ""
        bad(
            "geometry",
            f"has bounds ({west}, {south}, {east}, {north}) outside lon -180..180 / lat -90..90{hint}; expected [lon, lat] in WGS-84",
        )
        return None
    if not geom.is_valid:
        bad("geometry", f"is not valid ({shapely.is_valid_reason(geom)}); expected a valid geometry")
        return None
    return geometry


def _check_inside_prefecture(
    features: dict[str, Feature], feature_files: dict[str, str], problems: list[Problem]
) -> None:
    """Every feature not marked external must lie in 衢州市; a swapped [lat, lon] is named as such.

    The prefecture is the feature whose `boundary.adcode` is 330800.
    """
    prefecture_feature = next(
        (
            f
            for f in features.values()
            if isinstance(f.properties.get("boundary"), dict)
            and f.properties["boundary"].get("adcode") == PREFECTURE_ADCODE
        ),
        None,
    )
    if prefecture_feature is None:
        problems.append(
            Problem(
                "geodata",
                "",
                "boundary",
                f"no feature has boundary adcode {PREFECTURE_ADCODE} (衢州市); positions were not checked",
                "warning",
            )
        )
        return
    prefecture = shape(prefecture_feature.geometry).buffer(_PREFECTURE_SLACK_DEG)
    shapely.prepare(prefecture)
    for feature_id in list(features):
        feature = features[feature_id]
        if feature.external:
            continue
        geom = shape(feature.geometry)
        if prefecture.intersects(geom):
            continue
        lon, lat = geom.representative_point().coords[0]
        hint = (
            " (it looks like [lat, lon]: swap the two numbers)" if prefecture.contains(shapely.Point(lat, lon)) else ""
        )
        problems.append(
            Problem(
                feature_files[feature_id],
                feature_id,
                "geometry",
                f"lies outside 衢州市 at [{lon:.4f}, {lat:.4f}]{hint}; expected a position in the prefecture, or external: true",
            )
        )
        del features[feature_id]


def _load_shared_names(path: Path, features: dict[str, Feature], problems: list[Problem]) -> dict[str, SharedName]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, "", "toml", f"is not valid UTF-8 TOML ({exc})"))
        return {}
    shared: dict[str, SharedName] = {}
    for n, entry in enumerate(data.get("name", [])):
        surface = entry.get("surface") if isinstance(entry, dict) else None
        where = f"name[{n}]"
        if not isinstance(surface, str) or not surface:
            problems.append(Problem(path.name, where, "surface", f"is {surface!r}; expected the shared name"))
            continue
        default = entry.get("default", "")
        if default and default not in features:
            problems.append(Problem(path.name, surface, "default", f"is {default!r}, which is not a feature id"))
            continue
        rules: list[NameRule] = []
        for m, rule in enumerate(entry.get("rule", [])):
            rule_id = str(rule.get("id", f"{surface}-{m}"))
            feature_id = rule.get("feature", "")
            if feature_id and feature_id not in features:
                problems.append(Problem(path.name, rule_id, "feature", f"is {feature_id!r}, which is not a feature id"))
                continue
            try:
                before = re.compile(rule["before"]) if rule.get("before") else None
                after = re.compile(rule["after"]) if rule.get("after") else None
            except re.error as exc:
                problems.append(
                    Problem(path.name, rule_id, "before/after", f"is not a valid regular expression ({exc})")
                )
                continue
            rules.append(NameRule(rule_id, feature_id, before, after))
        shared[surface] = SharedName(surface, default, tuple(rules))
    return shared
