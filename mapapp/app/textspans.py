"""Text offsets for the browser: JavaScript strings count UTF-16 code units, Python counts characters.

A highlight computed on a Python string lands on the wrong characters in the browser as soon as the
text holds a character outside the Basic Multilingual Plane (rare CJK, emoji), unless converted here.
"""

from __future__ import annotations

from collections.abc import Sequence


def utf16_length(text: str) -> int:
    """How many UTF-16 code units `text` takes (its length in JavaScript)."""
    return len(text.encode("utf-16-le")) // 2


def utf16_spans(text: str, spans: Sequence[tuple[int, int]]) -> list[list[int]]:
    """[start, end) Python offsets into `text` as UTF-16 offsets, in order, clipped to the text."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        start, end = max(0, start), min(end, len(text))
        if start < end:
            out.append([utf16_length(text[:start]), utf16_length(text[:end])])
    return out
