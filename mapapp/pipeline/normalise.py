"""Text normalised for matching only: simplified script, half-width forms, no inline romanisation.

The matcher and the candidate finder read a sentence through corpus.normalised_display_text, which
starts from the sentence's display text (layout line breaks removed, see corpus.display_text) and
then, keeping one file offset per character it returns:
1. drops romanisation printed in brackets after a Chinese character ("体育(tǐyù)中心" reads
   "体育中心"): only brackets whose content is pinyin (tone marks, or syllables that spell pinyin,
   tone numbers allowed) or zhuyin;
2. folds full-width ASCII forms and the ideographic space to their half-width forms ("（" -> "(");
3. converts traditional characters to simplified with OpenCC's hk2s (t2s plus Hong Kong variant
   forms, phrase-aware), character for character where the converted text would change length.

Nothing here changes what a reader sees: mentions keep offsets into the file as read, surfaces are
the text as printed and excerpts show the article as printed (a traditional article stays so).
Context rules in geodata/*.toml are matched against this normalised text (simplified, half-width).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

_TONED_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# One pinyin syllable (tone marks stripped, ü as u/v), for bracket contents without tone marks.
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|in|ia|ie|iu|ua|uo|ui|un|ve|vn|ue"
    r"|a|o|e|i|u|v)"
    r"(?:[1-5])?",
    re.IGNORECASE,
)
_ZHUYIN = "\u3100-\u312f\u31a0-\u31bfˊˇˋ˙"
# Brackets ((), （）, [], 【】, 〔〕, maybe after a space) holding letters (or zhuyin), tone numbers,
# spaces, apostrophes and hyphens only.
_ANY_BRACKET = re.compile(r"[(（\[【〔]")  # every _ROMAN_IN_BRACKETS match has one
_ROMAN_IN_BRACKETS = re.compile(
    rf"[ \u3000]*[(（\[【〔]\s*([A-Za-z1-5{_TONED_VOWELS}{_TONED_VOWELS.upper()}{_ZHUYIN}'’·\- ]+?)\s*[)）\]】〕]"
)


def normalise_with_offsets(shown: str, offsets: list[int]) -> tuple[str, list[int]]:
    """Normalise `shown` (whose character k sits at file offset offsets[k]); offsets follow."""
    kept, kept_offsets = _without_romanisation(shown, offsets)
    return simplified(fold_width(kept)), kept_offsets


def normalise_all(shown: Sequence[tuple[str, list[int]]]) -> list[tuple[str, list[int]]]:
    """normalise_with_offsets of each (text, offsets), with one script conversion for all of them:
    OpenCC matches phrases from its dictionaries, none of which holds a line break, so the texts
    joined by line breaks convert as each one alone would."""
    kept = [_without_romanisation(text, offsets) for text, offsets in shown]
    texts = [text for text, _ in kept]
    folded = fold_width("\n".join(texts))
    converted = folded if folded.isascii() else _converter().convert(folded)
    parts = converted.split("\n")
    if any("\n" in text for text in texts) or len(parts) != len(texts):
        return [(simplified(fold_width(text)), offsets) for text, offsets in kept]
    return [
        (part if len(part) == len(text) else simplified(fold_width(text)), offsets)
        for part, text, (_, offsets) in zip(parts, texts, kept, strict=True)
    ]


def _without_romanisation(shown: str, offsets: list[int]) -> tuple[str, list[int]]:
    """`shown` without romanisation in brackets, and the offsets of what is kept (`offsets` itself
    when nothing is dropped)."""
    if _ANY_BRACKET.search(shown) is None:
        return shown, offsets
    kept_chars: list[str] = []
    kept_offsets: list[int] = []
    pos = 0
    for match in _ROMAN_IN_BRACKETS.finditer(shown):
        if not _is_romanisation(shown, match):
            continue
        kept_chars.append(shown[pos : match.start()])
        kept_offsets.extend(offsets[pos : match.start()])
        pos = match.end()
    if pos == 0:
        return shown, offsets
    kept_chars.append(shown[pos:])
    kept_offsets.extend(offsets[pos:])
    return "".join(kept_chars), kept_offsets


def normalise(text: str) -> str:
    """A name or short text as the matcher reads it (gazetteer surfaces go through this too)."""
    normalised, _ = normalise_with_offsets(text, list(range(len(text))))
    return normalised


def fold_width(text: str) -> str:
    """Full-width ASCII forms (U+FF01-U+FF5E) and the ideographic space to half-width; length kept.

    Each distinct full-width character of the text is replaced in one str.replace: str.translate
    with a dict looks every character up (an article's text took ~0.25 ms; this ~0.02 ms)."""
    for char in set(_FULL_WIDTH.findall(text)):
        text = text.replace(char, _HALF_WIDTH[char])
    return text


_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_HALF_WIDTH = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}


def simplified(text: str) -> str:
    """Traditional characters to simplified (OpenCC hk2s), one character out for each one in."""
    if text.isascii():
        return text
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase changed length (rare): convert character by character so offsets stay aligned.
    out = []
    for char in text:
        one = _converter().convert(char)
        out.append(one if len(one) == 1 else char)
    return "".join(out)


@lru_cache(maxsize=1)
def _converter():  # -> opencc.OpenCC (the package ships no type hints)
    import opencc

    return opencc.OpenCC("hk2s")  # t2s plus Hong Kong variant forms (衞 -> 卫)


def _is_romanisation(shown: str, match: re.Match[str]) -> bool:
    """Bracketed Latin text right after a Chinese character that is pinyin, not an English name."""
    if match.start() == 0 or not _is_cjk(shown[match.start() - 1]):
        return False
    content = match.group(1)
    if any(char in _TONED_VOWELS or char in _TONED_VOWELS.upper() for char in content):
        return True
    if re.fullmatch(rf"[{_ZHUYIN} ]+", content):
        return True
    words = re.split(r"[\s'’·\-]+", content.strip())
    return all(words) and all(_spells_pinyin(word) for word in words)


def _spells_pinyin(word: str) -> bool:
    """Can `word` be split into pinyin syllables ("tiyu" yes, "Port" no)?"""
    plain = unicodedata.normalize("NFD", word).encode("ascii", "ignore").decode().lower()
    if not plain:
        return False
    reachable = {0}
    for start in range(len(plain)):
        if start not in reachable:
            continue
        for end in range(start + 1, min(len(plain), start + 7) + 1):
            if _SYLLABLE.fullmatch(plain, start, end):
                reachable.add(end)
    return len(plain) in reachable


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"
