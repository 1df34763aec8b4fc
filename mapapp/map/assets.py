"""Serve Leaflet and the reader's script from the app itself: copy them into static/.

Leaflet comes from the installed xstatic-leaflet package; the reader's script (mapapp/map/js/)
is copied under a name that carries its content's hash, so a browser may keep them
as long as it likes. Streamlit serves `static/` at `/app/static/` when `server.enableStaticServing`
is on (.streamlit/config.toml). The copies are derived data: gitignored, made at start-up and by
`python -m mapapp.map.assets`.
"""

from __future__ import annotations

import filecmp
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mapapp.errors import MapAppError
from mapapp.paths import STATIC_DIR

# The files the map needs; leaflet-src*.js and the source maps are left behind.
LEAFLET_FILES: tuple[str, ...] = (
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
)

# The component iframe lives at <app>/component/streamlit_folium.st_folium/index.html, so this
# prefix reaches <app>/app/static/ whatever path the app itself is served under.
STATIC_URL_FROM_COMPONENT = "../../app/static"


@dataclass(frozen=True)
class LeafletUrls:
    """Where the map page finds Leaflet and the reader's script, relative to the page that loads it."""

    js: str
    css: str
    image_path: str  # for L.Icon.Default.imagePath, ends with "/"
    reader_js: str = ""


READER_SOURCE_DIR = Path(__file__).resolve().parent / "js"
READER_FILES: tuple[str, ...] = ("reader.js",)


def find_leaflet_package() -> tuple[Path, str]:
    """Return (directory with leaflet.js, version) of the installed xstatic-leaflet package."""
    try:
        from xstatic.pkg import leaflet as xstatic_leaflet
    except ImportError as error:
        raise MapAppError(
            "Leaflet is not installed: the package xstatic-leaflet was not found; "
            "expected it in the environment: run `pip install -r requirements.txt`"
        ) from error
    base_dir = Path(xstatic_leaflet.BASE_DIR)
    missing = [name for name in LEAFLET_FILES if not (base_dir / name).is_file()]
    if missing:
        raise MapAppError(
            f"{base_dir}: xstatic-leaflet {xstatic_leaflet.VERSION} lacks {', '.join(missing)}; "
            "expected a complete Leaflet distribution: reinstall xstatic-leaflet"
        )
    return base_dir, str(xstatic_leaflet.VERSION)


def leaflet_dir_name(version: str) -> str:
    return f"leaflet-{version}"


def install_leaflet(static_dir: Path = STATIC_DIR) -> Path:
    """Copy Leaflet into static_dir/vendor/leaflet-<version>/ unless an identical copy is there.

    Idempotent and safe to run while the app serves the old copy: a changed copy is written
    to a temporary directory and moved into place.
    """
    source_dir, version = find_leaflet_package()
    target_dir = static_dir / "vendor" / leaflet_dir_name(version)
    if _is_same_copy(source_dir, target_dir):
        return target_dir
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    staging_dir = Path(tempfile.mkdtemp(prefix=".leaflet-", dir=target_dir.parent))
    staging_dir.chmod(0o755)  # mkdtemp makes it 0700: a web server in front (serve.sh's nginx) reads it too
    for name in LEAFLET_FILES:
        (staging_dir / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source_dir / name, staging_dir / name)
    if target_dir.exists():
        shutil.rmtree(target_dir)
    staging_dir.rename(target_dir)
    return target_dir


def _is_same_copy(source_dir: Path, target_dir: Path) -> bool:
    return all(
        (target_dir / name).is_file() and filecmp.cmp(source_dir / name, target_dir / name, shallow=False)
        for name in LEAFLET_FILES
    )


def reader_file_name(name: str, source_dir: Path = READER_SOURCE_DIR) -> str:
    """`reader.js` -> `reader.<first 12 hex digits of its SHA-256>.js`."""
    stem, dot, suffix = name.rpartition(".")
    digest = hashlib.sha256((source_dir / name).read_bytes()).hexdigest()[:12]
    return f"{stem}.{digest}{dot}{suffix}"


def install_reader_files(static_dir: Path = STATIC_DIR, source_dir: Path = READER_SOURCE_DIR) -> Path:
    """Copy reader.js into static_dir/app/ under its hashed name (if it is not there)."""
    target_dir = static_dir / "app"
    target_dir.mkdir(parents=True, exist_ok=True)
    for name in READER_FILES:
        target = target_dir / reader_file_name(name, source_dir)
        if not target.is_file():
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(source_dir / name, tmp)
            os.replace(tmp, target)
    return target_dir


def leaflet_urls(static_url: str = STATIC_URL_FROM_COMPONENT) -> LeafletUrls:
    """URLs of the installed Leaflet copy and the reader's files under `static_url` (the URL of static/)."""
    _, version = find_leaflet_package()
    base = f"{static_url.rstrip('/')}/vendor/{leaflet_dir_name(version)}"
    app = f"{static_url.rstrip('/')}/app"
    return LeafletUrls(
        js=f"{base}/leaflet.js",
        css=f"{base}/leaflet.css",
        image_path=f"{base}/images/",
        reader_js=f"{app}/{reader_file_name('reader.js')}",
    )


if __name__ == "__main__":
    print(install_leaflet())
    print(install_reader_files())
