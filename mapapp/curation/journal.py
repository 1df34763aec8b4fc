"""The journal of changes: one JSON line per change, plus the exact bytes of every file version.

`journal.jsonl` says who changed what, when, with the record before and after (readable, for `log`);
`blobs/<sha256>.gz` keeps each file version's bytes, so `undo` restores a file byte for byte.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mapapp.errors import CurationError

JOURNAL_FILE = "journal.jsonl"
BLOBS_DIR = "blobs"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileChange:
    """One file of a change: its name in the geodata folder and the digest before and after (None = absent)."""

    path: str
    before_sha256: str | None
    after_sha256: str | None


@dataclass(frozen=True)
class Change:
    change_id: str
    who: str
    when: str  # ISO 8601, UTC
    action: str  # add-place | move | add-alias | dismiss | correct-mention | describe | undo
    subject: str  # the feature id, dismissed name or mention the change is about
    before: Any  # the record before (a feature's properties and geometry, ...), None if new
    after: Any
    files: tuple[FileChange, ...]
    undoes: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = data.pop("change_id")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        return cls(
            change_id=data["id"],
            who=data["who"],
            when=data["when"],
            action=data["action"],
            subject=data.get("subject", ""),
            before=data.get("before"),
            after=data.get("after"),
            files=tuple(FileChange(**f) for f in data.get("files", ())),
            undoes=data.get("undoes"),
        )


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class Journal:
    """The journal folder. Callers hold the data lock while they append."""

    def __init__(self, folder: Path):
        self.folder = folder

    @property
    def path(self) -> Path:
        return self.folder / JOURNAL_FILE

    def save_blob(self, content: bytes) -> str:
        """Keep `content` under its digest (once); returns the digest."""
        digest = sha256_of(content)
        target = self.folder / BLOBS_DIR / f"{digest}.gz"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(target.name + ".tmp")
            with open(temporary, "wb") as handle:
                handle.write(gzip.compress(content, mtime=0))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        return digest

    def blob(self, digest: str) -> bytes:
        target = self.folder / BLOBS_DIR / f"{digest}.gz"
        try:
            content = gzip.decompress(target.read_bytes())
        except FileNotFoundError as exc:
            raise CurationError(f"{target}: missing; the journal cannot restore this file version") from exc
        if sha256_of(content) != digest:
            raise CurationError(f"{target}: content does not match its digest; the blob is damaged")
        return content

    def append(self, change: Change) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(change.to_json(), ensure_ascii=False, sort_keys=True) + "\n"
        with open(self.path, "a+b") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell():
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":  # a torn line from a crash stays on its own line
                    line = "\n" + line
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())

    def changes(self) -> list[Change]:
        """Every change, oldest first. A line torn by a crash while appending is skipped with a warning."""
        if not self.path.exists():
            return []
        found: list[Change] = []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                found.append(Change.from_json(json.loads(line)))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                if isinstance(exc, json.JSONDecodeError):  # torn by a crash mid-append
                    logger.warning("%s: line %d is not a whole change (%s); skipped", self.path, number, exc)
                    continue
                raise CurationError(f"{self.path}: line {number} cannot be read ({exc}); expected a change") from exc
        return found

    def undone_ids(self) -> set[str]:
        """Ids of changes that an undo later reverted (and that undo was not itself undone)."""
        undone: set[str] = set()
        for change in reversed(self.changes()):
            if change.undoes and change.change_id not in undone:
                undone.add(change.undoes)
        return undone
