"""eventwords.toml: the event words, date shapes and figure units that events, dates and figures
read. Loaded once and checked whole: every problem (bad TOML, a missing list, a pattern that is not
a regular expression, an unknown event kind) is reported together, naming the table and key."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from mapapp.errors import Problem, ProblemsError

WORDS_TOML = Path(__file__).with_name("eventwords.toml")
EVENT_KINDS = ("planned", "approved", "construction_started", "completed", "opened", "milestone")

_PATTERNS: dict[str, tuple[str, ...]] = {
    "dates": (
        "anaphoric_years",
        "year_parts",
        "day_parts",
        "range_joiners",
        "modifier_followers",
        "copula_followers",
        "target_leaders",
    ),
    "events": (
        "milestone_objects",
        "time_clause_followers",
        "future_markers",
        "future_after",
        "past_markers",
        "locative_leaders",
        "coordinators",
        "continuation_leaders",
        "unmapped_subjects",
    ),
    "figures": ("approximate", "from_to", "group_markers"),
}


def check_event_words(data: dict[str, Any], file: str) -> list[Problem]:
    """Every problem in a parsed eventwords.toml."""
    problems: list[Problem] = []

    def pattern(item: str, key: str, value: Any) -> None:
        if not isinstance(value, str):
            problems.append(Problem(file, item, key, f"is {value!r}; expected a regular expression (a string)"))
            return
        try:
            re.compile(value)
        except re.error as error:
            problems.append(Problem(file, item, key, f"is not a regular expression ({error}): {value!r}"))

    for table, keys in _PATTERNS.items():
        section = data.get(table)
        if not isinstance(section, dict):
            problems.append(Problem(file, f"[{table}]", "", "is missing; expected a table"))
            continue
        for key in keys:
            pattern(f"[{table}]", key, section.get(key))
    for item in (data.get("dates") or {}).get("relative_years", []):
        pattern("[dates] relative_years", "words", item.get("words") if isinstance(item, dict) else item)
    for n, entry in enumerate(data.get("trigger", [])):
        item = f"[[trigger]] #{n + 1}"
        pattern(item, "words", entry.get("words"))
        if entry.get("kind") not in EVENT_KINDS:
            problems.append(
                Problem(file, item, "kind", f"is {entry.get('kind')!r}; expected one of {', '.join(EVENT_KINDS)}")
            )
        if entry.get("stage", "") not in ("", "planned", "under_construction", "open"):
            problems.append(
                Problem(file, item, "stage", f"is {entry.get('stage')!r}; expected planned, under_construction or open")
            )
        if entry.get("side", "both") not in ("both", "object"):
            problems.append(Problem(file, item, "side", f"is {entry.get('side')!r}; expected 'both' or 'object'"))
    for n, entry in enumerate(data.get("figure", [])):
        item = f"[[figure]] #{n + 1}"
        pattern(item, "unit", entry.get("unit"))
        pattern(item, "keyword", entry.get("keyword"))
        if not entry.get("quantity"):
            problems.append(Problem(file, item, "quantity", "is missing; expected a name such as 'throughput'"))
    if not data.get("trigger"):
        problems.append(Problem(file, "[[trigger]]", "", "has no entries; expected at least one list of event words"))
    return problems


def read_event_words(path: Path) -> dict[str, Any]:
    """Parse and check one words file; raise ProblemsError listing every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ProblemsError([Problem(path.name, "", "", f"cannot be read as UTF-8 TOML ({error})")]) from error
    problems = check_event_words(data, path.name)
    if problems:
        raise ProblemsError(problems)
    return data


@cache
def load_words(path: Path = WORDS_TOML) -> dict[str, Any]:
    """eventwords.toml, parsed and checked once per process."""
    return read_event_words(path)
