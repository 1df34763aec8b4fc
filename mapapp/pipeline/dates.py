"""Dates as the articles print them: "2025年6月11日", "2025年12月", "去年9月", "2月1日至3月28日".

Each date is resolved to an ISO string as precise as the text is ("2025", "2025-06", "2025-06-11");
one given relative to the article ("去年", "今年3月", a month-day without a year) is resolved from
the article's date and marked `relative`. A date that cannot be placed (a relative word in an
article without a date) has value None: it is never guessed. The shapes live in eventwords.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Literal

from mapapp.pipeline.wordlists import WORDS_TOML, load_words

Precision = Literal["year", "month", "day"]
DateRole = Literal["when", "target", "copula", "modifier"]

_ISO = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?")


@dataclass(frozen=True)
class DateMention:
    """A date in a sentence: [start, end) offsets into the text it was found in."""

    start: int
    end: int
    text: str
    value: str | None  # ISO, as precise as printed; None if it cannot be placed
    precision: Precision | None
    relative: bool  # resolved from the article's date (or an earlier date), not printed whole
    end_value: str | None = None  # the end of a range ("2月1日至3月28日")
    role: DateRole = "when"
    yearless: bool = False  # a month(-day) that took the article's year


@dataclass(frozen=True)
class DateWords:
    relative_years: tuple[tuple[re.Pattern[str], int], ...]
    relative_months: tuple[tuple[re.Pattern[str], int], ...]
    month_parts: re.Pattern[str]
    anaphoric: re.Pattern[str]
    start: re.Pattern[str]
    may_start: re.Pattern[str]  # a sentence it does not match has no date
    year_parts: re.Pattern[str]
    day_parts: re.Pattern[str]
    range_joiner: re.Pattern[str]
    modifier_followers: re.Pattern[str]
    copula_followers: re.Pattern[str]
    target_leaders: re.Pattern[str]
    max_months_ahead: int


@cache
def date_words(path: Path = WORDS_TOML) -> DateWords:
    table = load_words(path)["dates"]
    relative = tuple((re.compile(f"(?:{item['words']})"), int(item["offset"])) for item in table["relative_years"])
    months = tuple((re.compile(f"(?:{item['words']})"), int(item["offset"])) for item in table["relative_months"])
    relative_alt = "|".join(item["words"] for item in table["relative_years"] + table["relative_months"])
    joiners = table["range_joiners"]
    start = re.compile(
        rf"(?<![0-9.])(?:(?:19|20)\d{{2}}年|{relative_alt}|{table['anaphoric_years']}"
        rf"|\d{{1,2}}月|\d{{1,2}}(?=(?:{joiners})\d{{1,2}}月)|(?<!月)\d{{1,2}}日)"
    )
    return DateWords(
        relative_years=relative,
        relative_months=months,
        month_parts=re.compile(f"(?:{table['month_parts']})"),
        anaphoric=re.compile(f"(?:{table['anaphoric_years']})"),
        start=start,
        # what `start` needs at some position, without the look-behind (a pattern that starts with
        # one is tried at every position; this one skips to the digits and words it can start with)
        may_start=re.compile(rf"\d|{relative_alt}|{table['anaphoric_years']}"),
        year_parts=re.compile(f"(?:{table['year_parts']})"),
        day_parts=re.compile(f"(?:{table['day_parts']})"),
        range_joiner=re.compile(f"(?:{joiners})"),
        modifier_followers=re.compile(f"(?:{table['modifier_followers']})"),
        copula_followers=re.compile(f"(?:{table['copula_followers']})"),
        target_leaders=re.compile(f"(?:{table['target_leaders']})$"),
        max_months_ahead=int(table["max_months_ahead"]),
    )


def parse_iso(value: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of an ISO date as precise as given ("2026", "2026-01", "2026-01-27")."""
    match = _ISO.match(value.strip()) if value else None
    if match is None:
        return None
    month, day = match["m"], match["d"]
    return int(match["y"]), int(month) if month else None, int(day) if day else None


def first_day(value: str) -> str | None:
    """'2025' -> '2025-01-01', '2025-12' -> '2025-12-01', '2025-06-11' unchanged; None if not a date."""
    parsed = parse_iso(value)
    if parsed is None:
        return None
    year, month, day = parsed
    return f"{year:04d}-{month or 1:02d}-{day or 1:02d}"


def iso(year: int, month: int | None = None, day: int | None = None) -> tuple[str, Precision]:
    if month is None:
        return f"{year:04d}", "year"
    if day is None:
        return f"{year:04d}-{month:02d}", "month"
    return f"{year:04d}-{month:02d}-{day:02d}", "day"


def _valid(month: int | None, day: int | None) -> bool:
    return (month is None or 1 <= month <= 12) and (day is None or 1 <= day <= 31)


_YEAR_ABS = re.compile(r"((?:19|20)\d{2})年")
_MONTH_DAY = re.compile(r"(\d{1,2})月份?(?:(\d{1,2})[日号])?")
_MONTH_RANGE_START = re.compile(r"(\d{1,2})(?=\D)")
_DAY = re.compile(r"(\d{1,2})[日号]")
_DAY_ONLY = re.compile(r"(\d{1,2})日(?![游内均间])")  # not 号 ("1号线"), not "3日游", "5日内"


def find_dates(text: str, article_date: str, *, anchor_year: int | None = None) -> list[DateMention]:
    """Every date in `text` (one sentence), resolved from `article_date` ("2026-01-27", "2025-12", "").

    `anchor_year` is the year of the last date before the sentence (for "当年" at its start).
    """
    words = date_words()
    if words.may_start.search(text) is None:
        return []
    article = parse_iso(article_date)
    found: list[DateMention] = []
    last_year = anchor_year
    position = 0
    for match in words.start.finditer(text):
        if match.start() < position:
            continue
        mention = _parse_at(text, match.start(), article, last_year, words)
        if mention is None:
            continue
        found.append(mention)
        position = mention.end
        if mention.value is not None:
            last_year = int(mention.value[:4])
    return found


