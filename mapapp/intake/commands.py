"""`python -m mapapp ingest SOURCE... [--json]` and `python -m mapapp ingest --watch FEED... --every 15m`.

SOURCE is an http(s) URL of an article page or of an RSS/Atom feed, a saved .html/.htm page or a
feed file. One line (or, with --json, one object) per article source; every refusal says why. Exit
0 when nothing was refused, 1 otherwise (2 for a bad command line).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path

from mapapp.curation.commands import CURATOR_ENV, default_curator
from mapapp.curation.store import DataStore
from mapapp.intake.ingest import Intake, Outcome
from mapapp.intake.watch import duration_s, watch_feeds
from mapapp.intake.webfetch import TIMEOUT_S, fetch_url
from mapapp.paths import GEODATA_DIR, LAYERS_DIR, SEEDS_DIR


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mapapp ingest",
        description="Take in articles from web pages, saved pages and RSS/Atom feeds (text, headline, date,"
        " outlet, source URLs; a reprint becomes another source of the article it reprints).",
    )
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="http(s) URL, saved .html/.htm page or feed file")
    parser.add_argument("--seeds", type=Path, default=SEEDS_DIR, help="folder of articles (default: %(default)s)")
    parser.add_argument(
        "--geodata",
        type=Path,
        default=GEODATA_DIR,
        help="folder whose journal and lock the write takes (default: %(default)s)",
    )
    parser.add_argument(
        "--layers", type=Path, default=LAYERS_DIR, help="folder of layer .toml files (default: %(default)s)"
    )
    parser.add_argument(
        "--journal", type=Path, default=None, help="journal folder (default: $QZ_JOURNAL_DIR or <geodata>/.journal)"
    )
    parser.add_argument(
        "--by", default=None, help=f"who takes it in, for the journal (default: ${CURATOR_ENV} or the login name)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per article source, one a line")
    parser.add_argument(
        "--timeout", type=float, default=TIMEOUT_S, help="seconds a download may take in all (default: %(default)s)"
    )
    parser.add_argument("--watch", action="store_true", help="keep polling the SOURCE feeds (Ctrl-C stops)")
    parser.add_argument(
        "--every", default="15m", help="with --watch: time between polls, e.g. 90s, 15m, 1h (default: %(default)s)"
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=None,
        help="with --watch: where ETag/Last-Modified are kept (default: $QZ_STATE_DIR/feeds.json)",
    )
    return parser


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    store = DataStore(args.geodata, layers_dir=args.layers, journal_dir=args.journal, seeds_dir=args.seeds)
    if not args.seeds.is_dir():
        print(f"ingest: {args.seeds}: not a folder; expected the seeds folder (--seeds DIR)", file=sys.stderr)
        return 2
    intake = Intake(store, args.by or default_curator(), fetch=functools.partial(fetch_url, timeout_s=args.timeout))
    if args.watch:
        try:
            every_s = duration_s(args.every)
        except ValueError as error:
            parser.error(str(error))
        return watch_feeds(intake, args.sources, every_s=every_s, state_path=args.state, emit=_emit(args.json))
    refusals = 0
    emit = _emit(args.json)
    for source in args.sources:
        for outcome in intake.take(source):
            refusals += outcome.status == "refused"
            emit(outcome)
    return 1 if refusals else 0


def _emit(as_json: bool):
    def emit(outcome: Outcome) -> None:
        if as_json:
            print(json.dumps(outcome.as_json(), ensure_ascii=False, sort_keys=False), flush=True)
        elif outcome.status == "refused":
            print(f"ingest: {outcome.source}: refused: {outcome.reason}", file=sys.stderr, flush=True)
        else:
            print(outcome.line(), flush=True)

    return emit
