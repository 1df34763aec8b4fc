"""Just enough of Streamlit's websocket protocol (/_stcore/stream) to act as a reader, for the load test.

A reader connects, asks for a run (BackMsg.rerun_script with the URL's query and its widget values)
and reads ForwardMsgs until the run finishes. From those it keeps what a reader sees and needs: the
side panel's heading (the one h2), the URL the app wrote (PageInfo), the ids of the widgets it
drives (the map component, the search box, the search result buttons) and any exception or error.

Protobuf is read and written by hand (varints and length-delimited fields), so that this module does
not import Streamlit. The field numbers below are those of streamlit==1.67's .proto files; the test
tests/test_streamproto.py checks each against the installed streamlit.proto descriptors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# BackMsg.rerun_script -> ClientState
BACK_RERUN_SCRIPT = 11
CLIENT_QUERY_STRING, CLIENT_WIDGET_STATES, CLIENT_PAGE_SCRIPT_HASH, CLIENT_CACHED_HASHES = 1, 2, 3, 7
WIDGET_STATES_WIDGETS = 1
WIDGET_ID, WIDGET_TRIGGER_VALUE, WIDGET_STRING_VALUE, WIDGET_JSON_VALUE = 1, 2, 6, 10
# ForwardMsg
FORWARD_HASH, FORWARD_METADATA = 1, 2
METADATA_CACHEABLE = 1
FORWARD_DELTA, FORWARD_SCRIPT_FINISHED, FORWARD_PAGE_INFO_CHANGED, FORWARD_REF_HASH = 5, 6, 12, 11
PAGE_INFO_QUERY_STRING = 1
DELTA_NEW_ELEMENT = 3
ELEMENT_EXCEPTION, ELEMENT_BUTTON, ELEMENT_TEXT_INPUT, ELEMENT_ALERT, ELEMENT_COMPONENT_INSTANCE, ELEMENT_HEADING = (
    8,
    19,
    24,
    30,
    37,
    47,
)
HEADING_TAG, HEADING_BODY = 1, 3
BUTTON_ID, BUTTON_LABEL = 1, 2
TEXT_INPUT_ID = 1
COMPONENT_ID, COMPONENT_JSON_ARGS, COMPONENT_NAME = 1, 2, 4
ALERT_BODY, ALERT_FORMAT = 1, 2
ALERT_FORMAT_ERROR = 1
EXCEPTION_TYPE, EXCEPTION_MESSAGE = 1, 2
SCRIPT_FINISHED_SUCCESSFULLY = 0

MAP_COMPONENT_NAME = "streamlit_folium.st_folium"

_VARINT, _FIXED64, _LENGTH_DELIMITED, _FIXED32 = 0, 1, 2, 5


# --- protobuf wire format ------------------------------------------------------------------------


def encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def encode_bytes(number: int, data: bytes) -> bytes:
    return encode_varint(number << 3 | _LENGTH_DELIMITED) + encode_varint(len(data)) + data


def encode_str(number: int, text: str) -> bytes:
    return encode_bytes(number, text.encode("utf-8"))


def encode_bool(number: int, value: bool) -> bytes:
    return encode_varint(number << 3 | _VARINT) + encode_varint(int(value))


def _read_varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, position


def decode_fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """The (field number, value) pairs of one message: ints for varints, bytes for the rest."""
    fields: list[tuple[int, int | bytes]] = []
    position = 0
    while position < len(data):
        key, position = _read_varint(data, position)
        number, wire_type = key >> 3, key & 7
        value: int | bytes
        if wire_type == _VARINT:
            value, position = _read_varint(data, position)
        elif wire_type == _LENGTH_DELIMITED:
            size, position = _read_varint(data, position)
            value, position = data[position : position + size], position + size
        elif wire_type == _FIXED64:
            value, position = data[position : position + 8], position + 8
        elif wire_type == _FIXED32:
            value, position = data[position : position + 4], position + 4
        else:
            raise ValueError(f"protobuf wire type {wire_type} at byte {position}; expected 0, 1, 2 or 5")
        fields.append((number, value))
    return fields


def field_value(fields: Iterable[tuple[int, int | bytes]], number: int) -> Any:
    """The last value of field `number` (protobuf: the last one wins), or None."""
    found = None
    for n, value in fields:
        if n == number:
            found = value
    return found


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else ""


# --- messages --------------------------------------------------------------------------------------


def widget_json(widget_id: str, value: Any) -> bytes:
    """A WidgetState with a JSON value (what a component such as st_folium reports)."""
    return encode_str(WIDGET_ID, widget_id) + encode_str(WIDGET_JSON_VALUE, json.dumps(value, ensure_ascii=False))


def widget_string(widget_id: str, value: str) -> bytes:
    return encode_str(WIDGET_ID, widget_id) + encode_str(WIDGET_STRING_VALUE, value)


def widget_trigger(widget_id: str) -> bytes:
    """A button press (sent in one run only, as the browser does)."""
    return encode_str(WIDGET_ID, widget_id) + encode_bool(WIDGET_TRIGGER_VALUE, True)


def rerun_message(query_string: str, widget_states: Iterable[bytes] = (), cached_hashes: Iterable[str] = ()) -> bytes:
    """BackMsg{rerun_script: ClientState{query_string, widget_states, page_script_hash: "",
    cached_message_hashes}}: the hashes of the large messages this client keeps (MessageCache),
    which the server then sends as a reference instead of whole, as it does to Streamlit's page."""
    states = b"".join(encode_bytes(WIDGET_STATES_WIDGETS, state) for state in widget_states)
    client_state = (
        encode_str(CLIENT_QUERY_STRING, query_string)
        + encode_bytes(CLIENT_WIDGET_STATES, states)
        + encode_str(CLIENT_PAGE_SCRIPT_HASH, "")
        + b"".join(encode_str(CLIENT_CACHED_HASHES, h) for h in cached_hashes)
    )
    return encode_bytes(BACK_RERUN_SCRIPT, client_state)


