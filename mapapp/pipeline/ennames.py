"""The English names of the gazetteer's features, with the variants English news writes them in.

A feature's own English forms are its `name_en` (a parenthesised note dropped: "Juhua Group
(chemical works)" -> "Juhua Group"), its `aliases_en`, and the
Latin-script entries of its `aliases`. The rules of geodata/english_names.toml make the variants:
admin words from the Chinese suffix ("Qujiang", "Qujiang district"), interchangeable endings
("railway station"/"station"), spellings ("centre"/"center"), word order ("Port of Quzhou"/"Quzhou
Port"; "West Quzhou railway station", "Quzhouxi"), rivers' pinyin ("Qujiang River"), two-ended names
read both ways, hyphenated pinyin joined ("Hang-Qu"/"Hangqu"). A form is a sequence of words: the
matcher ignores hyphens, dashes and spacing between them (a comma only where the form has one:
"Qujiang Culture, Sports and Health Centre").

Where two features would share a form, the feature's own form wins over a made variant; two own
forms of different features are a validate problem; two variants cancel out (neither is read).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mapapp.errors import Problem
from mapapp.models import CATEGORIES, Feature

ENGLISH_NAMES_TOML = "english_names.toml"
WORD = re.compile(r"[^\W_]+")
_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_PARENTHESIS = re.compile(r"\s*[(（][^)）]*[)）]")
Shape = Literal["cap", "any", "exact"]  # how a word of a form must be printed to match
_KNOWN_KEYS = frozenset(
    {"spellings", "reversible", "generic_words", "admin_words", "tails", "of_order", "stations", "rivers"}
    | {"context", "whole_names", "chains", "lists", "plurals"}
)


@dataclass(frozen=True)
class ContextRule:
    rule_id: str
    before: re.Pattern[str]  # on the lower-cased text right before a bare admin name, anchored with $
    category: str
    form: str  # "{name} river": the feature of `category` that has this form


@dataclass(frozen=True)
class EnglishNameRules:
    """geodata/english_names.toml, compiled."""

    admin_words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Chinese suffix -> English words
    tails: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = ()  # (categories, interchangeable endings)
    spellings: tuple[tuple[str, str], ...] = ()
    of_order: tuple[tuple[str, frozenset[str]], ...] = ()  # (head word, categories)
    station_categories: frozenset[str] = frozenset()
    directions: dict[str, str] = field(default_factory=dict)  # english -> pinyin
    river_categories: frozenset[str] = frozenset()
    river_tail: str = "river"
    river_suffixes: dict[str, str] = field(default_factory=dict)
    reversible: frozenset[str] = frozenset()
    generic_words: frozenset[str] = frozenset()
    contexts: tuple[ContextRule, ...] = ()
    longer_after: re.Pattern[str] | None = None
    hyphen_compound: bool = True
    not_name_words: frozenset[str] = frozenset()
    not_name_before: frozenset[str] = frozenset()
    child_first: re.Pattern[str] | None = None
    parent_first: re.Pattern[str] | None = None
    list_goes_on: re.Pattern[str] | None = None
    station_heads: re.Pattern[str] | None = None
    list_end: re.Pattern[str] | None = None
    max_item_words: int = 4
    plurals: dict[str, str] = field(default_factory=dict)  # plural ending shared by a list -> singular

    @property
    def loose_words(self) -> frozenset[str]:
        """Words that may be printed in either case: admin words, endings, generic words."""
        words = set(self.generic_words) | set(self.directions)
        for english in self.admin_words.values():
            for word in english:
                words.update(w.lower() for w in WORD.findall(word))
        for _, tails in self.tails:
            for tail in tails:
                words.update(w.lower() for w in WORD.findall(tail) if not w.isupper())
        words.update(head for head, _ in self.of_order)
        words.add(self.river_tail)
        return frozenset(words)


def load_english_rules(path: Path, problems: list[Problem]) -> EnglishNameRules:
    """Read english_names.toml; every problem names the file, the table and what was expected."""
    if not path.exists():
        return EnglishNameRules()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, "", "toml", f"is not valid UTF-8 TOML ({exc})"))
        return EnglishNameRules()
    name = path.name

    def bad(where: str, key: str, message: str) -> None:
        problems.append(Problem(name, where, key, message))

    for key in sorted(set(data) - _KNOWN_KEYS):
        bad(
            key,
            "",
            f"is not a known key; expected one of {', '.join(sorted(_KNOWN_KEYS))} (a key written below a [table] belongs to it)",
        )

    def regex(where: str, key: str, value: Any, flags: int = re.IGNORECASE) -> re.Pattern[str] | None:
        if not isinstance(value, str) or not value:
            bad(where, key, f"is {value!r}; expected a regular expression")
            return None
        try:
            return re.compile(value, flags)
        except re.error as exc:
            bad(where, key, f"is not a valid regular expression ({exc})")
            return None

    def word_list(where: str, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            bad(where, key, f"is {value!r}; expected a list of words")
            return ()
        return tuple(value)

    def categories(where: str, value: Any) -> frozenset[str]:
        if not isinstance(value, list) or not value or not all(c in CATEGORIES for c in value):
            bad(where, "categories", f"is {value!r}; expected a list of feature categories")
            return frozenset()
        return frozenset(value)

    admin_words = {
        suffix: tuple(w.lower() for w in word_list("admin_words", suffix, words))
        for suffix, words in (data.get("admin_words") or {}).items()
    }
    tails = []
    for n, entry in enumerate(data.get("tails", [])):
        where = f"tails[{n}]"
        tails.append((categories(where, entry.get("categories")), word_list(where, "tails", entry.get("tails"))))
    spellings = []
    for pair in data.get("spellings", []):
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(w, str) and w for w in pair)):
            bad("spellings", "", f"has {pair!r}; expected [british, american] pairs")
            continue
        spellings.append((pair[0].lower(), pair[1].lower()))
    of_order = []
    for n, entry in enumerate(data.get("of_order", [])):
        head = entry.get("head")
        if not isinstance(head, str) or not head:
            bad(f"of_order[{n}]", "head", f"is {head!r}; expected a word")
            continue
        of_order.append((head.lower(), categories(f"of_order[{n}]", entry.get("categories"))))
    stations = data.get("stations") or {}
    directions = stations.get("directions") or {}
    if not isinstance(directions, dict) or not all(isinstance(v, str) for v in directions.values()):
        bad("stations", "directions", f"is {directions!r}; expected {{english = pinyin}}")
        directions = {}
    rivers = data.get("rivers") or {}
    suffixes = rivers.get("suffixes") or {}
    if not isinstance(suffixes, dict) or not all(isinstance(v, str) for v in suffixes.values()):
        bad("rivers", "suffixes", f"is {suffixes!r}; expected {{chinese = pinyin}}")
        suffixes = {}
    reversible = data.get("reversible", [])
    contexts = []
    for n, entry in enumerate(data.get("context", [])):
        where = str(entry.get("id") or f"context[{n}]")
        before = regex(where, "before", entry.get("before"))
        category = entry.get("category")
        form = entry.get("form")
        if category not in CATEGORIES:
            bad(where, "category", f"is {category!r}; expected a feature category")
        elif not isinstance(form, str) or "{name}" not in form:
            bad(where, "form", f"is {form!r}; expected a form with {{name}} in it")
        elif before is not None:
            contexts.append(ContextRule(where, before, category, form.lower()))
    whole = data.get("whole_names") or {}
    chains = data.get("chains") or {}
    lists = data.get("lists") or {}
    plurals = data.get("plurals") or {}
    if not isinstance(plurals, dict) or not all(isinstance(v, str) and v for v in plurals.values()):
        bad("plurals", "", f"is {plurals!r}; expected {{plural = singular}}")
        plurals = {}
    max_item_words = lists.get("max_item_words", 4)
    if not isinstance(max_item_words, int) or max_item_words < 1:
        bad("lists", "max_item_words", f"is {max_item_words!r}; expected a positive whole number")
        max_item_words = 4
    return EnglishNameRules(
        admin_words=admin_words,
        tails=tuple(tails),
        spellings=tuple(spellings),
        of_order=tuple(of_order),
        station_categories=categories("stations", stations.get("categories")) if stations else frozenset(),
        directions={k.lower(): v.lower() for k, v in directions.items()},
        river_categories=categories("rivers", rivers.get("categories")) if rivers else frozenset(),
        river_tail=str(rivers.get("tail", "river")).lower(),
        river_suffixes=dict(suffixes),
        reversible=categories("reversible", reversible) if reversible else frozenset(),
        generic_words=frozenset(w.lower() for w in word_list("", "generic_words", data.get("generic_words", []))),
        contexts=tuple(contexts),
        longer_after=regex("whole_names", "after", whole.get("after")) if whole else None,
        hyphen_compound=bool(whole.get("hyphen_compound", True)),
        not_name_words=frozenset(word_list("whole_names", "not_name_words", whole.get("not_name_words", []))),
        not_name_before=frozenset(word_list("whole_names", "not_name_before", whole.get("not_name_before", []))),
        child_first=regex("chains", "child_first", chains.get("child_first")) if chains else None,
        parent_first=regex("chains", "parent_first", chains.get("parent_first")) if chains else None,
        list_goes_on=regex("chains", "list_goes_on", chains.get("list_goes_on")) if chains else None,
        station_heads=regex("lists", "station_heads", lists.get("station_heads")) if lists else None,
        list_end=regex("lists", "list_end", lists.get("list_end"), 0) if lists else None,
        max_item_words=max_item_words,
        plurals={k.lower(): v.lower() for k, v in plurals.items()},
    )


@dataclass(frozen=True)
class EnglishForm:
    words: tuple[str, ...]  # lower-cased
    shapes: tuple[Shape, ...]  # how each word must be printed
    printed: tuple[str, ...]  # each word as written in the form (for "exact" words)
    feature_id: str
    own: bool  # the feature's own name or alias, not a made variant
    bare_admin: bool = False  # an admin area's name without its admin word ("Qujiang")
    admin_ending: bool = False  # ends in the feature's admin word ("Quzhou city"): never the front of a longer name
    commas: frozenset[int] = frozenset()  # gaps (after word n) where the form has a comma


@dataclass(frozen=True)
class EnglishNames:
    forms: dict[tuple[str, ...], EnglishForm]  # by words; one feature per form (shared ones resolved)
    station_items: dict[tuple[str, ...], str]  # a name in a list of stations -> the station's feature id
    rules: EnglishNameRules
    problems: tuple[Problem, ...]
    max_words: int


def words_of(text: str) -> list[str]:
    return WORD.findall(text)


def own_english_names(feature: Feature) -> list[str]:
    """The feature's own English forms: name_en (note dropped, before a comma), aliases_en, Latin aliases."""
    names: list[str] = [_PARENTHESIS.sub("", feature.name_en).strip()]
    aliases_en = feature.properties.get("aliases_en") or []
    names.extend(a.strip() for a in aliases_en if isinstance(a, str))
    names.extend(a for a in feature.aliases if _LATIN.search(a) and not _CJK.search(a))
    return [n for n in dict.fromkeys(names) if words_of(n)]


