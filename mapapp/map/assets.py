"""Serve Leaflet, Leaflet.draw and the reader's script from the app itself: copy them into static/.

Leaflet comes from the installed xstatic-leaflet package (PyPI). Leaflet.draw (the curator's drawing
control, mapapp.map.drawcontrol) comes from the npm package `leaflet-draw`, which scripts/setup.sh
installs with `npm ci` from scripts/npm/package-lock.json (pinned version, tarball integrity checked
by npm) into scripts/npm/node_modules/; the copy here checks each file against the SHA-256 pinned
below, so a changed package is refused, not served. The reader's script (mapapp/map/js/) is copied
under a name that carries its content's hash, so a browser may keep it as long as it likes.

Streamlit serves `static/` at `/app/static/` when `server.enableStaticServing` is on
(.streamlit/config.toml). The copies are derived data: gitignored, made at start-up and by
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
from mapapp.paths import ROOT_DIR, STATIC_DIR

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

LEAFLET_DRAW_VERSION = "1.0.4"  # as in scripts/npm/package.json and package-lock.json
LEAFLET_DRAW_PACKAGE_DIR = ROOT_DIR / "scripts" / "npm" / "node_modules" / "leaflet-draw"
# dist/ files served, with their SHA-256 in the npm package leaflet-draw@1.0.4 (MIT licence).
LEAFLET_DRAW_FILES: dict[str, str] = {
    "leaflet.draw.js": "b22a1f7385308e5adadd85a4c2d84e9fc523ebd70d37868cba0fe2387362460b",
    "leaflet.draw.css": "5f30f74696873efee5cd7f6ab7eda7d63e5c5a3e3c3b6e0ab2068662928df31f",
    "images/spritesheet.png": "a8978a1d3d21d8ee6f16cce342ff67fc47c4241f52161f05baf88f15e1058199",
    "images/spritesheet-2x.png": "fa2c95e0610f3787c879645e42b86ad010c305f8312e116841730d00d4ab72b7",
    "images/spritesheet.svg": "7077bae968047180921324df351d95fe2f021cdaefa01e20645162402f767da4",
}

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
# A phone's first map (mapapp/app/previewfiles.py), installed in static/ itself: from there the map's
# relative links (STATIC_URL_FROM_COMPONENT) reach static/ as they do from the component's frame.
PREVIEW_PAGE = "preview.html"


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
    """Copy reader.js into static_dir/app/ and preview.html into static_dir/ under their hashed
    names (if they are not there); returns static_dir/app/."""
    target_dir = static_dir / "app"
    target_dir.mkdir(parents=True, exist_ok=True)
    for name in READER_FILES:
        _copy_if_missing(source_dir / name, target_dir / reader_file_name(name, source_dir))
    _copy_if_missing(source_dir / PREVIEW_PAGE, static_dir / reader_file_name(PREVIEW_PAGE, source_dir))
    return target_dir


def _copy_if_missing(source: Path, target: Path) -> None:
    if not target.is_file():
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)


def preview_page_url(source_dir: Path = READER_SOURCE_DIR) -> str:
    """Where a page served by scripts/serve.sh finds the preview page (Streamlit's /app/static/)."""
    return f"/app/static/{reader_file_name(PREVIEW_PAGE, source_dir)}"


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


@dataclass(frozen=True)
class LeafletDrawUrls:
    js: str
    css: str


def leaflet_draw_dir(static_dir: Path = STATIC_DIR) -> Path:
    return static_dir / "vendor" / f"leaflet-draw-{LEAFLET_DRAW_VERSION}"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _is_verified_copy(directory: Path) -> bool:
    return all(
        (directory / name).is_file() and _sha256(directory / name) == digest
        for name, digest in LEAFLET_DRAW_FILES.items()
    )


def install_leaflet_draw(static_dir: Path = STATIC_DIR, package_dir: Path = LEAFLET_DRAW_PACKAGE_DIR) -> Path | None:
    """Copy Leaflet.draw's files into static_dir/vendor/leaflet-draw-<version>/, each checked against
    its pinned SHA-256. None when neither a verified copy nor the npm package is there (setup.sh not run).

    MapAppError if the package's files differ from the pinned ones (another version, or altered).
    """
    target_dir = leaflet_draw_dir(static_dir)
    if _is_verified_copy(target_dir):
        return target_dir
    source_dir = package_dir / "dist"
    if not source_dir.is_dir():
        return None
    wrong = [
        f"{name} (SHA-256 {_sha256(source_dir / name) if (source_dir / name).is_file() else 'missing'})"
        for name, digest in LEAFLET_DRAW_FILES.items()
        if not (source_dir / name).is_file() or _sha256(source_dir / name) != digest
    ]
    if wrong:
        raise MapAppError(
            f"{source_dir}: {', '.join(wrong)} do not match leaflet-draw {LEAFLET_DRAW_VERSION}'s pinned checksums "
            "in mapapp/map/assets.py; expected the package that scripts/npm/package-lock.json pins: "
            "run `bash scripts/setup.sh` again"
        )
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    staging_dir = Path(tempfile.mkdtemp(prefix=".leaflet-draw-", dir=target_dir.parent))
    staging_dir.chmod(0o755)  # mkdtemp makes it 0700: serve.sh's nginx reads the folder too (as for Leaflet)
    for name in LEAFLET_DRAW_FILES:
        (staging_dir / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source_dir / name, staging_dir / name)
    if target_dir.exists():
        shutil.rmtree(target_dir)
    staging_dir.rename(target_dir)
    return target_dir


def leaflet_draw_urls(
    static_url: str = STATIC_URL_FROM_COMPONENT, static_dir: Path = STATIC_DIR
) -> LeafletDrawUrls | None:
    """URLs of the installed Leaflet.draw copy, or None if it is not installed."""
    if install_leaflet_draw(static_dir) is None:
        return None
    base = f"{static_url.rstrip('/')}/vendor/leaflet-draw-{LEAFLET_DRAW_VERSION}"
    return LeafletDrawUrls(js=f"{base}/leaflet.draw.js", css=f"{base}/leaflet.draw.css")


if __name__ == "__main__":
    print(install_leaflet())
    print(install_reader_files())
    print(
        install_leaflet_draw() or "leaflet-draw: not installed (scripts/npm/node_modules missing); run scripts/setup.sh"
    )
