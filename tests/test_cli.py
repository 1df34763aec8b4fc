"""The CLI as a curator and CI use it: exit codes, one line per problem, golden JSON output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
TINY = ["--seeds", str(DATA / "seeds"), "--geodata", str(DATA / "geodata"), "--layers", str(DATA / "layers")]
INTAKE = ["--seeds", str(DATA / "intake"), *TINY[2:]]  # articles taken in with no articles.toml


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mapapp", *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("golden", "args"),
    [
        ("mentions.json", ["mentions", "--json"]),
        ("excerpts-dalu-zhang-zone.json", ["excerpts", "dalu-zhang-zone", "--json"]),
        ("excerpts-quzhou-city.json", ["excerpts", "quzhou-city", "--json"]),
        (
            "excerpts-qujiang-administrative-service-centre.json",
            ["excerpts", "qujiang-administrative-service-centre", "--json"],
        ),
    ],
)
def test_output_matches_reviewed_golden_file(golden: str, args: list[str]):
    # Regenerate with tests/data/make_golden.py and review the diff.
    result = run(*args, *TINY)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads((DATA / "golden" / golden).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("golden", "args"),
    [
        ("intake-mentions.json", ["mentions", "--json"]),
        ("intake-candidates.json", ["candidates", "--json"]),
        ("intake-excerpts-dalu-zhang-zone.json", ["excerpts", "dalu-zhang-zone", "--json"]),  # traditional stays so
    ],
)
def test_intake_output_matches_reviewed_golden_file(golden: str, args: list[str]):
    result = run(*args, *INTAKE)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads((DATA / "golden" / golden).read_text(encoding="utf-8"))


def test_mentions_json_contract():
    rows = json.loads(run("mentions", "--json", *TINY).stdout)
    assert rows and all(set(row) == {"article", "start", "end", "surface", "feature_id"} for row in rows)
    for row in rows:
        text = (DATA / "seeds" / row["article"]).open(encoding="utf-8", newline="").read()
        assert text[row["start"] : row["end"]] == row["surface"]


def test_features_json_is_a_feature_collection_with_resolved_boundaries():
    collection = json.loads(run("features", "--json", *TINY).stdout)
    assert collection["type"] == "FeatureCollection"
    by_id = {f["properties"]["id"]: f for f in collection["features"]}
    assert by_id["quzhou-city"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert "boundary" not in by_id["quzhou-city"]["properties"]
    assert by_id["dalu-zhang-zone"]["properties"]["sources"]


def test_excerpts_unknown_feature_exits_2_and_says_how_to_list_ids():
    result = run("excerpts", "no-such-place", "--json", *TINY)
    assert result.returncode == 2
    assert "no feature with id 'no-such-place'" in result.stderr and "mapapp features" in result.stderr


def test_validate_clean_tiny_data_exits_0():
    result = run("validate", *TINY)
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""


def test_validate_reports_each_problem_on_its_own_line(tmp_path: Path):
    seeds = tmp_path / "seeds"
    shutil.copytree(DATA / "seeds", seeds)
    (seeds / "gbk.txt").write_bytes("衢州港".encode("gbk"))
    (seeds / "empty.txt").write_bytes(b"")
    geodata = tmp_path / "geodata"
    shutil.copytree(DATA / "geodata", geodata)
    features = json.loads((geodata / "subset.geojson").read_text(encoding="utf-8"))["features"]
    dup = next(f for f in features if f["properties"]["id"] == "kangao-zone")
    dup["properties"]["aliases"] = []
    (geodata / "zz.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [dup]}, ensure_ascii=False), encoding="utf-8"
    )
    result = run("validate", "--seeds", str(seeds), "--geodata", str(geodata), "--layers", str(DATA / "layers"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("gbk.txt: encoding: is not valid UTF-8") for line in lines)
    assert "empty.txt: text: is empty; expected the article text" in lines
    assert any(line.startswith("zz.geojson: 'kangao-zone': id: is already used") for line in lines)
    assert len(lines) == 3


def test_candidates_lists_uncovered_place_like_names(tmp_path: Path):
    seeds = tmp_path / "seeds"
    shutil.copytree(DATA / "seeds", seeds)
    (seeds / "t3.txt").write_text("游客来到江郎山景区和廿八都古镇。", encoding="utf-8")
    result = run(
        "candidates",
        "--json",
        "--seeds",
        str(seeds),
        "--geodata",
        str(DATA / "geodata"),
        "--layers",
        str(DATA / "layers"),
    )
    assert result.returncode == 0
    surfaces = [row["surface"] for row in json.loads(result.stdout)]
    assert any("江郎山" in s for s in surfaces)
    assert not any("大路章作业区" in s for s in surfaces)  # already a feature


def test_validate_checks_the_candidate_and_name_part_rules(tmp_path: Path):
    geodata = tmp_path / "geodata"
    shutil.copytree(DATA / "geodata", geodata)
    (geodata / "candidates.toml").write_text('[kinds]\n"村" = 3\n', encoding="utf-8")
    (geodata / "name_parts.toml").write_text(
        'organs = "委"\nnamed_after = ["zone"]\n[heads]\n"路" = "street"\n', encoding="utf-8"
    )
    result = run(
        "validate", "--seeds", str(DATA / "seeds"), "--geodata", str(geodata), "--layers", str(DATA / "layers")
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "candidates.toml: 'kinds': is {'村': 3}; expected a table of suffix = kind strings" in lines
    assert "name_parts.toml: 'organs': is '委'; expected a list of words" in lines
    assert any(
        line.startswith("name_parts.toml: 'named_after': names kind 'zone', which no head has") for line in lines
    )


def test_candidates_json_gives_kind_parent_and_sentences_with_offsets():
    result = run("candidates", "--json", *INTAKE)
    rows = {row["surface"]: row for row in json.loads(result.stdout)}
    village = rows["下张村"]
    assert (village["kind"], village["parent"], village["count"]) == ("admin", "樟潭街道", 1)
    [sentence] = village["sentences"]
    text = (DATA / "intake" / sentence["article"]).open(encoding="utf-8", newline="").read()
    assert text[sentence["start"] : sentence["end"]] == "下张村"
    assert sentence["text"].startswith("示范点位于衢江区樟潭街道下张村")
