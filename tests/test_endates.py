"""English dates (endates.py): shapes, precision, relative dates, ranges, roles."""

from __future__ import annotations

import pytest

from mapapp.pipeline.endates import find_english_dates


def dates(text: str, article_date: str = "2023-01-01") -> list[tuple]:
    return [(d.text, d.value, d.end_value, d.role, d.relative) for d in find_english_dates(text, article_date)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It opened on March 28, 2019.", [("March 28, 2019", "2019-03-28", None, "when", False)]),
        ("It opened on 28 March 2019.", [("28 March 2019", "2019-03-28", None, "when", False)]),
        ("It opened on Oct. 28, 2018.", [("Oct. 28, 2018", "2018-10-28", None, "when", False)]),
        ("It opened in March 2019.", [("March 2019", "2019-03", None, "when", False)]),
        ("It opened in 2019.", [("2019", "2019", None, "when", False)]),
        ("Post Time: 2020-05-20", [("2020-05-20", "2020-05-20", None, "when", False)]),
        ("It opened on Sept 27.", [("Sept 27", "2023-09-27", None, "when", True)]),
        ("Last October it opened.", [("Last October", "2022-10", None, "when", True)]),
        ("It will open next year.", [("next year", "2024", None, "when", True)]),
        ("It opened on Friday.", [("Friday", "2022-12-30", None, "when", True)]),
        ("It will reach 20,000 TEUs by year-end.", [("year-end", "2023", None, "target", True)]),
        (
            "By the end of October, it had reached 15,000 TEUs.",
            [("the end of October", "2023-10", None, "target", True)],
        ),
        ("It handled 2025 tons.", []),
        ("up 9 percent over the same period last year", [("last year", "2022", None, "modifier", True)]),
        ("before the 2022 Asian Games", [("2022", "2022", None, "modifier", False)]),
        (
            "in the first three months of 2023",
            [("the first three months of 2023", "2023-01", "2023-03", "when", False)],
        ),
        ("from January to October 2025", [("January to October 2025", "2025-01", "2025-10", "when", False)]),
        ("It may open.", []),
    ],
)
def test_shapes(text, expected):
    assert dates(text) == expected


def test_a_relative_date_without_an_article_date_is_not_placed():
    (found,) = find_english_dates("It opened last year.", "")
    assert found.value is None and found.relative
