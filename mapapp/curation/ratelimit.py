"""Sign-in throttling: growing delays per client address and per account, kept in SQLite, never a lockout.

Each checked sign-in is one row of `signins.sqlite3` in the state folder ($QZ_STATE_DIR, as the
readers' reports): when, which client address, which account, the name typed (never the password)
and the outcome. The row is also the curator's sign-in log. Before a password is checked, the time
since the key's last attempt must cover a delay that grows with the key's recent failures
(`DelaySchedule`), for the client address and for the account alike; the wait is the longer of the
two. A success clears a key's failures. Attempts held for the same account take turns by their
client's recent failures, fewest first: many attacking sessions cannot take every turn from a
curator whose address has not failed. The delays are capped at a few seconds: an attacker gets
a few guesses a minute per address and per account, and a curator who comes after an attack, even
from the same address, waits at most the cap. Nothing counts per browser session, so a reload or a
new session starts with the same count.

The state is in a file, not in the process: several replicas on one host share it (WAL mode, one
write transaction per check with BEGIN IMMEDIATE); one connection per thread; SQL with bound
parameters only.

Why not a library: `limits` keeps its counters in memory or in Redis, Memcached, MongoDB or Valkey
(none shared between processes without a server) and refuses once a count is reached, which for a
shared address is a lockout for the rest of the window; pyrate-limiter has an SQLite bucket but is
a leaky bucket over all requests, not a delay that grows with failures and is cleared by a success.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mapapp.curation.sqlitestate import connect_shared

SIGNINS_DB = "signins.sqlite3"
Outcome = Literal["signed-in", "failed", "throttled"]
MAX_NAME_CHARS = 80
KEEP_ROWS = 20_000  # the log keeps this many attempts; older ones are dropped

_SCHEMA = """
CREATE TABLE IF NOT EXISTS signins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    client TEXT NOT NULL,
    account TEXT NOT NULL,
    name TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'failed', 'signed-in', 'throttled')),
    waited_s REAL NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS signins_by_client ON signins (client, at);
