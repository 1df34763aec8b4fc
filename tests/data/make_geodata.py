"""Regenerate tests/data/geodata/ from the real gazetteer (run from the repo root):

    .venv/bin/python tests/data/make_geodata.py

The test gazetteer is a verbatim subset of geodata/*.geojson (positions, sources and aliases as
curated there), so the tiny corpus is matched against real, sourced features.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEEP = {
    "quzhou-city",
    "qujiang-district",
    "qujiang-river",
    "quzhou-port",
    "qujiang-port-area",
    "dalu-zhang-zone",
    "kangao-zone",
    "ningbo-zhoushan-port",
    "meishan-port-area",
    "tacoma-port",
    "united-states",
    "seattle",
    "qujiang-gymnasium",
    "qujiang-administrative-service-centre",
    "qujiang-new-town",
    # issue 11: counties that share their names with rivers, and those rivers
    "changshan-county",
    "jiangshan-city",
    "longyou-county",
    "changshan-river",
    "jiangshan-river",
}


def main() -> None:
    features = []
    for path in sorted((ROOT / "geodata").glob("*.geojson")):
        data = json.loads(path.read_text(encoding="utf-8"))
        features.extend(f for f in data["features"] if f["properties"]["id"] in KEEP)
    features.sort(key=lambda f: f["properties"]["id"])
    missing = KEEP - {f["properties"]["id"] for f in features}
    if missing:
        raise SystemExit(f"make_geodata: not in geodata/: {sorted(missing)}")
    out = ROOT / "tests" / "data" / "geodata"
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=2, sort_keys=True)
    (out / "subset.geojson").write_text(text + "\n", encoding="utf-8")
    # the naming rules whose features are all in the subset
    rules = (ROOT / "geodata" / "disambiguation.toml").read_text(encoding="utf-8").split("\n[[name]]")
    kept = [rules[0]] + [
        block
        for block in rules[1:]
        if all(fid in KEEP for fid in re.findall(r'(?:default|feature) = "([a-z0-9-]+)"', block))
    ]
    (out / "disambiguation.toml").write_text("\n[[name]]".join(kept), encoding="utf-8")
    # the words of longer names and the candidate rules apply to any features: copied whole
    for name in ("name_parts.toml", "candidates.toml"):
        shutil.copyfile(ROOT / "geodata" / name, out / name)
    layers_out = ROOT / "tests" / "data" / "layers"
    layers_out.mkdir(exist_ok=True)
    for layer_id in sorted({f["properties"]["layer"] for f in features}):
        shutil.copyfile(ROOT / "layers" / f"{layer_id}.toml", layers_out / f"{layer_id}.toml")


if __name__ == "__main__":
    main()
