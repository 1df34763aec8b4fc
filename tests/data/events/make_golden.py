"""Regenerate the golden events/figures output for the events test corpus, and the reviewed events
of three facilities in the real seeds/ (run from the repo root, then review the diff):

.venv/bin/python tests/data/events/make_golden.py && git diff tests/data/events/golden
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
DATA_ARGS = ["--seeds", str(HERE / "seeds"), "--geodata", str(DATA / "geodata"), "--layers", str(DATA / "layers")]
GOLDEN = {
    "events.json": ["events", "--json"],
    "figures.json": ["figures", "--json"],
}
# The facilities whose timelines were read sentence by sentence in the real seeds (issue 14); offsets
# are left out so that a change in how the text is read does not churn this file.
SEED_FEATURES = ("hangqu-hsr", "quzhou-bonded-zone", "qujiang-port-area")
SEED_FIELDS = ("article", "date", "date_end", "evidence", "expected", "feature_id", "kind", "relative")


def _cli_runner():
    """tests/data/make_golden.py's run_cli (one way to run the CLI for golden files), loaded by path:
    both scripts are named make_golden, so a plain import could find this one."""
    spec = importlib.util.spec_from_file_location("tiny_corpus_make_golden", DATA / "make_golden.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.run_cli


def run_cli(args: list[str], data_args: list[str] = DATA_ARGS) -> str:
    return _cli_runner()(args, data_args)


def main() -> None:
    (HERE / "golden").mkdir(exist_ok=True)
    for name, args in GOLDEN.items():
        (HERE / "golden" / name).write_text(run_cli(args), encoding="utf-8")
    (HERE / "golden" / "seeds-events.json").write_text(seed_events(run_cli(["events", "--json"], [])), encoding="utf-8")


def seed_events(output: str) -> str:
    """The CLI's events on the real seeds, for SEED_FEATURES, without offsets."""
    rows = [{key: row[key] for key in SEED_FIELDS} for row in json.loads(output) if row["feature_id"] in SEED_FEATURES]
    return json.dumps(rows, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    main()
