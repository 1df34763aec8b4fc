"""Reprints: near-duplicate detection over texts we wrote (tests/data/web/), and what a reprint
dropped into seeds/ as a file becomes: another source of the article it reprints, in memory and in
the index file, so that a place's panel never lists its excerpts twice."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from mapapp.datadirs import BUNDLED, DataDirs
from mapapp.pipeline.corpus import load_corpus
from mapapp.pipeline.index import build_map_index
from mapapp.pipeline.reprints import (
    MIN_CONTAINMENT,
    MIN_JACCARD,
    ReprintFinder,
    likeness,
    reprints_among,
    signature_from_text,
)
from mapapp.pipeline.store import IndexStore, build_store

WEB = Path(__file__).resolve().parent / "data" / "web"
PORT = (WEB / "port_route.txt").read_text(encoding="utf-8")
OTHER = (WEB / "port_report_other.txt").read_text(encoding="utf-8")  # the same port, another story
GYM = (WEB / "gym_tournament.txt").read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def reprinted(text: str) -> str:
    """As a portal prints it: another headline, a paragraph fewer, an editor's note and a source line more."""
    body = paragraphs(text)
    del body[len(body) // 2]
    return "\n\n".join(
        [
            "新航线来了！家门口的货船直达梅山港",
            "编者按：水运成本低，来看看这条新航线。",
            *body[1:],
            "来源：某某日报  责任编辑：张三",
        ]
    )


def signature(text: str):
    found = signature_from_text(text)
    assert found is not None
    return found


def test_a_reprint_with_other_headline_chrome_and_a_paragraph_less_is_the_same_story():
    alike = likeness(signature(PORT), signature(reprinted(PORT)))
    assert alike.same_story and alike.jaccard > 0.75, alike


def test_the_first_half_alone_is_the_same_story_by_containment():
    half = "\n".join(paragraphs(PORT)[:5])
    alike = likeness(signature(PORT), signature(half))
    assert alike.jaccard < 0.8 and alike.containment >= MIN_CONTAINMENT and alike.same_story, alike


def test_layout_width_and_spacing_do_not_matter():
    spaced = PORT.replace("。", "。\n\n").replace("，", ",").replace("“", '"')
    assert likeness(signature(PORT), signature(spaced)).jaccard > 0.95


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations([PORT, OTHER, GYM], 2)))
def test_different_stories_are_not_reprints_even_about_the_same_port(a, b):
    alike = likeness(signature(a), signature(b))
    assert not alike.same_story and alike.jaccard < MIN_JACCARD / 2, alike


def test_the_real_seed_articles_are_five_stories():
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(BUNDLED.seeds_dir.glob("*.txt"))]
    assert len(texts) == 5 and reprints_among(texts) == {}
    for (_, a), (_, b) in itertools.combinations(texts, 2):
        assert likeness(signature(a), signature(b)).jaccard < 0.1


def test_a_text_too_short_to_judge_has_no_signature_and_is_never_a_reprint():
    assert signature_from_text("衢江港区开港。") is None
    finder = ReprintFinder()
    assert finder.match("short", None) is None and len(finder) == 0


def test_the_finder_names_the_first_story_of_several_alike():
    finder = ReprintFinder()
    assert finder.match("a", signature(PORT)) is None
    assert finder.match("b", signature(GYM)) is None
    found = finder.match("c", signature(reprinted(PORT)))
    assert found is not None and found[0] == "a"
    assert finder.match("d", signature(PORT + "\n补记一段。")) is not None
    assert len(finder) == 2  # reprints are not added as stories


# --- reprints dropped into seeds/ -------------------------------------------------------------


@pytest.fixture()
def seeds_with_a_reprint(tmp_path) -> DataDirs:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a_port.txt").write_text(PORT, encoding="utf-8")
    (seeds / "b_gym.txt").write_text(GYM, encoding="utf-8")
    (seeds / "c_portal.txt").write_text(reprinted(PORT), encoding="utf-8")
    (seeds / "articles.toml").write_text(
        '["a_port.txt"]\nheadline = "航线开通"\ndate = "2025-06-11"\noutlet = "甲报"\n'
        'source_urls = ["https://a.example/1.html"]\n\n'
        '["b_gym.txt"]\nheadline = "羽毛球赛"\ndate = "2025-05-18"\n\n'
        '["c_portal.txt"]\nheadline = "新航线来了"\ndate = "2025-06-12"\noutlet = "门户"\n'
        'source_urls = ["https://portal.example/2.html", "https://a.example/1.html"]\n',
        encoding="utf-8",
    )
    return DataDirs(seeds, BUNDLED.geodata_dir, BUNDLED.layers_dir)


