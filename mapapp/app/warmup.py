"""Warm a freshly started replica: one run of the page through its own port, before readers come.

A replica's first script run fills the process-wide caches (the index file opened, gazetteer and
boundaries read, the map rendered once, the timeline built) and takes ~1.5 s; without a warm-up the
first reader after a start waits for it. scripts/serve.sh runs

    python -m mapapp.app.warmup --port P

for each replica after it answers /_stcore/health and before nginx is started, so that run is on no
reader's path. It speaks just enough of Streamlit's WebSocket protocol (/_stcore/stream): one
BackMsg asking for a run of the page with no query (the default view), then it reads ForwardMsgs until
the one that says the run finished; then the same in English (WARM_QUERIES). The few protobuf fields are written by hand so that this module
does not import Streamlit (tests/test_warmup.py checks them against Streamlit's own descriptors).
The session it opened ends when it disconnects; the caches stay.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

# Field numbers of streamlit==1.67's BackMsg / ClientState / ForwardMsg (see tests/test_warmup.py).
BACK_RERUN_SCRIPT = 11
CLIENT_QUERY_STRING = 1
CLIENT_PAGE_SCRIPT_HASH = 3
FORWARD_SCRIPT_FINISHED = 6
SCRIPT_FINISHED_SUCCESSFULLY = 0
DEFAULT_TIMEOUT_S = 120.0
RETRY_S = 0.2  # between tries to connect to a server that is still starting
# The pages run: a new reader's in each language (the second one fills the English map's caches and
# writes the phone's first map in English, mapapp/app/previewfiles.py).
WARM_QUERIES = ("", "lang=en")


class WarmUpError(Exception):
    """The warm-up run did not finish (where and why in the message)."""


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | 0x80 if value else low)
        if not value:
            return bytes(out)


def _length_delimited(number: int, data: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def rerun_message(query_string: str = "") -> bytes:
    """BackMsg{rerun_script: ClientState{query_string, page_script_hash: ""}}: a page opened at `?query`."""
    client_state = _length_delimited(CLIENT_QUERY_STRING, query_string.encode("utf-8")) + _length_delimited(
        CLIENT_PAGE_SCRIPT_HASH, b""
    )
    return _length_delimited(BACK_RERUN_SCRIPT, client_state)


def script_finished_status(message: bytes) -> int | None:
    """The status of a ForwardMsg that ends a script run (its top-level field 6), else None."""
    position = 0
    status = None
    while position < len(message):
        key, position = _read_varint(message, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, position = _read_varint(message, position)
            if number == FORWARD_SCRIPT_FINISHED:
                status = value
        elif wire_type == 2:
            size, position = _read_varint(message, position)
            position += size
        elif wire_type == 1:
            position += 8
        elif wire_type == 5:
            position += 4
        else:
            return None  # not a message this reader understands; not the end of a run
    return status


def _read_varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if position >= len(data):
            raise ValueError(f"a varint runs past the end of a {len(data)}-byte message")
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, position


def warm_up(host: str, port: int, *, query_string: str = "", timeout_s: float = DEFAULT_TIMEOUT_S) -> float:
    """Run the page once on the Streamlit server at host:port (waiting for it to accept connections,
    as a replica started again does); returns the seconds from the first try to the run's end."""
    where = f"ws://{host}:{port}/_stcore/stream"
    started = time.monotonic()
    deadline = started + timeout_s
    try:
        with _connect_when_up(where, f"http://{host}:{port}", deadline) as socket:
            socket.send(rerun_message(query_string))
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                message = socket.recv(timeout=left)
                status = script_finished_status(message.encode() if isinstance(message, str) else message)
                if status is None:
                    continue
                if status != SCRIPT_FINISHED_SUCCESSFULLY:
                    raise WarmUpError(f"{where}: the warm-up run ended with status {status}; expected 0 (finished)")
                return time.monotonic() - started
    except TimeoutError as error:
        raise WarmUpError(f"{where}: the warm-up run did not finish within {timeout_s:g} s") from error
    except (OSError, WebSocketException) as error:
        raise WarmUpError(f"{where}: {type(error).__name__}: {error}; expected a Streamlit server there") from error


def _connect_when_up(where: str, origin: str, deadline: float) -> ClientConnection:
    while True:
        try:
            return connect(
                where,
                subprotocols=[Subprotocol("streamlit")],
                origin=Origin(origin),
                max_size=None,
                open_timeout=max(0.1, deadline - time.monotonic()),
            )
        except ConnectionRefusedError:
            if time.monotonic() + RETRY_S > deadline:
                raise
            time.sleep(RETRY_S)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapapp.app.warmup", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="the replica's own port")
    parser.add_argument("--host", default="127.0.0.1", help="its address (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds (default: %(default)s)")
    args = parser.parse_args(argv)
    for query in WARM_QUERIES:
        try:
            seconds = warm_up(args.host, args.port, query_string=query, timeout_s=args.timeout)
        except WarmUpError as error:
            print(f"warm-up: {error}", file=sys.stderr)
            return 1
        page = f"the page ?{query}" if query else "the page"  # (tests count "ran the page in": one a warm-up)
        print(f"warm-up: {args.host}:{args.port} ran {page} in {seconds:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
