"""scripts/serve.sh over HTTPS and HTTP/2 (--tls-cert/--tls-key, a test certificate made with Debian's
openssl): a reader in headless Chromium gets the page and Streamlit's scripts over HTTP/2, the map over
the WebSocket (HTTP/1.1 through nginx), and a click selects a place. Needs nginx, openssl and chromium:
skips locally without them and FAILS under CI=true (like tests/test_serve.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import _unavailable
from mapdriver import click_feature, map_frame, open_app, panel_name, wait_for_panel

from bench.servecluster import self_signed_certificate, serve_cluster
from mapapp.map.markup import feature_name

PROTOCOLS_JS = """() => {
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  return entries.filter((e) => e.name.startsWith(location.origin)).map((e) => [e.name, e.nextHopProtocol]);
}"""


@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory):
    for tool in ("nginx", "openssl"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").is_file()):
            _unavailable(f"{tool} is not installed (bash scripts/setup.sh --dev installs Debian's {tool})")
    run_dir = tmp_path_factory.mktemp("serve-tls")
    with serve_cluster(run_dir, replicas=1, tls=self_signed_certificate(run_dir / "tls")) as served:
        yield served


def test_a_reader_over_https_gets_the_page_over_http2_and_a_click_selects(browser, tls_cluster, index):
    assert tls_cluster.url.startswith("https://")
    context = browser.new_context(viewport={"width": 1366, "height": 900}, ignore_https_errors=True)
    page = context.new_page()
    try:
        open_app(page, tls_cluster.url)
        protocols = dict(page.evaluate(PROTOCOLS_JS))
        scripts = [name for name in protocols if name.endswith(".js")]
        assert protocols[tls_cluster.url] == "h2", protocols
        assert len(scripts) > 10 and all(protocols[name] == "h2" for name in scripts), protocols
        click_feature(page, "qujiang-gymnasium")
        wait_for_panel(page, "qujiang-gymnasium")
        assert panel_name(page) == feature_name(index.features["qujiang-gymnasium"], "zh")
        assert parse_qs(urlsplit(page.url).query)["feature"] == ["qujiang-gymnasium"]
        assert map_frame(page).url.startswith("https://")
    finally:
        context.close()
