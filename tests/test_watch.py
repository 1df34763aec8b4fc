"""`python -m mapapp ingest --watch`: conditional GET (ETag, Last-Modified), only new entries taken
in, one line per feed and per entry, and a clean stop on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from werkzeug import Request, Response

from mapapp.curation.store import DataStore
from mapapp.datadirs import BUNDLED
from mapapp.intake.ingest import Intake, Outcome
from mapapp.intake.watch import duration_s, watch_feeds
from mapapp.paths import ROOT_DIR
from tests.webpages import page, rss, story

PORT = story("port_route.txt")
OTHER_STORY = story("port_report_other.txt")


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("90s", 90), ("1h", 3600), ("30", 30), ("0.5s", 0.5)])
def test_every_reads_seconds_minutes_and_hours(text, seconds):
    assert duration_s(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "fast", "15 minutes", "-5m"])
def test_a_bad_every_is_refused(text):
    with pytest.raises(ValueError, match="expected a time such as 90s, 15m or 1h"):
        duration_s(text)


def test_a_watched_feed_is_asked_only_for_changes_and_new_entries_are_taken_in(httpserver, tmp_path):
    first = httpserver.url_for("/a.html")
    second = httpserver.url_for("/b.html")
    httpserver.expect_request("/a.html").respond_with_data(page("city_news.html", PORT, date="2025-06-11", url=first))
    httpserver.expect_request("/b.html").respond_with_data(page("portal_reprint.html", OTHER_STORY, date="2025-07-02"))
    feed = {"etag": '"v1"', "links": [first]}
    asked: list[tuple[str | None, str | None]] = []

    def serve_feed(request: Request) -> Response:
        asked.append((request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")))
        if request.headers.get("If-None-Match") == feed["etag"]:
            return Response(status=304)
        headers = {"ETag": feed["etag"], "Last-Modified": "Wed, 11 Jun 2025 01:32:00 GMT"}
        return Response(rss("衢江", feed["links"]), content_type="application/rss+xml", headers=headers)

    httpserver.expect_request("/feed.xml").respond_with_handler(serve_feed)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    store = DataStore(BUNDLED.geodata_dir, journal_dir=tmp_path / "journal", seeds_dir=seeds)
    outcomes: list[Outcome] = []
    lines: list[str] = []

    def say(line: str) -> None:
        lines.append(line)
        if line.endswith("not modified"):  # the site publishes a second story after the second poll
            feed.update(etag='"v2"', links=[first, second])

    state = tmp_path / "state" / "feeds.json"
    code = watch_feeds(
        Intake(store, "watcher"),
        [httpserver.url_for("/feed.xml")],
        every_s=0,
        state_path=state,
        emit=outcomes.append,
        say=say,
        max_polls=3,
    )
    assert code == 0
    assert asked == [(None, None), ('"v1"', "Wed, 11 Jun 2025 01:32:00 GMT"), ('"v1"', "Wed, 11 Jun 2025 01:32:00 GMT")]
    assert [(o.source, o.status) for o in outcomes] == [(first, "added"), (second, "added")]
    feed_lines = [line for line in lines if "feed.xml" in line]
    assert [line.split(": ", 1)[1] for line in feed_lines] == ["1 entries, 1 new", "not modified", "2 entries, 1 new"]
    assert json.loads(state.read_text(encoding="utf-8"))[httpserver.url_for("/feed.xml")]["etag"] == '"v2"'
    assert len(list(seeds.glob("*.txt"))) == 2


def test_ctrl_c_stops_the_watcher_cleanly(httpserver, tmp_path):
    httpserver.expect_request("/feed.xml").respond_with_data(rss("x", []), content_type="application/rss+xml")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    command = [sys.executable, "-m", "mapapp", "ingest", "--watch", httpserver.url_for("/feed.xml"), "--every", "1h"]
    command += ["--seeds", str(seeds), "--journal", str(tmp_path / "journal"), "--state", str(tmp_path / "feeds.json")]
    process = subprocess.Popen(
        command, cwd=ROOT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ}
    )
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.extend(process.stdout or ()), daemon=True)
    reader.start()
    deadline = time.monotonic() + 30
    while not any("feed.xml" in line for line in seen) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert any("feed.xml" in line for line in seen), seen  # it polled once and now waits an hour
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
    reader.join(timeout=5)
    assert seen[-1].rstrip().endswith("stopped") and "Traceback" not in (
        process.stderr.read() if process.stderr else ""
    )