def _parse_at(
    text: str, at: int, article: tuple[int, int | None, int | None] | None, last_year: int | None, words: DateWords
) -> DateMention | None:
    pos = at
    year: int | None = None
    relative = False
    yearless = False
    if match := _YEAR_ABS.match(text, pos):
        year = int(match[1])
        pos = match.end()
    elif match := words.anaphoric.match(text, pos):
        year, relative = last_year, True
        pos = match.end()
        if year is None:
            return _finish(text, at, pos, None, None, None, True, words, yearless=False)
    else:
        for pattern, offset in words.relative_years:
            if match := pattern.match(text, pos):
                relative = True
                year = article[0] + offset if article else None
                pos = match.end()
                break
    month: int | None = None
    day: int | None = None
    if pos == at:
        for pattern, offset in words.relative_months:
            if match := pattern.match(text, pos):
                pos = match.end()
                if article is None or article[1] is None:
                    return _finish(text, at, pos, None, None, None, True, words, yearless=False)
                count = article[0] * 12 + article[1] - 1 + offset
                year, month, relative = count // 12, count % 12 + 1, True
                if day_match := _DAY.match(text, pos):
                    day, pos = int(day_match[1]), day_match.end()
                return _finish(text, at, pos, year, (month, day), None, True, words, yearless=False)
        if (day_match := _DAY_ONLY.match(text, pos)) is not None:
            # "26日上午": a day of the article's month
            pos = day_match.end()
            if article is None or article[1] is None or not _valid(None, int(day_match[1])):
                return _finish(text, at, pos, None, None, None, True, words, yearless=False)
            return _finish(text, at, pos, article[0], (article[1], int(day_match[1])), None, True, words, yearless=True)
    end_month: int | None = None
    end_day: int | None = None
    has_end = False
    # "1—8月", "1至11月": a range of months
    if (
        (start_m := _MONTH_RANGE_START.match(text, pos))
        and (join := words.range_joiner.match(text, start_m.end()))
        and (end_md := _MONTH_DAY.match(text, join.end()))
    ):
        month, end_month, end_day = int(start_m[1]), int(end_md[1]), _int(end_md[2])
        has_end, pos = True, end_md.end()
    if not has_end and (md := _MONTH_DAY.match(text, pos)):
        month, day = int(md[1]), _int(md[2])
        pos = md.end()
        if join := words.range_joiner.match(text, pos):
            if end_md := _MONTH_DAY.match(text, join.end()):
                end_month, end_day, has_end, pos = int(end_md[1]), _int(end_md[2]), True, end_md.end()
            elif end_d := _DAY.match(text, join.end()):
                end_month, end_day, has_end, pos = month, int(end_d[1]), True, end_d.end()
    if pos == at:
        return None
    if not _valid(month, day) or not _valid(end_month, end_day):
        return None
    if year is None and month is not None and not relative:
        # a month (and day) without a year takes the article's year (see back_a_year_if_ahead)
        year, relative, yearless = (article[0] if article else None), True, True
    return _finish(
        text,
        at,
        pos,
        year,
        (month, day),
        (end_month, end_day) if has_end else None,
        relative,
        words,
        yearless=yearless,
    )


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _finish(
    text: str,
    at: int,
    pos: int,
    year: int | None,
    month_day: tuple[int | None, int | None] | None,
    end_month_day: tuple[int | None, int | None] | None,
    relative: bool,
    words: DateWords,
    *,
    yearless: bool,
) -> DateMention:
    month, day = month_day if month_day else (None, None)
    role = _role(text, at, pos, numeric=not relative or yearless, words=words)
    parts = words.day_parts if day is not None else words.year_parts if month is None else words.month_parts
    if parts is not None and (part := parts.match(text, pos)):
        pos = part.end()
    if year is None:
        value, precision, end_value = None, None, None
    else:
        value, precision = iso(year, month, day)
        end_value = None
        if end_month_day is not None:
            end_value, _ = iso(year, end_month_day[0], end_month_day[1])
    return DateMention(at, pos, text[at:pos], value, precision, relative, end_value, role, yearless)


def _role(text: str, start: int, end: int, *, numeric: bool, words: DateWords) -> DateRole:
    if words.target_leaders.search(text[max(0, start - 3) : start]):
        return "target"
    if words.copula_followers.match(text, end):
        return "copula"
    if numeric and words.modifier_followers.match(text, end):
        return "modifier"
    return "when"


def months_between(earlier: str, later: str) -> int:
    """Whole months from `earlier` to `later` (ISO, month precision or finer)."""
    a, b = parse_iso(earlier), parse_iso(later)
    if a is None or b is None:
        return 0
    return (b[0] - a[0]) * 12 + ((b[1] or 1) - (a[1] or 1))


def back_a_year_if_ahead(date: DateMention, article_date: str) -> DateMention:
    """A year-less month in a past-tense sentence printed more than a few months after the article's
    date is last year's ("12月" in a January article)."""
    if not date.yearless or date.value is None or not article_date:
        return date
    if months_between(article_date, date.value) <= date_words().max_months_ahead:
        return date
    year = int(date.value[:4]) - 1
    value = f"{year:04d}{date.value[4:]}"
    end_value = f"{year:04d}{date.end_value[4:]}" if date.end_value else None
    return replace(date, value=value, end_value=end_value)
