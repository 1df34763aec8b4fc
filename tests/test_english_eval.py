"""The English evaluation set (tests/data/geoparse/en-*.toml) read through the pipeline: a floor, so
the English reading cannot silently get worse. `python -m bench.englisheval` prints the table."""

from __future__ import annotations

from bench.englisheval import evaluate, load_cases, table


def test_every_case_is_well_formed():
    cases = load_cases()
    assert len(cases) >= 100
    assert {c["split"] for c in cases} == {"dev", "test"}
    for case in cases:
        for link in (*case.get("links", []), *case.get("wrong", [])):
            surface, _, feature_id = link.rpartition("=")
            assert surface and surface in case["text"], f"{case['file']}#{case['n']}: {link!r} not in the text"
            assert feature_id, link
        for name in case.get("new", []):
            assert name.lower() in case["text"].lower(), f"{case['file']}#{case['n']}: {name!r} not in the text"


def test_english_links_hold_their_floor():
    cases = load_cases()
    for split in ("dev", "test"):
        scores = evaluate([c for c in cases if c["split"] == split])
        print(table([(split, scores)]))
        assert scores.links.recall >= 0.95, scores.errors
        assert scores.links.precision >= 0.95, scores.errors
        assert scores.wrong_made == 0, scores.errors
        assert scores.candidates.recall >= 0.8 and scores.candidates.precision >= 0.8, scores.errors
