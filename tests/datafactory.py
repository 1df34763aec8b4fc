"""Hostile and broken data folders for the hardening tests, made from the tiny corpus in tests/data.

`make_hostile_data` writes seeds/, geodata/ and layers/ whose every string a reader sees carries
markup, script, quotes, backticks and regex/format back-references; `make_broken_data` adds one of
each kind of broken input to otherwise good data. Both return what the tests need to check.
"""

from __future__ import annotations

import copy
import json
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from mapapp.models import Feature, Source

DATA = Path(__file__).resolve().parent / "data"

# Each piece would set window.qzPwned (or open a dialog) if it ever ran.
SCRIPT = "<script>window.qzPwned='script'</script>"
IMG = "<img src=x onerror=\"window.qzPwned='img'\">"
BREAKOUT = "\"'><svg onload=alert('svg')>"
TEMPLATE = "`${window.qzPwned='tpl'}`"
BACKREFS = r"\1 \g<0> $1 $& {0} %s"
MARKDOWN = "[点我](javascript:window.qzPwned='md') **粗** :red[红]"
JINJA = "{{ 7*7 }} {% bogus %} {{"  # branca compiles rendered scripts as templates (mapapp.map.lazytemplates)
EVIL = f"{SCRIPT}{IMG}{BREAKOUT}{TEMPLATE}{BACKREFS}{MARKDOWN}{JINJA}"

HOSTILE_FEATURE_ID = "evil-gym"
HOSTILE_ARTICLE = "t9_evil.txt"


@dataclass(frozen=True)
class DataFolders:
    seeds_dir: Path
    geodata_dir: Path
    layers_dir: Path

    def env(self) -> dict[str, str]:
        """The variables that point the app at these folders."""
        return {
            "QZ_SEEDS_DIR": str(self.seeds_dir),
            "QZ_GEODATA_DIR": str(self.geodata_dir),
            "QZ_LAYERS_DIR": str(self.layers_dir),
        }

    def cli_args(self) -> list[str]:
        return ["--seeds", str(self.seeds_dir), "--geodata", str(self.geodata_dir), "--layers", str(self.layers_dir)]


@dataclass(frozen=True)
class HostileData:
    folders: DataFolders
    feature_id: str
    name_zh: str
    name_en: str
    alias: str
    description: str
    source_title: str
    source_quote: str
    headline: str
    layer_title_zh: str
    sentence: str  # the article sentence that names the feature


def copy_tiny_data(root: Path) -> DataFolders:
    folders = DataFolders(root / "seeds", root / "geodata", root / "layers")
    shutil.copytree(DATA / "seeds", folders.seeds_dir)
    shutil.copytree(DATA / "geodata", folders.geodata_dir)
    shutil.copytree(DATA / "layers", folders.layers_dir)
    return folders


def _tiny_features(folders: DataFolders) -> list[dict]:
    return json.loads((folders.geodata_dir / "subset.geojson").read_text(encoding="utf-8"))["features"]


def _tiny_feature(folders: DataFolders, feature_id: str) -> dict:
    return copy.deepcopy(next(f for f in _tiny_features(folders) if f["properties"]["id"] == feature_id))


def write_features(path: Path, features: list[dict]) -> None:
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )


def make_hostile_data(root: Path) -> HostileData:
    """The tiny corpus plus an article, a feature and a layer title full of markup and script."""
    folders = copy_tiny_data(root)
    name_zh = f"测试馆{EVIL}"
    alias = f"毒馆{SCRIPT}`\\1`"
    sentence = f"“浙BA”的新主场设在{name_zh}，也叫{alias}。"
    headline = f"标题{EVIL}"
    (folders.seeds_dir / HOSTILE_ARTICLE).write_text(
        f"{headline}\n\n{sentence}\n\n{EVIL}又一段，没有地名。\n", encoding="utf-8"
    )
    with (folders.seeds_dir / "articles.toml").open("a", encoding="utf-8") as toml:
        toml.write(
            f'\n["{HOSTILE_ARTICLE}"]\nheadline = {json.dumps(headline, ensure_ascii=False)}\nsection = "专题"\n'
            f'byline = {json.dumps(EVIL, ensure_ascii=False)}\ndate = "2026-01<b>"\ndate_basis = "test fixture"\n'
        )
    gym = _tiny_feature(folders, "qujiang-gymnasium")
    lon, lat = gym["geometry"]["coordinates"]
    gym["geometry"]["coordinates"] = [round(lon + 0.02, 6), round(lat + 0.01, 6)]  # not on top of the real gym
    name_en = f"Evil gym {EVIL}"
    description = f"描述{EVIL}"
    source_title = f"来源{EVIL}"
    source_quote = f"引文{EVIL}"
    gym["properties"].update(
        id=HOSTILE_FEATURE_ID,
        name_zh=name_zh,
        name_en=name_en,
        aliases=[alias],
        description=description,
        sources=[
            {"title": source_title, "ref": "javascript:window.qzPwned='ref'", "quote": source_quote},
            {"title": "link", "ref": "https://example.org/\"><script>window.qzPwned='href'</script>", "quote": SCRIPT},
        ],
    )
    write_features(folders.geodata_dir / "evil.geojson", [gym])
    layer_title_zh = f"体育场馆{SCRIPT}**"
    sports = folders.layers_dir / "sports.toml"
    text = sports.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("title_zh"))
    sports.write_text(
        text.replace(line, f"title_zh = {json.dumps(layer_title_zh, ensure_ascii=False)}"), encoding="utf-8"
    )
    return HostileData(
        folders=folders,
        feature_id=HOSTILE_FEATURE_ID,
        name_zh=name_zh,
        name_en=name_en,
        alias=alias,
        description=description,
        source_title=source_title,
        source_quote=source_quote,
        headline=headline,
        layer_title_zh=layer_title_zh,
        sentence=sentence,
    )


