"""mapapp.ingest.values and .coords: the one set of value parsers."""

from __future__ import annotations

import math
from datetime import date

import pytest

from mapapp.ingest.coords import coordinate_readings, parse_coordinate, parse_coordinate_pair
from mapapp.ingest.values import (
    cell_text,
    clean_text,
    key_digits,
    parse_ags,
    parse_amount,
    parse_date,
    parse_number,
    parse_postcode,
    parse_years,
    split_number_unit,
)
from mapapp.model import DataError


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2005;2006", (2005, 2006)),
        ("2005/2006", (2005, 2006)),
        ("2005/06", (2005, 2006)),
        ("2005–2007", (2005, 2006, 2007)),
        ("2005 - 07", (2005, 2006, 2007)),
        ("2005 bis 2007", (2005, 2006, 2007)),
        ("2006.0", (2006,)),
        ("", ()),
        (None, ()),
    ],
)
def test_years(text: str | None, years: tuple[int, ...]) -> None:
    assert parse_years(text) == years


@pytest.mark.parametrize(
    ("text", "years"), [("06", (2006,)), ("'07", (2007,)), ("05-07", (2005, 2006, 2007))]
)
def test_two_digit_years_only_when_asked(text: str, years: tuple[int, ...]) -> None:
    assert parse_years(text, two_digit=True) == years
    with pytest.raises(DataError):
        parse_years(text)


def test_years_outside_the_allowed_range_and_descending_ranges() -> None:
    with pytest.raises(DataError, match="Programmlaufzeit 2005–2012") as info:
        parse_years("2004", file="l.csv", row=3)
    assert (info.value.file, info.value.row, info.value.field) == ("l.csv", 3, "funding_years")
    assert parse_years("1999-2001", allowed=None) == (1999, 2000, 2001)
    with pytest.raises(DataError, match="absteigend"):
        parse_years("2007-2005")


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("3.000,- €", 3000.0),
        ("€ 12.500,-", 12500.0),
        ("EUR 800,–", 800.0),
        ("75.000", 75000.0),
        ("75.000,50 €", 75000.5),
        ("1,234.56", 1234.56),
        ("12,5", 12.5),
        (75000, 75000.0),
    ],
)
def test_amounts(text: object, amount: float) -> None:
    assert parse_amount(text) == amount


def test_amounts_empty_ambiguous_negative() -> None:
    assert math.isnan(parse_amount(""))
    with pytest.raises(DataError, match="mehrdeutig"):
        parse_amount("75,000")
    with pytest.raises(DataError, match="negativ"):
        parse_amount("-5")


def test_numbers_and_capacities() -> None:
    assert parse_number("51,9613") == 51.9613
    assert parse_number("5.761.234,5") == 5761234.5
    assert split_number_unit("12 Plätze") == (12.0, "Plätze")
    with pytest.raises(ValueError):
        parse_number("nan")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("44787.0", ("44787", None)),
        ("D-45121", ("45121", None)),
        ("44 135", ("44135", None)),
        ("4711", ("04711", None)),
        ("44787 Bochum", ("44787", "Bochum")),
    ],
)
def test_postcodes(text: str, expected: tuple[str, str | None]) -> None:
    assert parse_postcode(text) == expected


def test_keys_dates_and_cells() -> None:
    assert key_digits("'05 978") == "05978"
    assert parse_ags("5978036.0", 8) == "05978036"
    assert parse_date("1.3.2024") == date(2024, 3, 1)
    assert parse_date("2024-03-01T10:00") == date(2024, 3, 1)
    assert cell_text(75000.5) == "75000,5" and cell_text(2006.0) == "2006"
    assert clean_text("  a \x07 b\r\nc ") == "a b\nc"


def test_coordinates() -> None:
    assert parse_coordinate("51.4828° N") == (51.4828, "lat")
    lon, axis = parse_coordinate("7°13'2\"E")
    assert axis == "lon" and lon == pytest.approx(7 + 13 / 60 + 2 / 3600)
    assert parse_coordinate_pair("7.2172 O, 51.4828 N") == (51.4828, 7.2172)
    assert parse_coordinate_pair("51,4828; 7,2172") == (51.4828, 7.2172)
    with pytest.raises(ValueError):
        parse_coordinate("51° 61'")


def test_coordinate_readings_utm_zone_prefix_and_swap() -> None:
    readings = coordinate_readings(
        32_368_000.0, 5_700_000.0, labelled_latlon=False, metric_crs=False
    )
    assert readings[0] == ("utm", 368_000.0, 5_700_000.0)
    assert coordinate_readings(51.0, 7.0, labelled_latlon=True, metric_crs=False) == [
        ("geo", 7.0, 51.0),
        ("geo", 51.0, 7.0),
    ]
