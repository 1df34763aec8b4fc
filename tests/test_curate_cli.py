"""`python -m mapapp curate ...` driven from outside, on temporary copies of tests/data."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mapapp.coords import wgs84_from_gcj02

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ARTICLE = "t9_curated.txt"
ARTICLE_TEXT = "测试新区\n\n去年开工的星河测试公园位于衢江区。\n"  # written for this test


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mapapp", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        input=stdin,
    )


def popen(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mapapp", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


@pytest.fixture
def folders(tmp_path) -> dict[str, list[str]]:
    for name in ("seeds", "geodata", "layers"):
        shutil.copytree(DATA / name, tmp_path / name)
    (tmp_path / "seeds" / ARTICLE).write_text(ARTICLE_TEXT, encoding="utf-8")
    data = ["--geodata", str(tmp_path / "geodata"), "--layers", str(tmp_path / "layers")]
    return {"data": data, "all": ["--seeds", str(tmp_path / "seeds"), *data], "root": [str(tmp_path)]}


def gymnasium(folders) -> tuple[float, float]:
    collection = json.loads(run("features", "--json", *folders["all"]).stdout)
    [feature] = [f for f in collection["features"] if f["properties"]["id"] == "qujiang-gymnasium"]
    return tuple(feature["geometry"]["coordinates"])


def add_args(name_zh: str, name_en: str, lon: float, lat: float, *, crs: str = "wgs84") -> list[str]:
    return [
        "curate",
        "add-place",
        "--name-zh",
        name_zh,
        "--name-en",
        name_en,
        "--category",
        "sports_venue",
        "--layer",
        "sports",
        "--lon",
        str(lon),
        "--lat",
        str(lat),
        "--crs",
        crs,
        "--precision-m",
        "50",
        "--source-title",
        "Test notice",
        "--source-ref",
        "https://example.org/notice",
        "--source-quote",
        "位于体育馆以东",
        "--by",
        "Ann",
    ]


def test_a_gcj02_place_is_stored_as_wgs84_is_mentioned_and_undone(folders):
    before = {p.name: p.read_bytes() for p in Path(folders["root"][0], "geodata").glob("*.*") if p.is_file()}
    lon, lat = gymnasium(folders)
    added = run(*add_args("星河测试公园", "Xinghe Test Park", lon + 0.004, lat, crs="gcj02"), *folders["data"])
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "xinghe-test-park"
    collection = json.loads(run("features", "--json", *folders["all"]).stdout)
    [feature] = [f for f in collection["features"] if f["properties"]["id"] == "xinghe-test-park"]
    expected = wgs84_from_gcj02(lon + 0.004, lat)
    assert feature["geometry"]["coordinates"] == [round(expected[0], 6), round(expected[1], 6)]
    mentions = json.loads(run("mentions", "--json", *folders["all"]).stdout)
    assert [m["surface"] for m in mentions if m["feature_id"] == "xinghe-test-park"] == ["星河测试公园"]
    assert run("validate", *folders["all"]).returncode == 0
    log = json.loads(run("curate", "log", "--json", *folders["data"]).stdout)
    assert [(c["action"], c["who"], c["subject"]) for c in log] == [("add-place", "Ann", "xinghe-test-park")]
    assert set(log[0]) >= {"id", "who", "when", "action", "before", "after"}
    undone = run("curate", "undo", log[0]["id"], *folders["data"])
    assert undone.returncode == 0, undone.stderr
    after = {p.name: p.read_bytes() for p in Path(folders["root"][0], "geodata").glob("*.*") if p.is_file()}
    assert after == before
    assert "(undone)" in run("curate", "log", *folders["data"]).stdout


def test_two_saves_at_once_from_two_processes_both_land(folders):
    lon, lat = gymnasium(folders)
    first = popen(*add_args("甲测试馆", "Jia Test Hall", lon + 0.003, lat), *folders["data"])
    second = popen(*add_args("乙测试馆", "Yi Test Hall", lon + 0.005, lat), *folders["data"])
    outputs = [first.communicate(timeout=120), second.communicate(timeout=120)]
    assert (first.returncode, second.returncode) == (0, 0), outputs
    ids = {f["properties"]["id"] for f in json.loads(run("features", "--json", *folders["all"]).stdout)["features"]}
    assert {"jia-test-hall", "yi-test-hall"} <= ids
    assert len(json.loads(run("curate", "log", "--json", *folders["data"]).stdout)) == 2


def test_move_alias_dismiss_and_correct_from_the_command_line(folders):
    lon, lat = gymnasium(folders)
    moved = run(
        "curate",
        "move",
        "qujiang-gymnasium",
        "--lon",
        str(lon + 0.001),
        "--lat",
        str(lat),
        "--precision-m",
        "40",
        "--source-title",
        "T",
        "--source-ref",
        "https://example.org",
        "--source-quote",
        "Q",
        *folders["data"],
    )
    assert moved.returncode == 0, moved.stderr
    assert run("curate", "add-alias", "qujiang-gymnasium", "衢江体育馆", *folders["data"]).returncode == 0
    assert run("curate", "dismiss", "四港", *folders["data"]).returncode == 0
    candidates = json.loads(run("candidates", "--json", *folders["all"]).stdout)
    assert "四港" not in {c["surface"] for c in candidates}
    mentions = json.loads(run("mentions", "--json", *folders["all"]).stdout)
    river = next(m for m in mentions if m["feature_id"] == "qujiang-river")
    seeds = ["--seeds", folders["all"][1]]
    fixed = run(
        "curate",
        "correct-mention",
        river["article"],
        str(river["start"]),
        str(river["end"]),
        "",
        *seeds,
        *folders["data"],
    )
    assert fixed.returncode == 0, fixed.stderr
    mentions = json.loads(run("mentions", "--json", *folders["all"]).stdout)
    assert not [m for m in mentions if (m["article"], m["start"]) == (river["article"], river["start"])]
    assert run("validate", *folders["all"]).returncode == 0


def test_a_refused_change_exits_1_with_the_validators_line(folders):
    lon, lat = gymnasium(folders)
    args = add_args("星河测试公园", "Xinghe Test Park", lon, lat)
    args[args.index("--layer") + 1] = "admin"
    refused = run(*args, *folders["data"])
    assert refused.returncode == 1
    assert "layer: is 'admin', which does not take category 'sports_venue'" in refused.stderr
    assert refused.stdout == ""
    missing = run("curate", "undo", *folders["data"])
    assert missing.returncode == 1 and "no change to undo" in missing.stderr


def test_hash_password_reads_stdin_and_refuses_a_short_password():
    made = run("curate", "hash-password", stdin="correct horse battery\n")
    assert made.returncode == 0 and made.stdout.startswith("scrypt$16384$8$1$")
    short = run("curate", "hash-password", stdin="short\n")
    assert short.returncode == 1 and "expected at least 12" in short.stderr