# What make_broken_data breaks, and what `validate` must say about each: (file, item, field, words).
BROKEN_EXPECTED: tuple[tuple[str, str, str, str], ...] = (
    ("gbk.txt", "", "encoding", "expected UTF-8"),
    ("empty.txt", "", "text", "expected the article text"),
    ("binary.txt", "", "encoding", "expected UTF-8 text"),
    ("huge.txt", "", "size", "expected at most 2,000,000"),
    ("malformed.geojson", "", "json", "expected a GeoJSON FeatureCollection"),
    ("binary.geojson", "", "encoding", "expected a UTF-8 GeoJSON file"),
    ("zz-broken.geojson", "bowtie-park", "geometry", "expected a valid geometry"),
    ("zz-broken.geojson", "swapped-gym", "geometry", "swap the two numbers"),
    ("zz-broken.geojson", "kangao-zone", "id", "expected unique ids"),
    ("zz-broken.geojson", "lost-place", "layer", "expected one of the layers in layers/"),
    ("broken.toml", "", "toml", "expected"),
)
HUGE_ARTICLE_BYTES = 5_000_000


def make_broken_data(root: Path) -> DataFolders:
    """The tiny corpus plus one file or feature for each kind of broken input in BROKEN_EXPECTED."""
    folders = copy_tiny_data(root)
    seeds = folders.seeds_dir
    (seeds / "gbk.txt").write_bytes("衢州港衢江港区大路章作业区。".encode("gbk"))
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "binary.txt").write_bytes(bytes(range(256)) * 8)
    line = "衢江港区大路章作业区一期技改，建成投运坎高作业区一期。\n".encode()
    (seeds / "huge.txt").write_bytes(line * (HUGE_ARTICLE_BYTES // len(line) + 1))
    geodata = folders.geodata_dir
    (geodata / "binary.geojson").write_bytes(bytes(range(256)) * 8)
    (geodata / "malformed.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    park = _tiny_feature(folders, "qujiang-gymnasium")
    park["properties"].update(id="bowtie-park", name_zh="蝴蝶结公园", aliases=[])
    lon, lat = park["geometry"]["coordinates"]
    d = 0.01
    park["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + d, lat + d], [lon + d, lat], [lon, lat + d], [lon, lat]]],
    }
    swapped = _tiny_feature(folders, "qujiang-gymnasium")
    swapped["properties"].update(id="swapped-gym", name_zh="颠倒体育馆", aliases=[])
    swapped["geometry"]["coordinates"] = [lat, lon]
    duplicate = _tiny_feature(folders, "kangao-zone")
    duplicate["properties"]["aliases"] = []
    lost = _tiny_feature(folders, "qujiang-gymnasium")
    lost["properties"].update(id="lost-place", name_zh="迷路馆", aliases=[], layer="nope")
    write_features(geodata / "zz-broken.geojson", [park, swapped, duplicate, lost])
    (folders.layers_dir / "broken.toml").write_text('id = "broken"\ntitle_zh = "坏图层\n', encoding="utf-8")
    return folders


def make_gym(sources: tuple[Source, ...] = (Source("t", "r", "q"),), **changes) -> Feature:
    """A small Feature record (衢江区体育馆 as an area ±10 km) for unit tests; `changes` replace fields."""
    gym = Feature(
        "gym",
        "衢江区体育馆",
        "Qujiang Gymnasium",
        (),
        "sports_venue",
        "sports",
        "operating",
        10_000,
        "area",
        False,
        sources,
        "",
        {"type": "Point", "coordinates": [118.95, 28.96]},
        {},
    )
    return replace(gym, **changes)
