"""Reading seeds: sentences with offsets, layout breaks repaired, captions, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapapp.models import Sentence
from mapapp.pipeline.corpus import build_sentences, display_text, load_corpus, read_seed_text

DATA = Path(__file__).parent / "data"


def _shown(text: str) -> list[tuple[str, str]]:
    return [(s.kind, display_text(text, s)[0]) for s in build_sentences(text)]


def test_sentence_broken_by_blank_line_is_joined_and_keeps_offsets():
    text = "科技创新为发展提供强劲的\n\n动力,全区比重达3.69%。\n\n下一句。"
    sentences = build_sentences(text)
    first = sentences[0]
    assert display_text(text, first)[0] == "科技创新为发展提供强劲的动力,全区比重达3.69%。"
    assert len(first.pieces) == 2
    assert text[first.pieces[0].start : first.pieces[0].end] == "科技创新为发展提供强劲的"
    assert text[first.pieces[1].start : first.pieces[1].end] == "动力,全区比重达3.69%。"


def test_caption_dropped_into_a_sentence_is_its_own_caption():
    text = "巩固提升区“3+X”产\n\n\n\n衢州港衢江港区\n\n\n\n衢陈皮平台\n\n业体系。构建集群。"
    shown = _shown(text)
    assert ("body", "巩固提升区“3+X”产业体系。") in shown
    assert ("caption", "衢州港衢江港区") in shown
    assert ("caption", "衢陈皮平台") in shown
    assert ("body", "构建集群。") in shown


def test_short_heading_is_not_glued_to_the_next_paragraph():
    text = "枢纽之区\n\n立体交通织就多式联运网\n\n2026年新年伊始,货船启航。"
    assert _shown(text) == [
        ("heading", "枢纽之区"),
        ("heading", "立体交通织就多式联运网"),
        ("body", "2026年新年伊始,货船启航。"),
    ]


def test_full_width_punctuation_splits_sentences():
    text = "钱江源头，四省边际。衢州港集装箱吞吐量增长！还有吗？有。"
    assert [t for _, t in _shown(text)] == ["钱江源头，四省边际。", "衢州港集装箱吞吐量增长！", "还有吗？", "有。"]


def test_display_offsets_point_into_the_file_text():
    text = "身在浙江省、地处长三角、毗邻四省边际,“四省通衢”的自然禀赋决定了衢\n\n州独特的发展路径。"
    sentence = build_sentences(text)[0]
    shown, offsets = display_text(text, sentence)
    k = shown.index("衢州")
    assert text[offsets[k]] == "衢" and text[offsets[k + 1]] == "州"
    assert text[offsets[k] : offsets[k + 1] + 1] == "衢\n\n州"


def test_real_seed_article_000_sentences_cover_its_text():
    corpus = load_corpus(Path(__file__).parent.parent / "seeds")
    assert len(corpus.articles) == 5
    assert not [p for p in corpus.problems if p.severity == "error"]
    for article in corpus.articles:
        covered = sum(p.end - p.start for s in article.sentences for p in s.pieces)
        assert covered >= 0.97 * len("".join(article.text.split()))
        assert all(isinstance(s, Sentence) and s.start < s.end for s in article.sentences)


def test_tiny_corpus_loads_with_metadata():
    corpus = load_corpus(DATA / "seeds")
    assert [a.article_id for a in corpus.articles] == ["t1_port.txt", "t2_repeat.txt"]
    assert corpus.articles[0].headline == "港口专题"
    assert corpus.problems == ()


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ("衢州港衢江港区".encode("gbk"), "encoding", "not valid UTF-8"),
        (b"", "text", "is empty"),
        (b"   \n\n  ", "text", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "encoding", "binary"),
    ],
)
def test_bad_seed_files_are_named(tmp_path: Path, payload: bytes, field: str, fragment: str):
    path = tmp_path / "bad.txt"
    path.write_bytes(payload)
    text, problems = read_seed_text(path)
    assert text is None
    assert len(problems) == 1
    assert problems[0].file == "bad.txt" and problems[0].field == field
    assert fragment in problems[0].message


def test_bad_seed_is_skipped_and_others_served(tmp_path: Path):
    (tmp_path / "good.txt").write_text("衢州港启航。", encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes("衢州港启航。".encode("gbk"))
    corpus = load_corpus(tmp_path)
    assert [a.article_id for a in corpus.articles] == ["good.txt"]
    messages = [str(p) for p in corpus.problems]
    assert any(m.startswith("gbk.txt: encoding: is not valid UTF-8") for m in messages)
    assert any("good.txt" in m and m.startswith("warning:") for m in messages)  # no metadata entry


def test_malformed_articles_toml_is_reported(tmp_path: Path):
    (tmp_path / "a.txt").write_text("衢州。", encoding="utf-8")
    (tmp_path / "articles.toml").write_text('["a.txt"\nheadline = ', encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [a.article_id for a in corpus.articles] == ["a.txt"]
    assert any(
        p.file == "articles.toml" and p.field == "toml" and "not valid TOML" in p.message for p in corpus.problems
    )


def test_language_outlet_and_source_urls_come_from_articles_toml(tmp_path: Path):
    (tmp_path / "a.txt").write_text("The port opened.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("港区开港。", encoding="utf-8")
    (tmp_path / "articles.toml").write_text(
        '["a.txt"]\nheadline = "Port"\nlang = "en"\noutlet = "Example Daily"\n'
        'source_urls = ["https://example.org/a", "https://example.net/a"]\n'
        '["b.txt"]\nheadline = "港"\nlang = "fr"\nsource_urls = "https://example.org/b"\n',
        encoding="utf-8",
    )
    corpus = load_corpus(tmp_path)
    a, b = corpus.articles
    assert (a.lang, a.outlet, a.source_urls) == (
        "en",
        "Example Daily",
        ("https://example.org/a", "https://example.net/a"),
    )
    assert (b.lang, b.outlet, b.source_urls) == ("zh", "", ())  # the bad values are refused, the defaults kept
    messages = [str(p) for p in corpus.problems]
    assert "articles.toml: 'b.txt': lang: is 'fr'; expected one of zh, en" in messages
    assert "articles.toml: 'b.txt': source_urls: is 'https://example.org/b'; expected a list of strings" in messages
