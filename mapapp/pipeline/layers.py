"""Read and check the layer specs in layers/*.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

from mapapp.errors import Problem
from mapapp.models import CATEGORIES, LayerSpec

_REQUIRED_STR = ("id", "title_zh", "title_en", "group")
_STYLE_NUMBERS = ("weight", "radius", "fill_opacity", "opacity")


def load_layers(layers_dir: Path) -> tuple[tuple[LayerSpec, ...], tuple[Problem, ...]]:
    """Every valid layer, sorted by `order`, and the problems of the invalid ones."""
    problems: list[Problem] = []
    specs: list[LayerSpec] = []
    seen: dict[str, str] = {}
    paths = sorted(layers_dir.glob("*.toml")) if layers_dir.is_dir() else []
    if not paths:
        problems.append(Problem(str(layers_dir), "", "", "holds no layer .toml files; expected one file per map layer"))
    for path in paths:
        spec, spec_problems = layer_from_file(path)
        problems.extend(spec_problems)
        if spec is None:
            continue
        if spec.layer_id in seen:
            problems.append(
                Problem(
                    path.name,
                    spec.layer_id,
                    "id",
                    f"is also the id of {seen[spec.layer_id]}; expected unique layer ids",
                )
            )
            continue
        seen[spec.layer_id] = path.name
        specs.append(spec)
    return tuple(sorted(specs, key=lambda s: (s.order, s.layer_id))), tuple(problems)


def layer_from_file(path: Path) -> tuple[LayerSpec | None, list[Problem]]:
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, [Problem(name, "", "encoding", "is not UTF-8 text; expected a UTF-8 TOML file")]
    except tomllib.TOMLDecodeError as exc:
        return None, [
            Problem(
                name,
                "",
                "toml",
                f"is not valid TOML ({exc}); expected a layer table: id, title_zh, title_en, group, categories",
            )
        ]
    layer_id = str(data.get("id", path.stem))
    problems: list[Problem] = []
    for key in _REQUIRED_STR:
        if not isinstance(data.get(key), str) or not data.get(key):
            problems.append(Problem(name, layer_id, key, f"is {data.get(key)!r}; expected a non-empty string"))
    categories = data.get("categories")
    if not isinstance(categories, list) or not categories:
        problems.append(
            Problem(name, layer_id, "categories", f"is {categories!r}; expected a non-empty list of categories")
        )
        categories = []
    for category in categories:
        if category not in CATEGORIES:
            problems.append(
                Problem(
                    name,
                    layer_id,
                    "categories",
                    f"has unknown category {category!r}; expected one of {', '.join(CATEGORIES)}",
                )
            )
    default_visible = data.get("default_visible", False)
    if not isinstance(default_visible, bool):
        problems.append(Problem(name, layer_id, "default_visible", f"is {default_visible!r}; expected true or false"))
    order = data.get("order", 1000)
    if not isinstance(order, int) or isinstance(order, bool):
        problems.append(Problem(name, layer_id, "order", f"is {order!r}; expected an integer"))
        order = 1000
    style = data.get("style", {})
    if not isinstance(style, dict):
        problems.append(Problem(name, layer_id, "style", f"is {style!r}; expected a table"))
        style = {}
    for key in _STYLE_NUMBERS:
        if key in style and (not isinstance(style[key], (int, float)) or style[key] < 0):
            problems.append(
                Problem(name, layer_id, f"style.{key}", f"is {style[key]!r}; expected a non-negative number")
            )
    if problems:
        return None, problems
    spec = LayerSpec(
        layer_id=layer_id,
        title_zh=data["title_zh"],
        title_en=data["title_en"],
        group=data["group"],
        categories=tuple(categories),
        default_visible=default_visible,
        order=order,
        style=dict(style),
    )
    return spec, []