def build_english_names(features: Mapping[str, Feature], rules: EnglishNameRules) -> EnglishNames:
    """Every English form of every feature, with the variants the rules make."""
    loose = rules.loose_words
    claims: dict[tuple[str, ...], dict[str, EnglishForm]] = {}
    station_items: dict[tuple[str, ...], str] = {}
    for feature in features.values():
        for text, own, bare, admin_end in _forms_of(feature, rules):
            form = _form(text, feature.feature_id, own, bare, admin_end, loose)
            if form is None:
                continue
            held = claims.setdefault(form.words, {})
            previous = held.get(feature.feature_id)
            if previous is None or (form.own and not previous.own):
                held[feature.feature_id] = form
        if feature.category in rules.station_categories:
            for item in _station_items(feature, rules):
                station_items.setdefault(item, feature.feature_id)
    forms: dict[tuple[str, ...], EnglishForm] = {}
    problems: list[Problem] = []
    for words, held in claims.items():
        owned = [f for f in held.values() if f.own]
        if len(owned) == 1:
            forms[words] = owned[0]
        elif len(owned) > 1:
            ids = sorted(f.feature_id for f in owned)
            problems.append(
                Problem(
                    "geodata",
                    ",".join(ids),
                    "aliases_en",
                    f"the English name '{' '.join(words)}' is claimed by {len(ids)} features ({', '.join(ids)}); "
                    "expected each English name or alias on one feature only",
                )
            )
        elif len(held) == 1:
            (forms[words],) = held.values()
    return EnglishNames(forms, station_items, rules, tuple(problems), max((len(w) for w in forms), default=1))


