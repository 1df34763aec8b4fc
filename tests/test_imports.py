"""Imports flow one way: the pipeline never imports Streamlit (only ui.py may)."""
from __future__ import annotations

import subprocess
import sys

import pytest

PURE_MODULES = [
    "mapapp.paths", "mapapp.errors", "mapapp.models", "mapapp.corpus", "mapapp.gazetteer", "mapapp.layers",
    "mapapp.mentions", "mapapp.excerpts", "mapapp.index", "mapapp.candidates", "mapapp.cli", "mapapp.coords",
    "mapapp.boundaries", "mapapp.mapview", "mapapp.selection", "mapapp.urlstate", "mapapp.assets",
    "mapapp.datadirs", "mapapp.panel", "mapapp.wording", "mapapp.appserver", "mapapp.mapprobe",
    "mapapp.streamproto", "mapapp.loadreport", "mapapp.loadreaders", "mapapp.loadtest",
    "mapapp.viewport", "mapapp.mapstyles", "mapapp.markup", "mapapp.attributions", "mapapp.maplayers",
    "mapapp.displayshapes",
]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_module_does_not_import_streamlit(module: str):
    code = f"import sys, {module}; print('streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
