"""`python -m mapapp ingest --watch FEED... --every 15m`: poll feeds and take in what is new.

Each poll asks a feed URL only for what changed (conditional GET: If-None-Match with its last ETag,
If-Modified-Since with its last Last-Modified, kept in $QZ_STATE_DIR/feeds.json), skips the
entries whose URL is already a source of an article, and takes in the others (a reprint becomes
another source, as with `ingest`). One line per feed polled and one per entry taken in. Ctrl-C (or
SIGTERM) stops after the source in hand, never in the middle of a write; a second Ctrl-C stops at once.
"""

from __future__ import annotations

import json
import re
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from mapapp.curation.reports import state_dir_from_env
from mapapp.curation.store import write_atomically
from mapapp.errors import SourceRefused
from mapapp.intake.catalog import load_catalog, source_key
from mapapp.intake.feeds import feed_entries, looks_like_feed
from mapapp.intake.ingest import Intake, Outcome, refused
from mapapp.intake.webfetch import host_of, is_url
from mapapp.paths import ARTICLES_TOML

STATE_FILE = "feeds.json"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$", re.IGNORECASE)
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "": 1}


def duration_s(text: str) -> float:
    """'90s' -> 90, '15m' -> 900, '1h' -> 3600, '30' -> 30 (seconds)."""
    match = _DURATION.match(text)
    if match is None or float(match.group(1)) <= 0:
        raise ValueError(f"--every is {text!r}; expected a time such as 90s, 15m or 1h")
    return float(match.group(1)) * _UNIT_S[(match.group(2) or "").lower()]


def _say(line: str) -> None:
    print(f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} {line}", flush=True)


def watch_feeds(
    intake: Intake,
    feeds: list[str],
    *,
    every_s: float,
    state_path: Path | None,
    emit: Callable[[Outcome], None],
    say: Callable[[str], None] = _say,
    stop: threading.Event | None = None,
    max_polls: int | None = None,
) -> int:
    """Poll `feeds` every `every_s` seconds until stopped; returns the exit status (0)."""
    stop = stop or threading.Event()
    path = state_path or state_dir_from_env() / STATE_FILE
    state = _load_state(path)
    restore = _stop_on_signals(stop, say) if threading.current_thread() is threading.main_thread() else {}
    polls = 0
    try:
        say(f"watching {len(feeds)} feed(s) every {every_s:g} s; Ctrl-C stops")
        while not stop.is_set():
            for feed in feeds:
                if stop.is_set():
                    break
                for outcome in poll_feed(intake, feed, state, say=say, stop=stop):
                    emit(outcome)
                _save_state(path, state)
            polls += 1
            if max_polls is not None and polls >= max_polls:
                break
            stop.wait(every_s)
    finally:
        for signum, handler in restore.items():
            signal.signal(signum, handler)
    say("stopped")
    return 0


def poll_feed(
    intake: Intake, feed: str, state: dict[str, Any], *, say: Callable[[str], None], stop: threading.Event
) -> list[Outcome]:
    """One poll of one feed: the outcome of every entry not taken in before (a refusal of the feed itself)."""
    known = state.get(feed, {})
    try:
        if is_url(feed):
            download = intake.fetch(feed, etag=known.get("etag"), last_modified=known.get("last_modified"))
        else:
            download = intake.download(feed)
        if download.not_modified:
            say(f"{feed}: not modified")
            return []
        if not looks_like_feed(download.body, download.content_type):
            raise SourceRefused(f"{feed}: not an RSS or Atom feed; --watch polls feeds")
        entries = feed_entries(download.body, source=feed, base_url=download.url)
    except SourceRefused as error:
        outcome = refused(feed, error)
        say(f"{feed}: refused: {outcome.reason}")
        return [outcome]
    state[feed] = {"etag": download.etag, "last_modified": download.last_modified}
    have = set(_known_sources(intake))
    new = [entry for entry in entries if source_key(entry.link) not in have]
    say(f"{feed}: {len(entries)} entries, {len(new)} new")
    outcomes = []
    feed_host = host_of(download.url) if download.url else ""
    for entry in new:
        if stop.is_set():
            break
        outcome = intake.take_entry(entry, feed_host=feed_host)
        say(outcome.line())
        outcomes.append(outcome)
    return outcomes


def _known_sources(intake: Intake) -> list[str]:
    seeds_dir = intake.store.seeds_dir
    if seeds_dir is None:
        return []
    toml = seeds_dir / ARTICLES_TOML
    catalog = load_catalog(seeds_dir, toml.read_bytes() if toml.exists() else None, cache=intake.cache)
    return list(catalog.by_source)


def _load_state(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, json.JSONDecodeError):
        return {}  # a damaged state file only costs one full download per feed
    return found if isinstance(found, dict) else {}


def _save_state(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_atomically(path, text.encode("utf-8"))


def _stop_on_signals(stop: threading.Event, say: Callable[[str], None]) -> dict[int, Any]:
    """The first Ctrl-C (or SIGTERM) asks the loop to stop after the source in hand; the second stops at once."""
    previous: dict[int, Any] = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}

    def ask_to_stop(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        say("stopping after the source in hand (Ctrl-C again to stop at once)")
        stop.set()

    for signum in previous:
        signal.signal(signum, ask_to_stop)
    return previous
