"""The words of longer names, as data (geodata/name_parts.toml): generic heads and the kind of place
they make (路 street, 大桥 bridge, 站 station, 片区 zone ...), administrative units, organs and parts
of a place, directions, generic modifiers, and the kinds of places named after another place.

wholenames.py applies them; candidates.py takes its kinds from the heads. `validate` reports a bad
file with the table and what was expected.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from mapapp.errors import Problem

NAME_PARTS_TOML = "name_parts.toml"
_LISTS = ("admin_units", "organs", "parts", "directions", "generic", "named_after")


@dataclass(frozen=True)
class NameParts:
    heads: dict[str, str] = field(default_factory=dict)  # head word -> kind, longest first
    admin_units: tuple[str, ...] = ()
    organs: tuple[str, ...] = ()
    parts: frozenset[str] = frozenset()
    directions: frozenset[str] = frozenset()
    generic: frozenset[str] = frozenset()
    named_after: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # lengths to try, longest first, for set look-ups instead of a scan of every word
        object.__setattr__(self, "_head_lengths", sorted({len(h) for h in self.heads}, reverse=True))
        words = self.generic | set(self.heads)
        object.__setattr__(self, "_words", words)
        object.__setattr__(self, "_word_lengths", sorted({len(w) for w in words}, reverse=True))
        object.__setattr__(self, "_head_firsts", frozenset(h[0] for h in self.heads))
        object.__setattr__(self, "_word_firsts", frozenset(w[0] for w in words))

    def head_at_end(self, text: str) -> str | None:
        """The longest head `text` ends with."""
        for n in self._head_lengths:  # type: ignore[attr-defined]
            if n <= len(text) and text[-n:] in self.heads:
                return text[-n:]
        return None

    def head_at_start(self, text: str) -> str | None:
        """The longest head `text` begins with."""
        if text[:1] not in self._head_firsts:  # type: ignore[attr-defined]
            return None  # most text after a name begins no head: one set look-up
        for n in self._head_lengths:  # type: ignore[attr-defined]
            if n <= len(text) and text[:n] in self.heads:
                return text[:n]
        return None

    def generic_prefixes(self, text: str) -> set[int]:
        """The lengths of the prefixes of `text` that read as generic modifiers and heads only."""
        reachable = {0}
        if text[:1] not in self._word_firsts:  # type: ignore[attr-defined]
            return reachable
        for start in range(len(text)):
            if start in reachable:
                for n in self._word_lengths:  # type: ignore[attr-defined]
                    if text[start : start + n] in self._words:  # type: ignore[attr-defined]
                        reachable.add(start + n)
        return reachable

    def is_generic(self, text: str) -> bool:
        """Can `text` be read as generic modifiers and heads only (绿色产业, 第三人民, 高新)?"""
        return len(text) in self.generic_prefixes(text)

    def is_generic_name(self, name: str) -> bool:
        """Is `name` a generic head, or generic modifiers and a head (新大桥, 老城区, 国家级高新区), not a
        name? Two characters are let through (南街, 上街: streets of old towns)."""
        head = self.head_at_end(name)
        core = name[: len(name) - len(head)] if head else name
        if not core:
            return True
        return len(name) >= 3 and self._only_modifiers(core)

    def _only_modifiers(self, core: str) -> bool:
        """Is `core` generic modifiers only (no head inside: 三江 is 三 + the head 江, a name)?"""
        reachable = {0}
        for start in range(len(core)):
            if start in reachable:
                reachable.update(start + len(w) for w in self.generic if core.startswith(w, start))
        return len(core) in reachable


def load_name_parts(path: Path, problems: list[Problem]) -> NameParts:
    """Read name_parts.toml; a missing file gives no parts (every name is whole), a bad one is reported."""
    if not path.exists():
        return NameParts()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, "", "toml", f"is not valid UTF-8 TOML ({exc}); expected [heads] and lists"))
        return NameParts()
    heads = data.get("heads", {})
    if not isinstance(heads, dict) or not all(
        isinstance(k, str) and k and isinstance(v, str) and v for k, v in heads.items()
    ):
        problems.append(Problem(path.name, "heads", "", f"is {heads!r}; expected a table of head = kind strings"))
        heads = {}
    lists: dict[str, tuple[str, ...]] = {}
    for key in _LISTS:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
            problems.append(Problem(path.name, key, "", f"is {value!r}; expected a list of words"))
            value = []
        lists[key] = tuple(value)
    kinds = set(heads.values())
    for kind in lists["named_after"]:
        if kind not in kinds:
            problems.append(
                Problem(
                    path.name,
                    "named_after",
                    "",
                    f"names kind {kind!r}, which no head has; expected one of {sorted(kinds)}",
                )
            )
    return NameParts(
        heads=dict(sorted(heads.items(), key=lambda item: -len(item[0]))),
        admin_units=tuple(sorted(lists["admin_units"], key=len, reverse=True)),
        organs=tuple(sorted(lists["organs"], key=len, reverse=True)),
        parts=frozenset(lists["parts"]),
        directions=frozenset(lists["directions"]),
        generic=frozenset(lists["generic"]),
        named_after=frozenset(lists["named_after"]),
    )
