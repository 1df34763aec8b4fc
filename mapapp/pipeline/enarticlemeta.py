"""Metadata read from an English article's text, for one that seeds/articles.toml has no entry for
(the English counterpart of articlemeta.py, in the same record).

- date: the first date printed whole in the page's head lines ("Updated: Mar 28, 2019", "Post Time:
  2020-05-20", "13:38, January 01, 2023"), else in the text; `date_basis` quotes it. No whole date:
  left empty, never guessed.
- source: a "Source: ..." line, else the agency of a dateline ("HANGZHOU, Nov. 1 (Xinhua) --").
- headline: the first line that is not page furniture (englishwords.toml [sentences] meta_line).
"""

from __future__ import annotations

import re

from mapapp.pipeline.articlemeta import TextMetadata
from mapapp.pipeline.endates import english_dateline
from mapapp.pipeline.enwords import english_words

_HEAD_LINES = 12
_SOURCE = re.compile(r"^(?:source|from)\s*[:：]\s*(?P<source>[^|/,;]{2,40}?)\s*(?:[|/,;]|$)", re.IGNORECASE)
_AGENCY = re.compile(r"^[A-Z][A-Z .'-]+,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s+\((?P<source>[A-Za-z ]{2,30})\)")


def english_metadata_from_text(text: str) -> TextMetadata:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head = lines[:_HEAD_LINES]
    meta_line = re.compile(english_words()["sentences"]["meta_line"], re.IGNORECASE)
    source = next((m["source"].strip() for line in head if (m := _SOURCE.match(line) or _AGENCY.match(line))), "")
    headline = next((line[:120] for line in lines if not meta_line.match(line)), "")
    for where, candidates in (("dateline in the text", head), ("date printed in the text", lines)):
        for line in candidates:
            found = english_dateline(line)
            if found is not None:
                return TextMetadata(headline, found[0], f"{where}: '{found[1]}'", source)
    return TextMetadata(headline, "", "unknown: no entry in articles.toml and no whole date in the text", source)