class MessageCache:
    """The large messages a Streamlit page keeps between runs, as its ForwardMessageCache does
    (streamlit 1.67's frontend): a message the server marks cacheable is kept by its hash; a
    reference to it (`ref_hash`) is a hit; after each run, entries not used for more than
    `max_age` runs are dropped (the server's global.maxCachedMessageAge, 2 by default)."""

    def __init__(self, max_age: int = 2):
        self.max_age = max_age
        self.runs = 0
        self.seen: dict[str, int] = {}  # hash -> the run it was last used in

    def hashes(self) -> list[str]:
        return list(self.seen)

    def take(self, message_hash: str, *, cacheable: bool, reference: bool) -> bool:
        """Record one message; False for a reference to a message this cache does not hold."""
        if reference:
            if message_hash not in self.seen:
                return False
            self.seen[message_hash] = self.runs
        elif cacheable:
            self.seen[message_hash] = self.runs
        return True

    def finish_run(self) -> None:
        self.runs += 1
        self.seen = {h: run for h, run in self.seen.items() if self.runs - run <= self.max_age}


@dataclass
class RunResult:
    """What one run of the app showed this reader."""

    finished: int | None = None  # ScriptFinishedStatus; None while the run goes on
    headings: list[tuple[str, str]] = field(default_factory=list)  # (tag, body)
    query_string: str | None = None  # the URL the app wrote, if it wrote one
    map_id: str | None = None
    map_args: dict[str, Any] | None = None  # the map component's arguments, when sent whole (not by reference)
    widget_ids: list[str] = field(default_factory=list)  # text inputs and buttons
    button_labels: dict[str, str] = field(default_factory=dict)  # button id -> label
    errors: list[str] = field(default_factory=list)  # exceptions and st.error alerts
    references: int = 0  # messages sent as a reference to the client's cache
    misses: int = 0  # references to messages the client's cache does not hold (never expected)
    bytes_received: int = 0

    @property
    def panel_heading(self) -> str | None:
        """The side panel's heading (the page's only h2), markdown escapes removed."""
        bodies = [body for tag, body in self.headings if tag == "h2"]
        return unescape_markdown(bodies[-1]) if bodies else None

    @property
    def query(self) -> dict[str, str]:
        from urllib.parse import parse_qsl

        return dict(parse_qsl(self.query_string or ""))

    def widget_id_for(self, key: str) -> str | None:
        """The id of the widget whose user key is `key` (Streamlit ids end with '-<key>')."""
        return next((widget_id for widget_id in self.widget_ids if widget_id.endswith(f"-{key}")), None)

    def read(self, message: bytes, cache: MessageCache | None = None) -> None:
        """Take in one ForwardMsg (and keep it in `cache`, as the page does, if given)."""
        fields = decode_fields(message)
        self.bytes_received += len(message)
        if cache is not None:
            reference = field_value(fields, FORWARD_REF_HASH)
            metadata = field_value(fields, FORWARD_METADATA)
            cacheable = isinstance(metadata, bytes) and field_value(decode_fields(metadata), METADATA_CACHEABLE) == 1
            if isinstance(reference, bytes):
                if not cache.take(_text(reference), cacheable=False, reference=True):
                    self.misses += 1
            elif cacheable:
                cache.take(_text(field_value(fields, FORWARD_HASH)), cacheable=True, reference=False)
        for number, value in fields:
            if number == FORWARD_DELTA and isinstance(value, bytes):
                element = field_value(decode_fields(value), DELTA_NEW_ELEMENT)
                if isinstance(element, bytes):
                    self._read_element(decode_fields(element))
            elif number == FORWARD_PAGE_INFO_CHANGED and isinstance(value, bytes):
                self.query_string = _text(field_value(decode_fields(value), PAGE_INFO_QUERY_STRING))
            elif number == FORWARD_REF_HASH:
                self.references += 1
            elif number == FORWARD_SCRIPT_FINISHED and isinstance(value, int):
                self.finished = value

    def _read_element(self, element: list[tuple[int, int | bytes]]) -> None:
        for number, value in element:
            if not isinstance(value, bytes) or number not in _ELEMENTS_READ:
                continue
            inner = decode_fields(value)
            if number == ELEMENT_HEADING:
                self.headings.append((_text(field_value(inner, HEADING_TAG)), _text(field_value(inner, HEADING_BODY))))
            elif (
                number == ELEMENT_COMPONENT_INSTANCE and _text(field_value(inner, COMPONENT_NAME)) == MAP_COMPONENT_NAME
            ):
                self.map_id = _text(field_value(inner, COMPONENT_ID))
                self.map_args = json.loads(_text(field_value(inner, COMPONENT_JSON_ARGS)) or "null")
            elif number == ELEMENT_TEXT_INPUT:
                self.widget_ids.append(_text(field_value(inner, TEXT_INPUT_ID)))
            elif number == ELEMENT_BUTTON:
                button_id = _text(field_value(inner, BUTTON_ID))
                self.widget_ids.append(button_id)
                self.button_labels[button_id] = _text(field_value(inner, BUTTON_LABEL))
            elif number == ELEMENT_EXCEPTION:
                self.errors.append(
                    f"exception {_text(field_value(inner, EXCEPTION_TYPE))}: {_text(field_value(inner, EXCEPTION_MESSAGE))}"
                )
            elif number == ELEMENT_ALERT and field_value(inner, ALERT_FORMAT) == ALERT_FORMAT_ERROR:
                self.errors.append(f"error shown: {_text(field_value(inner, ALERT_BODY))}")


