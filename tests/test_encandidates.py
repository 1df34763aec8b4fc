"""English candidates (encandidates.py, geodata/candidates_en.toml) through `find_candidates`, on
articles written for these tests in the shapes of English reports about the region."""

from __future__ import annotations

import pytest

from mapapp.paths import GEODATA_DIR, LAYERS_DIR
from mapapp.pipeline.candidates import find_candidates
from mapapp.pipeline.encandidates import load_english_candidate_rules
from mapapp.pipeline.index import build_map_index

ARTICLE = """Villages renovated in Quzhou

In Huren village, Gaojia town, Qujiang district, a new orchard opened. Yudong village in Kecheng district was renovated.
The railway has six stations, namely, Jiande, South Jiande, North Longyou, Qujiang, West Quzhou and Jiangshan.
Flights to Shenzhen, Kunming and Chengdu leave daily, and ships sail to Madrid, Spain.
Barges from the Longyou port area pass Lanke Mountain, Fushan Park and Nanhu Square.
Zhejiang Seaport Quzhou Port Affairs Co runs the wharf, and Jiang Yixiang of Quzhou Customs spoke on Monday.
Officials from Jiangxi, Anhui and Zhejiang met in the Quzhou Economic and Technological Development Zone.
Overall, Quzhou grew. Coffee now fills the village of Shanbian in Changshan county.
"""


@pytest.fixture(scope="module")
def candidates(tmp_path_factory):
    seeds = tmp_path_factory.mktemp("en-seeds")
    (seeds / "en.txt").write_text(ARTICLE, encoding="utf-8")
    (seeds / "articles.toml").write_text(
        '["en.txt"]\nheadline = "Villages"\ndate = "2025-12-01"\nlang = "en"\n', encoding="utf-8"
    )
    index = build_map_index(seeds, GEODATA_DIR, LAYERS_DIR)
    return {c.surface: c for c in find_candidates(index)}


def test_whole_new_names_with_their_kinds(candidates):
    kinds = {name: c.kind for name, c in candidates.items()}
    assert kinds == {
        "Huren village": "admin",
        "Yudong village": "admin",
        "Jiande": "station",
        "South Jiande": "station",
        "Qujiang": "station",  # a station the map lacks, though it shares the district's name
        "Shenzhen": "city",
        "Kunming": "city",
        "Chengdu": "city",
        "Madrid": "foreign city",
        "Longyou port area": "port",
        "Lanke Mountain": "landmark",
        "Fushan Park": "park",
        "Nanhu Square": "venue",
        "Anhui": "place",
        "Quzhou Economic and Technological Development Zone": "park",
        "Shanbian": "admin",  # "the village of Shanbian"; "Overall," opening a sentence is no place
    }


def test_parents_and_sentences(candidates):
    assert candidates["Huren village"].parent == "Gaojia town"
    assert candidates["Yudong village"].parent == "Kecheng district"
    assert candidates["Jiande"].parent is None  # a comma in a list is not a parent
    (sentence,) = candidates["Lanke Mountain"].sentences
    assert sentence.text[sentence.text.index("Lanke") :].startswith("Lanke Mountain")
    assert ARTICLE[sentence.start : sentence.end] == "Lanke Mountain"


def test_companies_and_offices_named_after_places_are_not_candidates(candidates):
    assert not [name for name in candidates if "Seaport" in name or "Customs" in name]


def test_candidate_rules_are_checked(tmp_path):
    path = tmp_path / "candidates_en.toml"
    path.write_text('[kinds]\nvillage = 3\n[words]\ntowards = "(unclosed"\n', encoding="utf-8")
    _rules, problems = load_english_candidate_rules(path)
    text = "\n".join(str(p) for p in problems)
    assert "kinds" in text and "expected a table of word = kind strings" in text
    assert "words.towards" in text and "not a valid regular expression" in text
    assert load_english_candidate_rules(GEODATA_DIR / "candidates_en.toml")[1] == []
