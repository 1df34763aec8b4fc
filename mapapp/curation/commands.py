"""`python -m mapapp curate ...`: the curator's actions from the command line, through the same code.

add-place | move | add-alias | dismiss | correct-mention | log | undo | hash-password. Every command
takes `--geodata DIR` (and `--layers DIR`, `--journal DIR`) like the other commands; a refused change
prints the validator's lines to stderr and exits 1.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from mapapp.curation.actions import (
    NewPlace,
    add_alias,
    add_place,
    correct_mention,
    dismiss_candidate,
    move_feature,
    undo,
)
from mapapp.curation.credentials import hash_password
from mapapp.curation.journal import Change
from mapapp.curation.placement import CRSES, Placement, point_geometry
from mapapp.curation.store import DataStore
from mapapp.errors import CurationError
from mapapp.models import LOCATION_BASES, STATUSES, Source
from mapapp.paths import GEODATA_DIR, LAYERS_DIR, SEEDS_DIR

CURATOR_ENV = "QZ_CURATOR"


def default_curator() -> str:
    return os.environ.get(CURATOR_ENV, "").strip() or getpass.getuser()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mapapp curate", description="Change the curated data: validated, journalled, undoable."
    )
    sub = parser.add_subparsers(dest="action", required=True)
    helps = {
        "add-place": "add a feature at a position, with its source; prints the new feature id",
        "move": "give a feature a new position, precision and source",
        "add-alias": "add another name a feature is written as",
        "dismiss": "record that a candidate name is not a place (candidates never returns it)",
        "correct-mention": "say which feature a mention names (or none)",
        "log": "list the changes, oldest first",
        "undo": "restore the files a change wrote (default: the latest change still in effect)",
        "hash-password": "print the hash to configure as the curator credential (reads the password from stdin)",
    }
    for name, help_text in helps.items():
        cmd = sub.add_parser(name, help=help_text)
        if name == "hash-password":
            continue
        cmd.add_argument("--geodata", type=Path, default=GEODATA_DIR, help="folder of .geojson features")
        cmd.add_argument("--layers", type=Path, default=LAYERS_DIR, help="folder of layer .toml files")
        cmd.add_argument(
            "--journal", type=Path, default=None, help="journal folder (default: $QZ_JOURNAL_DIR or <geodata>/.journal)"
        )
        cmd.add_argument("--by", default=None, help=f"curator's name (default: ${CURATOR_ENV} or the login name)")
        if name in ("add-place", "move"):
            if name == "move":
                cmd.add_argument("feature_id")
            else:
                cmd.add_argument("--name-zh", required=True)
                cmd.add_argument("--name-en", default="")
                cmd.add_argument("--category", required=True)
                cmd.add_argument("--layer", required=True)
                cmd.add_argument("--alias", action="append", default=[], help="another name (repeatable)")
                cmd.add_argument("--parent", default=None)
                cmd.add_argument("--status", default="operating", choices=STATUSES)
                cmd.add_argument("--id", dest="feature_id", default=None, help="the new id (default: from --name-en)")
                cmd.add_argument("--description-zh", default="")
                cmd.add_argument("--description-en", default="")
                cmd.add_argument("--external", action="store_true", help="the place lies outside 衢州市")
            cmd.add_argument("--lon", type=float, required=True)
            cmd.add_argument("--lat", type=float, required=True)
            cmd.add_argument("--crs", choices=CRSES, default="wgs84", help="datum of --lon/--lat (gcj02: Gaode)")
            cmd.add_argument("--precision-m", type=int, required=True, help="honest radius in metres")
            cmd.add_argument("--basis", choices=LOCATION_BASES, default=None, help="default: from the precision")
            cmd.add_argument("--source-title", required=True)
            cmd.add_argument("--source-ref", required=True, help="URL or reference")
            cmd.add_argument("--source-quote", required=True, help="the words (or coordinate) taken from it")
        elif name == "add-alias":
            cmd.add_argument("feature_id")
            cmd.add_argument("alias")
        elif name == "dismiss":
            cmd.add_argument("name")
        elif name == "correct-mention":
            cmd.add_argument("article", help="article file name, as in `mentions`")
            cmd.add_argument("start", type=int)
            cmd.add_argument("end", type=int)
            cmd.add_argument("feature_id", help='the feature it names, or "" for not a place')
            cmd.add_argument("--seeds", type=Path, default=SEEDS_DIR, help="folder of article .txt files")
        elif name == "log":
            cmd.add_argument("--json", action="store_true", help="print JSON")
        elif name == "undo":
            cmd.add_argument("change_id", nargs="?", default=None)
            cmd.add_argument(
                "--seeds", type=Path, default=SEEDS_DIR, help="folder of articles (an `ingest` wrote there)"
            )
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.action == "hash-password":
        password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("password: ")
        try:
            print(hash_password(password))
        except ValueError as error:
            print(f"curate hash-password: {error}", file=sys.stderr)
            return 1
        return 0
    store = DataStore(
        args.geodata, layers_dir=args.layers, journal_dir=args.journal, seeds_dir=getattr(args, "seeds", None)
    )
    who = args.by or default_curator()
    try:
        return _run(args, store, who)
    except CurationError as error:
        print(f"curate {args.action}: {error}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, store: DataStore, who: str) -> int:
    if args.action == "log":
        changes = store.changes()
        if args.json:
            json.dump([c.to_json() for c in changes], sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
            sys.stdout.write("\n")
        else:
            undone = store.journal.undone_ids()
            for change in changes:
                print(_log_line(change, undone))
        return 0
    if args.action in ("add-place", "move"):
        placement = Placement(point_geometry(args.lon, args.lat), args.crs, args.precision_m, location_basis=args.basis)
        source = Source(args.source_title, args.source_ref, args.source_quote)
        if args.action == "move":
            change = move_feature(store, who, args.feature_id, placement, source)
        else:
            place = NewPlace(
                name_zh=args.name_zh,
                category=args.category,
                layer=args.layer,
                name_en=args.name_en,
                aliases=tuple(args.alias),
                parent=args.parent,
                status=args.status,
                description_zh=args.description_zh,
                description_en=args.description_en,
                external=args.external,
                feature_id=args.feature_id,
            )
            change = add_place(store, who, place, placement, source)
        print(change.subject)
    elif args.action == "add-alias":
        change = add_alias(store, who, args.feature_id, args.alias)
    elif args.action == "dismiss":
        change = dismiss_candidate(store, who, args.name)
    elif args.action == "correct-mention":
        path = args.seeds / args.article
        try:
            with open(path, encoding="utf-8", newline="") as handle:
                text = handle.read()
        except OSError as error:
            raise CurationError(f"{path}: cannot be read ({error.strerror}); expected an article file") from error
        if not 0 <= args.start < args.end <= len(text):
            raise CurationError(f"{path}: [{args.start}, {args.end}) is not inside the text ({len(text)} characters)")
        change = correct_mention(
            store,
            who,
            article_id=args.article,
            start=args.start,
            end=args.end,
            surface=text[args.start : args.end],
            feature_id=args.feature_id,
        )
    elif args.action == "undo":
        change = undo(store, who, args.change_id)
    else:  # argparse allows no other action
        return 2
    print(f"{change.change_id}\t{change.action}\t{change.subject}", file=sys.stderr)
    return 0


def _log_line(change: Change, undone: set[str]) -> str:
    mark = " (undone)" if change.change_id in undone else ""
    target = f" of {change.undoes}" if change.undoes else ""
    files = ",".join(f.path for f in change.files)
    return f"{change.change_id}\t{change.when}\t{change.who}\t{change.action}{target}\t{change.subject}\t{files}{mark}"
