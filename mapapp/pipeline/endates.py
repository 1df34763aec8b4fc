"""Dates as English articles print them: "March 28, 2019", "Oct 28", "in 2023", "last October",
"next year", "on Friday", "the first three months of 2023", "from January to October".

Each is found by its shape (englishwords.toml [dates]) and turned into a date by dateutil: printed
dates are parsed with dateutil.parser (which fields were printed tells the precision: "2019",
"2019-03", "2019-03-28"), relative ones are worked out from the article's date with
dateutil.relativedelta and marked `relative`. A date that cannot be placed (a relative word in an
article without a date) has value None. The records are dates.DateMention, as for Chinese, so
events and figures treat both alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from mapapp.pipeline.dates import DateMention, DateRole, iso, parse_iso
from mapapp.pipeline.enwords import english_words

_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))  # fields equal under both were printed


@dataclass(frozen=True)
class _Shapes:
    full: re.Pattern[str]  # printed dates: ISO, month-day-year, day-month-year, month-year, month-day, year
    relative_years: tuple[tuple[re.Pattern[str], int], ...]
    relative_months: tuple[tuple[re.Pattern[str], int], ...]
    relative_days: tuple[tuple[re.Pattern[str], int], ...]
    month_word: re.Pattern[str]  # "[last|next|this] <Month>"
    weekday: re.Pattern[str]
    year_parts: tuple[tuple[re.Pattern[str], int, int], ...]
    of_year: re.Pattern[str]  # after a year part: "of 2023", "of this year", "of last year"
    range_joiner: re.Pattern[str]
    range_leader: re.Pattern[str]
    not_after_year: re.Pattern[str]
    target_leader: re.Pattern[str]
    modifier_leader: re.Pattern[str]
    copula_follower: re.Pattern[str]
    last: re.Pattern[str]
    next: re.Pattern[str]
    this: re.Pattern[str]
    max_months_ahead: int


@cache
def _shapes() -> _Shapes:
    table = english_words()["dates"]
    month = "|".join(rf"(?:{m})" for m in table["months"])
    month = rf"(?:{month})\.?(?![a-z])"
    day = rf"(?:[12]\d|3[01]|0?[1-9]){_ORDINAL}(?![\d:])"
    full = re.compile(
        rf"(?<![\d-])(?P<iso>{_YEAR}-\d\d-\d\d)(?![\d-])"
        rf"|(?P<mdy>{month}\s+{day},?\s+{_YEAR})(?!\d)"
        rf"|(?<!\d)(?P<dmy>{day}\s+{month},?\s+{_YEAR})(?!\d)"
        rf"|(?P<my>{month},?\s+(?:of\s+)?{_YEAR})(?!\d)"
        rf"|(?P<md>{month}\s+{day})"
        rf"|(?<!\d)(?P<dm>{day}\s+{month})"
        rf"|(?<![\d,.$£¥-])(?P<y>{_YEAR})(?![\d,]|\.\d)"
    )
    ignore = re.IGNORECASE

    def words(key: str) -> tuple[tuple[re.Pattern[str], int], ...]:
        return tuple((re.compile(rf"\b(?:{e['words']})\b", ignore), int(e["offset"])) for e in table[key])

    before = table["before_month"]
    which = rf"\b(?:{before['last']}|{before['next']}|{before['this']})"
    return _Shapes(
        full=full,
        relative_years=words("relative_years"),
        relative_months=words("relative_months"),
        relative_days=words("relative_days"),
        month_word=re.compile(rf"(?:(?P<which>(?i:{which}))\s+)?(?P<month>{month})"),
        weekday=re.compile(rf"(?:(?P<which>(?i:{which}))\s+)?(?P<weekday>{'|'.join(table['weekdays'])})\b"),
        year_parts=tuple(
            (re.compile(rf"\b(?:{e['words']})\b", ignore), int(e["months"][0]), int(e["months"][1]))
            for e in table["year_parts"]
        ),
        of_year=re.compile(
            rf"^\s+(?:of|in)\s+(?:(?P<year>{_YEAR})|(?P<rel>this year|last year|next year|the year))\b", ignore
        ),
        range_joiner=re.compile(table["range_joiners"], ignore),
        range_leader=re.compile(table["range_leaders"], ignore),
        not_after_year=re.compile(table["not_after_year"], ignore),
        target_leader=re.compile(table["target_leaders"], ignore),
        modifier_leader=re.compile(table["modifier_leaders"], ignore),
        copula_follower=re.compile(table["copula_followers"], ignore),
        last=re.compile(rf"^(?:{before['last']})$", ignore),
        next=re.compile(rf"^(?:{before['next']})$", ignore),
        this=re.compile(rf"^(?:{before['this']})$", ignore),
        max_months_ahead=int(table["max_months_ahead"]),
    )


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    relative: bool
    yearless: bool = False
    end_month: int | None = None  # a range's last month (a year part, "from January to October")
    end_year: int | None = None
    unplaced: bool = False  # a relative date the article's date cannot place


def find_english_dates(text: str, article_date: str) -> list[DateMention]:
    """Every date in `text` (one sentence), resolved from `article_date` ("2026-01-27", "2025-12", "")."""
    shapes = _shapes()
    article = parse_iso(article_date)
    found: list[_Found] = []
    found.extend(_printed(text, shapes, article))
    found.extend(_relative(text, shapes, article))
    found.extend(_year_parts(text, shapes, article))
    chosen: list[_Found] = []
    for item in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if chosen and item.start < chosen[-1].end:
            continue
        chosen.append(item)
    return [_mention(text, item, shapes) for item in _ranges(text, chosen, shapes)]


def _printed(text: str, shapes: _Shapes, article: tuple[int, int | None, int | None] | None) -> list[_Found]:
    found: list[_Found] = []
    for match in shapes.full.finditer(text):
        kind = match.lastgroup
        printed = match.group()
        if kind == "y" and shapes.not_after_year.match(text[match.end() : match.end() + 40]):
            continue  # "2025 tons": a quantity
        fields = _parsed(printed)
        if fields is None:
            continue
        year, month, day = fields
        yearless = year is None
        if yearless:
            if article is None:
                found.append(_Found(match.start(), match.end(), None, None, None, True, unplaced=True))
                continue
            year = article[0]
        found.append(_Found(match.start(), match.end(), year, month, day, yearless, yearless))
    for match in shapes.month_word.finditer(text):  # "last October", "in March"
        which = match["which"] or ""
        fields = _parsed(match["month"])
        if fields is None or fields[1] is None:
            continue
        month = fields[1]
        if article is None:
            found.append(_Found(match.start(), match.end(), None, None, None, True, unplaced=True))
            continue
        year = article[0]
        relative = True
        if shapes.last.match(which) and article[1] is not None:
            year = article[0] - 1 if month >= article[1] else article[0]
        elif shapes.next.match(which) and article[1] is not None:
            year = article[0] + 1 if month <= article[1] else article[0]
        found.append(_Found(match.start(), match.end(), year, month, None, relative, yearless=not which))
    return found


def _parsed(printed: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) as printed (None for a field not printed), read by dateutil."""
    try:
        first, second = (date_parser.parse(printed, default=d, fuzzy=False) for d in _DEFAULTS)
    except (ValueError, OverflowError):
        return None
    year = first.year if first.year == second.year else None
    month = first.month if first.month == second.month else None
    day = first.day if first.day == second.day else None
    if month is None and day is not None:
        return None
    return year, month, day


