"""Regenerate the golden CLI outputs for the tiny corpus (run from the repo root, then review the diff):

.venv/bin/python tests/data/make_golden.py && git diff tests/data/golden
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent
ROOT = DATA.parents[1]
DATA_ARGS = ["--seeds", str(DATA / "seeds"), "--geodata", str(DATA / "geodata"), "--layers", str(DATA / "layers")]
GOLDEN = {
    "mentions.json": ["mentions", "--json"],
    "excerpts-dalu-zhang-zone.json": ["excerpts", "dalu-zhang-zone", "--json"],
    "excerpts-quzhou-city.json": ["excerpts", "quzhou-city", "--json"],
    "excerpts-qujiang-administrative-service-centre.json": [
        "excerpts",
        "qujiang-administrative-service-centre",
        "--json",
    ],
}
# Articles taken in without an articles.toml entry (intake/): traditional characters, inline pinyin,
# rivers named like counties, new place names. Same gazetteer and layers as the tiny corpus.
INTAKE_ARGS = ["--seeds", str(DATA / "intake"), *DATA_ARGS[2:]]
INTAKE_GOLDEN = {
    "intake-mentions.json": ["mentions", "--json"],
    "intake-candidates.json": ["candidates", "--json"],
    "intake-excerpts-dalu-zhang-zone.json": ["excerpts", "dalu-zhang-zone", "--json"],
}


def run_cli(args: list[str], data_args: list[str] = DATA_ARGS) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mapapp", *args, *data_args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return result.stdout


def main() -> None:
    (DATA / "golden").mkdir(exist_ok=True)
    for name, args in GOLDEN.items():
        (DATA / "golden" / name).write_text(run_cli(args), encoding="utf-8")
    for name, args in INTAKE_GOLDEN.items():
        (DATA / "golden" / name).write_text(run_cli(args, INTAKE_ARGS), encoding="utf-8")


if __name__ == "__main__":
    main()