CREATE INDEX IF NOT EXISTS signins_by_account ON signins (account, at);
CREATE TABLE IF NOT EXISTS waiting (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client TEXT NOT NULL,
    account TEXT NOT NULL,
    failures INTEGER NOT NULL,
    heartbeat REAL NOT NULL
);
"""


@dataclass(frozen=True)
class DelaySchedule:
    """No delay for the first `free` failures, then `first_s`, doubling, at most `max_s`.

    Failures count within `window_s` and since the key's last success.
    """

    free: int
    first_s: float
    max_s: float
    window_s: float = 900.0

    def delay_after(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.max_s, self.first_s * 2 ** (failures - self.free))


CLIENT_SCHEDULE = DelaySchedule(free=3, first_s=1.0, max_s=5.0)
ACCOUNT_SCHEDULE = DelaySchedule(free=5, first_s=0.5, max_s=4.0)
MAX_HOLD_S = 6.0  # an attempt waits this long at most for its turn (> both caps), then is refused
POLL_S = 0.25  # a held attempt looks again this often (and so shows it is still waiting)
STALE_S = 2.0  # a waiting attempt not seen for this long has gone (its session ended)


@dataclass(frozen=True)
class SignInRecord:
    """One line of the sign-in log (for curators)."""

    at: float  # Unix time
    client: str
    name: str
    outcome: str  # pending | failed | signed-in | throttled
    waited_s: float


@dataclass(frozen=True)
class SignInResult:
    outcome: Outcome
    waited_s: float  # how long the attempt was held before its password was checked
    retry_after_s: float = 0.0  # for "throttled": when to try again


def account_key(configured_hash: str) -> str:
    """The account a password is checked against: the configured credential, as a digest.

    Not the name typed, which an attacker could vary at will; a new credential is a new account.
    """
    return "credential:" + hashlib.sha256(configured_hash.encode("utf-8")).hexdigest()[:16]


class SignInThrottle:
    """The sign-in log and its delays, in one SQLite file. Safe to share between threads and processes."""

    def __init__(
        self,
        path: Path,
        *,
        client_schedule: DelaySchedule = CLIENT_SCHEDULE,
        account_schedule: DelaySchedule = ACCOUNT_SCHEDULE,
        max_hold_s: float = MAX_HOLD_S,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.path = Path(path)
        self.client_schedule, self.account_schedule = client_schedule, account_schedule
        self.max_hold_s, self.clock, self.sleep = max_hold_s, clock, sleep
        self._local = threading.local()

    @classmethod
    def in_state_dir(cls, state_dir: Path, **options: object) -> SignInThrottle:
        return cls(state_dir / SIGNINS_DB, **options)  # type: ignore[arg-type]

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = connect_shared(self.path, _SCHEMA, isolation_level=None)
            self._local.connection = connection
        return connection

    def _wait_for(self, connection: sqlite3.Connection, column: str, key: str, schedule: DelaySchedule) -> float:
        return self._state_of(connection, column, key, schedule)[1]

    def _state_of(
        self, connection: sqlite3.Connection, column: str, key: str, schedule: DelaySchedule
    ) -> tuple[int, float]:
        """(recent failures, seconds until the next attempt may be checked) of one client or account."""
        now = self.clock()
        # column is one of two fixed names, never input
        (last_success,) = connection.execute(
            f"SELECT MAX(at) FROM signins WHERE {column} = ? AND outcome = 'signed-in'", (key,)
        ).fetchone()
        since = max(now - schedule.window_s, last_success or 0.0)
        failures, last_attempt = connection.execute(
            f"SELECT COUNT(*), MAX(at) FROM signins WHERE {column} = ? AND at > ? AND outcome IN ('pending', 'failed')",
            (key, since),
        ).fetchone()
        if not failures:
            return 0, 0.0
        return int(failures), max(0.0, last_attempt + schedule.delay_after(failures) - now)

    def wait_s(self, client: str, account: str) -> float:
        """Seconds before an attempt from `client` on `account` may be checked (0 = now)."""
        connection = self._connection()
        return max(
            self._wait_for(connection, "client", client, self.client_schedule),
            self._wait_for(connection, "account", account, self.account_schedule),
        )

    def _claim(
        self, client: str, account: str, name: str, waited_s: float, ticket: int | None
    ) -> tuple[int | None, float, int | None]:
        """In one write transaction: (the attempt's log row, 0, None) if it may be checked now, else
        (None, how long to wait, its place among the waiting)."""
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            now = self.clock()
            failures, client_wait = self._state_of(connection, "client", client, self.client_schedule)
            wait = max(client_wait, self._wait_for(connection, "account", account, self.account_schedule))
            connection.execute("DELETE FROM waiting WHERE heartbeat < ?", (now - STALE_S,))
            if wait <= 0:
                (ahead,) = connection.execute(
                    "SELECT COUNT(*) FROM waiting WHERE account = ? AND id != ? "
                    "AND (failures < ? OR (failures = ? AND id < ?))",
                    (account, ticket or -1, failures, failures, ticket if ticket is not None else 2**62),
                ).fetchone()
                if not ahead:
                    connection.execute("DELETE FROM waiting WHERE id = ?", (ticket or -1,))
                    cursor = connection.execute(
                        "INSERT INTO signins (at, client, account, name, outcome, waited_s) "
                        "VALUES (?, ?, ?, ?, 'pending', ?)",
                        (now, client, account, name[:MAX_NAME_CHARS], round(waited_s, 2)),
                    )
                    connection.execute("COMMIT")
                    return int(cursor.lastrowid or 0), 0.0, None
                wait = POLL_S  # another held attempt with fewer failures goes first
            if ticket is None:
                cursor = connection.execute(
                    "INSERT INTO waiting (client, account, failures, heartbeat) VALUES (?, ?, ?, ?)",
                    (client, account, failures, now),
                )
                ticket = int(cursor.lastrowid or 0)
            else:
                connection.execute(
                    "UPDATE waiting SET heartbeat = ?, failures = ? WHERE id = ?", (now, failures, ticket)
                )
            connection.execute("COMMIT")
            return None, wait, ticket
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    def _leave_queue(self, ticket: int | None) -> None:
        if ticket is not None:
            self._connection().execute("DELETE FROM waiting WHERE id = ?", (ticket,))

    def attempt(self, *, client: str, account: str, name: str, check: Callable[[], bool]) -> SignInResult:
        """Wait for this attempt's turn (at most max_hold_s), then run `check` (the password check) once.

        The attempt is logged before the check (as pending, which counts as a failure if the process
        dies meanwhile) and its outcome after it; an attempt that is not checked is logged as throttled.
        """
        started = self.clock()
        ticket: int | None = None
        try:
            while True:
                waited = self.clock() - started
                row_id, wait, ticket = self._claim(client, account, name, waited, ticket)
                if row_id is not None:
                    break
                if waited + wait > self.max_hold_s:
                    self._leave_queue(ticket)
                    self._log_throttled(client, account, name, waited)
                    return SignInResult("throttled", waited, retry_after_s=wait)
                self.sleep(min(wait, POLL_S) + 0.01)
        except BaseException:
            self._leave_queue(ticket)
            raise
        ok = False
        try:
            ok = bool(check())
        finally:
            self._finish(row_id, "signed-in" if ok else "failed")
        return SignInResult("signed-in" if ok else "failed", self.clock() - started)

    def _finish(self, row_id: int, outcome: str) -> None:
        connection = self._connection()
        connection.execute("UPDATE signins SET outcome = ? WHERE id = ?", (outcome, row_id))
        self._prune(connection)

    @staticmethod
    def _prune(connection: sqlite3.Connection) -> None:
        connection.execute("DELETE FROM signins WHERE id <= (SELECT MAX(id) FROM signins) - ?", (KEEP_ROWS,))

    def _log_throttled(self, client: str, account: str, name: str, waited_s: float) -> None:
        connection = self._connection()
        connection.execute(
            "INSERT INTO signins (at, client, account, name, outcome, waited_s) VALUES (?, ?, ?, ?, 'throttled', ?)",
            (self.clock(), client, account, name[:MAX_NAME_CHARS], round(waited_s, 2)),
        )
        self._prune(connection)

    def recent(self, *, limit: int = 50) -> list[SignInRecord]:
        """The latest attempts, newest first (the curator's sign-in log)."""
        rows = self._connection().execute(
            "SELECT at, client, name, outcome, waited_s FROM signins ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [SignInRecord(*row) for row in rows.fetchall()]

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
