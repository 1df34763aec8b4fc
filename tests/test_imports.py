"""Imports flow one way: shared ground -> pipeline -> curation -> intake -> map -> app (map needs no intake); only the app's Streamlit
modules import Streamlit: ui.py, curatorui.py (the curator and report widgets ui.py calls) and
mapcomponent.py (st_folium's component called with cached arguments).

Each module is imported in a fresh interpreter (so one test's imports cannot hide another's), and its
own `import` statements are read from the source (so an import that only a function makes counts too).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mapapp"

# Which mapapp subpackages each layer may import. The shared ground is the top-level modules.
SHARED = "shared"
ALLOWED: dict[str, set[str]] = {
    SHARED: {SHARED},
    "pipeline": {SHARED, "pipeline"},
    "curation": {SHARED, "pipeline", "curation"},
    "intake": {SHARED, "pipeline", "curation", "intake"},
    "map": {SHARED, "pipeline", "curation", "map"},
    "app": {SHARED, "pipeline", "curation", "intake", "map", "app"},
    "cli": {SHARED, "pipeline", "curation", "intake", "map", "cli"},
}


def layer_of(module: str) -> str:
    """'mapapp.pipeline.corpus' -> 'pipeline'; 'mapapp.paths' -> 'shared'; 'mapapp.cli' -> 'cli'."""
    parts = module.split(".")
    if len(parts) >= 3 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        return parts[1]
    if parts[1:] in (["cli"], ["__main__"]):
        return "cli"
    return SHARED


def all_modules() -> list[str]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(".".join(parts))
    return modules


def imported_modules(module: str) -> set[str]:
    """The mapapp and streamlit modules a module's source imports (at any depth in the file)."""
    path = ROOT / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = ROOT / module.replace(".", "/") / "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names if node.module == "mapapp")
    return {name for name in found if name.split(".")[0] in ("mapapp", "streamlit", "streamlit_folium", "bench")}


MODULES = all_modules()
STREAMLIT_IMPORTER = "mapapp.app.ui"
# The Streamlit modules: ui.py, the curator/report widgets it calls (issue 12, and the add-an-article
# form they call, issue 19) and the cached map component (issue 13). Nothing else.
STREAMLIT_MODULES = (
    STREAMLIT_IMPORTER,
    "mapapp.app.curatorui",
    "mapapp.app.articleform",  # the curator's "add an article" (issue 19), called from curatorui
    "mapapp.app.mapcomponent",
    "mapapp.app.serve",
)


def test_the_package_has_its_rooms():
    layers = {layer_of(m) for m in MODULES}
    assert {"pipeline", "map", "app", "cli", SHARED} <= layers


@pytest.mark.parametrize("module", MODULES)
def test_imports_flow_one_way(module: str):
    layer = layer_of(module)
    wrong = []
    for name in sorted(imported_modules(module)):
        top = name.split(".")[0]
        if top == "bench":
            wrong.append(f"{name} (the measuring tools are never imported by the app)")
        elif top in ("streamlit", "streamlit_folium"):
            if module not in STREAMLIT_MODULES:
                wrong.append(f"{name} (only {', '.join(STREAMLIT_MODULES)} import Streamlit)")
        elif name != "mapapp" and layer_of(name) not in ALLOWED[layer]:
            wrong.append(f"{name} ({layer} may import only {sorted(ALLOWED[layer])})")
    assert not wrong, f"{module} imports: " + "; ".join(wrong)


def test_the_rule_itself_catches_a_wrong_import():
    """The checker above is real: it sees a pipeline -> map import and a map -> streamlit import."""
    assert layer_of("mapapp.pipeline.index") == "pipeline"
    assert layer_of("mapapp.map.mapview") not in ALLOWED["pipeline"]
    assert layer_of("mapapp.app.ui") not in ALLOWED["map"]
    assert layer_of("mapapp.paths") == SHARED


@pytest.mark.parametrize("module", [m for m in MODULES if m not in (*STREAMLIT_MODULES, "mapapp.__main__")])
def test_module_does_not_import_streamlit_at_run_time(module: str):
    code = f"import sys, {module}; print('streamlit' in sys.modules, any(m == 'bench' or m.startswith('bench.') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "False False"