def _relative(text: str, shapes: _Shapes, article: tuple[int, int | None, int | None] | None) -> list[_Found]:
    found: list[_Found] = []
    for pattern, offset in shapes.relative_years:
        for match in pattern.finditer(text):
            year = article[0] + offset if article else None
            found.append(_Found(match.start(), match.end(), year, None, None, True, unplaced=year is None))
    for pattern, offset in shapes.relative_months:
        for match in pattern.finditer(text):
            if article is None or article[1] is None:
                found.append(_Found(match.start(), match.end(), None, None, None, True, unplaced=True))
                continue
            when = date(article[0], article[1], 1) + relativedelta(months=offset)
            found.append(_Found(match.start(), match.end(), when.year, when.month, None, True))
    for pattern, offset in shapes.relative_days:
        for match in pattern.finditer(text):
            found.append(_day_from(match, article, relativedelta(days=offset)))
    for match in shapes.weekday.finditer(text):
        if article is None or article[2] is None or article[1] is None:
            found.append(_Found(match.start(), match.end(), None, None, None, True, unplaced=True))
            continue
        weekdays = english_words()["dates"]["weekdays"]
        target = weekdays.index(match["weekday"])
        today = date(article[0], article[1], article[2])
        if shapes.next.match(match["which"] or ""):
            step = (target - today.weekday()) % 7 or 7  # the next one after the article's day
        else:
            step = -((today.weekday() - target) % 7)  # the last one on or before it
        when = today + relativedelta(days=step)
        found.append(_Found(match.start(), match.end(), when.year, when.month, when.day, True))
    return found


