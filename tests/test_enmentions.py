"""English mentions (mapapp/pipeline/enmentions.py, ennames.py) on sentences written for these tests
in the shapes of English news about the region; the data is the real geodata/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mapapp.paths import GEODATA_DIR, LAYERS_DIR
from mapapp.pipeline.corpus import article_from_text, display_texts
from mapapp.pipeline.ennames import build_english_names, load_english_rules
from mapapp.pipeline.gazetteer import load_gazetteer
from mapapp.pipeline.layers import load_layers
from mapapp.pipeline.mentions import MentionFinder


@pytest.fixture(scope="module")
def finder() -> MentionFinder:
    layers, _ = load_layers(LAYERS_DIR)
    return MentionFinder(load_gazetteer(GEODATA_DIR, layers))


def links(finder: MentionFinder, text: str) -> list[str]:
    article = article_from_text("en.txt", text, {"lang": "en", "date": "2025-12-01"})
    return [f"{' '.join(m.surface.split())}={m.feature_id}" for m in finder.find(article)]


def test_offsets_point_into_the_file_and_a_name_broken_by_a_line_break_is_found(finder):
    text = "Passengers boarded at the\nQuzhou West\nRailway Station on Monday.\n"
    article = article_from_text("en.txt", text, {"lang": "en", "date": "2025-12-01"})
    (mention,) = finder.find(article)
    assert mention.feature_id == "quzhou-west-station"
    assert text[mention.start : mention.end] == mention.surface == "Quzhou West\nRailway Station"
    shown, offsets = display_texts(article)[0]
    assert "the Quzhou West Railway Station on" in shown  # a line break inside an English sentence is a space
    assert offsets[shown.index("Quzhou")] == mention.start


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trains leave from Quzhouxi Railway Station.", ["Quzhouxi Railway Station=quzhou-west-station"]),
        ("Trains leave from West Quzhou railway station.", ["West Quzhou railway station=quzhou-west-station"]),
        ("The train reached Quzhou West at noon.", ["Quzhou West=quzhou-west-station"]),
        ("Ships call at the Port of Quzhou.", ["Port of Quzhou=quzhou-port"]),
        ("Ships call at Quzhou Port.", ["Quzhou Port=quzhou-port"]),
        ("Barges sail on the Qujiang River.", ["Qujiang River=qujiang-river"]),
        ("Work on the Hangqu high-speed rail is done.", ["Hangqu high-speed rail=hangqu-hsr"]),
        ("Work on the Hang-Qu HSR is done.", ["Hang-Qu HSR=hangqu-hsr"]),
        ("Work on the Quzhou-Hangzhou high-speed railway is done.", ["Quzhou-Hangzhou high-speed railway=hangqu-hsr"]),
        ("Plays run at the Quzhou Poly Grand Theater.", ["Quzhou Poly Grand Theater=quzhou-poly-grand-theatre"]),
        ("QUZHOU, March 3 (Xinhua) -- A bridge opened.", ["QUZHOU=quzhou-city"]),
        (
            "Officials of Qujiang District and Qujiang district met.",
            ["Qujiang District=qujiang-district", "Qujiang district=qujiang-district"],
        ),
        ("Goods go to the US and to us.", ["US=united-states"]),
        ("A citizen park opened.", []),
    ],
)
def test_variants_made_by_rules(finder, text, expected):
    assert links(finder, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The shop is on Quzhou Road.",
        "Barges leave the Longyou port area daily.",
        "Jiang Yixiang spoke for Quzhou Customs.",
        "Researchers at Zhejiang University said so.",
        "The Quzhou-Taizhou railway is planned.",
        "The Yangtze River Delta region is growing.",
        "Zhejiang Seaport Quzhou Port Affairs Co operates the terminals.",
    ],
)
def test_a_known_name_inside_a_longer_name_is_not_that_place(finder, text):
    assert links(finder, text) == []


def test_a_name_that_ends_in_its_admin_word_is_never_the_front_of_a_longer_name(finder):
    assert links(finder, "The third Kaihua County Tea Festival opened in Kaihua.") == [
        "Kaihua County=kaihua-county",
        "Kaihua=kaihua-county",
    ]


def test_a_known_name_with_lower_case_words_around_it_is_a_mention(finder):
    assert links(finder, "The Quzhou government and a Quzhou-based firm met.") == [
        "Quzhou=quzhou-city",
        "Quzhou=quzhou-city",
    ]
    # in a title-case headline capitals do not mark a longer name
    assert links(finder, "Quzhou Port Throughput Up In First Quarter") == ["Quzhou Port=quzhou-port"]


def test_child_first_and_parent_first_chains_are_one_mention_of_the_inner_place(finder):
    assert links(finder, "In Huren village, Gaojia town, Qujiang district, Quzhou city, an orchard opened.") == [
        "Gaojia town, Qujiang district, Quzhou city=gaojia-town"
    ]
    assert links(finder, "Quzhou, East China's Zhejiang province, grows.") == [
        "Quzhou, East China's Zhejiang province=quzhou-city"
    ]
    assert links(finder, "Containers fill the Qujiang port area of Quzhou Port.") == [
        "Qujiang port area of Quzhou Port=qujiang-port-area"
    ]
    assert links(finder, "Quzhou's Kecheng district hosts it.") == ["Quzhou's Kecheng district=kecheng-district"]
    # "in" is not a chain: both places are named
    assert links(finder, "It lies in Kecheng district in Quzhou.") == [
        "Kecheng district=kecheng-district",
        "Quzhou=quzhou-city",
    ]


def test_a_list_of_places_is_not_a_chain(finder):
    assert links(finder, "Quzhou borders Zhejiang, Fujian and Jiangxi provinces.")[1:] == [
        "Zhejiang=zhejiang-province",
        "Fujian=fujian-province",
        "Jiangxi=jiangxi-province",
    ]


def test_names_in_a_list_of_stations_are_the_stations(finder):
    found = links(
        finder, "The line has five stations, namely, Jiande, North Longyou, Qujiang, West Quzhou and Jiangshan."
    )
    assert found == [
        "North Longyou=longyou-north-station",
        "West Quzhou=quzhou-west-station",
        "Jiangshan=jiangshan-station",
    ]


def test_a_plural_ending_is_shared_by_the_names_listed_before_it(finder):
    assert links(finder, "Trains call at Longyou, Quzhou and Jiangshan stations.") == [
        "Longyou=longyou-station",
        "Quzhou=quzhou-station",
        "Jiangshan=jiangshan-station",
    ]
    assert links(finder, "Boats use the Qujiang, Lanjiang and Fuchun rivers.") == [
        "Qujiang=qujiang-river",
        "Lanjiang=lanjiang-river",
        "Fuchun=fuchunjiang-river",
    ]


def test_the_bare_name_after_the_is_the_river_of_that_name(finder):
    assert links(finder, "Fish ponds are fed by the Qujiang, which Qujiang farmers use.") == [
        "Qujiang=qujiang-river",
        "Qujiang=qujiang-district",
    ]


def test_chinese_articles_are_not_read_by_the_english_finder(finder):
    article = article_from_text("zh.txt", "衢州港衢江港区开通新航线。Quzhou Port", {"lang": "zh", "date": "2025-12"})
    assert [m.feature_id for m in finder.find(article)] == ["qujiang-port-area"]


def test_english_aliases_are_checked_and_a_name_claimed_twice_is_a_problem(tmp_path):
    for path in GEODATA_DIR.iterdir():
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())
    admin = json.loads((tmp_path / "admin.geojson").read_text(encoding="utf-8"))
    by_id = {f["properties"]["id"]: f["properties"] for f in admin["features"]}
    by_id["quzhou-city"]["aliases_en"] = ["衢州", ""]
    by_id["kecheng-district"]["aliases_en"] = ["Kaihua"]  # Kaihua County's own bare name
    (tmp_path / "admin.geojson").write_text(json.dumps(admin, ensure_ascii=False), encoding="utf-8")
    layers, _ = load_layers(LAYERS_DIR)
    problems = [str(p) for p in load_gazetteer(tmp_path, layers).problems]
    assert any("'quzhou-city': aliases_en: is ['衢州', '']" in p for p in problems)
    assert any("'kaihua' is claimed by 2 features" in p for p in problems)


def test_naming_rules_are_checked(tmp_path):
    path = tmp_path / "english_names.toml"
    path.write_text(
        'reversible = ["rail_line"]\n[whole_names]\nafter = "(unclosed"\n[rivers]\nspellings = []\n', encoding="utf-8"
    )
    problems: list = []
    load_english_rules(path, problems)
    text = "\n".join(str(p) for p in problems)
    assert "'whole_names': after: is not a valid regular expression" in text
    assert "'rivers': categories: is None; expected a list of feature categories" in text
    rules = load_english_rules(GEODATA_DIR / "english_names.toml", problems := [])
    assert problems == [] and "rail_station" in rules.station_categories


def test_every_feature_has_english_forms_and_own_names_win_over_variants():
    layers, _ = load_layers(LAYERS_DIR)
    gazetteer = load_gazetteer(GEODATA_DIR, layers)
    names = build_english_names(gazetteer.features, gazetteer.english_rules)
    held = {form.feature_id for form in names.forms.values()}
    assert set(gazetteer.features) - held == set()
    assert names.forms[("quzhou", "comprehensive", "bonded", "zone")].feature_id == "quzhou-bonded-zone"
    assert not [p for p in gazetteer.problems if p.field == "aliases_en"]
    assert Path(GEODATA_DIR / "english_names.toml").exists()