_ELEMENTS_READ = frozenset(
    {ELEMENT_HEADING, ELEMENT_COMPONENT_INSTANCE, ELEMENT_TEXT_INPUT, ELEMENT_BUTTON, ELEMENT_EXCEPTION, ELEMENT_ALERT}
)
_MARKDOWN_ESCAPE = re.compile(r"\\(.)")


def unescape_markdown(text: str) -> str:
    """Undo a backslash escape per character (what ui.py's escape_markdown adds)."""
    return _MARKDOWN_ESCAPE.sub(r"\1", text)


READER_OPTIONS = re.compile(r"window\.qzReader\.attach\(\w+, (\{.*?\})\); \}")


def reader_options(map_args: dict[str, Any]) -> dict[str, Any] | None:
    """The options the map gives the reader's script (mapapp.map.readerpanel.ReaderOptions): where the
    place files are and which data version the page starts with."""
    found = READER_OPTIONS.search(str(map_args.get("script", "")))
    return json.loads(found.group(1)) if found else None


def map_click_value(feature_id: str, count: int, *, lat: float, lng: float, zoom: int) -> dict[str, Any]:
    """What st_folium reports when the reader clicks the feature (cf. tests/test_selection.py)."""
    return {
        "last_active_drawing": {"type": "Feature", "properties": {"id": feature_id}},
        "last_object_clicked": {"lat": lat, "lng": lng},
        "last_object_clicked_count": count,
        "center": {"lat": lat, "lng": lng},
        "zoom": zoom,
    }
