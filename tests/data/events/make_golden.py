"""Regenerate the golden events/figures output for the events test corpus (run from the repo root,
then review the diff):

.venv/bin/python tests/data/events/make_golden.py && git diff tests/data/events/golden
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
DATA = HERE.parent
DATA_ARGS = ["--seeds", str(HERE / "seeds"), "--geodata", str(DATA / "geodata"), "--layers", str(DATA / "layers")]
GOLDEN = {
    "events.json": ["events", "--json"],
    "figures.json": ["figures", "--json"],
}


def run_cli(args: list[str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mapapp", *args, *DATA_ARGS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return result.stdout


def main() -> None:
    (HERE / "golden").mkdir(exist_ok=True)
    for name, args in GOLDEN.items():
        (HERE / "golden" / name).write_text(run_cli(args), encoding="utf-8")


if __name__ == "__main__":
    main()
