"""Reprints: the same story printed again on another page (other chrome, a changed headline, a
paragraph more or less, only its first half), recognised by near-duplicate detection.

A text becomes a MinHash signature (datasketch) of its character 5-grams, read in simplified
characters, NFKC-normalised and case-folded with whitespace and punctuation left out (so layout,
full-width forms, a page's line breaks and a mirror's traditional characters do not count). Only the 5-grams whose hash is 0 modulo SAMPLE_MOD are kept: the same
ones in every text, so the sample's Jaccard similarity estimates the whole texts' (Broder's MOD-m
sampling), at a quarter of the cost (a signature is about 1 ms for a 4,000-character article).

Two texts are one story when MinHash estimates a Jaccard similarity of at least MIN_JACCARD and
the smaller text lies for at least MIN_CONTAINMENT inside the larger. Measured on the five seed
articles (the same author writing about the same district): different articles 0.004-0.05
Jaccard, at most 0.10 containment; a reprint with a new headline, one paragraph fewer and an
editor's line more 0.94-0.99 Jaccard; the first half alone 0.39-0.54 Jaccard, 1.0 containment
(tests/test_reprints.py makes such pairs from texts of its own; `python -m bench.reprints` prints
the figures for the seeds).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from mapapp.errors import Problem
from mapapp.models import Article
from mapapp.pipeline.normalise import simplified

if TYPE_CHECKING:  # datasketch imports SciPy (~50 MB, ~0.3 s): loaded only when a text is compared
    from datasketch import MinHash, MinHashLSH

SHINGLE_CHARS = 5
NUM_PERM = 128
SAMPLE_MOD = 4
MIN_SHINGLES = 30  # sampled 5-grams (about 120 characters of text): shorter texts are never judged reprints
MIN_JACCARD = 0.3
MIN_CONTAINMENT = 0.8
_SCHEME = "affine32"
_NOT_TEXT = re.compile(r"[\W_]+")
_MULTIPLIER = np.uint64(1_000_003)


@dataclass(frozen=True)
class TextSignature:
    """A text's MinHash values (uint32, NUM_PERM of them) and how many sampled 5-grams it has."""

    hashvalues: bytes
    size: int

    def minhash(self) -> MinHash:
        from datasketch import MinHash

        values = np.frombuffer(self.hashvalues, dtype=np.uint32)
        return MinHash(num_perm=NUM_PERM, hashfunc=int, hashvalues=values, scheme=_SCHEME)


@dataclass(frozen=True)
class Likeness:
    jaccard: float  # estimated Jaccard similarity of the two texts' 5-grams
    containment: float  # estimated share of the smaller text's 5-grams found in the larger

    @property
    def same_story(self) -> bool:
        return self.jaccard >= MIN_JACCARD and self.containment >= MIN_CONTAINMENT


def comparable_text(text: str) -> str:
    """The text as it is compared: simplified characters (a mirror may convert a story to
    traditional ones), NFKC, case-folded, without whitespace and punctuation."""
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", simplified(text))).casefold()


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct hashes (uint64 below 2**32) of the sampled 5-grams of comparable_text(text)."""
    codes = np.frombuffer(comparable_text(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(codes) - SHINGLE_CHARS + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.zeros(count, dtype=np.uint64)
    for j in range(SHINGLE_CHARS):  # a polynomial hash of each 5-gram, all positions at once
        hashes = hashes * _MULTIPLIER + codes[j : j + count]
    hashes = hashes & np.uint64(0xFFFFFFFF)
    # mix the bits (a polynomial hash's low bits depend on the characters' low bits only)
    hashes ^= hashes >> np.uint64(16)
    hashes = (hashes * np.uint64(0x45D9F3B)) & np.uint64(0xFFFFFFFF)
    hashes ^= hashes >> np.uint64(16)
    hashes = np.unique(hashes)
    return hashes[hashes % np.uint64(SAMPLE_MOD) == 0]


def signature_from_text(text: str) -> TextSignature | None:
    """The text's signature, or None when it is too short to tell a reprint (MIN_SHINGLES)."""
    hashes = shingle_hashes(text)
    if len(hashes) < MIN_SHINGLES:
        return None
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, hashfunc=int, scheme=_SCHEME)
    minhash.update_batch(hashes.tolist())
    return TextSignature(minhash.hashvalues.astype(np.uint32).tobytes(), len(hashes))


