"""The throttled data digest the app keys its index on (mapapp.pipeline.datawatch)."""

from __future__ import annotations

from pathlib import Path

from mapapp.pipeline.datawatch import DataWatch


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make_folders(root: Path) -> tuple[Path, Path, Path]:
    folders = (root / "seeds", root / "geodata", root / "layers")
    for folder in folders:
        folder.mkdir()
    (folders[0] / "a.txt").write_text("衢州", encoding="utf-8")
    (folders[1] / "f.geojson").write_text("{}", encoding="utf-8")
    (folders[2] / "l.toml").write_text("", encoding="utf-8")
    return folders


def test_a_new_changed_or_removed_article_changes_the_digest_after_the_interval(tmp_path):
    clock = FakeClock()
    watch = DataWatch(min_interval_s=1.0, clock=clock)
    folders = make_folders(tmp_path)
    first = watch.digest(*folders)
    (folders[0] / "b.txt").write_text("新文章", encoding="utf-8")
    clock.now += 0.5
    assert watch.digest(*folders) == first  # within the interval the files are not stamped again
    clock.now += 0.6
    added = watch.digest(*folders)
    assert added != first
    (folders[0] / "b.txt").write_text("新文章，改过了", encoding="utf-8")
    clock.now += 1.1
    changed = watch.digest(*folders)
    assert changed not in (first, added)
    (folders[0] / "b.txt").unlink()
    clock.now += 1.1
    assert watch.digest(*folders) == first  # back to the same files, sizes and mtimes


def test_each_set_of_folders_has_its_own_digest(tmp_path):
    watch = DataWatch(min_interval_s=60.0, clock=FakeClock())
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    one = make_folders(tmp_path / "one")
    two = make_folders(tmp_path / "two")
    (two[0] / "extra.txt").write_text("多一篇", encoding="utf-8")
    assert watch.digest(*one) != watch.digest(*two)


def test_a_save_in_this_process_is_seen_at_once_after_forget(tmp_path):
    clock = FakeClock()
    watch = DataWatch(min_interval_s=60.0, clock=clock)
    folders = make_folders(tmp_path)
    first = watch.digest(*folders)
    (folders[1] / "f.geojson").write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    assert watch.digest(*folders) == first  # throttled: not stamped again yet
    watch.forget()
    assert watch.digest(*folders) != first
