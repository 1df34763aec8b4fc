"""The layers a reader switches: one per LayerSpec, plus the district boundaries; which draws what."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mapapp.models import Feature, LayerSpec

DISTRICTS_LAYER_ID = "districts"  # admin polygons, drawn below everything else


@dataclass(frozen=True)
class MapLayer:
    """A layer the reader can switch on and off: a LayerSpec, or the district boundaries."""

    layer_id: str
    title_zh: str
    title_en: str
    group: str
    order: int
    default_visible: bool
    style: dict[str, Any] = field(compare=False)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


def map_layers_from_specs(specs: Sequence[LayerSpec]) -> tuple[MapLayer, ...]:
    """The switchable layers: district boundaries first, then every LayerSpec in order."""
    admin_style = next((s.style for s in specs if "admin_area" in s.categories), {})
    districts = MapLayer(
        layer_id=DISTRICTS_LAYER_ID,
        title_zh="区县界",
        title_en="District boundaries",
        group="base",
        order=0,
        default_visible=True,
        style=dict(admin_style),
    )
    layers = [
        MapLayer(s.layer_id, s.title_zh, s.title_en, s.group, s.order, s.default_visible, dict(s.style)) for s in specs
    ]
    return (districts, *sorted(layers, key=lambda m: (m.order, m.layer_id)))


def is_district(feature: Feature) -> bool:
    """Admin areas drawn as polygons go to the district layer (towns and villages stay points)."""
    return feature.category == "admin_area" and feature.geometry.get("type") in ("Polygon", "MultiPolygon")


def map_layer_id_for(feature: Feature) -> str:
    return DISTRICTS_LAYER_ID if is_district(feature) else feature.layer_id


def features_by_map_layer(features: Iterable[Feature]) -> dict[str, list[Feature]]:
    """Features grouped by the map layer that draws them, in feature-id order."""
    grouped: dict[str, list[Feature]] = {}
    for feature in sorted(features, key=lambda f: f.feature_id):
        if feature.geometry:
            grouped.setdefault(map_layer_id_for(feature), []).append(feature)
    return grouped


def default_layer_ids(layers: Sequence[MapLayer]) -> tuple[str, ...]:
    return tuple(layer.layer_id for layer in layers if layer.default_visible)


def layer_groups(layers: Sequence[MapLayer]) -> list[tuple[str, list[MapLayer]]]:
    """The layers by group as the controls list them: transport first, then base, then the rest."""
    groups = ["transport", *sorted({layer.group for layer in layers} - {"transport"}, key=lambda g: (g != "base", g))]
    return [(group, members) for group in groups if (members := [layer for layer in layers if layer.group == group])]
