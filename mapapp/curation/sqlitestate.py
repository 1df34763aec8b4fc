"""One way to open the small SQLite files that threads and replica processes share (reports, sign-in
throttling): WAL, a 10 s busy timeout, the schema made if missing.

Threads of one process set their connections up one at a time: a new file's switch to WAL and its
CREATE TABLEs, made by several connections at once, could fail with "database is locked" without
waiting (SQLite does not wait where waiting could deadlock). Other processes wait on the busy timeout.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

BUSY_TIMEOUT_S = 10
_SETTING_UP = threading.Lock()


def connect_shared(path: Path, schema: str, **options: Any) -> sqlite3.Connection:
    """A new connection to `path` (its folder made), in WAL mode, with `schema` run; `options` go to
    sqlite3.connect (e.g. isolation_level)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _SETTING_UP:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, **options)
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(schema)
    return connection
