"""The project's stable, diff-friendly GeoJSON form, and reading a FeatureCollection for editing.

`json.dumps(..., ensure_ascii=False, indent=2, sort_keys=True)` plus a trailing newline, features
sorted by id, coordinates rounded to 6 decimals (about 0.1 m): exactly how geodata/*.geojson and
the curated JSON lists are written today, so a curator's change is a small, readable diff.
"""

from __future__ import annotations

import json
from typing import Any

COORDINATE_DECIMALS = 6


def text_from_json(data: Any) -> str:
    """Any JSON value in the stable form (sorted keys, indent 2, UTF-8 characters, trailing newline)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def text_from_features(features: list[dict[str, Any]]) -> str:
    """A FeatureCollection with its features sorted by id, in the stable form."""
    ordered = sorted(features, key=lambda f: str(f.get("properties", {}).get("id", "")))
    return text_from_json({"type": "FeatureCollection", "features": ordered})


def features_from_text(text: str, *, file_name: str) -> list[dict[str, Any]]:
    """The features of a FeatureCollection file's text (a ValueError names the file if it is not one)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{file_name}: is not valid JSON ({exc}); expected a GeoJSON FeatureCollection") from exc
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise ValueError(f"{file_name}: expected a GeoJSON FeatureCollection with a 'features' list")
    return list(data["features"])


def rounded_geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    """The geometry with every coordinate rounded to 6 decimals (RFC 7946 advice; ~0.1 m)."""
    return {**geometry, "coordinates": _rounded(geometry["coordinates"])}


def _rounded(positions: Any) -> Any:
    if positions and isinstance(positions[0], (int, float)):
        return [round(float(value), COORDINATE_DECIMALS) for value in positions]
    return [_rounded(p) for p in positions]
