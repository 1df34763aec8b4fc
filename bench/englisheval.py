"""Evaluate the English reading on the annotated sentences of tests/data/geoparse/en-*.toml.

    python -m bench.englisheval [--split dev|test|all] [--show-errors]

Each case is read as an article of its own (lang = "en") through the pipeline: its mentions
(MentionFinder, which hands English articles to enmentions.py) are compared with `links` (surface as
printed = feature id, the same surface and feature counting as a hit), the links made that the case
lists as `wrong` are counted, and the candidates (encandidates.py) are compared with `new` (names,
case-insensitive). Prints precision, recall and F1 per class and split, like a geoparser's table.
The file format is in tests/data/geoparse/README.md.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mapapp.paths import GEODATA_DIR, LAYERS_DIR
from mapapp.pipeline.corpus import article_from_text
from mapapp.pipeline.encandidates import CANDIDATES_EN_TOML, english_candidates_in_article, load_english_candidate_rules
from mapapp.pipeline.gazetteer import Gazetteer, load_gazetteer
from mapapp.pipeline.layers import load_layers
from mapapp.pipeline.mentions import MentionFinder

CASES_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "geoparse"
DEFAULT_DATE = "2025-12-01"  # the article date a case is read with unless it gives one


@dataclass
class Tally:
    found: int = 0
    expected: int = 0
    hits: int = 0

    def add(self, found: int, expected: int, hits: int) -> None:
        self.found += found
        self.expected += expected
        self.hits += hits

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    cases: int = 0
    links: Tally = field(default_factory=Tally)
    wrong_made: int = 0
    wrong_listed: int = 0
    candidates: Tally = field(default_factory=Tally)
    errors: list[str] = field(default_factory=list)


def load_cases(directory: Path = CASES_DIR) -> list[dict]:
    """Every English case, with its file's split and shape."""
    cases = []
    for path in sorted(directory.glob("en-*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for n, case in enumerate(data.get("case", [])):
            cases.append(
                {
                    **case,
                    "file": path.name,
                    "n": n,
                    "split": case.get("split", data.get("split", "dev")),
                    "shape": data.get("shape", ""),
                }
            )
    return cases


def evaluate(cases: list[dict], gazetteer: Gazetteer | None = None, geodata_dir: Path = GEODATA_DIR) -> Scores:
    if gazetteer is None:
        layers, _ = load_layers(LAYERS_DIR)
        gazetteer = load_gazetteer(geodata_dir, layers)
    finder = MentionFinder(gazetteer)
    english = finder._english()
    rules, _ = load_english_candidate_rules(geodata_dir / CANDIDATES_EN_TOML)
    known = frozenset(english.names.forms)
    admin_ids = frozenset(fid for fid, f in gazetteer.features.items() if f.category == "admin_area")
    scores = Scores()
    for case in cases:
        scores.cases += 1
        article = article_from_text(
            f"{case['file']}#{case['n']}", case["text"], {"lang": "en", "date": case.get("date", DEFAULT_DATE)}
        )
        mentions = finder.find(article)
        found = Counter(f"{' '.join(m.surface.split())}={m.feature_id}" for m in mentions)
        expected = Counter(case.get("links", []))
        hits = sum((found & expected).values())
        scores.links.add(sum(found.values()), sum(expected.values()), hits)
        wrong = set(case.get("wrong", []))
        made_wrong = [link for link in found if link in wrong]
        scores.wrong_made += len(made_wrong)
        scores.wrong_listed += len(wrong)
        proposed = {
            c.name.lower()
            for c in english_candidates_in_article(
                article, mentions, rules, known, english.station_list_items, admin_ids
            )
        }
        new = {name.lower() for name in case.get("new", [])}
        scores.candidates.add(len(proposed), len(new), len(proposed & new))
        missing, extra = expected - found, found - expected
        if missing or extra or made_wrong or proposed != new:
            scores.errors.append(
                f"{case['file']}#{case['n']}: {case['text']}\n"
                + (f"    missed:    {sorted(missing.elements())}\n" if missing else "")
                + (f"    extra:     {sorted(extra.elements())}\n" if extra else "")
                + (f"    WRONG:     {made_wrong}\n" if made_wrong else "")
                + (f"    new missed: {sorted(new - proposed)}\n" if new - proposed else "")
                + (f"    proposed:  {sorted(proposed - new)}\n" if proposed - new else "")
            )
    return scores


def table(rows: list[tuple[str, Scores]]) -> str:
    lines = [
        "| lang | split | cases | known links P | R | F1 | wrong links made | candidates P | R | F1 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for split, s in rows:
        lines.append(
            f"| en | {split} | {s.cases} | {s.links.precision:.3f} | {s.links.recall:.3f} | {s.links.f1:.3f} | "
            f"{s.wrong_made} of {s.wrong_listed} | {s.candidates.precision:.3f} | {s.candidates.recall:.3f} | "
            f"{s.candidates.f1:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.englisheval", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "all"], default="all")
    parser.add_argument("--show-errors", action="store_true", help="print every case the pipeline got wrong")
    args = parser.parse_args(argv)
    cases = load_cases()
    splits = ["dev", "test"] if args.split == "all" else [args.split]
    rows = [(split, evaluate([c for c in cases if c["split"] == split])) for split in splits]
    print(table(rows))
    if args.show_errors:
        for _, scores in rows:
            for error in scores.errors:
                print(error, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
