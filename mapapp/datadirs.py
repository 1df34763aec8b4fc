"""Which data the app serves: the bundled seeds/, geodata/ and layers/, or folders named by env vars.

`QZ_SEEDS_DIR`, `QZ_GEODATA_DIR` and `QZ_LAYERS_DIR` point the app at other data (a curator's
working copy, a test's temporary folder), as `--seeds/--geodata/--layers` do for the CLI. A relative
path is taken from the current directory, like any path given on a command line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mapapp.paths import GEODATA_DIR, LAYERS_DIR, SEEDS_DIR

SEEDS_ENV, GEODATA_ENV, LAYERS_ENV = "QZ_SEEDS_DIR", "QZ_GEODATA_DIR", "QZ_LAYERS_DIR"


@dataclass(frozen=True)
class DataDirs:
    seeds_dir: Path
    geodata_dir: Path
    layers_dir: Path

    @property
    def sources_dir(self) -> Path:
        """Per-theme source lists (geodata/sources/*.md) whose credit lines the map shows."""
        return self.geodata_dir / "sources"


BUNDLED = DataDirs(SEEDS_DIR, GEODATA_DIR, LAYERS_DIR)


def data_dirs_from_env(environ: Mapping[str, str], *, defaults: DataDirs = BUNDLED) -> DataDirs:
    """The folders named by QZ_*_DIR in `environ`; an unset or blank variable keeps its default."""

    def pick(name: str, default: Path) -> Path:
        value = environ.get(name, "").strip()
        return Path(value).expanduser().resolve() if value else default

    return DataDirs(
        seeds_dir=pick(SEEDS_ENV, defaults.seeds_dir),
        geodata_dir=pick(GEODATA_ENV, defaults.geodata_dir),
        layers_dir=pick(LAYERS_ENV, defaults.layers_dir),
    )
