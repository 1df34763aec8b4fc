"""Events and figures from English sentences (enevents.py, enfigures.py): own sentences in the shapes
of English reports about the region, read through the pipeline as one article each."""

from __future__ import annotations

import pytest

from mapapp.paths import GEODATA_DIR, LAYERS_DIR
from mapapp.pipeline.corpus import article_from_text
from mapapp.pipeline.events import find_events
from mapapp.pipeline.figures import find_figures
from mapapp.pipeline.gazetteer import load_gazetteer
from mapapp.pipeline.layers import load_layers
from mapapp.pipeline.mentions import MentionFinder


@pytest.fixture(scope="module")
def finder() -> MentionFinder:
    layers, _ = load_layers(LAYERS_DIR)
    return MentionFinder(load_gazetteer(GEODATA_DIR, layers))


def read(finder: MentionFinder, text: str, date: str = "2025-12-05"):
    article = article_from_text("en.txt", text, {"lang": "en", "date": date})
    mentions = finder.find(article)
    features = finder.gazetteer.features
    return article, find_events([article], mentions, features), find_figures([article], mentions, features)


def summary(events) -> list[tuple]:
    return [(e.feature_id, e.kind, e.date, e.date_end, e.relative, e.expected) for e in events]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Quzhou-Ningde Railway was put into operation on September 27, 2020.",
            [("quning-railway", "opened", "2020-09-27", None, False, False)],
        ),
        (
            "On Sept 27, the Quzhou-Ningde Railway was put into operation.",
            [("quning-railway", "opened", "2025-09-27", None, True, False)],
        ),
        (
            "Construction of the Hangzhou-Quzhou high-speed railway started in March 2019.",
            [("hangqu-hsr", "construction_started", "2019-03", None, False, False)],
        ),
        (
            "The Hangzhou-Quzhou high-speed railway will open to traffic next year.",
            [("hangqu-hsr", "opened", "2026", None, True, True)],
        ),
        (
            "The soon-to-open Hangzhou-Quzhou high-speed railway will cut travel time.",
            [("hangqu-hsr", "planned", None, None, False, True)],
        ),
        (
            "Quzhou Airport and Quzhou West Railway Station opened in 2025.",
            [
                ("quzhou-airport", "opened", "2025", None, False, False),
                ("quzhou-west-station", "opened", "2025", None, False, False),
            ],
        ),
        (
            "Quzhou Airport opened a new route to Taiyuan on Monday.",
            [
                ("quzhou-airport", "milestone", "2025-12-01", None, True, False),
                ("route-quzhou-taiyuan", "milestone", "2025-12-01", None, True, False),
            ],
        ),
        (
            "The Qujiang Port Area Customs Supervision Site was approved in June.",
            [("qujiang-customs-zone", "approved", "2025-06", None, True, False)],
        ),
        ("After the railway opens, travel from Quzhou West Station will take 40 minutes.", []),
        ("Quzhou, a city of 2.3 million people, opened its museum in 2019.", []),
    ],
)
def test_events(finder, text, expected):
    _article, events, _figures = read(finder, text)
    assert summary(events) == expected


def test_it_and_the_railway_refer_to_the_facility_named_before(finder):
    _article, events, figures = read(
        finder,
        "The Quzhou-Ningde Railway is a national project. It began construction in 2015. "
        "The railway handled 2 million passengers in 2024.",
    )
    assert summary(events) == [("quning-railway", "construction_started", "2015", None, False, False)]
    assert [(f.feature_id, f.quantity, f.value, f.unit, f.period) for f in figures] == [
        ("quning-railway", "throughput", 2.0, "million passengers", "2024")
    ]


def test_events_are_traced_to_their_sentences(finder):
    text = "Demand grew.\nThe Quzhou-Ningde Railway opened on September 27, 2020."
    article, (event,), _ = read(finder, text)
    assert text[event.start : event.end] == "The Quzhou-Ningde Railway opened on September 27, 2020."
    assert [event.sentence[s:e] for s, e in event.evidence_spans] == ["opened", "September 27, 2020"]
    assert event.article_id == article.article_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Quzhou Port handled 1.55 million metric tons of cargo in the first three months of 2023.",
            [("quzhou-port", "throughput", 1.55, "million metric tons", "", None, "2023-01", "2023-03")],
        ),
        (
            "By the end of October, container throughput at the Qujiang port area of Quzhou Port had reached 15,000 twenty-foot equivalent units.",
            [("qujiang-port-area", "throughput", 15000.0, "teu", "", None, "2025-10", None)],
        ),
        (
            "Quzhou Airport served more than 1 million passengers in 2025.",
            [("quzhou-airport", "throughput", 1.0, "million passengers", "more than", None, "2025", None)],
        ),
        (
            "The Hang-Qu high-speed railway cuts the travel time to 41 minutes from 75 minutes.",
            [("hangqu-hsr", "travel_time", 41.0, "minutes", "", 75.0, None, None)],
        ),
        (
            "The Qujiang Port Area will add 11 berths and an investment of 2.5 billion yuan.",
            [
                ("qujiang-port-area", "berths", 11.0, "berths", "", None, None, None),
                ("qujiang-port-area", "investment", 2.5, "billion yuan", "", None, None, None),
            ],
        ),
        ("Quzhou's population grew by 68,000 people.", []),
    ],
)
def test_figures(finder, text, expected):
    _article, _events, figures = read(finder, text)
    assert [
        (f.feature_id, f.quantity, f.value, f.unit, f.approximate, f.from_value, f.period, f.period_end)
        for f in figures
    ] == expected
