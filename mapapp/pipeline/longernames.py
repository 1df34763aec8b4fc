"""Names inside longer names: a known short name that is only the front of a longer place name.

In Quzhou several rivers are named after the county they cross (常山港, 常山江, 江山港), hubs after
their river (<river>航电枢纽) and port areas after their county (龙游港区<village>作业区). A match of
the short name there is not a mention of the county (or river). The shapes are data, in
geodata/longer_names.toml; each rule says which features' names it applies to (by category, and
whether full admin names such as 常山县 are exempt), the regex on the text right after the name, and what
kind of place the longer name is (a hint for `candidates`). A longer name the gazetteer has as a
feature is found anyway (longest match wins); these rules only stop the short one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mapapp.errors import Problem
from mapapp.models import CATEGORIES, Feature

LONGER_NAMES_TOML = "longer_names.toml"
NameForms = Literal["short", "all"]
NAME_FORMS: tuple[str, ...] = ("short", "all")
# A name that ends in one of these is a full admin name (衢江区, 常山县, 江山市): never a river's front.
ADMIN_SUFFIXES = ("省", "市", "县", "区", "镇", "乡", "街道")


@dataclass(frozen=True)
class LongerNameRule:
    rule_id: str
    categories: tuple[str, ...]  # the short name's feature must be of one of these
    names: NameForms  # "short": names ending in an admin suffix (衢江区, 常山县) are exempt; "all": every name
    after: re.Pattern[str]  # on the normalised text right after the short name, anchored with ^
    kind: str  # what the longer name is: river, port, hub ...

    def applies(self, feature: Feature, surface: str, after_text: str) -> bool:
        """Is `surface`, a name of `feature` followed by `after_text`, only the front of a longer name?"""
        if feature.category not in self.categories:
            return False
        if self.names == "short" and surface.endswith(ADMIN_SUFFIXES):
            return False
        return self.after.search(after_text) is not None


def load_longer_names(path: Path, problems: list[Problem]) -> tuple[LongerNameRule, ...]:
    """Read the [[longer]] rules; a bad rule is reported (file, rule id, field) and skipped."""
    if not path.exists():
        return ()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, "", "toml", f"is not valid UTF-8 TOML ({exc}); expected [[longer]] tables"))
        return ()
    rules: list[LongerNameRule] = []
    entries = data.get("longer", [])
    if not isinstance(entries, list):
        problems.append(Problem(path.name, "", "longer", f"is {type(entries).__name__}; expected [[longer]] tables"))
        return ()
    for n, entry in enumerate(entries):
        rule = _rule_from_table(path.name, n, entry, problems)
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _rule_from_table(file_name: str, n: int, entry: object, problems: list[Problem]) -> LongerNameRule | None:
    if not isinstance(entry, dict):
        problems.append(Problem(file_name, f"longer[{n}]", "", f"is {type(entry).__name__}; expected a table"))
        return None
    rule_id = entry.get("id")
    where = rule_id if isinstance(rule_id, str) and rule_id else f"longer[{n}]"
    found: list[Problem] = []
    if not isinstance(rule_id, str) or not rule_id:
        found.append(
            Problem(file_name, where, "id", f"is {rule_id!r}; expected a rule id such as 'river-after-county'")
        )
    categories = entry.get("categories")
    if (
        not isinstance(categories, list)
        or not categories
        or not all(isinstance(c, str) and c in CATEGORIES for c in categories)
    ):
        found.append(
            Problem(
                file_name, where, "categories", f"is {categories!r}; expected a non-empty list of feature categories"
            )
        )
    names = entry.get("names", "short")
    if names not in NAME_FORMS:
        found.append(Problem(file_name, where, "names", f"is {names!r}; expected one of {', '.join(NAME_FORMS)}"))
    kind = entry.get("kind")
    if not isinstance(kind, str) or not kind:
        found.append(
            Problem(file_name, where, "kind", f"is {kind!r}; expected what the longer name is (river, port ...)")
        )
    after_source = entry.get("after")
    after: re.Pattern[str] | None = None
    if not isinstance(after_source, str) or not after_source.startswith("^"):
        found.append(Problem(file_name, where, "after", f"is {after_source!r}; expected a regex anchored with ^"))
    else:
        try:
            after = re.compile(after_source)
        except re.error as exc:
            found.append(Problem(file_name, where, "after", f"is not a valid regular expression ({exc})"))
    if found or after is None:
        problems.extend(found)
        return None
    return LongerNameRule(str(rule_id), tuple(categories), names, after, str(kind))  # type: ignore[arg-type]
