"""Browser tests: start the app with `streamlit run` on a free loopback port, drive Debian's Chromium.

Chromium comes from the system (/usr/bin/chromium), never from `playwright install`. Without it the
tests skip locally but FAIL under CI=true. Tile hosts are blocked, so the page works offline and
every other request must go to the app itself.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.appserver import AppServerError, serve_app
from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from bench.servecluster import serve_cluster
from mapapp.map.mapview import TILE_HOSTS


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def nginx_cluster(run_dir: Path, *, replicas: int, tls: tuple[Path, Path] | None = None):
    """scripts/serve.sh (nginx and `replicas` replicas) for a test module; without nginx the module
    skips locally and FAILS under CI=true."""
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").is_file()):
        _unavailable("nginx is not installed (bash scripts/setup.sh --dev installs Debian's nginx)")
    with serve_cluster(run_dir, replicas=replicas, tls=tls) as served:
        yield served


@contextlib.contextmanager
def app_served(log_dir: Path, env: dict[str, str] | None = None):
    """The app on 127.0.0.1:<free port> (see bench.appserver); a start that fails fails the test."""
    try:
        with serve_app(log_dir / "streamlit.log", env=env) as server:
            yield server.url
    except AppServerError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> str:
    """The app on the bundled data. QZ_APP_URL=http://127.0.0.1:8501/ tests an app you started yourself."""
    if os.environ.get("QZ_APP_URL"):
        yield os.environ["QZ_APP_URL"].rstrip("/") + "/"
        return
    with app_served(tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_app_url(tmp_path_factory, hostile_data):
    """The app on tests/datafactory.py's hostile data."""
    with app_served(tmp_path_factory.mktemp("hostile-app"), hostile_data.folders.env()) as url:
        yield url


@pytest.fixture(scope="module")
def broken_app_url(tmp_path_factory, broken_data):
    """The app on tests/datafactory.py's broken data."""
    with app_served(tmp_path_factory.mktemp("broken-app"), broken_data.env()) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found; install Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed (requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
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
            url
            for url in self.urls
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
    from mapapp.pipeline.index import build_map_index

    return build_map_index()
