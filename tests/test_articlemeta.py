"""Article metadata from the text when articles.toml has no entry (mapapp.pipeline.articlemeta)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapapp.pipeline.articlemeta import metadata_from_text
from mapapp.pipeline.corpus import load_corpus

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("text", "date", "basis_start"),
    [
        ("新航线开通\n\n2023-05-09 08:15:00 来源: 衢州日报\n\n正文。", "2023-05-09", "dateline in the text"),
        ("新航线开通\n\n2023年5月9日\n\n正文。", "2023-05-09", "dateline in the text"),
        ("标题\n\n新华社杭州3月5日电 2024年，全省港口……", "2024-03-05", "news-agency dateline '新华社杭州3月5日电'"),
        ("标题\n\n2022年，项目开工。3月5日上午，首班货轮启航。", "2022-03-05", "day the text reports '3月5日上午'"),
        ("标题\n\n3月5日上午，首班货轮启航。", "", "day the text reports '3月5日上午' has no year"),  # never guessed
        (  # a target year is a plan, not the year of the report
            "标题\n\n2024年，全线开工。3月5日上午，首班货轮启航，到2035年将建成十个港区。",
            "2024-03-05",
            "day the text reports '3月5日上午', year from the year the text reports most often (2024年",
        ),
        ("标题\n\n首班货轮启航。", "", "unknown"),
        ("標題\n\n2023年5月9日 來源：衢州日報\n\n正文。", "2023-05-09", "dateline in the text"),  # traditional
    ],
)
def test_date_and_how_it_was_found(text, date, basis_start):
    meta = metadata_from_text(text)
    assert meta.date == date
    assert meta.date_basis.startswith(basis_start)


def test_source_and_headline_skip_the_dateline_and_source_lines():
    meta = metadata_from_text("2023-05-09 08:15:00\n转自:浙江日报\n衢江港区迎来新航线\n\n正文。")
    assert meta.source == "浙江日报"
    assert meta.headline == "衢江港区迎来新航线"
    traditional = metadata_from_text("衢州港新航線\n來源：衢州日報\n正文。")
    assert traditional.source == "衢州日報"  # as printed


def test_the_corpus_uses_the_text_and_still_warns_that_the_entry_is_missing():
    corpus = load_corpus(DATA / "intake")
    articles = {a.article_id: a for a in corpus.articles}
    assert articles["t3_traditional.txt"].date == "2023-05-09"
    assert articles["t3_traditional.txt"].byline == "衢州日報"
    assert articles["t5_rivers.txt"].date == "2024-03-05" and articles["t5_rivers.txt"].byline == "浙江日报"
    assert articles["t4_pinyin.txt"].date == ""  # 5月9日上午 with no year in the text
    assert articles["t6_candidates.txt"].headline == "新村新貌"
    assert load_corpus(DATA / "seeds").articles[0].date == "2026-01"  # an articles.toml entry wins
    warned = {p.item for p in corpus.problems if p.severity == "warning" and "no metadata entry" in p.message}
    assert {"t3_traditional.txt", "t4_pinyin.txt", "t5_rivers.txt", "t6_candidates.txt"} <= warned


def test_an_entry_without_a_date_takes_the_date_the_text_prints(tmp_path):
    (tmp_path / "a.txt").write_text("标题\n\n2023-05-09 08:15:00\n\n正文。", encoding="utf-8")
    (tmp_path / "articles.toml").write_text('["a.txt"]\nheadline = "编辑写的标题"\n', encoding="utf-8")
    [article] = load_corpus(tmp_path).articles
    assert (article.headline, article.date) == ("编辑写的标题", "2023-05-09")
    assert article.date_basis.startswith("dateline in the text")
