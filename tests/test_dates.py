"""Date shapes as the articles print them, resolved from the article's date (sentences written for
these tests)."""

from __future__ import annotations

import pytest

from mapapp.pipeline.dates import back_a_year_if_ahead, find_dates, parse_iso


def one(text: str, article_date: str = "2026-01-10", **kwargs):
    dates = find_dates(text, article_date, **kwargs)
    assert len(dates) == 1, dates
    return dates[0]


@pytest.mark.parametrize(
    ("text", "value", "precision", "relative"),
    [
        ("2024年3月5日,某码头开工。", "2024-03-05", "day", False),
        ("2024年3月,某码头开工。", "2024-03", "month", False),
        ("2024年,某码头开工。", "2024", "year", False),
        ("2025年年底,某店开业。", "2025", "year", False),  # a part of a year keeps the year's precision
        ("1月6日上午,首船启航。", "2026-01-06", "day", True),  # year-less: the article's year
        ("去年9月,某馆启用。", "2025-09", "month", True),
        ("今年3月,某馆启用。", "2026-03", "month", True),
        ("明年春节过后将迎来测试赛。", "2027", "year", True),
        ("过去的一年,某港吞吐量增长。", "2025", "year", True),
        ("新的一年,某区将建设码头。", "2026", "year", True),
        ("去年底,某店开业。", "2025", "year", True),
        ("6月份,某馆开馆。", "2026-06", "month", True),
        ("6月上旬,某馆开馆。", "2026-06", "month", True),
        ("上个月,某馆开馆。", "2025-12", "month", True),
        ("本月8日,某馆开馆。", "2026-01-08", "day", True),
        ("8日上午,某馆开馆。", "2026-01-08", "day", True),  # a day of the article's month
    ],
)
def test_a_date_is_as_precise_as_the_text_and_resolved_from_the_article(text, value, precision, relative):
    date = one(text)
    assert (date.value, date.precision, date.relative) == (value, precision, relative)


def test_ranges_of_days_and_of_months():
    days = one("2月1日至3月28日,某机场将恢复航班。")
    assert (days.value, days.end_value, days.text) == ("2026-02-01", "2026-03-28", "2月1日至3月28日")
    months = one("今年1至11月,某港吞吐量增长。", "2025-12")
    assert (months.value, months.end_value, months.precision) == ("2025-01", "2025-11", "month")
    dashed = one("1—8月,累计发放补贴。", "2025-09")
    assert (dashed.value, dashed.end_value) == ("2025-01", "2025-08")
    same_month = one("3月1日至15日,某馆闭馆。")
    assert (same_month.value, same_month.end_value) == ("2026-03-01", "2026-03-15")


def test_a_relative_date_in_an_article_without_a_date_is_not_placed():
    date = one("去年9月,某馆启用。", "")
    assert (date.value, date.precision, date.relative) == (None, None, True)


def test_when_a_year_names_the_year_of_the_last_date_before_it():
    dates = find_dates("某区于2025年6月11日封关运作,创造了当年获批的速度。", "2026-01")
    assert [(d.text, d.value, d.relative) for d in dates] == [
        ("2025年6月11日", "2025-06-11", False),
        ("当年", "2025", True),
    ]
    assert one("当年获批。", "2026-01", anchor_year=2023).value == "2023"
    assert one("当年获批。", "2026-01").value is None  # nothing to refer to: not guessed


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("2025年是收官之年。", "copula"),  # what the clause is about, not when something happened
        ("实施2026年第一季度列车运行图。", "modifier"),  # names a thing
        ("2026年首艘货船启航。", "modifier"),
        ("到2027年要建成码头。", "target"),
        ("截至今年11月,游客突破千万。", "target"),
        ("2025年,某高速开工建设。", "when"),
    ],
)
def test_the_role_of_a_date_in_its_sentence(text, role):
    assert one(text).role == role


def test_durations_and_numbers_are_not_dates():
    text = "5年来吞吐量增长了8倍,建区20余年,6个月内,增长9.3%,1.5万人,地铁1号线,3日游,5日内。"
    assert find_dates(text, "2026-01") == []


def test_a_day_or_a_relative_month_needs_the_articles_month():
    assert one("8日上午,某馆开馆。", "2026").value is None
    assert one("上个月,某馆开馆。", "2026").value is None


def test_a_year_less_month_far_after_the_article_date_is_last_year():
    december = one("12月,某港吞吐量完成3万标箱。")  # in a January article
    assert december.value == "2026-12"
    assert back_a_year_if_ahead(december, "2026-01-10").value == "2025-12"
    february = one("2月1日,某馆开馆。")
    assert back_a_year_if_ahead(february, "2026-01-10").value == "2026-02-01"  # near enough: kept
    printed = one("2026年12月,某馆开馆。")
    assert back_a_year_if_ahead(printed, "2026-01-10") is printed  # a printed year is never moved


def test_parse_iso_reads_partial_dates():
    assert parse_iso("2026") == (2026, None, None)
    assert parse_iso("2026-01") == (2026, 1, None)
    assert parse_iso("2026-01-27") == (2026, 1, 27)
    assert parse_iso("") is None
    assert parse_iso("early 2026") is None
