"""The one write path for curated data: lock, compute, validate, write atomically, journal.

The files are those of the geodata folder, named by their file name, and (for a store given a
`seeds_dir`) the articles of the seeds folder, named `seeds/<file name>` (an article's text and
articles.toml, written by `python -m mapapp ingest`): one lock and one journal for both, so that
`curate log` lists and `curate undo` reverts an article taken in like any other change.

`DataStore.apply(who, make_edit)` takes the folder's lock, lets `make_edit` read the CURRENT files
and return the new contents (so two curators saving at once both land: the second edit is computed
from the first one's result), refuses the edit if it would add a problem that `python -m mapapp
validate` reports, appends the change to the journal (the bytes before and after are kept there),
then writes each file as temporary file + fsync + os.replace (a process killed midway leaves the
previous file, and the next save writes what the journal says it was to become).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from mapapp.curation.geojsonfile import features_from_text
from mapapp.curation.journal import Change, FileChange, Journal, sha256_of
from mapapp.errors import CurationError
from mapapp.paths import ARTICLES_TOML, LAYERS_DIR
from mapapp.pipeline.corpus import load_article_metadata, problems_of_seed_text
from mapapp.pipeline.gazetteer import load_gazetteer
from mapapp.pipeline.layers import load_layers

JOURNAL_ENV = "QZ_JOURNAL_DIR"
JOURNAL_SUBDIR = ".journal"
LOCK_FILE = "geodata.lock"
TEMP_SUFFIX = ".curating.tmp"
MAX_NAME_CHARS = 80
# The files a change may write: the features and the curated lists, top level of the geodata folder;
# articles and their metadata, top level of the seeds folder.
_DATA_FILE = re.compile(r"^[A-Za-z0-9_.-]+\.(geojson|json|toml)$")
SEEDS_PREFIX = "seeds/"
_SEED_FILE = re.compile(r"^seeds/[A-Za-z0-9_][A-Za-z0-9_.-]*\.(txt|toml)$")


class NothingToChange(CurationError):
    """The edit would leave every file as it is: nothing was written, nothing journalled."""


@dataclass(frozen=True)
class Edit:
    """What a change does: the new contents of each file it writes (None removes the file)."""

    action: str
    subject: str
    before: Any
    after: Any
    files: dict[str, bytes | None]
    undoes: str | None = None


def path_in(geodata_dir: Path, seeds_dir: Path | None, name: str) -> Path:
    """Where a change's file `name` lives: `seeds/<file>` in the seeds folder, else in the geodata folder."""
    if name.startswith(SEEDS_PREFIX):
        if seeds_dir is None:
            raise CurationError(f"{name}: a file of the seeds folder, but no seeds folder was given (--seeds DIR)")
        return seeds_dir / name.removeprefix(SEEDS_PREFIX)
    return geodata_dir / name


@dataclass
class Snapshot:
    """The geodata folder (and seeds folder) as it is under the lock; reads are cached for one edit."""

    geodata_dir: Path
    seeds_dir: Path | None = None
    _cache: dict[str, bytes | None] = field(default_factory=dict)

    def read(self, name: str) -> bytes | None:
        if name not in self._cache:
            path = path_in(self.geodata_dir, self.seeds_dir, name)
            self._cache[name] = path.read_bytes() if path.exists() else None
        return self._cache[name]

    def feature_files(self) -> list[str]:
        return sorted(p.name for p in self.geodata_dir.glob("*.geojson"))

    def features_in(self, name: str) -> list[dict[str, Any]]:
        content = self.read(name)
        return [] if content is None else features_from_text(content.decode("utf-8"), file_name=name)

    def find_feature(self, feature_id: str) -> tuple[str, dict[str, Any]]:
        """(file name, raw feature) of the feature with this id; CurationError if there is none."""
        for name in self.feature_files():
            for raw in self.features_in(name):
                if isinstance(raw, dict) and raw.get("properties", {}).get("id") == feature_id:
                    return name, raw
        raise CurationError(
            f"{self.geodata_dir}: no feature with id {feature_id!r}; run `python -m mapapp features` to list the ids"
        )


