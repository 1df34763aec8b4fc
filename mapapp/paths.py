"""Where the project's data lives, resolved from this file (never from the cwd)."""

from __future__ import annotations

from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT_DIR / "seeds"
GEODATA_DIR = ROOT_DIR / "geodata"
LAYERS_DIR = ROOT_DIR / "layers"
STATIC_DIR = ROOT_DIR / "static"
CACHE_DIR = ROOT_DIR / ".cache"
# The index file scripts/setup.sh builds for the bundled data; the app opens it when no other is named.
DEFAULT_INDEX_PATH = CACHE_DIR / "index.sqlite"
ARTICLES_TOML = "articles.toml"
DISAMBIGUATION_TOML = "disambiguation.toml"
