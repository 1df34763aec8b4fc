"""Sliding-window rate limits (sign-in failures, reader reports), per key and in total, thread-safe."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """At most `per_key` events per key and `total` events overall in any `window_s` seconds."""

    def __init__(self, *, per_key: int, total: int, window_s: float, clock: Callable[[], float] = time.monotonic):
        self.per_key, self.total, self.window_s, self.clock = per_key, total, window_s, clock
        self._events: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def _prune(self, events: deque[float], now: float) -> None:
        while events and events[0] <= now - self.window_s:
            events.popleft()

    def allows(self, key: str) -> bool:
        """Would one more event for `key` stay within both limits? (Does not count it.)"""
        with self._lock:
            now = self.clock()
            self._prune(self._all, now)
            mine = self._events.get(key, deque())
            self._prune(mine, now)
            return len(mine) < self.per_key and len(self._all) < self.total

    def record(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            self._events.setdefault(key, deque()).append(now)
            self._all.append(now)
            if len(self._events) > 10_000:  # forget idle keys so memory stays bounded
                for idle in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window_s]:
                    del self._events[idle]

    def retry_after_s(self, key: str) -> float:
        """Seconds until `key` may act again (0 if it may now)."""
        with self._lock:
            now = self.clock()
            waits = [0.0]
            mine = self._events.get(key)
            if mine and len(mine) >= self.per_key:
                waits.append(mine[-self.per_key] + self.window_s - now)
            if len(self._all) >= self.total:
                waits.append(self._all[-self.total] + self.window_s - now)
            return max(waits)
