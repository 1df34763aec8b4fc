"""A loopback TCP proxy that counts the bytes each connection carries, for the page-weight benchmark.

DevTools reports an HTTP response's bytes on the wire (`encodedDataLength`), but for a WebSocket it
gives only the payloads after permessage-deflate has been undone. Put this proxy between Chromium
and the app (or nginx) and it counts what really crossed: every connection is labelled by the path of
the first request on it, so the WebSocket (`/_stcore/stream`) is told apart from HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from bench.appserver import LOOPBACK

STREAM_PATH = "/_stcore/stream"


@dataclass
class Connection:
    """One client connection: the first request's path, bytes to the client (down) and from it (up)."""

    path: str = ""
    down: int = 0
    up: int = 0
    _head: bytearray = field(default_factory=bytearray, repr=False)

    def note_request_bytes(self, data: bytes) -> None:
        if self.path or len(self._head) > 8192:
            return
        self._head.extend(data)
        line, found, _ = bytes(self._head).partition(b"\r\n")
        if found:
            self.path = first_request_path(line)


def first_request_path(request_line: bytes) -> str:
    """The path of an HTTP request line ("GET /_stcore/stream HTTP/1.1" -> "/_stcore/stream"), no query."""
    parts = request_line.decode("latin-1").split(" ")
    return parts[1].split("?", 1)[0] if len(parts) >= 3 else "?"


class ByteProxy:
    """Forward 127.0.0.1:<port> to 127.0.0.1:<upstream_port>, counting bytes per connection."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.connections: list[Connection] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._serve, LOOPBACK, 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = Connection()
        self.connections.append(connection)
        try:
            up_reader, up_writer = await asyncio.open_connection(LOOPBACK, self.upstream_port)
        except OSError:
            writer.close()
            return

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, to_client: bool) -> None:
            try:
                while data := await source.read(65536):
                    if to_client:
                        connection.down += len(data)
                    else:
                        connection.up += len(data)
                        connection.note_request_bytes(data)
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                with contextlib.suppress(OSError, RuntimeError):
                    sink.close()

        try:
            await asyncio.gather(pipe(reader, up_writer, to_client=False), pipe(up_reader, writer, to_client=True))
        except asyncio.CancelledError:  # the proxy is stopping: the connection just ends
            for stream in (writer, up_writer):
                with contextlib.suppress(OSError, RuntimeError):
                    stream.close()

    def start(self) -> ByteProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _shutdown(self) -> None:
        """Close the listening socket and every open connection (their tasks end quietly)."""
        if self._server is not None:
            self._server.close()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/"

    def mark(self) -> int:
        return len(self.connections)

    def websocket_bytes(self, since: int = 0) -> tuple[int, int]:
        """(down, up) bytes of the WebSocket connections opened since `since` (frames and handshake)."""
        streams = [c for c in self.connections[since:] if c.path.endswith(STREAM_PATH)]
        return sum(c.down for c in streams), sum(c.up for c in streams)

    def total_down(self, since: int = 0) -> int:
        return sum(c.down for c in self.connections[since:])


@contextlib.contextmanager
def byte_proxy(upstream_port: int) -> Iterator[ByteProxy]:
    proxy = ByteProxy(upstream_port).start()
    try:
        yield proxy
    finally:
        proxy.stop()
