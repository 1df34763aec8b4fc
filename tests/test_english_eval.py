"""The English cases of the evaluation set (tests/data/geoparse/en-*.toml) read through the same
evaluation as the Chinese ones (bench/geoparse.py): a floor on both splits, so the English reading
cannot silently get worse. `python -m bench.geoparse --lang en` prints the table."""

from __future__ import annotations

import pytest

from bench.geoparse import Scores, default_pipeline, evaluate, load_cases, misses, totals


@pytest.fixture(scope="module")
def english_results():
    cases = [c for c in load_cases() if c.lang == "en"]
    pipeline, seed = default_pipeline()
    return evaluate(cases, pipeline, seed)


def test_there_are_english_cases_on_both_splits(english_results):
    assert len(english_results) >= 100
    assert {r.case.split for r in english_results} == {"dev", "test"}
    assert all(r.case.file.startswith("en-") for r in english_results)


@pytest.mark.parametrize("split", ["dev", "test"])
def test_english_links_and_candidates_hold_their_floor(english_results, split):
    results = [r for r in english_results if r.case.split == split]
    s: Scores = totals(results, lambda r: (r.case.split,))[(split,)]
    errors = misses(results)
    assert s.links.precision is not None and s.links.precision >= 0.95, errors
    assert s.links.recall is not None and s.links.recall >= 0.95, errors
    assert s.wrong_made == 0, errors
    assert s.candidates.precision is not None and s.candidates.precision >= 0.8, errors
    assert s.candidates.recall is not None and s.candidates.recall >= 0.8, errors
