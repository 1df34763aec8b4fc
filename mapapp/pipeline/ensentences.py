"""Sentences of an English article, with offsets into the file text like the Chinese ones (corpus.py).

English pages come as paragraphs, one per line or separated by blank lines, sometimes hard-wrapped;
headlines, bylines ("Updated: Mar 28, 2019"), photo captions ("... [Photo/WeChat account: ...]")
stand on lines of their own. So:
1. lines are grouped into paragraphs: a blank line ends one, and so does a line that ends a sentence
   or is followed by one that starts a new one; a line that ends in a word no sentence ends with (the,
   of, in ...) or is followed by a line that starts in lower case goes on into the next;
   (a hard-wrapped paragraph goes on, and so does a line of 70 characters or more);
2. a paragraph is a caption (photo credit markers), a heading (a metadata line, or a short line
   without sentence-final punctuation) or body text;
3. body text is split into sentences by spaCy's rule-based sentencizer on spaCy's English tokenizer
   (no model, nothing downloaded; abbreviations it does not know, such as "No.", are data).

A sentence keeps its line breaks in the file; corpus.display_text(..., lang="en") shows each as a
space. The words are in englishwords.toml ([sentences]).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from mapapp.models import Sentence, SentenceKind, Span
from mapapp.pipeline.enwords import english_words

_LINE = re.compile(r"[^\n]*\n?")
_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*$")
_LOWER_START = re.compile(r"^[\"“‘'(\[]?[a-z0-9]")
_HEADING_MAX_WORDS = 24
_WRAPPED_LINE = 70  # characters


@dataclass(frozen=True)
class _Paragraph:
    start: int
    end: int
    kind: SentenceKind


@cache
def _pipeline() -> Any:
    """spaCy's blank English pipeline with its rule-based sentencizer (loaded once per process)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    tokenizer: Any = nlp.tokenizer
    for abbreviation in english_words()["sentences"]["abbreviations"]:
        tokenizer.add_special_case(abbreviation, [{"ORTH": abbreviation}])
    return nlp


def build_english_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences, captions and headings of an English text, in text order."""
    sentences: list[Sentence] = []
    for index, paragraph in enumerate(english_paragraphs(text)):
        if paragraph.kind != "body":
            span = Span(paragraph.start, paragraph.end)
            sentences.append(Sentence(paragraph.start, paragraph.end, paragraph.kind, index, (span,)))
            continue
        for start, end in sentence_spans(text, paragraph.start, paragraph.end):
            sentences.append(Sentence(start, end, "body", index, (Span(start, end),)))
    return tuple(sentences)


def english_paragraphs(text: str) -> list[_Paragraph]:
    """The text's paragraphs (offsets of their first and last non-space character) and their kinds."""
    words = english_words()["sentences"]
    open_end = re.compile(rf"\b(?:{words['open_ends']})$", re.IGNORECASE)
    caption = re.compile(words["caption"], re.IGNORECASE)
    paragraphs: list[_Paragraph] = []
    current: list[tuple[int, int]] = []  # the paragraph's lines: (start, end) of their stripped text
    for start, end in _lines(text):
        if start == end:  # a blank line
            if current:
                paragraphs.append(_paragraph(text, current, words))
                current = []
            continue
        if current:
            last = text[current[-1][0] : current[-1][1]]
            goes_on = (
                not _TERMINAL.search(last)
                and not caption.search(last)
                and (
                    open_end.search(last) is not None
                    or _LOWER_START.match(text[start:end]) is not None
                    or len(current) > 1  # already a hard-wrapped paragraph
                    or len(last) >= _WRAPPED_LINE  # a line this long without a full stop is wrapped prose
                )
            )
            if not goes_on:
                paragraphs.append(_paragraph(text, current, words))
                current = []
        current.append((start, end))
    if current:
        paragraphs.append(_paragraph(text, current, words))
    return paragraphs


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line's text without surrounding spaces (start == end for a blank line)."""
    for match in _LINE.finditer(text):
        if match.start() == len(text):
            break
        line = match.group().rstrip("\n")
        stripped = line.strip()
        lead = len(line) - len(line.lstrip())
        start = match.start() + lead
        yield start, start + len(stripped)


def _paragraph(text: str, lines: list[tuple[int, int]], words: dict[str, Any]) -> _Paragraph:
    start, end = lines[0][0], lines[-1][1]
    body = text[start:end]
    kind: SentenceKind = "body"
    short = not _TERMINAL.search(body) and len(body.split()) <= _HEADING_MAX_WORDS
    if re.search(words["caption"], body, re.IGNORECASE):
        kind = "caption"
    elif re.match(words["meta_line"], body, re.IGNORECASE) or short:
        kind = "heading"
    return _Paragraph(start, end, kind)


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of the body text text[start:end], found by spaCy's sentencizer."""
    # a line break inside a paragraph is a space to the tokenizer (same length: offsets stay)
    doc = _pipeline()(text[start:end].replace("\n", " ").replace("\r", " "))
    spans: list[tuple[int, int]] = []
    for sentence in doc.sents:
        chunk = text[start + sentence.start_char : start + sentence.end_char]
        lead = len(chunk) - len(chunk.lstrip())
        stripped = chunk.strip()
        if stripped:
            s = start + sentence.start_char + lead
            spans.append((s, s + len(stripped)))
    return spans
