"""The benchmark's pipeline timings: build_map_index in a fresh interpreter, on the seeds and on
SYNTHETIC corpora (the seeds repeated under new ids)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from bench.session import BenchError
from mapapp.paths import ROOT_DIR
from mapapp.pipeline.reprints import REPRINT_CHECK_KEY


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string (TOML accepts every escape JSON writes).
    return json.dumps(text, ensure_ascii=False)


def build_synthetic_corpus(seeds_dir: Path, out_dir: Path, n_articles: int) -> list[str]:
    """Write n_articles SYNTHETIC articles to out_dir: the seeds repeated round-robin under new ids.

    File i is seed (i mod 5) verbatim, named `syn<i>-<seed name>`; articles.toml copies the seed's
    metadata with the headline prefixed `[synthetic <i>]` and `reprint_check = "off"` (the copies
    stand for different articles; as reprints they would be folded into five). Returns the new article ids.
    """
    seeds = sorted(seeds_dir.glob("*.txt"))
    if not seeds:
        raise ValueError(f"{seeds_dir}: no .txt articles; expected the seed articles to repeat")
    if n_articles < 1:
        raise ValueError(f"n_articles is {n_articles}; expected at least 1")
    toml_path = seeds_dir / "articles.toml"
    meta = tomllib.loads(toml_path.read_text(encoding="utf-8")) if toml_path.is_file() else {}
    out_dir.mkdir(parents=True, exist_ok=True)
    width = len(str(n_articles - 1))
    ids: list[str] = []
    lines = ["# SYNTHETIC corpus for the benchmark: the seed articles repeated under new ids.", ""]
    for i in range(n_articles):
        seed = seeds[i % len(seeds)]
        article_id = f"syn{i:0{width}d}-{seed.name}"
        shutil.copyfile(seed, out_dir / article_id)
        entry = {str(k): str(v) for k, v in meta.get(seed.name, {}).items()}
        entry["headline"] = f"[synthetic {i}] " + entry.get("headline", seed.stem)
        entry[REPRINT_CHECK_KEY] = "off"
        lines.append(f"[{_toml_string(article_id)}]")
        lines.extend(f"{key} = {_toml_string(value)}" for key, value in sorted(entry.items()))
        lines.append("")
        ids.append(article_id)
    (out_dir / "articles.toml").write_text("\n".join(lines), encoding="utf-8")
    return ids


INDEX_TIMER = """
import json, resource, sys, time
from pathlib import Path
from mapapp.pipeline.index import build_map_index
start = time.perf_counter()
index = build_map_index(seeds_dir=Path(sys.argv[1]))
seconds = time.perf_counter() - start
print(json.dumps({"seconds_ms": round(seconds * 1000, 1), "articles": len(index.articles), "mentions": len(index.mentions),
                  "problems": len(index.problems), "max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def time_index(seeds_dir: Path, repeats: int) -> dict[str, Any]:
    """build_map_index in a fresh interpreter each time (no in-memory boundary cache); the median run."""
    runs = []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-c", INDEX_TIMER, str(seeds_dir)],
            cwd=ROOT_DIR,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT_DIR)},
            timeout=300,
        )
        if done.returncode != 0:
            raise BenchError(
                f"build_map_index({seeds_dir}) failed with exit code {done.returncode}:\n{done.stderr[-3000:]}"
            )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["seconds_ms"])
    return {**runs[len(runs) // 2], "runs_ms": [r["seconds_ms"] for r in runs]}


def time_index_file_build(seeds_dir: Path, out: Path) -> dict[str, Any]:
    """`python -m mapapp index build --seeds DIR --out FILE` from scratch, timed: wall and CPU seconds
    (children included: the matching runs in worker processes), file size."""
    out.unlink(missing_ok=True)
    before = os.times()
    done = subprocess.run(
        [sys.executable, "-m", "mapapp", "index", "build", "--seeds", str(seeds_dir), "--out", str(out)],
        cwd=ROOT_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT_DIR)},
        timeout=900,
    )
    after = os.times()
    if done.returncode != 0:
        raise BenchError(f"index build ({seeds_dir}) failed with exit code {done.returncode}:\n{done.stderr[-3000:]}")
    return {
        "wall_ms": round((after.elapsed - before.elapsed) * 1000),
        "cpu_ms": round(
            (after.children_user + after.children_system - before.children_user - before.children_system) * 1000
        ),
        "bytes": out.stat().st_size,
        "said": done.stderr.strip().splitlines()[-1],
    }
