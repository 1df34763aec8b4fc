"""fingerprint: an added, changed or removed input file changes the digest and is named."""

from __future__ import annotations

import os
from pathlib import Path

from mapapp.pipeline.fingerprint import fingerprint_data


def make_dirs(tmp_path: Path) -> tuple[Path, Path, Path]:
    dirs = tuple(tmp_path / name for name in ("seeds", "geodata", "layers"))
    for folder in dirs:
        folder.mkdir()
    (dirs[0] / "a.txt").write_text("甲地新闻。", encoding="utf-8")
    (dirs[1] / "places.geojson").write_text("{}", encoding="utf-8")
    (dirs[2] / "rail.toml").write_text("", encoding="utf-8")
    return dirs  # type: ignore[return-value]


def test_same_files_same_digest(tmp_path: Path):
    dirs = make_dirs(tmp_path)
    assert fingerprint_data(*dirs).digest == fingerprint_data(*dirs).digest
    assert [s.path for s in fingerprint_data(*dirs).stamps] == [
        "geodata/places.geojson",
        "layers/rail.toml",
        "seeds/a.txt",
    ]


def test_added_changed_removed_files_are_named(tmp_path: Path):
    seeds, geodata, layers = make_dirs(tmp_path)
    before = fingerprint_data(seeds, geodata, layers)
    (seeds / "b.txt").write_text("乙地新闻。", encoding="utf-8")
    (geodata / "places.geojson").write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    (layers / "rail.toml").unlink()
    after = fingerprint_data(seeds, geodata, layers)
    assert after.digest != before.digest
    assert after.changed_paths(before) == {"seeds/b.txt", "geodata/places.geojson", "layers/rail.toml"}


def test_a_touch_with_the_same_size_is_a_change(tmp_path: Path):
    seeds, geodata, layers = make_dirs(tmp_path)
    before = fingerprint_data(seeds, geodata, layers)
    stat = os.stat(seeds / "a.txt")
    os.utime(seeds / "a.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert fingerprint_data(seeds, geodata, layers).changed_paths(before) == {"seeds/a.txt"}


def test_other_files_and_missing_folders_are_not_inputs(tmp_path: Path):
    seeds, geodata, layers = make_dirs(tmp_path)
    before = fingerprint_data(seeds, geodata, layers)
    (seeds / "notes.docx").write_bytes(b"x")
    assert fingerprint_data(seeds, geodata, layers).digest == before.digest
    assert fingerprint_data(tmp_path / "nope", geodata, layers).changed_paths(before) == {"seeds/a.txt"}


def test_the_stamps_are_the_files_the_patterns_glob(tmp_path):
    # read with os.scandir: the same files as pathlib's glob of each pattern, hidden names included,
    # folders and other names left out
    from mapapp.pipeline.fingerprint import INPUT_PATTERNS, fingerprint_data

    seeds, geodata, layers = tmp_path / "seeds", tmp_path / "geodata", tmp_path / "layers"
    for folder in (seeds, geodata / "sources", layers):
        folder.mkdir(parents=True)
    for path in (seeds / "a.txt", seeds / ".hidden.txt", seeds / "B.TXT", seeds / "articles.toml", seeds / "x.md"):
        path.write_text("x", encoding="utf-8")
    (seeds / "folder.txt").mkdir()
    for path in (geodata / "p.geojson", geodata / "sources" / "s.md", geodata / "README.md", layers / "l.toml"):
        path.write_text("y", encoding="utf-8")
    expected = sorted(
        f"{role}/{path.relative_to(folder).as_posix()}"
        for role, folder in (("seeds", seeds), ("geodata", geodata), ("layers", layers))
        for pattern in INPUT_PATTERNS[role]
        for path in folder.glob(pattern)
        if path.is_file()
    )
    stamps = fingerprint_data(seeds, geodata, layers).stamps
    assert [s.path for s in stamps] == sorted(set(expected))
    assert "seeds/.hidden.txt" in expected and "seeds/folder.txt" not in expected
    assert fingerprint_data(tmp_path / "none", geodata, layers).stamps == tuple(
        s for s in stamps if not s.path.startswith("seeds/")
    )
