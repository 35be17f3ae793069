"""Tests for mapapp.io.funding: parsing, row-level validation, atomic storage."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
import pytest

from mapapp.config import REPO_ROOT, Settings
from mapapp.ingest.registry import (
    REGISTRY_COLUMNS,
    collect_registry_errors,
    parse_focus,
    parse_unit_type,
    validate_registry,
)
from mapapp.ingest.values import parse_amount, parse_years
from mapapp.io.funding import (
    active_registry_path,
    imported_registry_path,
    read_registry_csv,
    registry_to_csv_frame,
    save_registry,
)
from mapapp.model import DataError, UnitType
from tests.fixtures.documented_list import documented_rows

REFERENCE = REPO_ROOT / "geodata" / "reference"


def status_frame() -> pd.DataFrame:
    """A few real units (names and keys as in nrw_municipal_status.csv), load_status() layout."""
    rows = [
        ("05978", "Unna", "kreis", "kreis", True),
        ("05978036", "Unna, Stadt", "gemeinde", "grosse_kreisangehoerige_stadt", True),
        ("05122000", "Solingen, Klingenstadt", "gemeinde", "kreisfreie_stadt", True),
        ("05954016", "Hattingen, Stadt", "gemeinde", "mittlere_kreisangehoerige_stadt", False),
    ]
    return pd.DataFrame(rows, columns=["ags", "name", "level", "status", "has_auslaenderbehoerde"])


def raw(**overrides: list[str]) -> pd.DataFrame:
    base = {
        "ags": ["05978", "05122000"],
        "name": ["Unna", "Solingen"],
        "unit_type": ["Kreis", "kreisfreie Stadt"],
        "funding_years": ["2005;2006", "2007"],
        "year_confidence": ["", ""],
        "project_title": ["Netzwerk", "Konzept"],
        "focus": ["Transparenz", ""],
        "amount_eur": ["75.000,50 €", ""],
        "source_url": ["https://example.org/a", "https://example.org/b"],
        "evidence": ["", ""],
    }
    base.update(overrides)
    return pd.DataFrame(base)


# --- parse_years -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2005;2006", (2005, 2006)),
        ("2005/2006", (2005, 2006)),
        ("2005-2007", (2005, 2006, 2007)),
        ("2005–2007", (2005, 2006, 2007)),
        ("2005 - 2007", (2005, 2006, 2007)),
        ("2005-07", (2005, 2006, 2007)),
        ("2007, 2005", (2005, 2007)),
        ("2005 und 2006", (2005, 2006)),
        ("2006.0", (2006,)),
        ("", ()),
        ("  ", ()),
        (None, ()),
        (float("nan"), ()),
    ],
)
def test_parse_years_accepts_the_spellings_of_lists(
    text: object, expected: tuple[int, ...]
) -> None:
    assert parse_years(text) == expected


@pytest.mark.parametrize("text", ["2004", "2013", "2011-2013", "2005;2004"])
def test_parse_years_rejects_years_outside_the_programme_with_row_and_field(text: str) -> None:
    with pytest.raises(DataError) as info:
        parse_years(text, file="liste.csv", row=7)
    err = info.value
    assert (err.file, err.row, err.field) == ("liste.csv", 7, "funding_years")
    assert "2005–2012" in err.message


@pytest.mark.parametrize("text", ["2007-2005", "zweitausendfünf", "05"])
def test_parse_years_rejects_unreadable_or_descending_text(text: str) -> None:
    with pytest.raises(DataError) as info:
        parse_years(text, row=3)
    assert info.value.row == 3
    assert info.value.field == "funding_years"


# --- parse_amount / parse_focus / parse_unit_type ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("75.000,50 €", 75000.5),
        ("75.000", 75000.0),
        ("1.234.567", 1234567.0),
        ("12,5", 12.5),
        ("75000", 75000.0),
        ("75 000 EUR", 75000.0),
        (30000, 30000.0),
        (1234.5, 1234.5),
    ],
)
def test_parse_amount_reads_german_and_plain_numbers(text: object, expected: float) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["", None, float("nan")])
def test_parse_amount_empty_is_nan(text: object) -> None:
    assert math.isnan(parse_amount(text))


@pytest.mark.parametrize("text", ["viel", "-500", "12€50x"])
def test_parse_amount_errors_name_row_and_field(text: str) -> None:
    with pytest.raises(DataError) as info:
        parse_amount(text, file="f.csv", row=9)
    assert (info.value.row, info.value.field) == (9, "amount_eur")


def test_parse_focus_maps_aliases_and_keeps_unknown_parts() -> None:
    assert parse_focus("Transparenz; Vernetzung; Steuerung; Einbürgerung") == (
        "Transparenz",
        "Vernetzung und Koordination",
        "strategische Steuerung",
        "other (Einbürgerung)",
    )
    assert parse_focus("Transparenz; transparenz") == ("Transparenz",)
    assert parse_focus(None) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kreis", UnitType.KREIS),
        ("Städteregion", UnitType.KREIS),
        ("kreisfreie Stadt", UnitType.KREISFREIE_STADT),
        ("große kreisangehörige Stadt", UnitType.KREISANGEHOERIGE_STADT),
        ("Stadt", UnitType.KREISANGEHOERIGE_STADT),
    ],
)
def test_parse_unit_type(text: str, expected: UnitType) -> None:
    assert parse_unit_type(text) is expected


def test_parse_unit_type_unknown_is_an_error_on_the_field() -> None:
    with pytest.raises(DataError) as info:
        parse_unit_type("Bezirk", row=4)
    assert (info.value.row, info.value.field) == (4, "unit_type")


# --- validation ---------------------------------------------------------------------------------


def test_validate_registry_builds_the_canonical_frame() -> None:
    reg = validate_registry(raw(), status_frame(), file="x.csv")
    assert list(reg.columns) == list(REGISTRY_COLUMNS)
    assert reg["ags"].tolist() == ["05978", "05122000"]
    assert reg["funding_years"].tolist() == [(2005, 2006), (2007,)]
    assert reg["year_confidence"].tolist() == ["documented", "documented"]
    assert reg.loc[0, "amount_eur"] == 75000.5
    assert math.isnan(reg.loc[1, "amount_eur"])
    assert reg.loc[0, "focus"] == ("Transparenz",)


def test_collect_registry_errors_reports_every_bad_row_with_row_and_field() -> None:
    frame = raw(
        ags=["05978", "05999999", "05978036", "05122000"],
        name=["Unna", "Nirgendwo", "Unna", "Solingen"],
        unit_type=["Kreis", "kreisangehörige Stadt", "kreisfreie Stadt", "kreisangehörige Stadt"],
        funding_years=["2004", "2005", "2005", "2005"],
        year_confidence=[""] * 4,
        project_title=["a", "b", "c", "d"],
        focus=[""] * 4,
        amount_eur=[""] * 4,
        source_url=[""] * 4,
        evidence=[""] * 4,
    )
    errors = collect_registry_errors(frame, status_frame(), file="x.csv", first_row=2)
    assert [(e.row, e.field) for e in errors] == [
        (2, "funding_years"),
        (3, "ags"),
        (4, "unit_type"),
        (5, "unit_type"),
    ]
    assert "keine kreisfreie Stadt" in errors[2].message
    assert "nicht kreisangehörig" in errors[3].message


def test_collect_registry_errors_missing_columns_is_a_header_error() -> None:
    errors = collect_registry_errors(pd.DataFrame({"name": ["Unna"]}), status_frame(), file="x.csv")
    assert len(errors) == 1
    assert errors[0].row == 1
    assert "ags" in errors[0].message and "funding_years" in errors[0].message


def test_validate_registry_raises_the_first_error() -> None:
    with pytest.raises(DataError) as info:
        validate_registry(
            raw(funding_years=["2005", "2015"]), status_frame(), file="x.csv", first_row=10
        )
    assert (info.value.row, info.value.field) == (11, "funding_years")


def test_committed_documented_list_is_valid() -> None:
    status = pd.read_csv(REFERENCE / "nrw_municipal_status.csv", dtype=str, keep_default_na=False)
    reg = read_registry_csv(REFERENCE / "kommin_funding_documented.csv", status)
    # one registry row per CSV row (counted with plain csv), and the rows of the shared
    # reference list (53 since Münster 2009/10, 2011/12 and a further Kreis Düren source)
    assert len(reg) == len(documented_rows()) == 53
    assert reg["ags"].nunique() == 34
    assert set(reg["unit_type"]) <= {u.value for u in UnitType}
    assert all(all(2005 <= y <= 2012 for y in ys) for ys in reg["funding_years"])


# --- storage -----------------------------------------------------------------------------------


def settings_for(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", reference_dir=REFERENCE)


def test_registry_to_csv_frame_keeps_amounts_to_the_cent() -> None:
    reg = validate_registry(
        raw(amount_eur=["123.456,78", "1.234.567"]), status_frame(), file="x.csv"
    )
    flat = registry_to_csv_frame(reg)
    assert flat["amount_eur"].tolist() == ["123456.78", "1234567"]
    assert flat["funding_years"].tolist() == ["2005;2006", "2007"]
    assert [parse_amount(a) for a in flat["amount_eur"]] == [123456.78, 1234567.0]


def test_save_and_read_back_is_identical(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    reg = validate_registry(raw(amount_eur=["123.456,78", "12,5"]), status_frame(), file="x.csv")
    path = save_registry(reg, settings)
    assert path == imported_registry_path(settings)
    assert active_registry_path(settings) == (path, True)
    back = read_registry_csv(path, status_frame())
    pd.testing.assert_frame_equal(back, reg)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left


def test_active_registry_is_the_documented_list_without_import(tmp_path: Path) -> None:
    path, imported = active_registry_path(settings_for(tmp_path))
    assert not imported
    assert path == REFERENCE / "kommin_funding_documented.csv"


def test_save_registry_keeps_the_old_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(tmp_path)
    first = validate_registry(raw(), status_frame(), file="x.csv")
    path = save_registry(first, settings)
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("Datenträger voll")

    monkeypatch.setattr(os, "replace", broken_replace)
    second = validate_registry(raw(project_title=["neu", "neu2"]), status_frame(), file="x.csv")
    with pytest.raises(OSError, match="Datenträger voll"):
        save_registry(second, settings)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_save_registry_keeps_the_old_file_when_serialising_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(tmp_path)
    path = save_registry(validate_registry(raw(), status_frame(), file="x.csv"), settings)
    before = path.read_bytes()

    def broken_to_csv(self: pd.DataFrame, *args: object, **kwargs: object) -> None:
        raise OSError("Schreibfehler")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken_to_csv)
    with pytest.raises(OSError, match="Schreibfehler"):
        save_registry(validate_registry(raw(), status_frame(), file="x.csv"), settings)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_stored_registry_with_a_non_http_source_keeps_it_as_text_not_as_link() -> None:
    """A list stored before links were checked may hold ``javascript:``: never a link again."""
    from mapapp.ingest.registry import validate_registry
    from tests.fixtures.toy_land import registry_rows, status_frame

    raw = registry_rows()
    raw.loc[0, "source_url"] = "javascript:alert(2)"
    raw.loc[1, "source_url"] = "https://example.org/quelle"
    registry = validate_registry(raw, status_frame(), file="t.csv")
    assert registry.loc[0, "source_url"] == ""
    assert "Quelle (kein Link): javascript:alert(2)" in registry.loc[0, "evidence"]
    assert registry.loc[1, "source_url"] == "https://example.org/quelle"
