"""Getting a source's bytes, within limits: an http(s) URL (bounded time and size, redirects checked
hop by hop, conditional GET for feeds) or a file the user named. Nothing else is read.

What may be fetched: the URL the user named, on whatever host (a local test server too), and the
links a feed lists or a redirect points to, but those only on the named URL's own host or on a host
whose every address is public: a page or feed cannot make us read another host's internals
(127.0.0.1, 10.x, link-local metadata services). No `file:` or other schemes; a local file only when
the user named it (a feed's entries are fetched as URLs, never as paths).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from mapapp.errors import SourceRefused

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_S = 15.0  # the whole download, connection and every redirect included
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
USER_AGENT = "Mozilla/5.0 (compatible; qz-newsmap-intake/1; +https://github.com/)"
PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
# Content types a page or a feed is served as; anything else (images, PDF, archives, video) is refused.
TEXT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/xml",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "text/plain",
)
_BINARY_STARTS = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


@dataclass(frozen=True)
class Download:
    """A source's bytes as received."""

    source: str  # as the user (or the feed) named it
    url: str | None  # where the bytes came from after redirects; None for a local file
    body: bytes
    content_type: str  # the Content-Type header ("" for a file)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # a conditional GET answered 304: no body


def is_url(source: str) -> bool:
    return urlsplit(source).scheme.lower() in ("http", "https")


def has_other_scheme(source: str) -> bool:
    """A source written as `scheme:...` that is not http(s) (file:, ftp:, data:, javascript: ...)."""
    scheme = urlsplit(source).scheme
    return bool(scheme) and len(scheme) > 1 and scheme.lower() not in ("http", "https")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def public_host(host: str) -> bool:
    """Does every address of `host` lie on the public internet?"""
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return False
    addresses = {str(info[4][0]) for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses)


def check_allowed(url: str, *, named_host: str | None) -> None:
    """Refuse a URL we may not fetch: not http(s), or (unless on the host the user named) not public."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise SourceRefused(f"{url}: not an http(s) URL; only http and https pages and feeds are fetched")
    host = parts.hostname.lower()
    if host != named_host and not public_host(host):
        raise SourceRefused(
            f"{url}: host {host} is not on the public internet and is not the host you named; not fetched"
        )


def fetch_url(
    url: str,
    *,
    named_host: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout_s: float = TIMEOUT_S,
    max_bytes: int = MAX_BYTES,
    session: requests.Session | None = None,
) -> Download:
    """GET `url` within `timeout_s` and `max_bytes` (counted while streaming, after decompression),
    following at most MAX_REDIRECTS redirects, each checked with check_allowed. `named_host`: the
    host the user named (the URL's own host when None). SourceRefused says why it was not taken."""
    named_host = host_of(url) if named_host is None else named_host
    deadline = time.monotonic() + timeout_s
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    http = session or requests.Session()
    current = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            check_allowed(current, named_host=named_host)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SourceRefused(f"{url}: no answer within {timeout_s:g} s (timeout)")
            with http.get(
                current, headers=headers, stream=True, allow_redirects=False, timeout=(remaining, remaining)
            ) as response:
                if response.is_redirect:
                    target = response.headers.get("Location", "")
                    if not target:
                        raise SourceRefused(f"{url}: a redirect without a Location; expected a page")
                    current = urljoin(current, target)
                    continue
                if response.status_code == 304 and (etag or last_modified):
                    return Download(url, current, b"", "", etag, last_modified, not_modified=True)
                if response.status_code != 200:
                    reason = response.reason or ""
                    raise SourceRefused(f"{url}: the server answered {response.status_code} {reason}".rstrip())
                content_type = response.headers.get("Content-Type", "")
                _check_type(url, content_type)
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise SourceRefused(f"{url}: {int(declared):,} bytes; the limit is {max_bytes:,} (too large)")
                body = _read_within(response, url, deadline, timeout_s, max_bytes)
                _check_not_binary(url, body)
                return Download(
                    url,
                    response.url or current,
                    body,
                    content_type,
                    response.headers.get("ETag"),
                    response.headers.get("Last-Modified"),
                )
        raise SourceRefused(f"{url}: more than {MAX_REDIRECTS} redirects; not followed further")
    except requests.Timeout as error:
        raise SourceRefused(f"{url}: no answer within {timeout_s:g} s (timeout)") from error
    except requests.ConnectionError as error:
        raise SourceRefused(f"{url}: cannot connect ({_short(error)})") from error
    except (requests.RequestException, OSError, ValueError) as error:
        raise SourceRefused(f"{url}: the download failed ({_short(error)})") from error


def _read_within(response: requests.Response, url: str, deadline: float, timeout_s: float, max_bytes: int) -> bytes:
    """The body, streamed; refused past `max_bytes` or `deadline`. A server that sends a byte now and
    then would keep each read alive, so a timer closes the response at the deadline."""
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        response.close()

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), expire)
    timer.daemon = True
    timer.start()
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise SourceRefused(f"{url}: more than {max_bytes:,} bytes; the limit is {max_bytes:,} (too large)")
            chunks.append(chunk)
    except (requests.RequestException, OSError, ValueError, AttributeError) as error:
        if expired.is_set():  # the timer closed the connection under the read
            raise SourceRefused(f"{url}: not received within {timeout_s:g} s (timeout)") from error
        raise
    finally:
        timer.cancel()
    if expired.is_set():
        raise SourceRefused(f"{url}: not received within {timeout_s:g} s (timeout)")
    return b"".join(chunks)


def read_named_file(source: str, *, max_bytes: int = MAX_BYTES) -> Download:
    """A saved page (.html, .htm) or feed (.xml, .rss, .atom) the user named, read whole if small enough."""
    path = Path(source).expanduser()
    if not path.is_file():
        raise SourceRefused(f"{source}: no such file; expected an http(s) URL, a saved page or a feed file")
    if not path.name.lower().endswith(PAGE_SUFFIXES + FEED_SUFFIXES):
        raise SourceRefused(
            f"{source}: not a saved page or feed; expected a file ending in {', '.join(PAGE_SUFFIXES + FEED_SUFFIXES)}"
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise SourceRefused(f"{source}: {size:,} bytes; the limit is {max_bytes:,} (too large)")
    try:
        body = path.read_bytes()
    except OSError as error:
        raise SourceRefused(f"{source}: cannot be read ({error.strerror})") from error
    _check_not_binary(source, body)
    return Download(source, None, body, "")


def _check_type(url: str, content_type: str) -> None:
    media = content_type.split(";", 1)[0].strip().lower()
    if media and media not in TEXT_TYPES and not media.endswith(("+xml", "/xml")):
        raise SourceRefused(f"{url}: served as {media}, not a web page or a feed (binary or other content)")


def _check_not_binary(source: str, body: bytes) -> None:
    head = body[:2048]
    if head.startswith(_BINARY_STARTS) or (b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise SourceRefused(f"{source}: binary content (not a web page or a feed)")


def _short(error: Exception) -> str:
    text = str(error)
    return text if len(text) <= 160 else text[:157] + "..."
