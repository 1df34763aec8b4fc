"""Error types. Each message says where, what was found and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found while checking a data file.

    `severity` is "error" (the item is skipped) or "warning" (it is used with defaults).
    """

    file: str
    item: str  # feature id, article file name, layer id; "" when the whole file is bad
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.item:
            where += f": '{self.item}'"
        if self.field:
            where += f": {self.field}"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{prefix}{where}: {self.message}"


class MapAppError(Exception):
    """Base class for every error this package raises on purpose."""


class SeedError(MapAppError):
    """An article file (or its metadata) cannot be used."""


class GazetteerError(MapAppError):
    """The geodata cannot be used."""


class LayerSpecError(MapAppError):
    """A layer file cannot be used."""


class ProblemsError(MapAppError):
    """Raised by strict loaders: carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class CurationError(MapAppError):
    """A curator's change was refused (invalid, conflicting, or nothing to undo); nothing was written."""


class SourceRefused(MapAppError):
    """A web page, feed or saved file was not taken in (the message says why, in one line); nothing was written."""
