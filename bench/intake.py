"""`python -m bench.intake`: how fast `python -m mapapp ingest` takes pages in, end to end (download
from a local server, encoding, text extraction, date, reprint check, the write through curation's
store), on the seed articles put into a news page with its chrome, each also reprinted on another
"site" (another headline, an editor's note, a paragraph fewer), then all of them again at other
addresses (reprints of what is stored by then). Prints the figures; asserts nothing."""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import json
import os
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.reprints import variants
from mapapp.cli import main as cli_main
from mapapp.datadirs import BUNDLED
from mapapp.paths import SEEDS_DIR

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{headline}_衢州测试新闻网</title>
<meta property="og:site_name" content="衢州测试新闻网"><meta property="article:published_time" content="2025-06-{day:02d}">
</head><body><nav><a href="/">首页</a> <a href="/local">本地</a> <a href="/sports">体育</a></nav>
<div class="crumbs">当前位置：首页 &gt; 本地新闻</div><article><h1>{headline}</h1>{paragraphs}</article>
<section class="comments"><h2>网友评论</h2><p>支持！</p></section>
<footer>版权所有 浙ICP备00000000号</footer></body></html>"""


def page_from_text(text: str, day: int) -> bytes:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs[1:])
    return PAGE.format(headline=html.escape(paragraphs[0]), paragraphs=body, day=day).encode("utf-8")


def serve(pages: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.split("?", 1)[0])
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.intake", description=__doc__)
    parser.add_argument("--seeds", type=Path, default=SEEDS_DIR)
    parser.add_argument("--rounds", type=int, default=3, help="times every page is offered at a new address")
    args = parser.parse_args(argv)
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.seeds.glob("*.txt"))]
    pages: dict[str, bytes] = {}
    for n, text in enumerate(texts):
        pages[f"/news/{n}.html"] = page_from_text(text, n + 1)
        pages[f"/portal/{n}.html"] = page_from_text(variants(text)["reprint"], n + 2)
    server = serve(pages)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    statuses: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        seeds = Path(tmp) / "seeds"
        seeds.mkdir()
        (seeds / "articles.toml").write_text("", encoding="utf-8")
        where = ["--seeds", str(seeds), "--geodata", str(BUNDLED.geodata_dir), "--journal", str(Path(tmp) / "j")]
        urls = [f"{base}{path}?round={r}" for r in range(args.rounds) for path in pages]
        started, cpu = time.perf_counter(), time.process_time()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            cli_main(["ingest", *urls, "--json", "--by", "bench", *where])
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        statuses.update(json.loads(line)["status"] for line in out.getvalue().splitlines())
    server.shutdown()
    load = os.getloadavg()
    print(f"pages: {len(urls)} ({len(texts)} seed articles, each on two sites, {args.rounds} rounds)")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    print(f"wall: {wall:.2f} s ({1000 * wall / len(urls):.0f} ms a page); cpu: {cpu:.2f} s")
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
