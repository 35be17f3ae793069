"""Numbers, percentages, distances and dates through Babel in the page's language."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from mapapp.text import class_bound, date, integer, km, number, percent


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", "1.234,5"),
        ("en", "1,234.5"),
        ("tr", "1.234,5"),
        ("uk", "1\xa0234,5"),
        ("ru", "1\xa0234,5"),
        # Arabic: Latin digits on purpose (addresses, postcodes and phones in the data are Latin)
        ("ar", "1,234.5"),
    ],
)
def test_number_uses_the_locale(lang: str, expected: str) -> None:
    assert number(1234.5, lang, 1) == expected


def test_arabic_uses_latin_digits() -> None:
    assert all(ch in "0123456789,." for ch in number(1234567.25, "ar", 2))


def test_integer_km_and_missing_values() -> None:
    assert integer(35010, "de") == "35.010" and integer(35010, "en") == "35,010"
    assert km(1500, "de") == "1,5" and km(10000, "de") == "10" and km(3333.3, "de") == "3,33"
    assert km(1500, "en") == "1.5"
    for missing in (None, math.nan, math.inf):
        assert number(missing, "de") == "–"


def test_percent_puts_the_sign_where_the_language_does() -> None:
    assert percent(12.5, "de") == "12,5\xa0%"
    assert percent(12.5, "en") == "12.5%"
    assert percent(12.5, "tr") == "%12,5"
    assert percent(40, "en", 0) == "40%"


def test_class_bounds_keep_two_digits_below_ten() -> None:
    assert [class_bound(v, "de") for v in (0.012, 0.5, 2.5, 12.34, 1234)] == [
        "0,012",
        "0,5",
        "2,50",
        "12,3",
        "1.234",
    ]


def test_dates() -> None:
    assert date(dt.date(2024, 3, 12), "de") == "12.03.2024"
    assert date(dt.date(2024, 3, 12), "en") == "Mar 12, 2024"
    assert date(None, "de") == ""
