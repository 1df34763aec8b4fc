"""Notice new, changed and removed data files while the app runs: a throttled fingerprint digest.

The app keys its cached index on `DataWatch.digest(...)`; a new digest means a new index, built on
the next rerun, with no restart. Stamping the files (a glob and a stat each, see fingerprint.py) is
cheap, but a page makes several cache look-ups per rerun and many readers rerun at once, so one
digest is reused for `min_interval_s` per set of folders.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from mapapp.pipeline.fingerprint import fingerprint_data

DEFAULT_INTERVAL_S = 1.0


class DataWatch:
    """The current digest of each set of data folders, re-stamped at most every `min_interval_s`."""

    def __init__(self, *, min_interval_s: float = DEFAULT_INTERVAL_S, clock: Callable[[], float] = time.monotonic):
        self.min_interval_s = min_interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[tuple[Path, Path, Path], tuple[float, str]] = {}

    def digest(self, seeds_dir: Path, geodata_dir: Path, layers_dir: Path) -> str:
        folders = (seeds_dir, geodata_dir, layers_dir)
        now = self._clock()
        with self._lock:
            seen = self._seen.get(folders)
            if seen is not None and now - seen[0] < self.min_interval_s:
                return seen[1]
        digest = fingerprint_data(seeds_dir, geodata_dir, layers_dir).digest
        with self._lock:
            self._seen[folders] = (now, digest)
        return digest

    def forget(self) -> None:
        """This process just changed the data (a curator's save): the next `digest` stamps the files."""
        with self._lock:
            self._seen.clear()


DATA_WATCH = DataWatch()  # one per process: every session of the app shares it
