"""The index build with the tagger: `python -m bench.buildspeed --articles 10000` times, in one run,
1. the first build of a SYNTHETIC corpus (bench/pipeline.py: the seeds repeated under new ids; the
   tagger runs on every article, nothing is shared between article ids), with characters a second;
2. the re-link after a geodata change (a copy of geodata/ with one rule file touched): every
   article matched again from the names the index file keeps, none tagged; an article linked as
   before keeps the rows that follow from its links (copied from the previous file);
3. the re-link after a new place is added to geodata/ (named in no article);
4. the same re-link when every article's rows must be made again (as after a change to the
   categories of the places they mention: the previous file's record of them is removed first);
5. optionally (`--baseline-tree DIR`, a checkout of an older commit) that tree's build of the same
   corpus, for comparison with the build before the tagger.
Each build is `python -m mapapp index build` in a fresh process (as a deployment runs it); run the
whole thing under the machine's heavy-job lock. Prints a markdown table and one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.pipeline import build_synthetic_corpus
from mapapp.paths import GEODATA_DIR, LAYERS_DIR, ROOT_DIR, SEEDS_DIR


def timed_build(tree: Path, seeds: Path, geodata: Path, out: Path) -> dict[str, float | str]:
    """`python -m mapapp index build` from `tree`: wall seconds, CPU seconds of the workers too, and
    the machine's load average (1 minute) when it started."""
    load = os.getloadavg()[0]
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mapapp",
            "index",
            "build",
            "--seeds",
            str(seeds),
            "--geodata",
            str(geodata),
            "--layers",
            str(LAYERS_DIR),
            "--out",
            str(out),
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
        timeout=7200,
    )
    wall = time.perf_counter() - started
    after = os.times()
    if done.returncode != 0:
        raise SystemExit(f"index build in {tree} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    cpu = after.children_user + after.children_system - before.children_user - before.children_system
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "load": round(load, 2),
        "said": done.stderr.strip().splitlines()[-1],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.buildspeed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--baseline-tree", type=Path, help="a checkout of an older commit to build the same corpus")
    parser.add_argument("--work", type=Path, help="folder for the corpus and index files (default: a temp dir)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="qz-buildspeed-"))
    seeds = work / "seeds"
    if seeds.exists():
        shutil.rmtree(seeds)
    build_synthetic_corpus(SEEDS_DIR, seeds, args.articles)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in seeds.glob("*.txt"))
    geodata = work / "geodata"
    if geodata.exists():
        shutil.rmtree(geodata)
    shutil.copytree(GEODATA_DIR, geodata, ignore=shutil.ignore_patterns(".journal"))
    out = work / "index.sqlite"
    out.unlink(missing_ok=True)
    rows: dict[str, dict[str, float | str]] = {}
    rows["first build (tags every article)"] = timed_build(ROOT_DIR, seeds, geodata, out)
    rules = geodata / "name_parts.toml"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# touched by bench.buildspeed\n", encoding="utf-8")
    relinked = work / "relinked.sqlite"
    shutil.copyfile(out, relinked)  # the first build's file, for the third row
    rows["re-link after a rule-file change (names kept; rows of unchanged links copied)"] = timed_build(
        ROOT_DIR, seeds, geodata, out
    )
    places = geodata / "places.geojson"
    collection = json.loads(places.read_text(encoding="utf-8"))
    added = copy.deepcopy(collection["features"][0])
    added["properties"].update(id="buildspeed-new-place", name_zh="基准新增园", name_en="Benchmark Park", aliases=[])
    collection["features"].append(added)
    places.write_text(json.dumps(collection, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    rows["re-link after a new place is added (names kept; rows of unchanged links copied)"] = timed_build(
        ROOT_DIR, seeds, geodata, out
    )
    with contextlib.closing(sqlite3.connect(relinked)) as db, db:
        db.execute("DELETE FROM meta WHERE key = 'derived'")  # as if the features' ids or categories changed
    rules.write_text(rules.read_text(encoding="utf-8") + "# touched again\n", encoding="utf-8")
    rows["re-link with every article's rows made again (names kept)"] = timed_build(ROOT_DIR, seeds, geodata, relinked)
    if args.baseline_tree is not None:
        baseline_out = work / "baseline.sqlite"
        baseline_out.unlink(missing_ok=True)
        rows[f"build at {args.baseline_tree.name} (no tagger)"] = timed_build(
            args.baseline_tree, seeds, geodata, baseline_out
        )
    print(f"SYNTHETIC corpus: {args.articles:,} articles, {chars:,} characters; {os.cpu_count()} cores")
    print("| build | wall s | CPU s | characters/s (wall) | load average at its start |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, row in rows.items():
        print(f"| {name} | {row['wall_s']} | {row['cpu_s']} | {chars / float(row['wall_s']):,.0f} | {row['load']} |")
    print(json.dumps({"articles": args.articles, "chars": chars, "rows": rows}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
