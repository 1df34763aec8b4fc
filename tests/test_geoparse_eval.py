"""The geoparser's own evaluation (bench/geoparse.py over tests/data/geoparse): the dev split holds a
floor near today's figures, so a drop fails CI; the case files are checked as an annotator would."""

from __future__ import annotations

import pytest

from bench.geoparse import CaseError, Scores, default_pipeline, evaluate, load_cases, score_case, totals
from mapapp.paths import GEODATA_DIR, LAYERS_DIR
from mapapp.pipeline.gazetteer import load_gazetteer
from mapapp.pipeline.layers import load_layers
from mapapp.pipeline.normalise import normalise

# today's dev figures (BENCHMARKS.md, "Geoparsing"), a little below them
FLOOR = {
    "cases": {"links_p": 0.985, "links_r": 0.985, "wrong": 1, "cand_p": 0.95, "cand_r": 0.84},
    "seeds": {"links_p": 0.99, "links_r": 0.99, "wrong": 1},
}


@pytest.fixture(scope="module")
def dev_scores() -> dict[str, Scores]:
    cases = [c for c in load_cases() if c.split == "dev" and c.lang == "zh"]
    pipeline, seed = default_pipeline()
    results = evaluate(cases, pipeline, seed)
    return {
        key[2]: s
        for key, s in totals(results, lambda r: ("zh", "dev", "seeds" if r.case.article_id else "cases")).items()
    }


def test_dev_cases_hold_the_floor(dev_scores):
    s, floor = dev_scores["cases"], FLOOR["cases"]
    assert s.cases >= 150
    assert s.links.precision >= floor["links_p"] and s.links.recall >= floor["links_r"]
    assert s.wrong_made <= floor["wrong"]
    assert s.candidates.precision >= floor["cand_p"] and s.candidates.recall >= floor["cand_r"]


def test_the_seeds_keep_their_mentions(dev_scores):
    s, floor = dev_scores["seeds"], FLOOR["seeds"]
    assert s.links.precision >= floor["links_p"] and s.links.recall >= floor["links_r"]
    assert s.wrong_made <= floor["wrong"]


def test_every_case_is_annotated_against_its_own_text_and_the_gazetteer():
    gazetteer = load_gazetteer(GEODATA_DIR, load_layers(LAYERS_DIR)[0], resolve_boundaries=False)
    cases = load_cases()
    assert sum(1 for c in cases if c.lang == "zh" and not c.article_id) >= 300
    assert {c.split for c in cases} == {"dev", "test"}
    for case in cases:
        if case.article_id:
            continue
        position = 0
        for surface, feature_id in case.links:
            assert feature_id in gazetteer.features, (case.file, case.number, feature_id)
            found = case.text.find(surface, position)
            assert found >= 0, (case.file, case.number, surface)  # in text order
            position = found + len(surface)
        for surface, feature_id in case.wrong:
            assert feature_id in gazetteer.features and surface in case.text, (case.file, case.number, surface)
        for name in case.new or ():
            assert normalise(name) in normalise(case.text), (case.file, case.number, name)


def test_scoring_counts_a_link_made_twice_once_true_and_once_wrong():
    from bench.geoparse import Case
    from mapapp.models import Mention

    case = Case(
        "f.toml",
        1,
        "zh",
        "s",
        "dev",
        "江山市体育中心位于江山市。",
        None,
        (("江山市", "jiangshan-city"),),
        (("江山市", "jiangshan-city"),),
        ("江山市体育中心",),
    )
    made = [Mention("a", 0, 3, "江山市", "jiangshan-city"), Mention("a", 9, 12, "江山市", "jiangshan-city")]
    result = score_case(case, made, ["江山市体育中心", "体育"])
    assert (result.scores.links.true, result.scores.links.false, result.scores.links.missed) == (1, 1, 0)
    assert result.scores.wrong_made == 1
    assert (result.scores.candidates.true, result.scores.candidates.false) == (1, 1)


def test_a_malformed_case_file_names_the_file_case_and_field(tmp_path):
    (tmp_path / "zh-x.toml").write_text(
        'lang = "zh"\nshape = "s"\n[[case]]\ntext = "a"\nlinks = ["衢州"]\n', encoding="utf-8"
    )
    with pytest.raises(CaseError, match=r"zh-x.toml: case 1: links has '衢州'; expected 'surface=feature_id'"):
        load_cases(tmp_path)
