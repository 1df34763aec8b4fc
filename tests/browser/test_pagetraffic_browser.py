"""The load test's protocol reader sends what Chromium sends for the same actions (bench.pagetraffic).

Open a link, click a place on the map, choose one by search, open a link in the same browser: the
requests by kind and the WebSocket messages each action makes are compared. The static files a page
fetches are recorded from Chromium itself, so those agree by construction (up to a file Chromium
asks for or not from run to run); the rest -- the place files, the server's health checks, the
WebSocket and every run asked of the server -- are the reader's own doing and must be the same.
"""

from __future__ import annotations

import asyncio
import concurrent.futures

from bench.pagetraffic import ASSET_KINDS, record_chromium, record_page_assets, record_protocol


def test_the_protocol_reader_makes_the_requests_chromium_makes(browser, app_url, index):
    # `browser` (unused here) skips the test where Chromium is missing, and fails it under CI=true.
    names = [f.name_zh for f in index.features.values()]
    unique = sorted(
        fid
        for fid, excerpts in index.excerpts.items()
        if excerpts and index.features[fid].geometry and names.count(index.features[fid].name_zh) == 1
    )
    places = [(fid, index.features[fid].name_zh) for fid in unique[:3]]
    # Playwright's sync API runs its own event loop: each recording in a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        chromium, clicked = pool.submit(record_chromium, app_url, places, clickable_from=unique[3:]).result()
        assert clicked is not None
        assets = pool.submit(record_page_assets, app_url, places).result()
        click = (clicked, index.features[clicked].name_zh)
        protocol = pool.submit(asyncio.run, record_protocol(app_url, places, click, assets)).result()
    for action in ("open", "click", "search", "link"):
        ours = {k: n for k, n in protocol.requests.get(action, {}).items() if k not in ASSET_KINDS}
        theirs = {k: n for k, n in chromium.requests.get(action, {}).items() if k not in ASSET_KINDS}
        assert ours == theirs, action
        assert protocol.sent[action] == chromium.sent[action], action
    assert chromium.sent["click"] == 0 and chromium.requests["click"] == {"place_current": 1, "place_file": 1}
    assert chromium.sent["search"] == 2  # the typed text, then the chosen result
