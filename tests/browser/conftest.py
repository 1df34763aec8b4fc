"""Browser tests: start the app with `streamlit run` on a free loopback port, drive Debian's Chromium.

Chromium comes from the system (/usr/bin/chromium), never from `playwright install`. Without it the
tests skip locally but FAIL under CI=true. Tile hosts are blocked, so the page works offline and
every other request must go to the app itself.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mapapp.mapview import TILE_HOSTS
from mapapp.paths import ROOT_DIR

CHROMIUM = Path(os.environ.get("QZ_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
START_TIMEOUT_S = 90


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> str:
    """The app served by `streamlit run streamlit_app.py`, headless, on 127.0.0.1:<free port>.

    QZ_APP_URL=http://127.0.0.1:8501/ tests an app you started yourself instead.
    """
    if os.environ.get("QZ_APP_URL"):
        yield os.environ["QZ_APP_URL"].rstrip("/") + "/"
        return
    port = _free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT_DIR / "streamlit_app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT_DIR, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{log_path.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer on {url} within {START_TIMEOUT_S} s:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found; install Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed (requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class RequestLog:
    """Every request and WebSocket the page opened, with tile requests blocked (aborted)."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.blocked_tiles: list[str] = []

    def foreign(self, app_url: str) -> list[str]:
        app_host = urlsplit(app_url).netloc
        return [
            url for url in self.urls
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).netloc != app_host
            and not any(urlsplit(url).hostname.endswith(host) for host in TILE_HOSTS)
        ]


@pytest.fixture
def requests_log() -> RequestLog:
    return RequestLog()


@pytest.fixture
def page(browser, requests_log):
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")

    def route(route):
        host = urlsplit(route.request.url).hostname or ""
        if any(host.endswith(tile_host) for tile_host in TILE_HOSTS):
            requests_log.blocked_tiles.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda request: requests_log.urls.append(request.url))
    page.on("websocket", lambda ws: requests_log.urls.append(ws.url))
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def index():
    from mapapp.index import build_map_index

    return build_map_index()