def journal_dir_for(geodata_dir: Path, environ: dict[str, str] | None = None) -> Path:
    """Where the journal of this geodata folder lives: $QZ_JOURNAL_DIR, else <geodata>/.journal."""
    value = (environ if environ is not None else os.environ).get(JOURNAL_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else geodata_dir / JOURNAL_SUBDIR


def new_change_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def checked_name(who: str) -> str:
    name = " ".join(who.split())
    if not name or len(name) > MAX_NAME_CHARS:
        raise CurationError(f"curator name is {who!r}; expected 1 to {MAX_NAME_CHARS} characters")
    return name


class DataStore:
    """The curated data of one geodata folder, and its journal."""

    def __init__(
        self,
        geodata_dir: Path,
        *,
        layers_dir: Path = LAYERS_DIR,
        journal_dir: Path | None = None,
        lock_timeout_s: float = 60,
        seeds_dir: Path | None = None,
    ):
        self.geodata_dir = Path(geodata_dir)
        self.layers_dir = Path(layers_dir)
        self.seeds_dir = Path(seeds_dir) if seeds_dir is not None else None
        self.journal = Journal(journal_dir if journal_dir is not None else journal_dir_for(self.geodata_dir))
        self.lock_timeout_s = lock_timeout_s

    def _lock(self) -> FileLock:
        self.journal.folder.mkdir(parents=True, exist_ok=True)
        return FileLock(self.journal.folder / LOCK_FILE, timeout=self.lock_timeout_s)

    def apply(self, who: str, make_edit: Callable[[Snapshot], Edit]) -> Change:
        """Run one change under the lock; returns its journal entry. Nothing is written on refusal."""
        name = checked_name(who)
        try:
            with self._lock():
                self._remove_stale_temporaries()
                self._finish_interrupted()
                snapshot = Snapshot(self.geodata_dir, self.seeds_dir)
                edit = make_edit(snapshot)
                changed = {n: c for n, c in edit.files.items() if c != snapshot.read(n)}
                if not changed:
                    raise NothingToChange(f"{edit.action} {edit.subject}: nothing would change; nothing was written")
                self._validate(snapshot, changed)
                file_changes = []
                for file_name, content in sorted(changed.items()):
                    before = snapshot.read(file_name)
                    file_changes.append(
                        FileChange(
                            file_name,
                            self.journal.save_blob(before) if before is not None else None,
                            self.journal.save_blob(content) if content is not None else None,
                        )
                    )
                now = datetime.now(UTC)
                change = Change(
                    change_id=new_change_id(now),
                    who=name,
                    when=now.isoformat(timespec="seconds"),
                    action=edit.action,
                    subject=edit.subject,
                    before=edit.before,
                    after=edit.after,
                    files=tuple(file_changes),
                    undoes=edit.undoes,
                )
                # Journal first: a save killed from here on is finished by the next one
                # (_finish_interrupted), so a change that was accepted is never lost.
                self.journal.append(change)
                for file_name, content in sorted(changed.items()):
                    write_atomically(self._path(file_name), content)
                return change
        except Timeout as exc:
            raise CurationError(
                f"{self.journal.folder / LOCK_FILE}: another save held the lock for {self.lock_timeout_s:g} s; try again"
            ) from exc

    def changes(self) -> list[Change]:
        return self.journal.changes()

    def _path(self, name: str) -> Path:
        return path_in(self.geodata_dir, self.seeds_dir, name)

    def _validate(self, snapshot: Snapshot, changed: dict[str, bytes | None]) -> None:
        """Refuse the edit if the data would have a validate error it does not have now."""
        for file_name in changed:
            if not (_DATA_FILE.match(file_name) or _SEED_FILE.match(file_name)):
                raise CurationError(f"{file_name}: not a data file of the geodata or seeds folder; nothing was written")
        seeds = {n.removeprefix(SEEDS_PREFIX): c for n, c in changed.items() if n.startswith(SEEDS_PREFIX)}
        if seeds:
            self._validate_seeds(seeds)
        if len(seeds) < len(changed):
            self._validate_geodata({n: c for n, c in changed.items() if not n.startswith(SEEDS_PREFIX)})

    def _validate_seeds(self, changed: dict[str, bytes | None]) -> None:
        """Refuse article files that the corpus could not read, and metadata with new errors."""
        assert self.seeds_dir is not None  # path_in refused seeds/ files without it
        problems = []
        for file_name, content in changed.items():
            if file_name.endswith(".txt") and content is not None:
                problems.extend(problems_of_seed_text(file_name, content))
        if ARTICLES_TOML in changed:
            now = {str(p) for p in load_article_metadata(self.seeds_dir)[1] if p.severity == "error"}
            with tempfile.TemporaryDirectory(prefix="qz-validate-") as scratch:
                trial = Path(scratch)
                content = changed[ARTICLES_TOML]
                if content is not None:
                    (trial / ARTICLES_TOML).write_bytes(content)
                after = load_article_metadata(trial)[1]
            problems.extend(p for p in after if p.severity == "error" and str(p) not in now)
        if problems:
            raise CurationError("the change was refused, it would break the data:\n" + "\n".join(map(str, problems)))

    def _validate_geodata(self, changed: dict[str, bytes | None]) -> None:
        layers, _ = load_layers(self.layers_dir)
        now = {str(p) for p in load_gazetteer(self.geodata_dir, layers).problems if p.severity == "error"}
        with tempfile.TemporaryDirectory(prefix="qz-validate-") as scratch:
            trial = Path(scratch)
            for path in self.geodata_dir.iterdir():
                if path.is_file() and _DATA_FILE.match(path.name):
                    shutil.copyfile(path, trial / path.name)
            for file_name, content in changed.items():
                if content is None:
                    (trial / file_name).unlink(missing_ok=True)
                else:
                    (trial / file_name).write_bytes(content)
            after = [p for p in load_gazetteer(trial, layers).problems if p.severity == "error"]
        new = [str(p) for p in after if str(p) not in now]
        if new:
            raise CurationError("the change was refused, it would break the data:\n" + "\n".join(new))

    def _finish_interrupted(self) -> None:
        """Write the files of the last journalled change that a killed save left unwritten (it was
        validated and journalled before its files were written). Only when every file of it is as
        before or as after that change: a file that is neither was changed by other means since, or
        these are not the folders the change was made in (a journal shared by another seeds folder),
        and then nothing is written."""
        changes = self.journal.changes()
        if not changes:
            return
        unwritten: list[tuple[Path, str | None]] = []
        for file_change in changes[-1].files:
            if file_change.path.startswith(SEEDS_PREFIX) and self.seeds_dir is None:
                continue  # finished by the next save of a store that has the seeds folder
            path = self._path(file_change.path)
            current = path.read_bytes() if path.exists() else None
            if same_digest(current, file_change.after_sha256):
                continue
            if not same_digest(current, file_change.before_sha256):
                return
            unwritten.append((path, file_change.after_sha256))
        for path, after_sha256 in unwritten:
            write_atomically(path, self.journal.blob(after_sha256) if after_sha256 else None)

    def _remove_stale_temporaries(self) -> None:
        """Temporary files left by a save that was killed (we hold the lock: nobody else is writing)."""
        for folder in (self.geodata_dir, self.seeds_dir):
            for path in folder.glob(f".*{TEMP_SUFFIX}") if folder is not None else ():
                path.unlink(missing_ok=True)


def write_atomically(path: Path, content: bytes | None) -> None:
    """Replace `path` with `content` (None removes it) so that a reader or a crash sees old or new, never half."""
    if content is None:
        path.unlink(missing_ok=True)
        _fsync_folder(path.parent)
        return
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def same_digest(content: bytes | None, digest: str | None) -> bool:
    return (content is None and digest is None) or (content is not None and sha256_of(content) == digest)
