"""Fingerprints of the data the index is built from, so a changed file is noticed without a restart.

A fingerprint lists every input file (articles, articles.toml, geodata, layers) with its size and
modification time; two fingerprints differ when a file was added, removed or changed. `digest` folds
the whole list into one short string, a cache key; `changed_paths` says which files differ, so a
rebuild can be incremental.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# What counts as an input, per folder: (glob, recursive).
INPUT_PATTERNS: dict[str, tuple[str, ...]] = {
    "seeds": ("*.txt", "*.toml"),
    "geodata": ("*.geojson", "*.toml", "*.json", "*.jsonl", "sources/*.md", "*.md"),
    "layers": ("*.toml",),
}


@dataclass(frozen=True)
class FileStamp:
    """One input file: its path relative to its folder's role ("seeds/000_x.txt"), size and mtime."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class DataFingerprint:
    stamps: tuple[FileStamp, ...]

    @property
    def digest(self) -> str:
        """A short hash of every stamp: equal digests mean no input was added, removed or changed."""
        h = hashlib.sha256()
        for stamp in self.stamps:
            h.update(f"{stamp.path}\0{stamp.size}\0{stamp.mtime_ns}\n".encode())
        return h.hexdigest()[:16]

    def changed_paths(self, other: DataFingerprint) -> set[str]:
        """The role-relative paths that were added, removed or changed between `other` and self."""
        mine = {s.path: s for s in self.stamps}
        theirs = {s.path: s for s in other.stamps}
        return {p for p in mine.keys() | theirs.keys() if mine.get(p) != theirs.get(p)}


def fingerprint_data(seeds_dir: Path, geodata_dir: Path, layers_dir: Path) -> DataFingerprint:
    """Stamp every input file under the three data folders (a missing folder has no files)."""
    stamps = [*_stamps("seeds", seeds_dir), *_stamps("geodata", geodata_dir), *_stamps("layers", layers_dir)]
    return DataFingerprint(tuple(sorted(stamps, key=lambda s: s.path)))


def _stamps(role: str, folder: Path) -> Iterator[FileStamp]:
    """As `folder.glob(pattern)` for each pattern (hidden names included), files only; read with
    os.scandir, which costs a tenth of pathlib's glob at 10,000 articles (one stat per file)."""
    seen: set[str] = set()
    for pattern in INPUT_PATTERNS[role]:
        subdir, _, name_pattern = pattern.rpartition("/")
        try:
            entries = list(os.scandir(folder / subdir if subdir else folder))
        except OSError:  # no such folder: no files
            continue
        for entry in entries:
            relative = f"{subdir}/{entry.name}" if subdir else entry.name
            if relative in seen or not fnmatch.fnmatchcase(entry.name, name_pattern):
                continue
            try:
                if not entry.is_file():
                    continue
                st = entry.stat()
            except OSError:  # removed between listing and stat: it is simply not an input any more
                continue
            seen.add(relative)
            yield FileStamp(f"{role}/{relative}", st.st_size, st.st_mtime_ns)


# The code an index file's contents depend on: the pipeline and the records it makes.
CODE_PATHS: tuple[str, ...] = ("pipeline", "models.py", "coords.py", "errors.py")


@functools.cache
def code_digest() -> str:
    """A short hash of the pipeline's source files (mapapp/pipeline/**/*.py and the records it uses).

    An index file keeps it, so a file built by other code (an older checkout's, before a `git pull`)
    is rebuilt rather than served with the old code's mentions and events.
    """
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for name in CODE_PATHS:
        path = package / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            h.update(file.relative_to(package).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return h.hexdigest()[:16]
