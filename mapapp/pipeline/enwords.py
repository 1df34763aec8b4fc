"""englishwords.toml: the words English sentences, dates, events and figures are read with. Loaded
once and checked whole: every problem (bad TOML, a missing key, a pattern that is not a regular
expression, an unknown event kind) is reported together, naming the table and key."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from mapapp.errors import Problem, ProblemsError
from mapapp.pipeline.wordlists import EVENT_KINDS

ENGLISH_WORDS_TOML = Path(__file__).with_name("englishwords.toml")

_PATTERNS: dict[str, tuple[str, ...]] = {
    "sentences": ("caption", "meta_line", "open_ends"),
    "dates": (
        "range_joiners",
        "range_leaders",
        "not_after_year",
        "target_leaders",
        "modifier_leaders",
        "copula_followers",
    ),
    "events": (
        "milestone_objects",
        "time_clause_leaders",
        "future_markers",
        "past_markers",
        "locative_leaders",
        "coordination",
        "continuation_leaders",
        "unmapped_subjects",
        "trip_leaders",
    ),
    "figures": ("number", "scale", "approximate", "from_before", "from_after"),
}
_WORD_LISTS = ("relative_years", "relative_months", "relative_days")


def check_english_words(data: dict[str, Any], file: str) -> list[Problem]:
    """Every problem in a parsed englishwords.toml."""
    problems: list[Problem] = []

    def pattern(item: str, key: str, value: Any) -> None:
        if not isinstance(value, str):
            problems.append(Problem(file, item, key, f"is {value!r}; expected a regular expression (a string)"))
            return
        try:
            re.compile(value)
        except re.error as error:
            problems.append(Problem(file, item, key, f"is not a regular expression ({error}): {value!r}"))

    def strings(item: str, key: str, value: Any, count: int | None = None) -> None:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(Problem(file, item, key, f"is {value!r}; expected a list of non-empty strings"))
        elif count is not None and len(value) != count:
            problems.append(Problem(file, item, key, f"has {len(value)} entries; expected {count}"))

    for table, keys in _PATTERNS.items():
        section = data.get(table)
        if not isinstance(section, dict):
            problems.append(Problem(file, f"[{table}]", "", "is missing; expected a table"))
            continue
        for key in keys:
            pattern(f"[{table}]", key, section.get(key))
    sentences = data.get("sentences") or {}
    strings("[sentences]", "abbreviations", sentences.get("abbreviations"))
    dates = data.get("dates") or {}
    strings("[dates]", "months", dates.get("months"), 12)
    strings("[dates]", "weekdays", dates.get("weekdays"), 7)
    for key in _WORD_LISTS:
        for n, entry in enumerate(dates.get(key) or [{}]):
            item = f"[dates] {key} #{n + 1}"
            if not isinstance(entry, dict) or not isinstance(entry.get("offset"), int):
                problems.append(Problem(file, item, "offset", f"is {entry!r}; expected {{words, offset}}"))
                continue
            pattern(item, "words", entry.get("words"))
    before_month = dates.get("before_month")
    if not isinstance(before_month, dict) or set(before_month) != {"last", "next", "this"}:
        problems.append(Problem(file, "[dates]", "before_month", f"is {before_month!r}; expected {{last, next, this}}"))
    else:
        for key, value in before_month.items():
            pattern("[dates] before_month", key, value)
    for n, entry in enumerate(dates.get("year_parts") or []):
        item = f"[dates] year_parts #{n + 1}"
        months = entry.get("months") if isinstance(entry, dict) else None
        if not (
            isinstance(months, list) and len(months) == 2 and all(isinstance(m, int) and 1 <= m <= 12 for m in months)
        ):
            problems.append(Problem(file, item, "months", f"is {months!r}; expected [first month, last month]"))
        pattern(item, "words", entry.get("words") if isinstance(entry, dict) else None)
    if not isinstance(dates.get("max_months_ahead"), int):
        problems.append(Problem(file, "[dates]", "max_months_ahead", "is missing; expected a whole number"))
    for n, entry in enumerate(data.get("trigger", [])):
        item = f"[[trigger]] #{n + 1}"
        pattern(item, "words", entry.get("words"))
        if entry.get("kind") not in EVENT_KINDS:
            problems.append(
                Problem(file, item, "kind", f"is {entry.get('kind')!r}; expected one of {', '.join(EVENT_KINDS)}")
            )
        if entry.get("side", "both") not in ("both", "object"):
            problems.append(Problem(file, item, "side", f"is {entry.get('side')!r}; expected 'both' or 'object'"))
        if entry.get("stage", "") not in ("", "planned", "under_construction", "open"):
            problems.append(
                Problem(file, item, "stage", f"is {entry.get('stage')!r}; expected planned, under_construction or open")
            )
    if not data.get("trigger"):
        problems.append(Problem(file, "[[trigger]]", "", "has no entries; expected at least one list of event words"))
    for n, entry in enumerate(data.get("figure", [])):
        item = f"[[figure]] #{n + 1}"
        pattern(item, "unit", entry.get("unit"))
        pattern(item, "keyword", entry.get("keyword"))
        if not entry.get("quantity"):
            problems.append(Problem(file, item, "quantity", "is missing; expected a name such as 'throughput'"))
    for n, entry in enumerate(data.get("anaphora", [])):
        item = f"[[anaphora]] #{n + 1}"
        pattern(item, "words", entry.get("words"))
        if not isinstance(entry.get("categories"), list):
            problems.append(Problem(file, item, "categories", "is missing; expected a list of categories ([] = any)"))
    categories = (data.get("events") or {}).get("route_categories")
    strings("[events]", "route_categories", categories)
    return problems


def read_english_words(path: Path) -> dict[str, Any]:
    """Parse and check one words file; raise ProblemsError listing every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ProblemsError([Problem(path.name, "", "", f"cannot be read as UTF-8 TOML ({error})")]) from error
    problems = check_english_words(data, path.name)
    if problems:
        raise ProblemsError(problems)
    return data


def english_words_problems(path: Path = ENGLISH_WORDS_TOML) -> list[Problem]:
    """Every problem in englishwords.toml ([] if it can be used)."""
    try:
        read_english_words(path)
    except ProblemsError as error:
        return list(error.problems)
    return []


@cache
def english_words(path: Path = ENGLISH_WORDS_TOML) -> dict[str, Any]:
    """englishwords.toml, parsed and checked once per process."""
    return read_english_words(path)