def _form(
    text: str, feature_id: str, own: bool, bare: bool, admin_end: bool, loose: frozenset[str]
) -> EnglishForm | None:
    found = list(WORD.finditer(text))
    printed = tuple(m.group() for m in found)
    if not printed:
        return None
    commas = frozenset(n for n in range(len(found) - 1) if "," in text[found[n].end() : found[n + 1].start()])
    shapes: list[Shape] = []
    for word in printed:
        if (
            (len(word) > 1 and word.isupper())
            or (len(word) == 1 and word.isupper() and len(printed) > 1 and all(len(w) == 1 for w in printed))
            or (any(c.isdigit() for c in word) and any(c.isalpha() for c in word))
        ):
            shapes.append("exact")  # US, U.S., HSR, G60: only as printed
        elif word.lower() in loose or not word[0].isupper():
            shapes.append("any")
        else:
            shapes.append("cap")
    return EnglishForm(
        tuple(w.lower() for w in printed), tuple(shapes), printed, feature_id, own, bare, admin_end, commas
    )


def _forms_of(feature: Feature, rules: EnglishNameRules) -> Iterable[tuple[str, bool, bool, bool]]:
    """(form, own, bare admin name, ends in the admin word) for every form of the feature."""
    seen: set[str] = set()

    def emit(
        text: str, own: bool, bare: bool = False, admin_end: bool = False
    ) -> Iterable[tuple[str, bool, bool, bool]]:
        key = " ".join(w.lower() for w in words_of(text))
        if key and key not in seen:
            seen.add(key)
            yield text, own, bare, admin_end

    own_names = own_english_names(feature)
    admin = _admin_words(feature, rules)
    for name in own_names:
        # "Changshan County": a name that ends in its admin word is never the front of a longer name
        yield from emit(name, True, admin_end=any(name.lower().endswith(" " + w) for w in admin))
    base: list[str] = list(own_names)  # the names and their reorderings, before endings are swapped
    for name in own_names:
        if admin:
            lowered = name.lower()
            ending = next((w for w in admin if lowered.endswith(" " + w)), None)
            bare = name[: len(name) - len(ending) - 1].strip() if ending else name
            yield from emit(bare, True, bare=True)
            for word in admin:
                yield from emit(f"{bare} {word}", True, admin_end=True)
                base.extend(_of_order(f"{bare} {word}", feature.category, rules))
        base.extend(_of_order(name, feature.category, rules))
        base.extend(_river_pinyin(name, feature, rules))
        base.extend(_station_orders(name, feature.category, rules))
    variants: list[str] = []
    for name in base:
        variants.append(name)
        variants.extend(_tail_variants(name, feature.category, rules))
    for name in list(variants):
        variants.extend(_reversed(name, feature.category, rules))
    for name in list(variants):
        variants.extend(_spelling_variants(name, rules))
    for name in list(variants):
        variants.extend(_joined_hyphens(name))
    for name in variants:
        yield from emit(name, False)


