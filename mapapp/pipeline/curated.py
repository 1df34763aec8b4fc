"""Curators' decisions that the pipeline reads back: names that are not places, corrected mentions.

Both live next to the features in the geodata folder (written only by mapapp.curation):

- `not_places.json`: `[{"surface": "某某", "by": ..., "at": ...}]`; `candidates` never returns them.
- `mention_corrections.json`: `[{"article", "start", "end", "surface", "feature_id", "by", "at"}]`;
  the mention at exactly [start, end) of that article, if its text is still `surface`, names
  `feature_id` instead (or is no mention at all when `feature_id` is "").

A bad entry is a Problem (and is skipped); the rest are used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapapp.errors import Problem

NOT_PLACES_JSON = "not_places.json"
MENTION_CORRECTIONS_JSON = "mention_corrections.json"


@dataclass(frozen=True)
class MentionCorrection:
    article_id: str
    start: int
    end: int
    surface: str
    feature_id: str  # "" = not a place


@dataclass(frozen=True)
class CuratedRules:
    not_places: frozenset[str] = frozenset()
    corrections: dict[tuple[str, int, int], MentionCorrection] = field(default_factory=dict)


def load_curated_rules(
    geodata_dir: Path, feature_ids: set[str] | dict[str, Any], problems: list[Problem]
) -> CuratedRules:
    """Read both files if they exist; a correction naming an unknown feature is a problem."""
    not_places: set[str] = set()
    for n, entry in enumerate(_read_list(geodata_dir / NOT_PLACES_JSON, problems)):
        surface = entry.get("surface") if isinstance(entry, dict) else None
        if not isinstance(surface, str) or not surface.strip():
            problems.append(
                Problem(NOT_PLACES_JSON, f"[{n}]", "surface", f"is {surface!r}; expected the dismissed name")
            )
            continue
        not_places.add(surface.strip())
    corrections: dict[tuple[str, int, int], MentionCorrection] = {}
    for n, entry in enumerate(_read_list(geodata_dir / MENTION_CORRECTIONS_JSON, problems)):
        correction = _correction_from(entry, n, feature_ids, problems)
        if correction is not None:
            corrections[(correction.article_id, correction.start, correction.end)] = correction
    return CuratedRules(frozenset(not_places), corrections)


def _correction_from(
    entry: Any, n: int, feature_ids: set[str] | dict[str, Any], problems: list[Problem]
) -> MentionCorrection | None:
    where = f"[{n}]"
    if not isinstance(entry, dict):
        problems.append(Problem(MENTION_CORRECTIONS_JSON, where, "", f"is {str(entry)[:60]!r}; expected an object"))
        return None
    found: list[Problem] = []
    for key in ("article", "surface"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            found.append(
                Problem(MENTION_CORRECTIONS_JSON, where, key, f"is {entry.get(key)!r}; expected a non-empty string")
            )
    start, end = entry.get("start"), entry.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
        found.append(
            Problem(
                MENTION_CORRECTIONS_JSON,
                where,
                "start/end",
                f"are {start!r}, {end!r}; expected offsets 0 <= start < end",
            )
        )
    feature_id = entry.get("feature_id")
    if not isinstance(feature_id, str) or (feature_id and feature_id not in feature_ids):
        found.append(
            Problem(
                MENTION_CORRECTIONS_JSON,
                where,
                "feature_id",
                f'is {feature_id!r}; expected a feature id, or "" for not a place',
            )
        )
    if found or not isinstance(start, int) or not isinstance(end, int) or not isinstance(feature_id, str):
        problems.extend(found)
        return None
    return MentionCorrection(entry["article"], start, end, entry["surface"], feature_id)


def _read_list(path: Path, problems: list[Problem]) -> list[Any]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(Problem(path.name, "", "json", f"cannot be read ({exc}); expected a UTF-8 JSON list"))
        return []
    if not isinstance(data, list):
        problems.append(Problem(path.name, "", "", f"is a {type(data).__name__}; expected a JSON list"))
        return []
    return data
