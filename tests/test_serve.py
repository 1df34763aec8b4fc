"""scripts/serve.sh for real: two Streamlit replicas behind nginx on free loopback ports.

The app answers through nginx (health and a real session over Streamlit's WebSocket protocol), each
reader stays on one replica by nginx's cookie although every reader comes from 127.0.0.1, a reader
whose replica is killed gets the same view back through nginx from another one, and a signal stops
nginx and every replica. nginx is Debian's package (scripts/setup.sh --dev installs it): without it
the test skips locally and FAILS under CI=true.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from bench.appserver import free_port
from bench.loadreaders import READER_COOKIE, ProtocolReader, http_session, reader_cookie
from bench.loadreport import LoadReport, targets_from_index
from bench.servecluster import SERVE_SCRIPT, read_replicas, serve_cluster
from mapapp.map.assets import leaflet_urls
from mapapp.paths import ROOT_DIR


def _nginx_or_skip() -> None:
    if shutil.which("nginx") or Path("/usr/sbin/nginx").is_file():
        return
    reason = "nginx is not installed (bash scripts/setup.sh --dev installs Debian's nginx)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"the serving test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    _nginx_or_skip()
    with serve_cluster(tmp_path_factory.mktemp("serve"), replicas=2) as served:
        yield served


@pytest.fixture(scope="module")
def targets():
    from mapapp.pipeline.index import build_map_index

    return targets_from_index(build_map_index())


def _get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], list[str]]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, dict(response.headers), response.headers.get_all("Set-Cookie") or []


COMPONENT_PAGE = "component/streamlit_folium.st_folium/index.html"  # the map's iframe


def _warm_ups(cluster, port: int) -> int:
    """How often the replica on `port` was warmed (serve.sh writes each warm-up into its log)."""
    log = (cluster.run_dir / f"replica-{port}.log").read_text(encoding="utf-8", errors="replace")
    return log.count(f"warm-up: 127.0.0.1:{port} ran the page in ")


def _warm(cluster, port: int) -> bool:
    """The replica on `port` was warmed since it was last started (its log says both)."""
    log = (cluster.run_dir / f"replica-{port}.log").read_text(encoding="utf-8", errors="replace")
    return _warm_ups(cluster, port) == log.count(f"server started on 127.0.0.1:{port}")


def _cookie_for(cluster, port: int, timeout_s: float = 30) -> str:
    """A reader cookie that nginx sends to the replica on `port` (once nginx tries it again)."""
    deadline = time.monotonic() + timeout_s
    while True:
        for n in range(64):
            cookie = f"{READER_COOKIE}=to{port}-{n:02d}"
            if _replica_port(cluster.url, cookie) == port:
                return cookie
        assert time.monotonic() < deadline, f"nginx sends no reader to the replica on port {port}"
        time.sleep(0.5)


def _replica_port(url: str, cookie: str) -> int:
    _, headers, _ = _get(url + "_stcore/health", cookie)
    return int(headers["X-Qz-Replica"].rsplit(":", 1)[1])


def test_two_replicas_answer_through_one_port_and_each_reader_sticks_to_one(cluster):
    replicas = cluster.replicas()
    assert len(replicas) == 2 and len({r.port for r in replicas}) == 2
    status, _, cookies = _get(cluster.url + "_stcore/health")
    assert status == 200
    assert any(c.startswith(f"{READER_COOKIE}=") for c in cookies), cookies
    readers = [f"{READER_COOKIE}=reader{n:03d}" for n in range(24)]
    ports = {cookie: {_replica_port(cluster.url, cookie) for _ in range(3)} for cookie in readers}
    assert all(len(seen) == 1 for seen in ports.values()), ports  # sticky per reader
    used = {next(iter(seen)) for seen in ports.values()}
    assert used == {r.port for r in replicas}  # readers from one address still spread over both
    # a reader that already has its cookie is not given a new one
    assert not any(c.startswith(READER_COOKIE) for c in _get(cluster.url + "_stcore/health", readers[0])[2])


def _fetch(url: str, accept_encoding: str) -> tuple[dict[str, str], int]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding})
    with urllib.request.urlopen(request, timeout=30) as response:
        return {k.lower(): v for k, v in response.headers.items()}, len(response.read())


def test_nginx_compresses_the_page_and_lets_browsers_keep_hashed_files(cluster):
    page = urllib.request.urlopen(cluster.url, timeout=30).read().decode()
    bundle = next(part.split('"')[0] for part in page.split('src="./')[1:] if part.startswith("static/js/index."))
    brotli = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so").is_file()
    plain_headers, plain_size = _fetch(cluster.url + bundle, "identity")
    assert "content-encoding" not in plain_headers
    headers, size = _fetch(cluster.url + bundle, "gzip, deflate, br")
    assert headers["content-encoding"] == ("br" if brotli else "gzip")
    assert size < plain_size / 2  # Streamlit's own bundle, compressed by nginx (Streamlit sends it as it is)
    assert "immutable" in headers["cache-control"]  # Streamlit's header for /static/, kept
    headers, _ = _fetch(cluster.url + leaflet_urls().js.removeprefix("../../"), "gzip")
    assert headers["content-encoding"] == "gzip"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"  # a folder named by its version
    component = urllib.request.urlopen(cluster.url + COMPONENT_PAGE, timeout=30).read().decode()
    script = next(part.split('"')[0] for part in component.split('src="./')[1:] if part.startswith("static/js/main."))
    headers, _ = _fetch(cluster.url + "component/streamlit_folium.st_folium/" + script, "gzip")
    assert "max-age=31536000, immutable" in headers["cache-control"]  # a file named by its hash
    headers, _ = _fetch(cluster.url + COMPONENT_PAGE, "gzip")
    assert "immutable" not in headers.get("cache-control", "")  # its page is asked again each time
    # the page names the map's own files, so browsers fetch them with Streamlit's bundle
    link = _fetch(cluster.url, "gzip")[0]["link"]
    assert f"</component/streamlit_folium.st_folium/{script}>; rel=preload; as=script" in link
    assert f"</{leaflet_urls().js.removeprefix('../../')}>; rel=preload; as=script" in link
    assert "link" not in _fetch(cluster.url + bundle, "gzip")[0]


def test_the_page_carries_the_phones_first_map_and_no_unused_font_preload(cluster):
    """mapapp.app.previewfiles through nginx: the lines that open the first map sit in the page's head
    after the viewport's <meta> (they ask how wide the screen is) and before Streamlit's stylesheet
    (a script after it waits for it); the map file the warm-up run wrote is served, revalidated."""
    page = urllib.request.urlopen(cluster.url, timeout=30).read().decode()
    head = page.split("</head>", 1)[0]
    snippet = head.index("<style>#qz-preview{")
    assert head.index('name="viewport"') < snippet < head.index('rel="stylesheet"')
    assert page.count("qz-preview") == page[snippet:].split("</script>", 1)[0].count("qz-preview")
    page_url = next(part.split("?", 1)[0] for part in page.split("f.src='")[1:])
    data_url = page.split("var data='", 1)[1].split("'", 1)[0] + "zh-osm.json"
    headers, _ = _fetch(cluster.url + page_url.lstrip("/"), "gzip")
    assert headers["cache-control"] == "public, max-age=31536000, immutable"  # named by its hash
    headers, size = _fetch(cluster.url + data_url.lstrip("/"), "gzip")
    assert headers["cache-control"] == "no-cache" and size > 10_000
    component = urllib.request.urlopen(cluster.url + COMPONENT_PAGE, timeout=30).read().decode()
    assert "qz-preview" not in component  # only the page itself
    # the theme's system fonts: Streamlit's preload of its own font is unmarked (its link stays, inert;
    # a browser fetches the font only if no font before it in the theme's list has a character)
    assert 'rel="preload"' not in head and head.count('rel="qz-unused-font"') == 1


def test_each_replica_ran_the_page_before_nginx_let_readers_in(cluster):
    # serve.sh starts nginx only after every warm-up run ended; the cluster answered through nginx
    for replica in cluster.replicas():
        log = (cluster.run_dir / f"replica-{replica.port}.log").read_text(encoding="utf-8", errors="replace")
        assert f"warm-up: 127.0.0.1:{replica.port} ran the page in " in log, log[-2000:]


def test_a_reader_whose_replica_is_killed_gets_the_same_view_back_from_the_other(cluster, targets):
    report = LoadReport(clients="protocol", sessions=1, seconds=1, think_s=0)

    async def scenario() -> tuple[int, ProtocolReader]:
        async with http_session() as http:
            reader = ProtocolReader(0, targets[:4], {t.name: 0 for t in targets}, report, think_s=0, http=http)
            await reader.open(cluster.url)
            assert reader.current == targets[0], report.errors
            assert await reader.select(targets[1], action="search"), report.errors
            reader.current = targets[1]
            assert reader.cookie is not None  # nginx set it on the page the reader loaded first
            port = _replica_port(cluster.url, reader.cookie)
            victim = next(r for r in cluster.replicas() if r.port == port)
            os.kill(victim.pid, signal.SIGKILL)
            await reader.pause(30)  # returns as soon as the connection drops, after reconnecting
            # A click needs no replica (nginx serves the place files); a search is the new session's first run.
            assert await reader.select(targets[2], action="click"), report.errors
            reader.current = targets[2]
            assert await reader.select(targets[3], action="search"), report.errors
            await reader.close()
            return port, reader

    # its own thread and event loop: the browser tests' Playwright may hold this thread's loop
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        killed_port, reader = pool.submit(asyncio.run, scenario()).result(timeout=300)
    assert reader.cookie and report.disconnects == 1 and report.lost_view == []
    assert len(report.latencies_ms["recover"]) == 1 and report.errors == [] and report.leaks == []
    # serve.sh starts the dead replica again on its port, under a new process id
    deadline = time.monotonic() + 120
    while not _answers(f"http://127.0.0.1:{killed_port}/_stcore/health"):
        assert time.monotonic() < deadline, "the killed replica was not started again"
        time.sleep(0.5)
    assert killed_port in {r.port for r in cluster.replicas()}


def test_a_killed_replica_is_warmed_again_and_its_readers_still_get_the_map_component(cluster):
    # The first replica in serve.sh's list: its bookkeeping once sent the warm-up of a replica
    # started again to the LAST port in the list, so any other stayed cold.
    deadline = time.monotonic() + 120
    while not all(_warm(cluster, r.port) for r in cluster.replicas()):
        assert time.monotonic() < deadline, "the replicas were not all warm again (an earlier test killed one)"
        time.sleep(0.5)
    # and nginx sends readers to each again (a replica that failed is skipped for fail_timeout)
    cookies = {r.port: _cookie_for(cluster, r.port) for r in cluster.replicas()}
    victim = cluster.replicas()[0]
    cookie = cookies[victim.port]
    warmed = {r.port: _warm_ups(cluster, r.port) for r in cluster.replicas()}
    os.kill(victim.pid, signal.SIGKILL)
    # Until it has run the page, a replica answers 404 for the map component's files (Streamlit knows
    # a component once a run declared it): nginx asks the other replica, so the reader, whose cookie
    # leads back to the new process, never gets "having trouble loading" the map.
    deadline = time.monotonic() + 120
    while _warm_ups(cluster, victim.port) == warmed[victim.port]:
        assert time.monotonic() < deadline, "the killed replica was not started and warmed again"
        assert _get(cluster.url + COMPONENT_PAGE, cookie)[0] == 200
        time.sleep(0.1)
    assert _get(cluster.url + COMPONENT_PAGE, cookie)[0] == 200
    assert {r.port: _warm_ups(cluster, r.port) for r in cluster.replicas()} == {
        **warmed,
        victim.port: warmed[victim.port] + 1,
    }


def test_serve_sh_checks_its_options():
    result = subprocess.run(
        ["bash", str(SERVE_SCRIPT), "--replicas", "zero"], capture_output=True, text=True, cwd=ROOT_DIR, timeout=30
    )
    assert result.returncode == 2
    assert "--replicas is 'zero'; expected a whole number >= 1" in result.stderr


def test_ctrl_c_stops_nginx_and_every_replica(tmp_path):
    _nginx_or_skip()
    port = free_port()
    process = subprocess.Popen(
        ["bash", str(SERVE_SCRIPT), "--replicas", "1", "--port", str(port), "--run-dir", str(tmp_path)],
        cwd=ROOT_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not _answers(f"http://127.0.0.1:{port}/_stcore/health"):
            assert process.poll() is None and time.monotonic() < deadline, "serve.sh did not come up"
            time.sleep(0.3)
        pids = [r.pid for r in read_replicas(tmp_path)] + [int((tmp_path / "nginx.main.pid").read_text())]
        assert (tmp_path / "nginx.conf").is_file()  # the config is generated into the run folder
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 130
    finally:
        if process.poll() is None:
            process.kill()
    assert not [pid for pid in pids if _alive(pid)]
    assert not _answers(f"http://127.0.0.1:{port}/_stcore/health")


def _answers(url: str) -> bool:
    try:
        return _get(url)[0] == 200
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by its parent) is not serving anything
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_reader_cookie_is_read_from_the_page(cluster):
    assert (reader_cookie(cluster.url) or "").startswith(f"{READER_COOKIE}=")