def likeness(a: TextSignature, b: TextSignature) -> Likeness:
    """How alike two texts are (estimates from their signatures)."""
    jaccard = a.minhash().jaccard(b.minhash())
    # |A ∩ B| = J (|A| + |B|) / (1 + J); containment is that over the smaller set
    shared = jaccard * (a.size + b.size) / (1 + jaccard)
    return Likeness(jaccard, min(1.0, shared / min(a.size, b.size)))


class ReprintFinder:
    """The texts seen so far that are stories of their own; `match` tells whether the next text
    reprints one of them (the first one added, of those it resembles) and otherwise adds it.

    Feed it in a stable order (the seed files' name order): the first of a story's texts is the
    article, the later ones its reprints."""

    def __init__(self) -> None:
        self._lsh: MinHashLSH | None = None  # made with the first text added
        self._signatures: dict[str, TextSignature] = {}
        self._order: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def find(self, signature: TextSignature) -> tuple[str, Likeness] | None:
        """The first added text this one is the same story as, and how alike they are; or None."""
        found: list[tuple[int, str, Likeness]] = []
        if self._lsh is None:
            return None
        for key in self._lsh.query(signature.minhash()):
            alike = likeness(signature, self._signatures[key])
            if alike.same_story:
                found.append((self._order[key], key, alike))
        if not found:
            return None
        _, key, alike = min(found, key=lambda item: item[0])
        return key, alike

    def add(self, key: str, signature: TextSignature) -> None:
        if key in self._signatures:
            return
        self._order[key] = len(self._order)
        self._signatures[key] = signature
        if self._lsh is None:
            from datasketch import MinHashLSH

            self._lsh = MinHashLSH(threshold=MIN_JACCARD, num_perm=NUM_PERM)
        self._lsh.insert(key, signature.minhash())

    def match(self, key: str, signature: TextSignature | None) -> tuple[str, Likeness] | None:
        """find(), and add the text as a story of its own when it reprints none (a text without a
        signature is neither)."""
        if signature is None:
            return None
        found = self.find(signature)
        if found is None:
            self.add(key, signature)
        return found


def reprints_among(texts: Iterable[tuple[str, str]]) -> dict[str, tuple[str, Likeness]]:
    """For (key, text) pairs in order: each text that reprints an earlier one -> (that one, likeness)."""
    finder = ReprintFinder()
    found: dict[str, tuple[str, Likeness]] = {}
    for key, text in texts:
        match = finder.match(key, signature_from_text(text))
        if match is not None:
            found[key] = match
    return found


REPRINT_CHECK_KEY = "reprint_check"  # articles.toml: "off" leaves an article out of reprint detection
REPRINT_CHECK_VALUES = ("on", "off")


def checks_reprints(meta: Mapping[str, Any]) -> bool:
    """Is this article (its articles.toml entry) compared with the others? Yes unless `reprint_check = "off"`."""
    return meta.get(REPRINT_CHECK_KEY, "on") != "off"


def reprint_problem(reprint_id: str, original_id: str, alike: Likeness) -> Problem:
    """The warning that says a seed file is taken as another source of an earlier article."""
    return Problem(
        reprint_id,
        "",
        "text",
        f"is a reprint of {original_id} (estimated similarity {alike.jaccard:.2f}, {alike.containment:.0%} of the"
        f" shorter text in the other): counted as another source of {original_id}, not as an article of its own"
        f' (set {REPRINT_CHECK_KEY} = "off" in its articles.toml entry if it is a different story)',
        "warning",
    )


def with_reprint_sources(article: Article, reprints: Sequence[Article]) -> Article:
    """The article with its reprints' source URLs after its own (each URL once)."""
    if not reprints:
        return article
    urls = tuple(dict.fromkeys((*article.source_urls, *(u for r in reprints for u in r.source_urls))))
    return replace(article, source_urls=urls)


def fold_reprints(
    articles: Sequence[Article], checked: Callable[[str], bool]
) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    """The articles with every reprint folded into the article it reprints (its URLs joined to
    that one's), in order, and a warning per reprint. `checked(article_id)`: is it compared at all."""
    finder = ReprintFinder()
    reprints_of: dict[str, list[Article]] = {}
    folded: set[str] = set()
    problems: list[Problem] = []
    for article in articles:
        signature = signature_from_text(article.text) if checked(article.article_id) else None
        found = finder.match(article.article_id, signature)
        if found is not None:
            original_id, alike = found
            reprints_of.setdefault(original_id, []).append(article)
            folded.add(article.article_id)
            problems.append(reprint_problem(article.article_id, original_id, alike))
    kept = tuple(
        with_reprint_sources(a, reprints_of.get(a.article_id, ())) for a in articles if a.article_id not in folded
    )
    return kept, tuple(problems)
