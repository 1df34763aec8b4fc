"""`python -m bench.reprints`: the figures behind mapapp.pipeline.reprints' thresholds, on the seed
articles: how alike different articles are, how alike each article and its reprints made here are
(another headline, a paragraph fewer, an editor's note; the first half; the first quarter), and
what a signature costs. Prints a table; asserts nothing."""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from mapapp.paths import SEEDS_DIR
from mapapp.pipeline.reprints import MIN_CONTAINMENT, MIN_JACCARD, likeness, signature_from_text


def variants(text: str) -> dict[str, str]:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    reprint = ["【转载】另一个标题", "编者按：一段编者的话。", *paragraphs[1:]]
    del reprint[len(reprint) // 2]
    reprint.append("来源：某某日报 责任编辑：某某")
    return {
        "reprint": "\n\n".join(reprint),
        "first half": "\n\n".join(paragraphs[: len(paragraphs) // 2]),
        "first quarter": "\n\n".join(paragraphs[: len(paragraphs) // 4]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reprints", description=__doc__)
    parser.add_argument("--seeds", type=Path, default=SEEDS_DIR)
    args = parser.parse_args(argv)
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(args.seeds.glob("*.txt"))}
    print(f"thresholds: Jaccard >= {MIN_JACCARD}, containment >= {MIN_CONTAINMENT}")
    print("pair\tJaccard\tcontainment\tsame story")
    for (a, ta), (b, tb) in itertools.combinations(texts.items(), 2):
        sa, sb = signature_from_text(ta), signature_from_text(tb)
        if sa and sb:
            alike = likeness(sa, sb)
            print(f"{a[:3]} / {b[:3]}\t{alike.jaccard:.3f}\t{alike.containment:.3f}\t{alike.same_story}")
    for name, text in texts.items():
        original = signature_from_text(text)
        for label, variant in variants(text).items():
            made = signature_from_text(variant)
            if original and made:
                alike = likeness(original, made)
                print(f"{name[:3]} / {label}\t{alike.jaccard:.3f}\t{alike.containment:.3f}\t{alike.same_story}")
    characters = sum(len(t) for t in texts.values())
    started = time.perf_counter()
    rounds = 50
    for _ in range(rounds):
        for text in texts.values():
            signature_from_text(text)
    seconds = (time.perf_counter() - started) / rounds
    print(
        f"signature: {seconds / len(texts) * 1000:.2f} ms per article, {seconds / characters * 1e6:.3f} ms per 1,000 characters"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