def _admin_words(feature: Feature, rules: EnglishNameRules) -> tuple[str, ...]:
    if feature.category != "admin_area":
        return ()
    for suffix in sorted(rules.admin_words, key=len, reverse=True):
        if feature.name_zh.endswith(suffix):
            return rules.admin_words[suffix]
    return ()


def _tail_variants(name: str, category: str, rules: EnglishNameRules) -> list[str]:
    out: list[str] = []
    key = " ".join(w.lower() for w in words_of(name))
    for group_categories, tails in rules.tails:
        if category not in group_categories:
            continue
        for tail in sorted(tails, key=lambda t: -len(words_of(t))):
            tail_key = " ".join(w.lower() for w in words_of(tail))
            if key.endswith(" " + tail_key):
                found = list(WORD.finditer(name))
                front = name[: found[-len(words_of(tail))].start()].strip()  # as written: "Hang-Qu"
                if front:
                    out.extend(f"{front} {other}" for other in tails if other != tail)
                break
    return out


def _of_order(name: str, category: str, rules: EnglishNameRules) -> list[str]:
    words = words_of(name)
    out: list[str] = []
    for head, categories in rules.of_order:
        if category not in categories:
            continue
        if len(words) > 2 and words[0].lower() == head and words[1].lower() == "of":
            rest = name.split(None, 2)[2]
            out.append(f"{rest} {words[0]}")
        elif len(words) > 1 and words[-1].lower() == head:
            out.append(f"{words[-1]} of {' '.join(words[:-1])}")
    return out


