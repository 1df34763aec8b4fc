"""English sentences, paragraphs, metadata and the article's language (ensentences.py,
enarticlemeta.py, language.py), on text written for these tests in the shape of English pages."""

from __future__ import annotations

from mapapp.pipeline.corpus import article_from_text
from mapapp.pipeline.enarticlemeta import english_metadata_from_text
from mapapp.pipeline.ensentences import build_english_sentences
from mapapp.pipeline.language import article_language, detect_language

PAGE = (
    "Quzhou port area sets a record\n"
    "\n"
    "Updated: Nov 10, 2025 chinadaily.com.cn Print\n"
    "Barges are moored at a wharf in Quzhou. [Photo/WeChat account: example]\n"
    "By the end of October, the port area had handled 15,000 TEUs. Quzhou No. 2 People's Hospital\n"
    "treated the workers, and the U.S. buyers were pleased.\n"
    "HANGZHOU, Nov. 1 (Xinhua) -- A new route opened on Friday.\n"
)


def parts(text: str) -> list[tuple[str, str]]:
    return [(s.kind, text[s.start : s.end]) for s in build_english_sentences(text)]


def test_headline_dateline_caption_and_sentences():
    assert parts(PAGE) == [
        ("heading", "Quzhou port area sets a record"),
        ("heading", "Updated: Nov 10, 2025 chinadaily.com.cn Print"),
        ("caption", "Barges are moored at a wharf in Quzhou. [Photo/WeChat account: example]"),
        ("body", "By the end of October, the port area had handled 15,000 TEUs."),
        ("body", "Quzhou No. 2 People's Hospital\ntreated the workers, and the U.S. buyers were pleased."),
        ("body", "HANGZHOU, Nov. 1 (Xinhua) -- A new route opened on Friday."),
    ]


def test_sentence_offsets_are_offsets_into_the_file():
    for sentence in build_english_sentences(PAGE):
        assert sentence.pieces[0].start == sentence.start and sentence.pieces[-1].end == sentence.end
        assert PAGE[sentence.start] != " " and PAGE[sentence.end - 1] != " "


def test_metadata_from_the_text_of_an_english_page():
    meta = english_metadata_from_text(PAGE)
    assert (meta.headline, meta.date) == ("Quzhou port area sets a record", "2025-11-10")
    assert meta.date_basis == "dateline in the text: 'Nov 10, 2025'"
    assert english_metadata_from_text("HANGZHOU, Nov. 1 (Xinhua) -- A route opened.").source == "Xinhua"
    assert english_metadata_from_text("A route opened.").date == ""


def test_language_from_articles_toml_or_detected():
    assert article_language("衢州港开通新航线", "en") == ("en", False)
    assert article_language(PAGE, None) == ("en", True)
    assert detect_language("衢江区全力推动港产城融合发展先行区取得突破性进展") == "zh"
    article = article_from_text("x.txt", PAGE, {})  # no entry: detected, metadata from the text
    assert (article.lang, article.date, article.headline) == ("en", "2025-11-10", "Quzhou port area sets a record")
    assert article_from_text("y.txt", "衢州港开通新航线。", {}).lang == "zh"


def test_the_english_words_file_is_checked(tmp_path):
    from mapapp.pipeline.enwords import ENGLISH_WORDS_TOML, english_words_problems

    assert english_words_problems() == []
    broken = tmp_path / "englishwords.toml"
    broken.write_text(
        ENGLISH_WORDS_TOML.read_text(encoding="utf-8").replace('kind = "approved"', 'kind = "aproved"'),
        encoding="utf-8",
    )
    problems = [str(p) for p in english_words_problems(broken)]
    assert any("kind: is 'aproved'; expected one of planned" in p for p in problems)