def _day_from(match: re.Match[str], article: tuple[int, int | None, int | None] | None, delta: relativedelta) -> _Found:
    if article is None or article[1] is None or article[2] is None:
        return _Found(match.start(), match.end(), None, None, None, True, unplaced=True)
    when = date(article[0], article[1], article[2]) + delta
    return _Found(match.start(), match.end(), when.year, when.month, when.day, True)


def _year_parts(text: str, shapes: _Shapes, article: tuple[int, int | None, int | None] | None) -> list[_Found]:
    """ "the first three months (of 2023)": a range of months of the year it names, else of the article's."""
    found: list[_Found] = []
    for pattern, first, last in shapes.year_parts:
        for match in pattern.finditer(text):
            end = match.end()
            year: int | None = article[0] if article else None
            relative = True
            if of := shapes.of_year.match(text[end : end + 40]):
                end += of.end()
                if of["year"]:
                    year, relative = int(of["year"]), False
                elif article is not None:
                    year = article[0] + {"last year": -1, "next year": 1}.get(of["rel"].lower(), 0)
            found.append(_Found(match.start(), end, year, first, None, relative, end_month=last, unplaced=year is None))
    return found


def _ranges(text: str, chosen: list[_Found], shapes: _Shapes) -> list[_Found]:
    """Join "from January to October 2025", "2016-2020", "January-July" into ranges."""
    out: list[_Found] = []
    k = 0
    while k < len(chosen):
        item = chosen[k]
        if k + 1 < len(chosen) and item.day is None and not item.unplaced:
            following = chosen[k + 1]
            joined = shapes.range_joiner.fullmatch(text, item.end, following.start)
            same_shape = (item.month is None) == (following.month is None) and following.day is None
            if joined and same_shape and not following.unplaced:
                year = item.year
                if item.yearless and following.year is not None:
                    year = following.year  # "from January to October 2025"
                out.append(
                    replace(
                        item,
                        end=following.end,
                        year=year,
                        end_month=following.end_month or following.month,
                        end_year=following.year,
                        yearless=item.yearless and following.yearless,
                        relative=following.relative if item.yearless else item.relative,
                    )
                )
                k += 2
                continue
        out.append(item)
        k += 1
    return out


def _mention(text: str, item: _Found, shapes: _Shapes) -> DateMention:
    before = text[max(0, item.start - 40) : item.start]
    role: DateRole = "when"
    if shapes.target_leader.search(before):
        role = "target"
    elif shapes.copula_follower.match(text[item.end : item.end + 40]):
        role = "copula"
    elif shapes.modifier_leader.search(before) and not _is_relative_phrase(text, item):
        role = "modifier"
    printed = text[item.start : item.end]
    if item.unplaced or item.year is None:
        return DateMention(item.start, item.end, printed, None, None, True, None, role, item.yearless)
    value, precision = iso(item.year, item.month, item.day)
    end_value = None
    if item.end_month is not None:
        end_year = item.end_year or item.year
        if (end_year, item.end_month) != (item.year, item.month):
            end_value, _ = iso(end_year, item.end_month)
    return DateMention(item.start, item.end, printed, value, precision, item.relative, end_value, role, item.yearless)


def _is_relative_phrase(text: str, item: _Found) -> bool:
    """ "the first three months", "the end of the year": "the" belongs to the date, not a modifier."""
    return text[item.start : item.start + 4].lower() == "the " or item.end_month is not None


def english_dateline(text: str) -> tuple[str, str] | None:
    """The first date printed whole (day, month and year) in `text`, as (ISO date, the words)."""
    for match in _shapes().full.finditer(text):
        if match.lastgroup in ("iso", "mdy", "dmy") and (fields := _parsed(match.group())) is not None:
            year, month, day = fields
            if year is not None and month is not None and day is not None:
                return iso(year, month, day)[0], match.group()
    return None
