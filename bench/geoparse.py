"""The geoparser's evaluation: `python -m bench.geoparse` runs the matcher and the candidate finder
on the project's own annotated cases (tests/data/geoparse/*.toml, format in its README) and prints
precision, recall and F1 per class, per language and per split, as a geoparser's published table.

Classes:
- known links: every link the pipeline makes, compared with the annotated `links` (surface as
  printed = feature id; a multiset per case, so a link made twice where the text has it once counts
  one true and one false);
- wrong links: links the pipeline makes that a case lists under `wrong` (what a careful reader never
  makes), over how many such traps the cases set;
- candidates: the names `candidates` proposes for a case's text, against its `new` names (recall:
  share of new names proposed; precision: share of proposals that are new place names). Cases
  without a `new` key (the seeds) are left out of this class.

`--split dev` (the default is both) and `--lang zh` select cases; `--shapes` adds a line per file;
`--misses` prints every missed, false and wrong link and candidate, for tuning on the dev split.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mapapp.models import Article, Mention
from mapapp.paths import GEODATA_DIR, LAYERS_DIR, ROOT_DIR, SEEDS_DIR

CASES_DIR = ROOT_DIR / "tests" / "data" / "geoparse"
SPLITS = ("dev", "test")


class CaseError(ValueError):
    """A case file that cannot be read (file, case and field in the message)."""


@dataclass(frozen=True)
class Case:
    file: str
    number: int  # 1-based, in its file
    lang: str
    shape: str
    split: str
    text: str
    article_id: str | None  # a seed article's file name, instead of text
    links: tuple[tuple[str, str], ...]  # (surface, feature_id)
    wrong: tuple[tuple[str, str], ...]
    new: tuple[str, ...] | None  # None: candidates are not annotated


@dataclass
class Tally:
    """True, false and missed counts of one class."""

    true: int = 0
    false: int = 0
    missed: int = 0

    def add(self, other: Tally) -> None:
        self.true += other.true
        self.false += other.false
        self.missed += other.missed

    @property
    def precision(self) -> float | None:
        made = self.true + self.false
        return self.true / made if made else None

    @property
    def recall(self) -> float | None:
        expected = self.true + self.missed
        return self.true / expected if expected else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)


@dataclass
class Scores:
    cases: int = 0
    links: Tally = field(default_factory=Tally)
    wrong_made: int = 0
    wrong_set: int = 0
    candidates: Tally = field(default_factory=Tally)

    def add(self, other: Scores) -> None:
        self.cases += other.cases
        self.links.add(other.links)
        self.wrong_made += other.wrong_made
        self.wrong_set += other.wrong_set
        self.candidates.add(other.candidates)


@dataclass(frozen=True)
class CaseResult:
    case: Case
    scores: Scores
    links_made: tuple[tuple[str, str], ...]
    missed_links: tuple[tuple[str, str], ...]
    false_links: tuple[tuple[str, str], ...]
    wrong_links: tuple[tuple[str, str], ...]
    proposed: tuple[str, ...]
    missed_new: tuple[str, ...]
    false_new: tuple[str, ...]


def load_cases(directory: Path = CASES_DIR) -> list[Case]:
    """Every case in directory/*.toml; a malformed file raises CaseError naming file, case, field."""
    cases: list[Case] = []
    for path in sorted(directory.glob("*.toml")):
        cases.extend(_cases_in(path))
    return cases


def _cases_in(path: Path) -> list[Case]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CaseError(f"{path.name}: is not UTF-8 TOML ({exc}); expected lang, shape and [[case]] tables") from exc
    lang, shape = data.get("lang"), data.get("shape")
    if lang not in ("zh", "en") or not isinstance(shape, str) or not shape:
        raise CaseError(f"{path.name}: lang is {lang!r} and shape {shape!r}; expected lang 'zh' or 'en' and a shape")
    file_split = data.get("split", "dev")
    cases = []
    for n, raw in enumerate(data.get("case", []), start=1):
        where = f"{path.name}: case {n}"
        split = raw.get("split", file_split)
        if split not in SPLITS:
            raise CaseError(f"{where}: split is {split!r}; expected one of {', '.join(SPLITS)}")
        text, article_id = raw.get("text"), raw.get("article")
        if (text is None) == (article_id is None):
            raise CaseError(f"{where}: expected exactly one of text or article")
        new = raw.get("new")
        if new is not None and not (isinstance(new, list) and all(isinstance(x, str) and x for x in new)):
            raise CaseError(f"{where}: new is {new!r}; expected a list of names")
        cases.append(
            Case(
                file=path.name,
                number=n,
                lang=lang,
                shape=shape,
                split=split,
                text=text or "",
                article_id=article_id,
                links=_pairs(raw.get("links", []), where, "links"),
                wrong=_pairs(raw.get("wrong", []), where, "wrong"),
                new=tuple(new) if new is not None else None,
            )
        )
    return cases


def _pairs(values: object, where: str, key: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(values, list):
        raise CaseError(f"{where}: {key} is {values!r}; expected a list of 'surface=feature_id'")
    pairs = []
    for value in values:
        if not isinstance(value, str) or "=" not in value:
            raise CaseError(f"{where}: {key} has {value!r}; expected 'surface=feature_id'")
        surface, feature_id = value.rsplit("=", 1)
        pairs.append((surface, feature_id))
    return tuple(pairs)


# --- running the pipeline on a case ------------------------------------------------------------


Pipeline = Callable[[Article], tuple[list[Mention], list[str]]]


TAGGERS = ("lac", "jieba", "none")


def jieba_names(texts: Sequence[tuple[str, list[int]]]) -> tuple[tuple[int, int, str], ...]:
    """The alternative tagger for the comparison: jieba's part-of-speech tags (ns place, nt
    organisation, nr person) as name spans, in the same form as tagger.names_in_texts."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    kinds = {"ns": "LOC", "nt": "ORG", "nr": "PER"}
    out = []
    for text, offsets in texts:
        position = 0
        for pair in jieba.posseg.cut(text):
            kind = kinds.get(pair.flag[:2])
            if kind and pair.word:
                out.append((offsets[position], offsets[position + len(pair.word) - 1] + 1, kind))
            position += len(pair.word)
    return tuple(out)


def default_pipeline(
    seeds_dir: Path = SEEDS_DIR,
    geodata_dir: Path = GEODATA_DIR,
    layers_dir: Path = LAYERS_DIR,
    *,
    tagger: str = "lac",
) -> tuple[Pipeline, Callable[[str], Article]]:
    """(pipeline, seed reader): the pipeline gives an article's mentions (find_mentions, the entry
    point every language dispatches from) and the names `candidates` would propose for it.
    `tagger`: "lac" (the pipeline's own), or for the comparison "jieba" or "none" (no names)."""
    from mapapp.pipeline.candidates import candidate_names_in_article, load_candidate_rules
    from mapapp.pipeline.corpus import display_texts, load_corpus
    from mapapp.pipeline.encandidates import CANDIDATES_EN_TOML, load_english_candidate_rules
    from mapapp.pipeline.gazetteer import load_gazetteer
    from mapapp.pipeline.layers import load_layers
    from mapapp.pipeline.mentions import find_mentions, finder_for
    from mapapp.pipeline.normalise import normalise_all

    layers, _ = load_layers(layers_dir)
    gazetteer = load_gazetteer(geodata_dir, layers)
    rules, _ = load_candidate_rules(geodata_dir / "candidates.toml")
    english_rules, _ = load_english_candidate_rules(geodata_dir / CANDIDATES_EN_TOML)
    seeds: dict[str, Article] = {}

    def run(article: Article) -> tuple[list[Mention], list[str]]:
        if tagger == "lac" or article.lang != "zh":
            mentions = find_mentions(article, gazetteer)
            return mentions, candidate_names_in_article(
                article, mentions, gazetteer, rules, english_rules=english_rules
            )
        texts = normalise_all(display_texts(article))
        names = jieba_names(texts) if tagger == "jieba" else ()
        mentions = finder_for(gazetteer).find(article, names=names)
        return mentions, candidate_names_in_article(article, mentions, gazetteer, rules, names=names)

    def seed(article_id: str) -> Article:
        if not seeds:
            seeds.update((a.article_id, a) for a in load_corpus(seeds_dir).articles)
        return seeds[article_id]

    return run, seed


def article_for_case(case: Case) -> Article:
    from mapapp.pipeline.corpus import article_from_text

    article = article_from_text(f"{case.file}#{case.number}", case.text + "\n", {"headline": "", "lang": case.lang})
    return article


def score_case(case: Case, mentions: Sequence[Mention], proposed: Iterable[str]) -> CaseResult:
    from mapapp.pipeline.normalise import normalise

    made = [(m.surface, m.feature_id) for m in mentions]
    expected = Counter(case.links)
    wrong = set(case.wrong)
    true = Counter[tuple[str, str]]()
    false: list[tuple[str, str]] = []
    wrong_links: list[tuple[str, str]] = []
    for link in made:
        if true[link] < expected[link]:
            true[link] += 1
        else:
            false.append(link)
            if link in wrong:
                wrong_links.append(link)
    missed = expected - true
    scores = Scores(cases=1)
    scores.links = Tally(sum(true.values()), len(false), sum(missed.values()))
    scores.wrong_made = len(set(wrong_links))
    scores.wrong_set = len(wrong)
    # English names are compared whatever their case ("Jiangshan Port" = "Jiangshan port")
    key = (lambda name: normalise(name).casefold()) if case.lang == "en" else normalise
    proposals = tuple(dict.fromkeys(key(p) for p in proposed))
    missed_new: tuple[str, ...] = ()
    false_new: tuple[str, ...] = ()
    if case.new is not None:
        new = {key(n) for n in case.new}
        hits = new & set(proposals)
        missed_new = tuple(sorted(new - hits))
        false_new = tuple(p for p in proposals if p not in new)
        scores.candidates = Tally(len(hits), len(false_new), len(missed_new))
    return CaseResult(
        case,
        scores,
        tuple(made),
        tuple(sorted(missed.elements())),
        tuple(false),
        tuple(wrong_links),
        proposals,
        missed_new,
        false_new,
    )


def evaluate(cases: Sequence[Case], pipeline: Pipeline, seed: Callable[[str], Article]) -> list[CaseResult]:
    results = []
    for case in cases:
        article = seed(case.article_id) if case.article_id else article_for_case(case)
        mentions, proposed = pipeline(article)
        results.append(score_case(case, mentions, proposed))
    return results


# --- the table ---------------------------------------------------------------------------------


def totals(
    results: Iterable[CaseResult], key: Callable[[CaseResult], tuple[str, ...]]
) -> dict[tuple[str, ...], Scores]:
    grouped: dict[tuple[str, ...], Scores] = {}
    for result in results:
        grouped.setdefault(key(result), Scores()).add(result.scores)
    return dict(sorted(grouped.items()))


def _pct(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.3f}"


def table(results: Sequence[CaseResult], *, by_shape: bool = False) -> str:
    """A markdown table: per language and split (and per file with by_shape), the three classes."""
    lines = [
        "| lang | split | set | cases | links P | links R | links F1 | wrong made / set | cand. P | cand. R | cand. F1 |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    groups = totals(results, lambda r: (r.case.lang, r.case.split, "seeds" if r.case.article_id else "cases"))
    if by_shape:
        groups |= totals(results, lambda r: (r.case.lang, r.case.split, r.case.file))
    for (lang, split, name), s in sorted(groups.items()):
        lines.append(
            f"| {lang} | {split} | {name} | {s.cases} | {_pct(s.links.precision)} | {_pct(s.links.recall)} |"
            f" {_pct(s.links.f1)} | {s.wrong_made} / {s.wrong_set} | {_pct(s.candidates.precision)} |"
            f" {_pct(s.candidates.recall)} | {_pct(s.candidates.f1)} |"
        )
    return "\n".join(lines)


def misses(results: Sequence[CaseResult]) -> str:
    out = []
    for r in results:
        if not (r.missed_links or r.false_links or r.missed_new or r.false_new):
            continue
        where = f"{r.case.file}#{r.case.number} [{r.case.split}]"
        out.append(f"{where}: {r.case.text[:80] or r.case.article_id}")
        for label, items in (
            ("  missed link", r.missed_links),
            ("  false link", r.false_links),
        ):
            for surface, fid in items:
                mark = " (WRONG)" if (surface, fid) in r.wrong_links else ""
                out.append(f"{label}: {surface}={fid}{mark}")
        if r.missed_new:
            out.append("  missed new: " + ", ".join(r.missed_new))
        if r.false_new:
            out.append("  false proposal: " + ", ".join(r.false_new))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.geoparse", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=SPLITS, help="only this split (default: both)")
    parser.add_argument("--lang", choices=("zh", "en"), help="only this language")
    parser.add_argument("--cases", type=Path, default=CASES_DIR, help="folder of case files")
    parser.add_argument("--shapes", action="store_true", help="a line per case file too")
    parser.add_argument("--misses", action="store_true", help="print every miss and false link or proposal")
    parser.add_argument("--json", action="store_true", help="the totals as JSON")
    parser.add_argument(
        "--tagger", choices=TAGGERS, default="lac", help="name boundaries from (for the comparison; default lac)"
    )
    args = parser.parse_args(argv)
    try:
        cases = [
            c
            for c in load_cases(args.cases)
            if (args.split is None or c.split == args.split) and (args.lang is None or c.lang == args.lang)
        ]
    except CaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    pipeline, seed = default_pipeline(tagger=args.tagger)
    results = evaluate(cases, pipeline, seed)
    if args.json:
        groups = totals(results, lambda r: (r.case.lang, r.case.split, "seeds" if r.case.article_id else "cases"))
        print(
            json.dumps(
                {
                    "/".join(k): {
                        "cases": s.cases,
                        "links": [s.links.precision, s.links.recall, s.links.f1],
                        "wrong": [s.wrong_made, s.wrong_set],
                        "candidates": [s.candidates.precision, s.candidates.recall, s.candidates.f1],
                    }
                    for k, s in groups.items()
                },
                indent=2,
            )
        )
        return 0
    if args.misses:
        print(misses(results))
        print()
    print(table(results, by_shape=args.shapes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
