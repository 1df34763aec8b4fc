"""Readers' reports ("the position is wrong", "this passage is not about this place") in SQLite.

The database lives in the state folder ($QZ_STATE_DIR, default <repo>/.state/, gitignored and never
served), in WAL mode so readers adding reports and a curator reading them do not block each other;
one connection per thread; SQL with bound parameters only. Limits: a comment is at most
MAX_COMMENT_CHARS; a client (its address, mapapp.curation.clientaddress, as for sign-ins) may send
PER_CLIENT reports and everyone together TOTAL reports per WINDOW_S, counted in the database, so the
limits hold across server processes and a reload or a new browser session does not reset them. Reports are shown
only to curators, and only ever as escaped text.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, get_args

from mapapp.curation.sqlitestate import connect_shared
from mapapp.errors import MapAppError
from mapapp.paths import ROOT_DIR

STATE_ENV = "QZ_STATE_DIR"
DEFAULT_STATE_DIR = ROOT_DIR / ".state"
REPORTS_DB = "reports.sqlite3"
ReportKind = Literal["position", "passage"]
REPORT_KINDS: tuple[str, ...] = get_args(ReportKind)
MAX_COMMENT_CHARS = 500
PER_CLIENT = 5
TOTAL = 200
WINDOW_S = 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('position', 'passage')),
    feature_id TEXT NOT NULL,
    article_id TEXT,
    start INTEGER,
    "end" INTEGER,
    comment TEXT NOT NULL,
    session TEXT NOT NULL,  -- the client digest (the column kept its first name)
    status TEXT NOT NULL DEFAULT 'open',
    resolved_by TEXT,
    resolved_at TEXT
);
CREATE INDEX IF NOT EXISTS reports_by_time ON reports (created_at);
CREATE INDEX IF NOT EXISTS reports_by_session ON reports (session, created_at);
"""


RefusalReason = Literal["too-long", "kind", "feature", "client-limit", "total-limit"]


class ReportRefused(MapAppError):
    """A report was not stored: too long, unknown kind, or over a rate limit.

    `reason` and `count`/`limit` let the page say it in the reader's language.
    """

    def __init__(self, message: str, *, reason: RefusalReason, count: int = 0, limit: int = 0):
        super().__init__(message)
        self.reason, self.count, self.limit = reason, count, limit


@dataclass(frozen=True)
class Report:
    report_id: int
    created_at: str
    kind: str
    feature_id: str
    article_id: str | None
    start: int | None
    end: int | None
    comment: str
    status: str


def state_dir_from_env(environ: Mapping[str, str] | None = None) -> Path:
    value = (environ if environ is not None else os.environ).get(STATE_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else DEFAULT_STATE_DIR


def clean_comment(comment: str) -> str:
    """The comment with control characters dropped and whitespace folded; too long is refused."""
    kept = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in comment or "")
    folded = " ".join(kept.split())
    if len(folded) > MAX_COMMENT_CHARS:
        raise ReportRefused(
            f"the comment has {len(folded)} characters; expected at most {MAX_COMMENT_CHARS}",
            reason="too-long",
            count=len(folded),
            limit=MAX_COMMENT_CHARS,
        )
    return folded


def client_digest(client_key: str) -> str:
    """Clients are stored only as a digest of their address: enough to count, nothing to identify."""
    return hashlib.sha256(f"qz-report:{client_key}".encode()).hexdigest()[:24]


class ReportBook:
    """The reports database. Safe to share between threads: each thread opens its own connection."""

    def __init__(self, path: Path, *, per_client: int = PER_CLIENT, total: int = TOTAL, window_s: int = WINDOW_S):
        self.path = Path(path)
        self.per_client, self.total, self.window_s = per_client, total, window_s
        self._local = threading.local()

    @classmethod
    def in_state_dir(cls, state_dir: Path, **limits: int) -> ReportBook:
        return cls(state_dir / REPORTS_DB, **limits)

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = connect_shared(self.path, _SCHEMA)
            self._local.connection = connection
        return connection

    def add(
        self,
        *,
        kind: str,
        feature_id: str,
        comment: str,
        client_key: str,
        article_id: str | None = None,
        start: int | None = None,
        end: int | None = None,
        now: datetime | None = None,
    ) -> int:
        """Store one report; returns its id. ReportRefused says why one was not stored."""
        if kind not in REPORT_KINDS:
            raise ReportRefused(f"kind is {kind!r}; expected one of {', '.join(REPORT_KINDS)}", reason="kind")
        if not feature_id or len(feature_id) > 100:
            raise ReportRefused(f"feature_id is {feature_id[:100]!r}; expected a feature id", reason="feature")
        text = clean_comment(comment)
        session = client_digest(client_key)
        now = now or datetime.now(UTC)
        since = (now - timedelta(seconds=self.window_s)).isoformat(timespec="seconds")
        connection = self._connection()
        with connection:  # one transaction: the counts and the insert see the same database
            connection.execute("BEGIN IMMEDIATE")
            (mine,) = connection.execute(
                "SELECT COUNT(*) FROM reports WHERE session = ? AND created_at > ?", (session, since)
            ).fetchone()
            if mine >= self.per_client:
                raise ReportRefused(
                    f"this address sent {mine} reports in the last hour; expected at most {self.per_client}",
                    reason="client-limit",
                    count=mine,
                    limit=self.per_client,
                )
            (everyone,) = connection.execute("SELECT COUNT(*) FROM reports WHERE created_at > ?", (since,)).fetchone()
            if everyone >= self.total:
                raise ReportRefused(
                    f"{everyone} reports arrived in the last hour; the limit is {self.total}, try later",
                    reason="total-limit",
                    count=everyone,
                    limit=self.total,
                )
            cursor = connection.execute(
                'INSERT INTO reports (created_at, kind, feature_id, article_id, start, "end", comment, session) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (now.isoformat(timespec="seconds"), kind, feature_id, article_id, start, end, text, session),
            )
            return int(cursor.lastrowid or 0)

    def open_reports(self, *, limit: int = 200) -> list[Report]:
        """The reports not yet resolved, newest first (for curators only)."""
        rows = self._connection().execute(
            'SELECT id, created_at, kind, feature_id, article_id, start, "end", comment, status FROM reports '
            "WHERE status = 'open' ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [Report(*row) for row in rows.fetchall()]

    def resolve(self, report_id: int, *, by: str, now: datetime | None = None) -> None:
        when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        connection = self._connection()
        with connection:
            connection.execute(
                "UPDATE reports SET status = 'resolved', resolved_by = ?, resolved_at = ? WHERE id = ?",
                (by, when, report_id),
            )

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
