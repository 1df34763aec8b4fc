"""Article metadata read from the text itself, for an article that seeds/articles.toml has no entry for.

- date: a dateline ("2023-05-09 08:15:00", "2023年5月9日"), a news-agency line ("新华社杭州3月5日电")
  or a reported day ("3月5日上午"); a month and day take their year from a dateline, else from the
  year the text reports most often (target years such as "到2035年" left out). `date_basis` says which, quoting the words; with no year in the text the
  date is left empty rather than guessed.
- source: "来源: <paper>", "来源：<paper>", "转自:<paper>".
- headline: the first line that is neither a dateline nor a source line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from mapapp.pipeline.normalise import fold_width, simplified

_HEAD_LINES = 12  # datelines and source lines sit at the top of a page
_DATELINE = re.compile(r"(?<!\d)(20\d\d|19\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_AGENCY = re.compile(
    r"(?:新华社|中新社|中新网|人民网|新华网|央视网|[^\s，。,]{1,6}?(?:日报|晚报|新闻网|报))[^\s，。,]{0,8}?(\d{1,2})月(\d{1,2})日电"
)
_REPORTED_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日(?:上午|下午|晚上|晚间|凌晨|早上|中午|傍晚)")
_YEAR = re.compile(r"(?<!\d)(20\d\d)年")
_SOURCE = re.compile(r"(?:来源|转自|来源于|稿件来源)\s*[:：]\s*([^\s|｜/，,。]{2,30})")


@dataclass(frozen=True)
class TextMetadata:
    headline: str
    date: str  # ISO date or ""
    date_basis: str
    source: str  # the paper or site the text says it comes from, or ""

    def as_entry(self) -> dict[str, str]:
        """In the shape of an articles.toml table (byline and outlet carry the source)."""
        entry = {"headline": self.headline, "date": self.date, "date_basis": self.date_basis}
        if self.source:
            entry["byline"] = self.source
            entry["outlet"] = self.source
        return entry


def metadata_from_text(text: str) -> TextMetadata:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head = lines[:_HEAD_LINES]
    source = next((line[m.start(1) : m.end(1)] for line in head if (m := _SOURCE.search(_plain(line)))), "")
    headline = next((line[:60] for line in lines if not _is_meta_line(line)), "")
    found_date, basis = date_from_text(text, head)
    return TextMetadata(headline, found_date, basis, source)


def date_from_text(text: str, head: list[str] | None = None) -> tuple[str, str]:
    """(ISO date or "", how it was found); the text is read simplified and half-width."""
    text = _plain(text)
    head = [_plain(line) for line in head] if head is not None else None
    if head is None:
        head = [line.strip() for line in text.splitlines() if line.strip()][:_HEAD_LINES]
    for line in head:
        match = _DATELINE.search(line)
        if match and (day := _valid(match.group(1), match.group(2), match.group(3))):
            return day, f"dateline in the text: '{match.group(0)}'"
    dateline_year = next((m.group(1) for m in map(_DATELINE.search, head) if m), None)
    for pattern, what in ((_AGENCY, "news-agency dateline"), (_REPORTED_DAY, "day the text reports")):
        match = pattern.search(text)
        if match is None:
            continue
        year, year_basis = _year_for(text, dateline_year)
        if year is None:
            return "", f"{what} '{match.group(0)}' has no year and the text prints none: date left empty"
        day = _valid(year, match.group(1), match.group(2))
        if day:
            return day, f"{what} '{match.group(0)}', year from {year_basis}"
    match = _DATELINE.search(text)
    if match and (day := _valid(match.group(1), match.group(2), match.group(3))):
        return day, f"date printed in the text: '{match.group(0)}'"
    return "", "unknown: no entry in articles.toml and no date in the text"


def _year_for(text: str, dateline_year: str | None) -> tuple[str | None, str]:
    """The year of a month and day: the dateline's, else the year the text reports most often.

    Target years ("到2035年", "2027年前") are left out: they are plans, not when the text was written.
    """
    if dateline_year:
        return dateline_year, "the dateline"
    years = Counter(m.group(1) for m in _YEAR.finditer(text) if not _is_target_year(text, m))
    if not years:
        return None, ""
    year, count = max(years.items(), key=lambda item: (item[1], item[0]))
    return year, f"the year the text reports most often ({year}年, {count}×)"


def _is_target_year(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - 1) : match.start()]
    after = text[match.end() : match.end() + 3]
    return before in ("到", "至") or after.startswith(("前", "底前", "以前", "之前"))


def _valid(year: str, month: str, day: str) -> str:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return ""


def _plain(text: str) -> str:
    """Simplified, half-width, same length: offsets into it are offsets into `text`."""
    return simplified(fold_width(text))


def _is_meta_line(line: str) -> bool:
    line = _plain(line)
    bare = _SOURCE.sub("", _DATELINE.sub("", line)).strip(" |｜:：·-—")
    return len(bare) < 2 or bool(re.fullmatch(r"(编辑|责任编辑|作者|记者)[:：].*", line))


def is_dateline_or_source(line: str) -> bool:
    """A short line that only carries the date or the source ("2023-05-09 08:15 来源: 衢州日报")."""
    if len(line.strip()) > 40:
        return False  # _plain keeps the length: no need to convert a long line to know
    plain = _plain(line.strip())
    return len(plain) <= 40 and (bool(_DATELINE.match(plain)) or bool(_SOURCE.match(plain)))
