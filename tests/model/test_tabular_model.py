"""Formula-injection-safe CSV and the shared vocabulary."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from mapapp.io.tabular import neutralize_cell, to_safe_csv
from mapapp.model import (
    DataError,
    YearSelection,
    check_email,
    check_http_url,
    is_http_url,
    is_plain_email,
    normalize_ags,
)


@pytest.mark.parametrize("cell", ["=1+1", "+49 211", "-2+3", "@SUM(A1)", "\t=x", "＝1"])
def test_formula_like_text_is_prefixed(cell: str) -> None:
    assert neutralize_cell(cell) == "'" + cell


def test_numbers_and_plain_text_stay() -> None:
    assert neutralize_cell(-5) == -5
    assert neutralize_cell("Kreis Unna") == "Kreis Unna"


def test_safe_csv_round_trip() -> None:
    frame = pd.DataFrame({"name": ['=HYPERLINK("http://x","y")', "Unna"], "n": [1, -2]})
    text = to_safe_csv(frame)
    back = pd.read_csv(io.StringIO(text))
    assert back["name"].tolist() == ['\'=HYPERLINK("http://x","y")', "Unna"]
    assert back["n"].tolist() == [1, -2]


def test_normalize_ags() -> None:
    assert normalize_ags(5111000) == "05111000"
    assert normalize_ags("5111000.0", 8) == "05111000"
    assert normalize_ags("5958", 5) == "05958"
    with pytest.raises(ValueError):
        normalize_ags("05x11")
    with pytest.raises(ValueError):
        normalize_ags("051110001")


def test_year_selection() -> None:
    from mapapp.ingest.values import parse_years

    assert YearSelection(parse_years("2005-2007")).years == (2005, 2006, 2007)
    assert YearSelection(parse_years("2007, 2005")).label == "2005, 2007"
    assert YearSelection(parse_years("2005–2007")).label == "2005–2007"
    with pytest.raises(DataError):
        parse_years("2007-2005")
    with pytest.raises(DataError):
        parse_years("abc")


def test_data_error_names_file_row_field() -> None:
    err = DataError("kaputt", file="liste.csv", row=7, field="ags")
    assert str(err) == "liste.csv, Zeile 7, Feld 'ags': kaputt"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://www.example.org/a?b=1&c=2", "https://www.example.org/a?b=1&c=2"),
        ("http://example.org", "http://example.org"),
        ("www.example.org/x", "https://www.example.org/x"),
        ("https://münster.example/", "https://münster.example/"),
    ],
)
def test_http_urls_with_a_host_are_links(text: str, expected: str) -> None:
    assert check_http_url(text) == expected
    assert is_http_url(text)


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "/admin",
        "../geheim.html",
        "bericht.pdf",
        "//evil.example/x",
        "https:evil.example",
        "http:///pfad",
        "https://bank.example@evil.example/",
        'https://example.org/"onmouseover="alert(1)',
        "https://example.org/<script>",
        "https://exa mple.org",
        "https://example.org:port/",
        "",
    ],
)
def test_everything_else_is_no_link(text: str) -> None:
    with pytest.raises(ValueError):
        check_http_url(text)
    assert not is_http_url(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("info@example.org", "info@example.org"),
        ("mailto:Beratung.MBE@example.org", "Beratung.MBE@example.org"),
        ("büro@köln.example", "büro@köln.example"),
    ],
)
def test_plain_email_addresses(text: str, expected: str) -> None:
    assert check_email(text) == expected
    assert is_plain_email(text)


@pytest.mark.parametrize(
    "text",
    [
        "info@example.org?subject=x&body=Bitte%20zahlen",
        "mailto:info@example.org?bcc=alle@example.org",
        "info@example.org&cc=x@example.org",
        "a@example.org, b@example.org",
        "Beratung <info@example.org>",
        '"info"@example.org',
        "info @example.org",
        "info@example.org%0Abcc:x@example.org",
        "info@localhost",
        "info",
        "javascript:alert(1)//@example.org",
    ],
)
def test_mailto_parameters_and_other_text_are_no_address(text: str) -> None:
    with pytest.raises(ValueError):
        check_email(text)
    assert not is_plain_email(text)


def test_no_payload_becomes_a_link() -> None:
    from tests.fixtures.payloads import PAYLOADS

    assert not [p for p in PAYLOADS if is_http_url(p) and not p.startswith(("http://", "https://"))]
    assert not [p for p in PAYLOADS if is_plain_email(p) and ("?" in p or "<" in p)]


def test_safe_csv_neutralises_categories_and_keeps_numbers() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "kat": pd.Categorical(['=HYPERLINK("http://127.0.0.1:9";"x")', "Kurs"]),
            "n": [-1, 2],
        }
    )
    rows = to_safe_csv(frame).splitlines()
    assert rows[1].startswith("\"'=HYPERLINK(") and rows[1].endswith(",-1")
    assert rows[2] == "Kurs,2"
