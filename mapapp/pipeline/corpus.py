"""Read and check the articles in seeds/, and find their sentences with offsets into the file text.

The pages were printed with layout damage: sentences broken by blank lines, photo captions dropped
into the middle of a sentence, headings and captions as short standalone lines. This module turns
a file into sentences whose `pieces` point into the original text, so that mentions keep exact
offsets while excerpts read as whole sentences.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapapp.errors import Problem
from mapapp.models import Article, Mention, Sentence, SentenceKind, Span
from mapapp.paths import ARTICLES_TOML
from mapapp.pipeline.articlemeta import is_dateline_or_source, metadata_from_text
from mapapp.pipeline.language import article_language
from mapapp.pipeline.normalise import normalise_with_offsets
from mapapp.pipeline.reprints import REPRINT_CHECK_KEY, REPRINT_CHECK_VALUES, checks_reprints, fold_reprints

MAX_SEED_BYTES = 2_000_000
# Sentence-final punctuation, optionally followed by closing quotes or brackets.
_SENTENCE_END = re.compile(r"[。！？!?…]+[”’」』）)》]*")
_TERMINAL_AT_END = re.compile(r"[。！？!?…][”’」』）)》]*\s*$")
# A blank-line run: two or more line breaks, maybe with stray spaces between them.
_BLOCK_SEPARATOR = re.compile(r"\n[ \t\u3000]*(?:\n[ \t\u3000]*)+")
_LINE_BREAK_RUN = re.compile(r"[ \t\u3000]*\n[\s\u3000]*")
_CLAUSE_PUNCT = re.compile(r"[，,、。；;！？!?]")
_ANY_PUNCT = re.compile(r"[，,、。；;：:！？!?]")
_QUOTES = re.compile(r"[“”‘’「」『』《》]")
_INNER_CLAUSE = re.compile(r"[，,、；;]")  # a heading has no clause breaks; a broken sentence does
_SHORT_BLOCK = 30  # characters: a block shorter than this with no punctuation may be a heading
_CREDIT = re.compile(r"^[（(]?本版图片")


@dataclass(frozen=True)
class Corpus:
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    text: str
    newlines_before: int
    newlines_after: int


def read_seed_text(path: Path) -> tuple[str | None, list[Problem]]:
    """Read one seed file exactly as `open(path, encoding="utf-8", newline="").read()` would.

    Returns the text, or None with the problems that make the file unusable.
    """
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [
            Problem(name, "", "file", f"cannot be read ({exc.strerror}); expected a readable UTF-8 text file")
        ]
    return text_from_seed_bytes(name, raw)


def problems_of_seed_text(name: str, raw: bytes) -> list[Problem]:
    """Why these bytes would not be read as an article file (as read_seed_text reads one), or []."""
    return text_from_seed_bytes(name, raw)[1]


def text_from_seed_bytes(name: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """The text of a seed file's bytes, or None with the problems that make it unusable."""
    if len(raw) > MAX_SEED_BYTES:
        return None, [
            Problem(
                name,
                "",
                "size",
                f"is {len(raw):,} bytes; expected at most {MAX_SEED_BYTES:,} (split very long articles)",
            )
        ]
    if b"\x00" in raw:
        return None, [
            Problem(name, "", "encoding", "contains NUL bytes: looks like a binary file; expected UTF-8 text")
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [
            Problem(
                name,
                "",
                "encoding",
                f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                "expected UTF-8: re-save it as UTF-8 (e.g. `iconv -f GBK -t UTF-8`)",
            )
        ]
    if not text.strip():
        return None, [Problem(name, "", "text", "is empty; expected the article text")]
    return text, []


ARTICLE_LANGS = ("zh", "en")
# articles.toml keys whose value is a list of strings (every other is a string): the pages the text is
# known from, and saved pages it was taken from that name no URL (file names, written by `ingest`)
LIST_KEYS = ("source_urls", "source_files")


def load_article_metadata(seeds_dir: Path) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Read seeds/articles.toml: a table per article file name (string values; `source_urls` a list)."""
    path = seeds_dir / ARTICLES_TOML
    if not path.exists():
        return {}, [Problem(ARTICLES_TOML, "", "file", "is missing; every article gets default metadata", "warning")]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return {}, [
            Problem(
                ARTICLES_TOML, "", "toml", f'is not valid TOML ({exc}); expected a ["<file name>"] table per article'
            )
        ]
    problems: list[Problem] = []
    metadata: dict[str, dict[str, Any]] = {}
    for article_id, table in data.items():
        if not isinstance(table, dict):
            problems.append(Problem(ARTICLES_TOML, article_id, "", f"is {type(table).__name__}; expected a table"))
            continue
        entry: dict[str, Any] = {}
        for key, value in table.items():
            if key in LIST_KEYS:
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    problems.append(
                        Problem(ARTICLES_TOML, article_id, key, f"is {value!r}; expected a list of strings")
                    )
                    continue
            elif not isinstance(value, str):
                problems.append(Problem(ARTICLES_TOML, article_id, key, f"is {value!r}; expected a string"))
                continue
            elif key == "lang" and value not in ARTICLE_LANGS:
                problems.append(
                    Problem(ARTICLES_TOML, article_id, key, f"is {value!r}; expected one of {', '.join(ARTICLE_LANGS)}")
                )
                continue
            elif key == REPRINT_CHECK_KEY and value not in REPRINT_CHECK_VALUES:
                problems.append(
                    Problem(
                        ARTICLES_TOML,
                        article_id,
                        key,
                        f"is {value!r}; expected one of {', '.join(REPRINT_CHECK_VALUES)}",
                    )
                )
                continue
            entry[key] = value
        metadata[article_id] = entry
    return metadata, problems


def load_corpus(seeds_dir: Path) -> Corpus:
    """Read every seeds/*.txt; bad files are reported as problems and skipped. A file that reprints
    an earlier one (mapapp.pipeline.reprints) is not an article of its own: its URLs join that one's."""
    problems: list[Problem] = []
    if not seeds_dir.is_dir():
        return Corpus(
            (), (Problem(str(seeds_dir), "", "", "is not a directory; expected the folder of article .txt files"),)
        )
    metadata, meta_problems = load_article_metadata(seeds_dir)
    problems.extend(meta_problems)
    articles: list[Article] = []
    paths = sorted(seeds_dir.glob("*.txt"))
    if not paths:
        problems.append(Problem(str(seeds_dir), "", "", "holds no .txt article files"))
    for path in paths:
        text, file_problems = read_seed_text(path)
        problems.extend(file_problems)
        if text is None:
            continue
        meta = metadata.get(path.name)
        if meta is None:
            problems.append(
                Problem(
                    ARTICLES_TOML,
                    path.name,
                    "",
                    "has no metadata entry; using what the text says (headline, date, source; see date_basis)",
                    "warning",
                )
            )
            meta = {}
        articles.append(article_from_text(path.name, text, meta))
    known = {p.name for p in paths}
    for article_id in metadata:
        if article_id not in known:
            problems.append(
                Problem(ARTICLES_TOML, article_id, "", "has metadata but no such .txt file in seeds/", "warning")
            )
    stories, reprint_problems = fold_reprints(articles, lambda aid: checks_reprints(metadata.get(aid, {})))
    return Corpus(stories, (*problems, *reprint_problems))


def article_from_text(
    article_id: str, text: str, meta: dict[str, Any], *, split_before: tuple[str, tuple[Sentence, ...]] | None = None
) -> Article:
    """`split_before`: (language, sentences) this same text was split into by an earlier build
    (an index file); used as they are when the language is the same."""
    # the language articles.toml declares, else the one the text is written in (language.py)
    lang, _detected = article_language(text, meta.get("lang"))
    read_metadata = metadata_from_text
    if split_before is not None and split_before[0] == lang:
        sentences = split_before[1]
        if lang == "en":
            from mapapp.pipeline.enarticlemeta import english_metadata_from_text as read_metadata
    elif lang == "en":  # spaCy and dateutil are loaded for English articles only
        from mapapp.pipeline.enarticlemeta import english_metadata_from_text as read_metadata
        from mapapp.pipeline.ensentences import build_english_sentences

        sentences = build_english_sentences(text)
    else:
        sentences = build_sentences(text)
    if not meta:  # no articles.toml entry: read the headline, date and source from the text
        meta = read_metadata(text).as_entry()
    elif not meta.get("date"):  # an entry without a date: the date the text prints, if any
        found = read_metadata(text)
        meta = {**meta, "date": found.date, "date_basis": found.date_basis}
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), article_id)
    return Article(
        article_id=article_id,
        text=text,
        headline=meta.get("headline") or first_line[:60],
        section=meta.get("section", ""),
        byline=meta.get("byline", ""),
        date=meta.get("date", ""),
        date_basis=meta.get("date_basis", "unknown: no metadata"),
        sentences=sentences,
        lang=lang,
        outlet=meta.get("outlet", ""),
        source_urls=tuple(meta.get("source_urls", ())),
    )


def split_blocks(text: str) -> list[_Block]:
    """Split the text at blank-line runs into non-empty blocks, remembering the run sizes."""
    blocks: list[_Block] = []
    pos = 0
    separators = list(_BLOCK_SEPARATOR.finditer(text))
    bounds: list[tuple[int, int, int]] = []  # start, end, newlines before
    newlines_before = 0
    for sep in separators:
        bounds.append((pos, sep.start(), newlines_before))
        newlines_before = sep.group().count("\n")
        pos = sep.end()
    bounds.append((pos, len(text), newlines_before))
    found: list[tuple[int, int, str, int]] = []  # start, end, text, newlines before
    for start, end, before in bounds:
        chunk = text[start:end]
        stripped = chunk.strip()
        if not stripped:
            continue
        lead = len(chunk) - len(chunk.lstrip())
        real_start = start + lead
        found.append((real_start, real_start + len(stripped), stripped, before))
    for i, (start, end, stripped, before) in enumerate(found):
        after = found[i + 1][3] if i + 1 < len(found) else 0
        blocks.append(_Block(start, end, stripped, before, after))
    return blocks


def classify_blocks(blocks: list[_Block]) -> list[SentenceKind]:
    """Label each block body, caption or heading.

    Captions: blocks set off by a double blank line (how the pages place photos), credit lines,
    a line repeated back to back, lines ending in 图, and a short line after a caption that ends the
    page. Headings: short lines without sentence-final punctuation or clause breaks that do not run
    on into the next block (see `_continues`).
    """
    kinds: list[SentenceKind] = []
    for i, block in enumerate(blocks):
        text = block.text
        short = len(text) <= _SHORT_BLOCK and not _TERMINAL_AT_END.search(text)
        bare = _QUOTES.sub("", text)
        prev_text = blocks[i - 1].text if i > 0 else None
        next_text = blocks[i + 1].text if i + 1 < len(blocks) else None
        repeated = short and text in (prev_text, next_text)
        next_is_caption = (
            i + 1 >= len(blocks) or blocks[i + 1].newlines_before >= 4 or bool(_CREDIT.match(next_text or ""))
        )
        if text.startswith(("#", "■")) or is_dateline_or_source(text):
            kinds.append("heading")
        elif (
            block.newlines_before >= 4
            or _CREDIT.match(text)
            or repeated
            or (short and text.endswith("图"))
            or (short and not _ANY_PUNCT.search(bare) and kinds and kinds[-1] == "caption" and next_is_caption)
        ):
            kinds.append("caption")
        elif short and not _INNER_CLAUSE.search(text) and not _continues(blocks, i):
            kinds.append("heading")
        else:
            kinds.append("body")
    return kinds


def _continues(blocks: list[_Block], i: int) -> bool:
    """Does a short unpunctuated block run on into the next body block ("提供强劲的" + "动力,...")?

    Yes when the next block that is not a photo caption opens with a clause of at most three
    characters before its first punctuation: the tail of a sentence, not the start of one.
    """
    for nxt in blocks[i + 1 :]:
        if nxt.newlines_before >= 4 and len(nxt.text) <= 40:
            continue  # a caption dropped into the sentence
        match = _CLAUSE_PUNCT.search(nxt.text)
        return match is not None and match.start() <= 3
    return False


def build_sentences(text: str) -> tuple[Sentence, ...]:
    """Find sentences, captions and headings, joining body text that the layout broke apart."""
    blocks = split_blocks(text)
    kinds = classify_blocks(blocks)
    sentences: list[Sentence] = []
    pending: list[Span] = []  # body pieces of a sentence still open at a block end
    pending_paragraph = 0
    for index, (block, kind) in enumerate(zip(blocks, kinds, strict=True)):
        if kind != "body":
            sentences.append(Sentence(block.start, block.end, kind, index, (Span(block.start, block.end),)))
            continue
        pieces = _sentence_spans(text, block.start, block.end)
        for n, (start, end) in enumerate(pieces):
            is_last = n == len(pieces) - 1
            closed = not is_last or _TERMINAL_AT_END.search(text[start:end]) is not None
            if not pending:
                pending_paragraph = index
            pending.append(Span(start, end))
            if closed:
                sentences.append(_sentence_from_pieces(pending, pending_paragraph))
                pending = []
    if pending:
        sentences.append(_sentence_from_pieces(pending, pending_paragraph))
    return tuple(sorted(sentences, key=lambda s: s.start))


def _sentence_from_pieces(pieces: list[Span], paragraph: int) -> Sentence:
    return Sentence(pieces[0].start, pieces[-1].end, "body", paragraph, tuple(pieces))


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end] after sentence-final punctuation; spans keep inner line breaks."""
    spans: list[tuple[int, int]] = []
    pos = start
    for match in _SENTENCE_END.finditer(text, start, end):
        stop = match.end()
        if text[pos:stop].strip():
            spans.append(_trimmed(text, pos, stop))
        pos = stop
    if text[pos:end].strip():
        spans.append(_trimmed(text, pos, end))
    return spans


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    chunk = text[start:end]
    rest = chunk.lstrip()
    lead = len(chunk) - len(rest)
    return start + lead, start + lead + len(rest.rstrip())


class SentenceLocator:
    """Finds the sentence that holds a text offset, by its pieces (a sentence broken around a
    caption has a piece after the caption, so sentence starts alone cannot tell)."""

    def __init__(self, article: Article):
        pieces = sorted((p.start, p.end, n) for n, s in enumerate(article.sentences) for p in s.pieces)
        self._starts = [start for start, _, _ in pieces]
        self._pieces = pieces

    def sentence_index(self, offset: int) -> int | None:
        k = bisect.bisect_right(self._starts, offset) - 1
        if k < 0:
            return None
        start, end, n = self._pieces[k]
        return n if start <= offset < end else None


class MentionsBySentence:
    """An article's mentions located in its sentences once, for every stage that reads them by
    sentence (co-mentions, excerpts, related places, sentence views)."""

    def __init__(self, article: Article, mentions: Iterable[Mention]):
        locator = SentenceLocator(article)
        self.sentence_of: dict[int, int] = {}  # a mention's start -> its sentence (if a sentence holds it)
        # sentence -> its mentions in the order given; sentences in the order of their first mention
        self.by_sentence: dict[int, list[Mention]] = {}
        for mention in mentions:
            n = locator.sentence_index(mention.start)
            if n is not None:
                self.sentence_of[mention.start] = n
                self.by_sentence.setdefault(n, []).append(mention)


DisplayText = tuple[str, list[int]]  # a sentence as shown, and each character's offset in the file text


def display_texts(article: Article) -> tuple[DisplayText, ...]:
    """display_text of each of the article's sentences, in order: for a caller that reads them
    several times (the index build hands the same ones to mentions, excerpts, events and figures)."""
    return tuple(display_text(article.text, sentence, lang=article.lang) for sentence in article.sentences)


def display_text(text: str, sentence: Sentence, *, lang: str = "zh") -> DisplayText:
    """The sentence as a reader sees it, and for each display character its offset in `text`.

    Line breaks (and the spaces around them) inside a piece are layout, not text: in Chinese they are
    dropped; in English (`lang="en"`) each is one space (shown at the offset of the break).
    """
    if len(sentence.pieces) == 1:  # most sentences: one piece, no line break in it
        (piece,) = sentence.pieces
        if text.find("\n", piece.start, piece.end) < 0:
            return text[piece.start : piece.end], list(range(piece.start, piece.end))
    out: list[str] = []
    offsets: list[int] = []
    for piece in sentence.pieces:
        pos = piece.start
        for match in _LINE_BREAK_RUN.finditer(text, piece.start, piece.end):
            out.append(text[pos : match.start()])
            offsets.extend(range(pos, match.start()))
            if lang == "en":
                out.append(" ")
                offsets.append(match.start())
            pos = match.end()
        out.append(text[pos : piece.end])
        offsets.extend(range(pos, piece.end))
    return "".join(out), offsets


def normalised_display_text(text: str, sentence: Sentence) -> tuple[str, list[int]]:
    """The sentence as the matcher reads it (display text normalised: simplified, half-width, no
    inline pinyin; see normalise.py), and for each of its characters the offset in `text`."""
    shown, offsets = display_text(text, sentence)
    return normalise_with_offsets(shown, offsets)
