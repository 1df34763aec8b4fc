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


def test_a_slow_stamp_is_taken_in_the_background_and_readers_keep_the_digest_meanwhile(tmp_path):
    clock = FakeClock()
    watch = DataWatch(min_interval_s=1.0, sync_limit_s=0.0, clock=clock)  # every stamp counts as slow
    folders = make_folders(tmp_path)
    first = watch.digest(*folders)  # the first stamp is always taken at once
    (folders[0] / "b.txt").write_text("新文章", encoding="utf-8")
    clock.now += 1.1
    assert watch.digest(*folders) == first  # due again: stamped in the background, the old digest served
    watch.settle()
    assert watch.digest(*folders) != first  # the background stamp saw the new article


def test_forget_wins_over_a_stamp_begun_before_it(tmp_path, monkeypatch):
    from mapapp.pipeline import datawatch

    watch = DataWatch(min_interval_s=60.0, clock=FakeClock())
    folders = make_folders(tmp_path)
    real = datawatch.fingerprint_data

    def stamp_during_which_a_save_lands(*args):
        result = real(*args)  # the files as they were before the save
        (folders[1] / "f.geojson").write_text('{"type": "FeatureCollection"}', encoding="utf-8")
        watch.forget()  # what the app does after a curator's save
        return result

    monkeypatch.setattr(datawatch, "fingerprint_data", stamp_during_which_a_save_lands)
    before_save = watch.digest(*folders)
    monkeypatch.setattr(datawatch, "fingerprint_data", real)
    assert watch.digest(*folders) != before_save  # the stale stamp was not kept: stamped again at once