def test_a_reprint_file_is_another_source_of_the_article_not_an_article(seeds_with_a_reprint):
    corpus = load_corpus(seeds_with_a_reprint.seeds_dir)
    assert [a.article_id for a in corpus.articles] == ["a_port.txt", "b_gym.txt"]
    port = corpus.articles[0]
    assert port.source_urls == ("https://a.example/1.html", "https://portal.example/2.html")
    assert port.outlet == "甲报" and port.headline == "航线开通"
    (warning,) = [p for p in corpus.problems if p.file == "c_portal.txt"]
    assert warning.severity == "warning" and "reprint of a_port.txt" in warning.message


def test_a_places_panel_lists_each_excerpt_once_in_memory_and_from_the_index_file(seeds_with_a_reprint, tmp_path):
    index = build_map_index(*(seeds_with_a_reprint.seeds_dir, BUNDLED.geodata_dir, BUNDLED.layers_dir))
    excerpts = index.excerpts["dalu-zhang-zone"]
    assert {e.article_id for e in excerpts} == {"a_port.txt"}
    assert len({e.text for e in excerpts}) == len(excerpts)
    path = tmp_path / "index.sqlite"
    build_store(seeds_with_a_reprint, path, processes=1)
    store = IndexStore(path)
    assert store.excerpts_of("dalu-zhang-zone") == tuple(excerpts)
    assert store.article_ids == ("a_port.txt", "b_gym.txt")
    assert store.article("a_port.txt") == index.articles["a_port.txt"]
    # what the reader's panel reads of an article (its outlet and source links), reprints included
    assert store.article_infos(["a_port.txt"])["a_port.txt"][3:] == (
        "甲报",
        ("https://a.example/1.html", "https://portal.example/2.html"),
    )
    assert store.problems == index.problems


def test_removing_the_article_makes_its_reprint_an_article_again(seeds_with_a_reprint, tmp_path):
    path = tmp_path / "index.sqlite"
    build_store(seeds_with_a_reprint, path, processes=1)
    (seeds_with_a_reprint.seeds_dir / "a_port.txt").unlink()
    report = build_store(seeds_with_a_reprint, path, processes=1)
    assert report.articles == 2 and report.rematched == 1  # the reprint, matched now; the gym kept
    store = IndexStore(path)
    assert store.article_ids == ("b_gym.txt", "c_portal.txt")
    assert {e.article_id for e in store.excerpts_of("dalu-zhang-zone")} == {"c_portal.txt"}


def test_reprint_check_off_keeps_a_copy_as_an_article_of_its_own(seeds_with_a_reprint):
    seeds = seeds_with_a_reprint.seeds_dir
    shutil.copyfile(seeds / "b_gym.txt", seeds / "d_gym_copy.txt")
    with open(seeds / "articles.toml", "a", encoding="utf-8") as toml:
        toml.write('\n["d_gym_copy.txt"]\nheadline = "另一场"\nreprint_check = "off"\n')
    ids = [a.article_id for a in load_corpus(seeds).articles]
    assert ids == ["a_port.txt", "b_gym.txt", "d_gym_copy.txt"]


def test_a_bad_reprint_check_value_is_reported(seeds_with_a_reprint):
    seeds = seeds_with_a_reprint.seeds_dir
    (seeds / "articles.toml").write_text('["b_gym.txt"]\nheadline = "x"\nreprint_check = "never"\n', encoding="utf-8")
    problems = [str(p) for p in load_corpus(seeds).problems]
    assert "articles.toml: 'b_gym.txt': reprint_check: is 'never'; expected one of on, off" in problems


def test_a_mirror_in_traditional_characters_is_the_same_story():
    import opencc

    traditional = opencc.OpenCC("s2t").convert(PORT)
    assert traditional != PORT
    assert likeness(signature(PORT), signature(traditional)).jaccard > 0.95
