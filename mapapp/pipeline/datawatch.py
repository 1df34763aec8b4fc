"""Notice new, changed and removed data files while the app runs: a throttled fingerprint digest.

The app keys its cached index on `DataWatch.digest(...)`; a new digest means a new index, built on
the next rerun, with no restart. Stamping the files (a glob and a stat each, see fingerprint.py) is
cheap for a few hundred files, but a page makes several cache look-ups per rerun and many readers
rerun at once, so one digest is reused for `min_interval_s` per set of folders. With thousands of
articles one stamp costs a reader's click (163 ms for 10,000 files, BENCHMARKS.md), so when the last
stamp took longer than `sync_limit_s` the next one is taken in a background thread and readers get
the digest they had meanwhile: a changed file is then served one rerun after the stamp finishes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mapapp.pipeline.fingerprint import fingerprint_data

DEFAULT_INTERVAL_S = 1.0
DEFAULT_SYNC_LIMIT_S = 0.02  # a stamp this slow is taken off the readers' path

Folders = tuple[Path, Path, Path]


@dataclass(frozen=True)
class _Stamp:
    at: float  # the watch's clock when the stamp began
    digest: str
    cost_s: float  # how long stamping took


class DataWatch:
    """The current digest of each set of data folders, re-stamped at most every `min_interval_s`."""

    def __init__(
        self,
        *,
        min_interval_s: float = DEFAULT_INTERVAL_S,
        sync_limit_s: float = DEFAULT_SYNC_LIMIT_S,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.min_interval_s = min_interval_s
        self.sync_limit_s = sync_limit_s
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[Folders, _Stamp] = {}
        self._pending: dict[Folders, threading.Thread] = {}
        self._generation = 0  # moved on by forget(): a stamp begun before it is not kept

    def digest(self, seeds_dir: Path, geodata_dir: Path, layers_dir: Path) -> str:
        folders = (seeds_dir, geodata_dir, layers_dir)
        now = self._clock()
        with self._lock:
            seen = self._seen.get(folders)
            if seen is not None and now - seen.at < self.min_interval_s:
                return seen.digest
            if seen is not None and seen.cost_s > self.sync_limit_s:
                if folders not in self._pending:  # one background stamp at a time per set of folders
                    thread = threading.Thread(target=self._stamp, args=(folders, now), daemon=True)
                    self._pending[folders] = thread
                    thread.start()
                return seen.digest
        return self._stamp(folders, now)

    def forget(self) -> None:
        """This process just changed the data (a curator's save): the next `digest` stamps the files."""
        with self._lock:
            self._seen.clear()
            self._generation += 1

    def settle(self, timeout_s: float = 30.0) -> None:
        """Wait for background stamps to finish (for tests and orderly shutdown)."""
        with self._lock:
            threads = list(self._pending.values())
        for thread in threads:
            thread.join(timeout_s)

    def _stamp(self, folders: Folders, now: float) -> str:
        with self._lock:
            generation = self._generation
        started = time.perf_counter()
        try:
            digest = fingerprint_data(*folders).digest
        finally:
            with self._lock:
                self._pending.pop(folders, None)
        with self._lock:
            if generation == self._generation:
                self._seen[folders] = _Stamp(now, digest, time.perf_counter() - started)
        return digest


DATA_WATCH = DataWatch()  # one per process: every session of the app shares it