def _river_pinyin(name: str, feature: Feature, rules: EnglishNameRules) -> list[str]:
    if feature.category not in rules.river_categories:
        return []
    words = words_of(name)
    syllable = next((p for s, p in rules.river_suffixes.items() if feature.name_zh.endswith(s)), None)
    if syllable is None or len(words) < 2 or words[-1].lower() != rules.river_tail:
        return []
    front = words[:-1]
    if front[-1].lower().endswith(syllable):
        return []
    return [" ".join([*front[:-1], front[-1] + syllable, words[-1]])]


def _station_orders(name: str, category: str, rules: EnglishNameRules) -> list[str]:
    """ "Quzhou West railway station" -> "West Quzhou railway station", "Quzhouxi railway station",
    "Quzhou West", "Quzhouxi"."""
    if category not in rules.station_categories:
        return []
    front, tail = _station_front(name, rules)
    if not front or front[-1].lower() not in rules.directions:
        return []
    direction, base = front[-1], front[:-1]
    if not base:
        return []
    joined = " ".join([*base[:-1], base[-1] + rules.directions[direction.lower()]])
    out = [f"{direction} {' '.join(base)} {tail}", f"{joined} {tail}", " ".join(front), joined]
    return out


def _station_front(name: str, rules: EnglishNameRules) -> tuple[list[str], str]:
    words = words_of(name)
    lowered = [w.lower() for w in words]
    for group_categories, tails in rules.tails:
        if not group_categories & rules.station_categories:
            continue
        for tail in sorted(tails, key=lambda t: -len(words_of(t))):
            tail_words = [w.lower() for w in words_of(tail)]
            if len(lowered) > len(tail_words) and lowered[-len(tail_words) :] == tail_words:
                return words[: -len(tail_words)], tail
    return words, ""


def _station_items(feature: Feature, rules: EnglishNameRules) -> list[tuple[str, ...]]:
    """How a list of stations names this one: "Quzhou West", "West Quzhou", "Quzhouxi", "Jiangshan"."""
    items: list[tuple[str, ...]] = []
    for name in own_english_names(feature):
        front, _ = _station_front(name, rules)
        if not front:
            continue
        lowered = tuple(w.lower() for w in front)
        items.append(lowered)
        if len(lowered) > 1 and lowered[-1] in rules.directions:
            items.append((lowered[-1], *lowered[:-1]))
            items.append((*lowered[:-2], lowered[-2] + rules.directions[lowered[-1]]))
    return items


def _reversed(name: str, category: str, rules: EnglishNameRules) -> list[str]:
    if category not in rules.reversible:
        return []
    match = re.match(r"^(\S+?)\s*[-–—]\s*(\S+?)\s+(.+)$", name)
    if match is None or not match.group(1)[0].isupper() or not match.group(2)[0].isupper():
        return []
    return [f"{match.group(2)}–{match.group(1)} {match.group(3)}"]


def _spelling_variants(name: str, rules: EnglishNameRules) -> list[str]:
    out: list[str] = []
    for british, american in rules.spellings:
        for written, other in ((british, american), (american, british)):
            pattern = re.compile(rf"\b{written}\b", re.IGNORECASE)
            if pattern.search(name):
                out.append(pattern.sub(_respelled(other), name))
    return out


def _respelled(other: str) -> Callable[[re.Match[str]], str]:
    def respell(match: re.Match[str]) -> str:
        return other.capitalize() if match.group()[0].isupper() else other

    return respell


def _joined_hyphens(name: str) -> list[str]:
    """ "Hang-Qu" -> "Hangqu": pinyin written in one word instead of hyphenated."""
    joined = re.sub(r"(?<=[A-Za-z])[-–—](?=[A-Z])", lambda _m: "", name)
    if joined == name:
        return []
    return [re.sub(r"(?<=[a-z])([A-Z])", lambda m: m.group(1).lower(), joined)]
