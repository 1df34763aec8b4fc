"""Command line: `python -m mapapp validate | features | mentions | excerpts ID | candidates | events | figures |
index build | curate ... | ingest ...`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mapapp.errors import Problem, ProblemsError
from mapapp.paths import GEODATA_DIR, LAYERS_DIR, SEEDS_DIR
from mapapp.pipeline.candidates import CANDIDATES_TOML, Candidate, CandidateRules, find_candidates, load_candidate_rules
from mapapp.pipeline.encandidates import CANDIDATES_EN_TOML, EnglishCandidateRules, load_english_candidate_rules
from mapapp.pipeline.enwords import english_words_problems
from mapapp.pipeline.index import MapIndex, build_map_index
from mapapp.pipeline.timelinerows import event_rows, figure_rows


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mapapp",
        description="Quzhou news map: check data, list mentions and excerpts. "
        "`python -m mapapp curate --help`: change the data (add, move, undo ...); "
        "`python -m mapapp ingest --help`: take in articles from web pages and feeds.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    commands = {
        "validate": "check seeds/, geodata/ and layers/; exit 1 with one line per problem",
        "features": "all features as a GeoJSON FeatureCollection (WGS-84)",
        "mentions": "every place mention in the articles",
        "excerpts": "the sentences that mention one feature",
        "candidates": "place-like names in the articles that no feature covers",
        "events": "dated statements about facilities (planned, opened, ...) with the words that gave them",
        "figures": "throughput, routes, area, investment, berths, travel time of facilities",
        "index": "`index build --out PATH`: write the derived index to an SQLite file (incremental)",
    }
    for name, help_text in commands.items():
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument(
            "--seeds", type=Path, default=SEEDS_DIR, help="folder of article .txt files (default: %(default)s)"
        )
        cmd.add_argument(
            "--geodata", type=Path, default=GEODATA_DIR, help="folder of .geojson features (default: %(default)s)"
        )
        cmd.add_argument(
            "--layers", type=Path, default=LAYERS_DIR, help="folder of layer .toml files (default: %(default)s)"
        )
        if name != "validate":
            cmd.add_argument("--json", action="store_true", help="print JSON")
        if name == "excerpts":
            cmd.add_argument("feature_id", help="a feature id, as in `features`")
        if name == "index":
            cmd.add_argument("action", choices=["build"], help="build (or bring up to date) the index file")
            cmd.add_argument("--out", type=Path, required=True, help="the SQLite file to write (e.g. index.sqlite)")
            cmd.add_argument("--processes", type=int, help="worker processes (default: one per core)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["curate"]:  # the curator's actions have their own parser (mapapp/curation/commands.py)
        from mapapp.curation.commands import main as curate_main

        return curate_main(argv[1:])
    if argv[:1] == ["ingest"]:  # articles from the web (mapapp/intake/commands.py)
        from mapapp.intake.commands import main as ingest_main

        return ingest_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "index":
        return run_index_build(args)
    index = build_map_index(args.seeds, args.geodata, args.layers)
    if args.command == "validate":
        return run_validate(index, [*candidate_rules_problems(args.geodata), *english_words_problems()])
    if args.command != "validate":
        for problem in index.problems:
            print(problem, file=sys.stderr)
    if args.command == "features":
        return _emit(
            features_geojson(index),
            args.json,
            lambda: [f"{f.feature_id}\t{f.name_zh}\t{f.category}" for f in index.features.values()],
        )
    rows: list[dict[str, Any]]
    if args.command == "mentions":
        rows = [
            {"article": m.article_id, "start": m.start, "end": m.end, "surface": m.surface, "feature_id": m.feature_id}
            for m in index.mentions
        ]
        return _emit(
            rows,
            args.json,
            lambda: [f"{r['article']}\t{r['start']}\t{r['end']}\t{r['feature_id']}\t{r['surface']!r}" for r in rows],
        )
    if args.command == "excerpts":
        if args.feature_id not in index.features:
            print(
                f"excerpts: no feature with id {args.feature_id!r}; run `python -m mapapp features` to list the ids",
                file=sys.stderr,
            )
            return 2
        excerpts = index.excerpts.get(args.feature_id, ())
        rows = [
            {"article": e.article_id, "text": e.text, "highlights": [list(h) for h in e.highlights]} for e in excerpts
        ]
        return _emit(
            rows,
            args.json,
            lambda: [
                f"[{e.article_id}{' caption' if e.kind == 'caption' else ''} ×{e.count}] {e.text}" for e in excerpts
            ],
        )
    if args.command == "candidates":
        candidates = find_candidates(index, candidate_rules(args.geodata), english_candidate_rules(args.geodata))
        return _emit(
            [candidate_row(c) for c in candidates],
            args.json,
            lambda: [
                f"{c.count:3d}  {c.surface}  ({c.kind}; parent {c.parent or '-'}; {', '.join(c.articles)})"
                for c in candidates
            ],
        )
    if args.command in ("events", "figures"):
        try:
            rows, lines = event_rows(index) if args.command == "events" else figure_rows(index)
        except ProblemsError as error:  # mapapp/pipeline/eventwords.toml cannot be used
            print(error, file=sys.stderr)
            return 1
        return _emit(rows, args.json, lambda: lines)
    return 2


def run_index_build(args: argparse.Namespace) -> int:
    from mapapp.datadirs import DataDirs
    from mapapp.pipeline.store import StoreError, build_lock, build_store

    started = time.perf_counter()
    try:
        with build_lock(args.out):
            report = build_store(
                DataDirs(args.seeds.resolve(), args.geodata.resolve(), args.layers.resolve()),
                args.out,
                processes=args.processes,
            )
    except StoreError as error:
        print(error, file=sys.stderr)
        return 1
    how = "every article matched" if report.full else f"{report.rematched} changed articles matched again"
    print(
        f"{report.path}: {report.articles} articles, data {report.digest}, {how}, {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


def candidate_rules(geodata_dir: Path) -> CandidateRules:
    """The candidate rules next to the geodata in use, else the bundled ones; problems to stderr."""
    path = geodata_dir / CANDIDATES_TOML
    rules, problems = load_candidate_rules(path if path.exists() else GEODATA_DIR / CANDIDATES_TOML)
    for problem in problems:
        print(problem, file=sys.stderr)
    return rules


def english_candidate_rules(geodata_dir: Path) -> EnglishCandidateRules:
    """The English candidate rules next to the geodata in use, else the bundled ones; problems to stderr."""
    path = geodata_dir / CANDIDATES_EN_TOML
    rules, problems = load_english_candidate_rules(path if path.exists() else GEODATA_DIR / CANDIDATES_EN_TOML)
    for problem in problems:
        print(problem, file=sys.stderr)
    return rules


def candidate_rules_problems(geodata_dir: Path) -> list[Problem]:
    """Problems in the candidate rules (Chinese and English) next to the geodata (none when absent)."""
    path = geodata_dir / CANDIDATES_TOML
    problems = load_candidate_rules(path)[1] if path.exists() else []
    english = geodata_dir / CANDIDATES_EN_TOML
    return problems + (load_english_candidate_rules(english)[1] if english.exists() else [])


def candidate_row(candidate: Candidate) -> dict[str, Any]:
    return {
        "surface": candidate.surface,
        "count": candidate.count,
        "articles": list(candidate.articles),
        "kind": candidate.kind,
        "parent": candidate.parent,
        "sentences": [
            {"article": s.article_id, "start": s.start, "end": s.end, "text": s.text} for s in candidate.sentences
        ],
    }


def run_validate(index: MapIndex, extra_problems: Sequence[Problem] = ()) -> int:
    problems = (*index.problems, *extra_problems)
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        print(problem, file=sys.stdout if problem.severity == "error" else sys.stderr)
    if not errors:
        print(
            f"ok: {len(index.articles)} articles, {len(index.features)} features, {len(index.layers)} layers, {len(index.mentions)} mentions",
            file=sys.stderr,
        )
    return 1 if errors else 0


def features_geojson(index: MapIndex) -> dict[str, Any]:
    features = []
    for feature in sorted(index.features.values(), key=lambda f: f.feature_id):
        properties = {k: v for k, v in feature.properties.items() if k != "boundary"} | {"id": feature.feature_id}
        features.append({"type": "Feature", "geometry": feature.geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def _emit(payload: Any, as_json: bool, lines) -> int:
    if as_json:
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
        sys.stdout.write("\n")
    else:
        for line in lines():
            print(line)
    return 0
