"""Normalisation for matching (mapapp.pipeline.normalise): offsets always point into the text as read."""

from __future__ import annotations

import unicodedata

import pytest

from mapapp.pipeline.normalise import fold_width, normalise, normalise_all, normalise_with_offsets, simplified


@pytest.mark.parametrize(
    ("printed", "matched"),
    [
        ("衢江港區大路章作業區", "衢江港区大路章作业区"),  # traditional -> simplified (區 作 業)
        ("寧波舟山港", "宁波舟山港"),
        ("體育(tǐyù)中心", "体育中心"),  # inline pinyin with tone marks, half-width brackets
        ("开放（kāifàng）", "开放"),  # full-width brackets
        ("体育(tiyu)中心", "体育中心"),  # pinyin without tone marks still spells pinyin
        ("塔科马港（Port of Tacoma）", "塔科马港(Port of Tacoma)"),  # an English name is kept (folded)
        ("(tiyu)开头", "(tiyu)开头"),  # not after a Chinese character: not inline romanisation
        ("ＧＤＰ增长３％", "GDP增长3%"),
        ("体育(ti3 yu4)中心", "体育中心"),  # tone numbers
        ("体育【tǐyù】中心", "体育中心"),  # other brackets
        ("体育（ㄊㄧˇ ㄩˋ）中心", "体育中心"),  # zhuyin
        ("衞生院", "卫生院"),  # a Hong Kong variant form
        ("(2024)年", "(2024)年"),  # digits are not romanisation
    ],
)
def test_normalise_matches_the_simplified_half_width_text_without_pinyin(printed, matched):
    assert normalise(printed) == matched


def test_offsets_map_each_normalised_character_back_to_the_printed_one():
    printed = "衢江港(gǎng)區迎來新貨"
    text, offsets = normalise_with_offsets(printed, list(range(len(printed))))
    assert text == "衢江港区迎来新货"
    assert [printed[k] for k in offsets] == list("衢江港區迎來新貨")


def test_width_folding_and_script_conversion_keep_the_length():
    assert fold_width("（，）：\u3000") == "(,): "
    sample = "長三角運河區寧"
    assert len(simplified(sample)) == len(sample) and simplified(sample) == "长三角运河区宁"


def test_width_folding_maps_each_character_as_unicode_says():
    # every full-width form folds to its NFKC (half-width) form, the ideographic space to a space,
    # each wherever it stands and however often; nothing else changes (the half-width forms and
    # the characters around the range included)
    full = [chr(code) for code in range(0xFF01, 0xFF5F)]
    assert all(unicodedata.normalize("NFKC", char) == fold_width(char) for char in full)
    around = "\uff00\uff5f\u3001\u3002“”【】a1，衢"
    text = "江" + "\u3000".join(full) + around + "".join(reversed(full))
    expected = "江" + " ".join(unicodedata.normalize("NFKC", c) for c in full) + around.replace("，", ",")
    assert fold_width(text) == expected + "".join(unicodedata.normalize("NFKC", c) for c in reversed(full))
    assert fold_width(around.replace("，", "")) == around.replace("，", "")


def test_normalising_all_sentences_at_once_gives_what_each_gives_alone():
    # one OpenCC call for the article: the same text and offsets as sentence by sentence, including
    # a sentence whose script is mixed, one with pinyin dropped, an ASCII one, an empty one and one
    # holding a line break (which cannot be joined: each is converted alone)
    sentences = [
        "衢江港區迎來新貨(xīn huò)，",
        "開放（kāifàng）後的碼頭",
        "G60 road",
        "",
        "乾隆年間的衞生院",
        "上下\n兩行",
        "ＧＤＰ增長３％。",
    ]
    items = [(text, list(range(100 * k, 100 * k + len(text)))) for k, text in enumerate(sentences)]
    expected = [normalise_with_offsets(text, offsets) for text, offsets in items]
    assert normalise_all(items) == expected
    assert normalise_all([item for item in items if "\n" not in item[0]]) == [
        pair for pair, (text, _) in zip(expected, items, strict=True) if "\n" not in text
    ]
    assert expected[1][0] == "开放后的码头" and expected[1][1] == [100, 101, *range(111, 115)]
