"""Tests for mapapp.ingest.funding (+ funding_table, units): reading messy ministry lists,
name -> AGS, row report."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from mapapp.config import REPO_ROOT, Settings
from mapapp.ingest.funding import import_file, import_table
from mapapp.ingest.funding_result import ImportResult
from mapapp.ingest.funding_table import map_funding_columns as map_columns
from mapapp.ingest.funding_table import read_funding_table as read_table
from mapapp.ingest.registry import REGISTRY_COLUMNS
from mapapp.ingest.units import UnitMatcher
from mapapp.io.funding import join_units, read_registry_csv, save_registry
from mapapp.model import DataError, UnitType
from tests.fixtures.documented_list import documented_rows
from tests.fixtures.files import billion_laughs_xlsx

REFERENCE = REPO_ROOT / "geodata" / "reference"


@pytest.fixture(scope="module")
def status() -> pd.DataFrame:
    """The committed status table in the load_status() layout (ABH as bool)."""
    frame = pd.read_csv(REFERENCE / "nrw_municipal_status.csv", dtype=str, keep_default_na=False)
    frame["has_auslaenderbehoerde"] = frame["has_auslaenderbehoerde"].str.lower().eq("yes")
    return frame


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode(encoding))
    return path


def table(rows: list[list[str]], columns: list[str], first_row: int = 2) -> pd.DataFrame:
    """A read_table()-like frame: text cells, index = spreadsheet rows."""
    frame = pd.DataFrame(
        rows, columns=columns, index=range(first_row, first_row + len(rows)), dtype=str
    )
    frame.attrs["header_row"] = first_row - 1
    return frame


def run(
    status: pd.DataFrame, rows: list[list[str]], columns: list[str] | None = None
) -> ImportResult:
    return import_table(table(rows, columns or ["Kommune", "Jahr"]), status, file="liste.csv")


def accepted_ags(result: ImportResult) -> list[str]:
    assert result.errors == [], [str(e) for e in result.errors]
    assert result.registry is not None
    return result.registry["ags"].tolist()


def messages(items: list[DataError]) -> list[tuple[int | None, str | None, str]]:
    return [(e.row, e.field, e.message) for e in items]


# --- read_table -------------------------------------------------------------------------------


def test_read_table_windows1252_semicolons_title_lines_and_empty_rows(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bewilligungen.csv",
        [
            "Bewilligungsliste KOMM-IN NRW 2005-2007;;;",
            "",
            "Zuwendungsempfänger;Förderjahr(e);Maßnahme;Betrag (EUR)",
            "Kreis Unna;2005/2006;Netzwerk Zuwanderung;75.000,50 €",
            ";;;",
            "",
            "Stadt Solingen;2005-2007;Integrationsnetzwerk;12.000",
        ],
        encoding="cp1252",
    )
    frame, first_data_row = read_table(path)
    assert first_data_row == 4
    assert frame.index.tolist() == [4, 7]
    assert frame.columns.tolist() == [
        "Zuwendungsempfänger",
        "Förderjahr(e)",
        "Maßnahme",
        "Betrag (EUR)",
    ]
    assert frame.loc[4, "Betrag (EUR)"] == "75.000,50 €"
    assert frame.loc[7, "Zuwendungsempfänger"] == "Stadt Solingen"
    assert frame.attrs["encoding"] == "Windows-1252"
    assert frame.attrs["delimiter"] == ";"
    assert frame.attrs["header_row"] == 3


def test_read_table_utf8_bom_commas_and_quoted_multiline_cells(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "liste.csv",
        [
            "AGS,Kommune,Jahr,Bemerkung",
            '05978,"Unna, Kreis",2006,"zwei',
            'Zeilen"',
            '05122000,"Solingen, Klingenstadt",2005,',
        ],
        encoding="utf-8-sig",
        newline="\n",
    )
    frame, first = read_table(path)
    assert first == 2
    # A spreadsheet shows the quoted two-line cell in one row (2), so Solingen is row 3.
    assert frame.index.tolist() == [2, 3]
    assert frame.loc[2, "Kommune"] == "Unna, Kreis"
    assert frame.loc[2, "Bemerkung"] == "zwei\nZeilen"
    assert frame.loc[3, "AGS"] == "05122000"
    assert frame.attrs["encoding"] == "UTF-8 (BOM)"
    assert frame.attrs["delimiter"] == ","


def test_read_table_tabs_and_utf16(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "liste.txt",
        ["Kommune\tJahr\tProjekt", "Köln\t2007\tKonzept"],
        encoding="utf-16",
    )
    frame, _ = read_table(path)
    assert frame.attrs["delimiter"] == "\t"
    assert frame.loc[2, "Kommune"] == "Köln"


def test_read_table_excel_sep_line_is_not_a_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "liste.csv", ["sep=;", "Kommune;Jahr", "Bochum;2005"])
    frame, first = read_table(path)
    assert first == 2
    assert frame.index.tolist() == [2]
    assert frame.loc[2, "Jahr"] == "2005"


def test_read_table_xlsx_header_below_title_numbers_as_text(tmp_path: Path) -> None:
    wb = Workbook()
    info = wb.active
    info.title = "Hinweise"
    info["A1"] = "Stand: Februar 2010"
    sheet = wb.create_sheet("Bewilligungen")
    sheet["A1"] = "KOMM-IN NRW – Bewilligungen"
    sheet.append([])
    sheet.append(["Kreisschlüssel", "Gebietskörperschaft", "Haushaltsjahr", "Fördersumme"])
    sheet.append([5978, "Unna", 2006, 75000.5])
    sheet.append([None, None, None, None])
    sheet.append([5122000, "Solingen", 2005.0, 12000])
    path = tmp_path / "liste.xlsx"
    wb.save(path)

    frame, first = read_table(path)
    assert frame.attrs["sheet"] == "Bewilligungen"
    assert first == 4
    assert frame.index.tolist() == [4, 6]
    assert frame.loc[4].tolist() == ["5978", "Unna", "2006", "75000,5"]
    assert frame.loc[6].tolist() == ["5122000", "Solingen", "2005", "12000"]


def test_read_table_refuses_files_over_the_size_limit(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gross.csv", ["Kommune;Jahr"] + ["Bochum;2005"] * 50)
    with pytest.raises(DataError, match="höchstens"):
        read_table(path, max_bytes=100)


@pytest.mark.parametrize(
    ("name", "content", "pattern"),
    [
        ("leer.csv", b"", "leer"),
        ("alt.xls", b"\xd0\xcf\x11\xe0", r"\.xls"),
        ("daten.json", b"{}", "nicht unterstützt"),
        ("ohne_kopf.csv", b"Bochum;2005\nDortmund;2006\n", "Kopfzeile"),
        ("nur_kopf.csv", b"Kommune;Jahr\n;;\n", "keine Datenzeilen"),
        ("excel.csv", b"PK\x03\x04rest", "xlsx"),
        ("kaputt.xlsx", b"Kommune;Jahr\nBochum;2005\n", "xlsx"),
        ("binaer.csv", b"Kommune\x00;Jahr\n", "keine Textdatei"),
    ],
)
def test_read_table_unusable_files_raise_data_error(
    tmp_path: Path, name: str, content: bytes, pattern: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=pattern) as info:
        read_table(path)
    assert info.value.file is not None


def test_read_table_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="nicht gefunden"):
        read_table(tmp_path / "gibtsnicht.csv")


# --- columns ----------------------------------------------------------------------------------


def test_map_columns_german_and_english_aliases() -> None:
    mapping = map_columns(
        [
            "Kreisschlüssel",
            "Gemeindeschlüssel",
            "Zuwendungsempfänger",
            "Art",
            "Förderjahr(e)",
            "Projekttitel",
            "Förderschwerpunkt",
            "Bewilligung in €",
            "Quelle",
            "Beleg",
            "Bemerkung",
            "Sachbearbeiter/in",
        ]
    )
    assert mapping.targets == {
        # a Gemeindeschlüssel is used before a Kreisschlüssel
        "ags": ("Gemeindeschlüssel", "Kreisschlüssel"),
        "name": ("Zuwendungsempfänger",),
        "unit_type": ("Art",),
        "funding_years": ("Förderjahr(e)",),
        "project_title": ("Projekttitel",),
        "focus": ("Förderschwerpunkt",),
        "amount_eur": ("Bewilligung in €",),
        "source_url": ("Quelle",),
        "evidence": ("Beleg", "Bemerkung"),
    }
    assert mapping.ignored == ("Sachbearbeiter/in",)


def test_map_columns_first_word_fallback_and_canonical_names() -> None:
    mapping = map_columns(["Name der Kommune", "Jahr der Bewilligung", "Projekt-Nr.", "amount_eur"])
    assert mapping.get("name") == ("Name der Kommune",)
    assert mapping.get("funding_years") == ("Jahr der Bewilligung",)
    assert mapping.get("amount_eur") == ("amount_eur",)
    assert mapping.get("project_title") == ()  # a number column is no title
    assert mapping.ignored == ("Projekt-Nr.",)


# --- names -> AGS -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ags"),
    [
        ("Kreis Unna", "05978"),
        ("Unna, Kreis", "05978"),
        ("Unna (Kreis)", "05978"),
        ("Stadt Unna", "05978036"),
        ("Unna, Stadt", "05978036"),
        ("Stadt Solingen", "05122000"),
        ("Solingen, Klingenstadt", "05122000"),
        ("Klingenstadt Solingen", "05122000"),
        ("Solingen", "05122000"),
        ("Städteregion Aachen", "05334"),
        ("StädteRegion Aachen", "05334"),
        ("Mülheim an der Ruhr", "05117000"),
        ("Mülheim a.d. Ruhr", "05117000"),
        ("Mülheim/Ruhr", "05117000"),
        ("Landeshauptstadt Düsseldorf", "05111000"),
        ("Muelheim a. d. Ruhr", "05117000"),
        ("Düsseldorf", "05111000"),
        ("Duesseldorf", "05111000"),
        ("Köln", "05315000"),
        ("Koeln", "05315000"),
        ("Kreis Lippe", "05766"),
        ("Lippe", "05766"),
        ("Hochsauerlandkreis", "05958"),
        ("Kreis Ennepe-Ruhr", "05954"),
        ("Märkischer Kreis", "05962"),
        ("Rhein-Kreis Neuss", "05162"),
        ("Kreis Neuss", "05162"),
        ("Hansestadt Herford", "05758012"),
        ("Kreisfreie Stadt Bochum", "05911000"),
        ("Halle (Westf.)", "05754012"),
        ("Siegen", "05970040"),
    ],
)
def test_names_are_matched_to_ags(status: pd.DataFrame, name: str, ags: str) -> None:
    result = run(status, [[name, "2006"]])
    assert accepted_ags(result) == [ags]
    assert result.registry is not None
    assert result.registry.loc[0, "name"] == name  # the name as written in the list is kept


def test_matcher_lookup_reports_kind_from_wording(status: pd.DataFrame) -> None:
    matcher = UnitMatcher(status)
    assert {u.ags for u in matcher.lookup("Unna").candidates} == {"05978", "05978036"}
    assert matcher.lookup("Kreis Unna").kinds == frozenset({"kreis"})
    assert matcher.lookup("Stadt Unna").kinds == frozenset({"kreisfrei", "kreisangehoerig"})


def test_ambiguous_name_is_an_error_not_a_guess(status: pd.DataFrame) -> None:
    result = run(status, [["Unna", "2006"]])
    assert result.registry is None
    [(row, fld, msg)] = messages(result.errors)
    assert (row, fld) == (2, "name")
    assert "mehrdeutig" in msg and "05978" in msg and "05978036" in msg


@pytest.mark.parametrize(
    ("typ", "ags", "unit_type"),
    [
        ("Kreis", "05978", "Kreis"),
        ("Stadt", "05978036", "kreisangehörige Stadt"),
        ("große kreisangehörige Stadt", "05978036", "kreisangehörige Stadt"),
    ],
)
def test_type_column_resolves_ambiguous_names(
    status: pd.DataFrame, typ: str, ags: str, unit_type: str
) -> None:
    result = run(status, [["Unna", typ, "2006"]], ["Kommune", "Typ", "Jahr"])
    assert accepted_ags(result) == [ags]
    assert result.registry is not None
    assert result.registry.loc[0, "unit_type"] == unit_type


def test_unit_type_is_derived_from_the_status_table(status: pd.DataFrame) -> None:
    result = run(
        status, [["Kreis Herford", "2005"], ["Bochum", "2005"], ["Stadt Paderborn", "2005"]]
    )
    assert result.registry is not None
    assert result.registry["unit_type"].tolist() == [
        UnitType.KREIS.value,
        UnitType.KREISFREIE_STADT.value,
        UnitType.KREISANGEHOERIGE_STADT.value,
    ]


def test_unknown_name_suggests_a_spelling_but_does_not_use_it(status: pd.DataFrame) -> None:
    result = run(status, [["Solingn", "2006"]])
    assert result.registry is None
    [(row, fld, msg)] = messages(result.errors)
    assert (row, fld) == (2, "name")
    assert "nicht gefunden" in msg and "meinten Sie" in msg and "05122000" in msg


def test_unknown_name_without_close_spelling_has_no_suggestion(status: pd.DataFrame) -> None:
    result = run(status, [["Atlantis", "2006"]])
    assert "meinten Sie" not in result.errors[0].message


@pytest.mark.parametrize(
    ("name", "typ", "fragment"),
    [
        ("Stadt Lippe", "", "ist ein Kreis, angegeben als Stadt"),
        ("Lippe", "Stadt", "ist ein Kreis, angegeben als Stadt"),
        ("Bochum", "Kreis", "angegeben als Kreis"),
        ("Kreis Bochum", "", "angegeben als Kreis"),
        ("Paderborn", "kreisfreie Stadt", "kreisangehörig, angegeben als kreisfreie Stadt"),
        ("Bochum", "kreisangehörige Stadt", "kreisfreie Stadt, angegeben als kreisangehörig"),
    ],
)
def test_kreis_given_as_stadt_and_vice_versa(
    status: pd.DataFrame, name: str, typ: str, fragment: str
) -> None:
    result = run(status, [[name, typ, "2006"]], ["Kommune", "Typ", "Jahr"])
    assert result.registry is None
    assert len(result.errors) == 1
    assert fragment in result.errors[0].message
    assert result.errors[0].row == 2


def test_name_and_type_that_contradict_each_other(status: pd.DataFrame) -> None:
    result = run(status, [["Kreis Unna", "Stadt", "2006"]], ["Kommune", "Typ", "Jahr"])
    assert messages(result.errors)[0][:2] == (2, "unit_type")
    assert "widersprechen" in result.errors[0].message


def test_unknown_type_word(status: pd.DataFrame) -> None:
    result = run(status, [["Bochum", "Bezirk", "2006"]], ["Kommune", "Typ", "Jahr"])
    assert messages(result.errors)[0][:2] == (2, "unit_type")


# --- AGS --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("05978036", "05978036"),
        ("5978036", "05978036"),  # leading zero lost in a spreadsheet
        ("5978036.0", "05978036"),
        ("'05978", "05978"),
        ("05122", "05122000"),  # Kreis key of a kreisfreie Stadt = the city
        ("059780036036", "05978036"),  # 12-digit Regionalschlüssel
        ("059780000000", "05978"),
    ],
)
def test_keys_in_list_spellings(status: pd.DataFrame, key: str, expected: str) -> None:
    result = run(status, [[key, "2006"]], ["AGS", "Jahr"])
    assert accepted_ags(result) == [expected]


def test_ags_with_matching_name_disambiguates(status: pd.DataFrame) -> None:
    result = run(status, [["05978036", "Unna", "2006"]], ["AGS", "Kommune", "Jahr"])
    assert accepted_ags(result) == ["05978036"]
    assert result.warnings == []


def test_unknown_ags_is_reported(status: pd.DataFrame) -> None:
    result = run(
        status, [["05999999", "2006"], ["05978000", "2006"], ["abc", "2006"]], ["AGS", "Jahr"]
    )
    assert result.registry is None
    assert [(e.row, e.field) for e in result.errors] == [(2, "ags"), (3, "ags"), (4, "ags")]
    assert "keine NRW-Gemeinde" in result.errors[0].message
    assert "meinten Sie Kreis Unna (05978)" in result.errors[1].message


def test_ags_that_contradicts_the_name_is_an_error(status: pd.DataFrame) -> None:
    result = run(status, [["05978", "Kreis Lippe", "2006"]], ["AGS", "Kommune", "Jahr"])
    [(row, fld, msg)] = messages(result.errors)
    assert (row, fld) == (2, "ags")
    assert "passt nicht" in msg and "05766" in msg


def test_ags_of_a_stadt_with_kreis_in_the_name_is_an_error(status: pd.DataFrame) -> None:
    result = run(status, [["05978036", "Kreis Unna", "2006"]], ["AGS", "Kommune", "Jahr"])
    assert "angegeben als Kreis" in result.errors[0].message


def test_ags_with_unrecognised_name_is_used_with_a_warning(status: pd.DataFrame) -> None:
    result = run(status, [["05911000", "Stadtverwaltung Bo.", "2006"]], ["AGS", "Kommune", "Jahr"])
    assert accepted_ags(result) == ["05911000"]
    assert [(w.row, w.field) for w in result.warnings] == [(2, "name")]


def test_ags_column_coalesces_gemeinde_and_kreis_keys(status: pd.DataFrame) -> None:
    result = run(
        status,
        [["05978", "", "2006"], ["05978", "05978036", "2006"]],
        ["Kreisschlüssel", "Gemeindeschlüssel", "Jahr"],
    )
    assert accepted_ags(result) == ["05978", "05978036"]


# --- Aachen history ------------------------------------------------------------------------------


def test_kreis_aachen_maps_to_the_staedteregion_with_a_warning(status: pd.DataFrame) -> None:
    result = run(status, [["Kreis Aachen", "2005"]])
    assert accepted_ags(result) == ["05334"]
    assert result.registry is not None
    assert result.registry.loc[0, "unit_type"] == "Kreis"
    [warning] = result.warnings
    assert "05354" in warning.message and "05334" in warning.message and warning.row == 2


@pytest.mark.parametrize("name", ["Stadt Aachen", "Aachen, Stadt"])
def test_stadt_aachen_maps_to_the_regionsangehoerige_stadt(status: pd.DataFrame, name: str) -> None:
    result = run(status, [[name, "kreisfreie Stadt", "2006"]], ["Kommune", "Typ", "Jahr"])
    assert accepted_ags(result) == ["05334002"]
    assert result.registry is not None
    assert result.registry.loc[0, "unit_type"] == "kreisangehörige Stadt"
    [warning] = result.warnings
    assert "kreisfreie Stadt (05313)" in warning.message


def test_aachen_alone_is_ambiguous(status: pd.DataFrame) -> None:
    result = run(status, [["Aachen", "2006"]])
    assert "mehrdeutig" in result.errors[0].message


@pytest.mark.parametrize(
    ("key", "expected"), [("05313", "05334002"), ("05313000", "05334002"), ("05354", "05334")]
)
def test_historic_aachen_keys(status: pd.DataFrame, key: str, expected: str) -> None:
    result = run(status, [[key, "2006"]], ["AGS", "Jahr"])
    assert accepted_ags(result) == [expected]
    assert len(result.warnings) == 1 and "gibt es nicht mehr" in result.warnings[0].message


def test_staedteregion_before_2009_gets_a_note(status: pd.DataFrame) -> None:
    early = run(status, [["Städteregion Aachen", "2007"]])
    late = run(status, [["Städteregion Aachen", "2011"]])
    assert len(early.warnings) == 1 and "seit 2009" in early.warnings[0].message
    assert late.warnings == []


# --- years, amounts, duplicates, warnings --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2005/2006", (2005, 2006)),
        ("2005-2007", (2005, 2006, 2007)),
        ("2005/06", (2005, 2006)),
        ("2005 bis 2007", (2005, 2006, 2007)),
        ("2005 - 2006", (2005, 2006)),
        ("2009", (2009,)),
    ],
)
def test_year_spellings(status: pd.DataFrame, text: str, years: tuple[int, ...]) -> None:
    result = run(status, [["Bochum", text]])
    assert result.registry is not None
    assert result.registry.loc[0, "funding_years"] == years
    assert result.registry.loc[0, "year_confidence"] == "documented"


@pytest.mark.parametrize("text", ["2004", "2013", "2011-2013", "2005/2014", "vorläufig"])
def test_years_outside_the_programme_are_row_errors(status: pd.DataFrame, text: str) -> None:
    result = run(status, [["Bochum", "2006"], ["Dortmund", text]])
    assert result.registry is None
    assert [(e.row, e.field) for e in result.errors] == [(3, "funding_years")]


def test_missing_year_is_accepted_with_a_warning(status: pd.DataFrame) -> None:
    result = run(status, [["Bochum", ""]])
    assert result.registry is not None
    assert result.registry.loc[0, "funding_years"] == ()
    assert result.registry.loc[0, "year_confidence"] == "year unknown"
    assert [(w.row, w.field) for w in result.warnings] == [(2, "funding_years")]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("75.000,50 €", 75000.5),
        ("12.000", 12000.0),
        ("75.000 Euro", 75000.0),
        ("EUR 30.000,00", 30000.0),
        ("1,234.56", 1234.56),
        ("75000,5", 75000.5),
        ("12,345", None),
        ("viel", None),
    ],
)
def test_amount_spellings(status: pd.DataFrame, text: str, amount: float | None) -> None:
    result = run(status, [["Bochum", "2006", text]], ["Kommune", "Jahr", "Betrag"])
    if amount is None:
        assert [(e.row, e.field) for e in result.errors] == [(2, "amount_eur")]
    else:
        assert result.registry is not None
        assert result.registry.loc[0, "amount_eur"] == amount


def test_duplicates_within_the_file_name_the_first_row(status: pd.DataFrame) -> None:
    result = run(
        status,
        [
            ["Kreis Unna", "2005/2006", "Netzwerk"],
            ["Kreis Unna", "2005", "Netzwerk"],  # other years: no duplicate
            ["Unna, Kreis", "2005-2006", "netzwerk"],  # same Kommune, project and years
        ],
        ["Kommune", "Jahr", "Projekt"],
    )
    assert result.registry is None
    [(row, fld, msg)] = messages(result.errors)
    assert (row, fld) == (4, "project_title")
    assert "Zeile 2" in msg


def test_gemeinde_without_auslaenderbehoerde_is_only_a_warning(status: pd.DataFrame) -> None:
    result = run(status, [["Hattingen", "2007"], ["Lippetal", "2010"], ["Bochum", "2005"]])
    assert accepted_ags(result) == ["05954016", "05974024", "05911000"]
    assert [(w.row, w.field) for w in result.warnings] == [(2, "ags"), (3, "ags")]
    assert "kreisangehörige Stadt ohne eigene Ausländerbehörde" in result.warnings[0].message
    assert "kreisangehörige Gemeinde ohne" in result.warnings[1].message


def test_sum_rows_are_skipped_with_a_warning_and_unknown_columns_reported(
    status: pd.DataFrame,
) -> None:
    result = run(
        status,
        [["Bochum", "2005", "Meier"], ["Summe", "", ""]],
        ["Kommune", "Jahr", "Sachbearbeitung"],
    )
    assert accepted_ags(result) == ["05911000"]
    assert result.rows_read == 2 and result.rows_skipped == 1
    assert [(w.row, w.field) for w in result.warnings] == [(1, "Sachbearbeitung"), (3, "name")]


def test_row_without_kommune_is_an_error(status: pd.DataFrame) -> None:
    result = run(status, [["", "2005"]])
    assert [(e.row, e.field) for e in result.errors] == [(2, "name")]


def test_nothing_is_half_imported(status: pd.DataFrame) -> None:
    result = run(
        status, [["Bochum", "2005"], ["Dortmund", "2006"], ["Unna", "2006"], ["Herne", "2007"]]
    )
    assert result.registry is None
    assert result.accepted == 0
    assert len(result.errors) == 1 and result.errors[0].row == 4
    assert result.to_dict()["ok"] is False


def test_table_without_name_or_ags_column_is_unusable(status: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="weder"):
        import_table(table([["2005", "X"]], ["Jahr", "Projekt"]), status, file="x.csv")


# --- whole files -----------------------------------------------------------------------------------


def test_import_realistic_ministry_csv_and_store_it(status: pd.DataFrame, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "Bewilligungen KOMM-IN.csv",
        [
            "Ministerium – KOMM-IN NRW, Bewilligungen;;;;;;;",
            "",
            "Lfd. Nr.;Zuwendungsempfänger;Gebietstyp;Haushaltsjahr;Projekttitel;Förderschwerpunkt;Zuwendung (EUR);Bemerkung",
            "1;Kreis Unna;Kreis;2005/2006;Netzwerk Zuwanderung;Transparenz, Vernetzung;75.000,50;",
            "2;Solingen, Klingenstadt;kreisfreie Stadt;2005-2007;Solinger Integrationsnetzwerk;Vernetzung und Koordination;120.000;Folgeantrag",
            "3;Hattingen;Stadt;2007;KOMM-IN Hattingen;;18.500;",
            ";;;;;;;",
            ";Summe;;;;;213.500,50;",
        ],
        encoding="cp1252",
    )
    result = import_file(path, status, default_source="Bewilligungsliste MGFFI (Test)")
    assert result.errors == [], [str(e) for e in result.errors]
    reg = result.registry
    assert reg is not None
    assert list(reg.columns) == list(REGISTRY_COLUMNS)
    assert reg["ags"].tolist() == ["05978", "05122000", "05954016"]
    assert reg["funding_years"].tolist() == [(2005, 2006), (2005, 2006, 2007), (2007,)]
    assert reg["focus"].tolist() == [
        ("Transparenz", "Vernetzung und Koordination"),
        ("Vernetzung und Koordination",),
        (),
    ]
    assert reg["amount_eur"].tolist() == [75000.5, 120000.0, 18500.0]
    # a source text that is no http(s) address is provenance, not a link
    assert reg["source_url"].tolist() == [""] * 3
    assert reg["evidence"].tolist() == [
        "Bewilligungsliste MGFFI (Test)",
        "Folgeantrag | Bewilligungsliste MGFFI (Test)",
        "Bewilligungsliste MGFFI (Test)",
    ]
    # "Lfd. Nr." ignored, Hattingen without ABH, the sum row skipped
    assert [(w.row, w.field) for w in result.warnings] == [(3, "Lfd. Nr."), (6, "ags"), (8, "name")]

    settings = Settings(data_dir=tmp_path / "data", reference_dir=REFERENCE)
    stored = save_registry(reg, settings)
    pd.testing.assert_frame_equal(read_registry_csv(stored, status), reg)


def test_comma_file_with_unquoted_decimal_comma_is_a_row_error(
    status: pd.DataFrame, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "komma.csv",
        [
            "Kommune,Jahr,Betrag",
            "Bochum,2005,30000",
            "Kreis Unna,2006,75000,50",
            '"Herne",2007,"12,5"',
        ],
    )
    result = import_file(path, status)
    assert result.registry is None
    [(row, fld, msg)] = messages(result.errors)
    assert (row, fld) == (3, None)
    assert "Anführungszeichen" in msg
    assert result.warnings == []


def test_import_xlsx_with_numeric_cells(status: pd.DataFrame, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["AGS", "Kommune", "Förderjahr", "Betrag"])
    ws.append([5978, "Kreis Unna", 2006, 75000.5])
    ws.append([5911000, "Bochum", 2005, 30000])
    path = tmp_path / "liste.xlsx"
    wb.save(path)
    result = import_file(path, status)
    assert accepted_ags(result) == ["05978", "05911000"]
    assert result.registry is not None
    assert result.registry["amount_eur"].tolist() == [75000.5, 30000.0]
    assert result.registry["funding_years"].tolist() == [(2006,), (2005,)]
    assert result.registry["source_url"].tolist() == [""] * 2
    assert result.registry["evidence"].tolist() == ["Import: liste.xlsx"] * 2


def test_exported_registry_reimports(status: pd.DataFrame) -> None:
    """The committed documented list (canonical columns) goes through the importer unchanged."""
    result = import_file(REFERENCE / "kommin_funding_documented.csv", status)
    assert result.errors == []
    reg = result.registry
    assert reg is not None
    documented = read_registry_csv(REFERENCE / "kommin_funding_documented.csv", status)
    pd.testing.assert_frame_equal(reg, documented)


def test_report_dict_lists_errors_with_rows(status: pd.DataFrame) -> None:
    report = run(status, [["Unna", "2006"]]).to_dict()
    assert report["accepted"] == 0
    # the one report layout of every import (mapapp.ingest.report)
    assert report["rejected"][0]["row"] == 2
    assert report["rejected"][0]["field"] == "name"
    assert "mehrdeutig" in report["rejected"][0]["reason"]
    assert report["ok"] is False and report["warnings"] == []


# --- join to the boundaries ------------------------------------------------------------------------


def documented(status: pd.DataFrame) -> pd.DataFrame:
    return read_registry_csv(REFERENCE / "kommin_funding_documented.csv", status)


def test_every_documented_row_joins_to_a_unit_of_its_level(status: pd.DataFrame) -> None:
    reg = documented(status)
    joined = join_units(reg, status)
    assert len(joined) == len(documented_rows())
    kreis = joined["unit_type"] == "Kreis"
    assert joined.loc[kreis, "ags"].str.len().eq(5).all()
    assert joined.loc[~kreis, "ags"].str.len().eq(8).all()
    names = dict(zip(status["ags"], status["name"], strict=True))
    assert joined["name"].tolist() == [names[a] for a in joined["ags"]]
    assert joined["name_in_source"].tolist() == reg["name"].tolist()


def test_join_units_reports_rows_without_a_boundary(status: pd.DataFrame) -> None:
    reg = documented(status).head(3)
    kreise = set(status.loc[status["level"] == "kreis", "ags"]) - {"05758"}  # drop Kreis Herford
    with pytest.raises(DataError) as info:
        join_units(reg, status, kreis_keys=kreise)
    assert info.value.row == 3 and info.value.field == "ags"
    assert "05758" in info.value.message


def _bkg_archive() -> Path | None:
    candidates = [
        REPO_ROOT.parent / "shared" / "geodata" / "bkg" / "vg5000_01-01.gk3.shape.ebenen.zip"
    ]
    mirror = os.environ.get("MAPAPP_MIRROR")
    if mirror:
        candidates.insert(0, Path(mirror) / "bkg" / "vg5000_01-01.gk3.shape.ebenen.zip")
    return next((p for p in candidates if p.exists()), None)


@pytest.mark.data
def test_every_documented_row_joins_to_the_real_bkg_boundaries(status: pd.DataFrame) -> None:
    archive = _bkg_archive()
    if archive is None:
        pytest.skip("BKG VG5000 archive not in ../shared/geodata or MAPAPP_MIRROR")
    from mapapp.io.boundaries import read_boundaries

    b = read_boundaries(archive)
    reg = documented(status)
    joined = join_units(
        reg, status, kreis_keys=set(b.kreise["ags"]), gemeinde_keys=set(b.gemeinden["ags"])
    )
    assert len(joined) == len(documented_rows())
    kreis_rows = joined[joined["unit_type"] == "Kreis"]
    stadt_rows = joined[joined["unit_type"] != "Kreis"]
    assert set(kreis_rows["ags"]) <= set(b.kreise["ags"])
    assert set(stadt_rows["ags"]) <= set(b.gemeinden["ags"])
    assert len(kreis_rows) > 0 and len(stadt_rows) > 0


# --- links (security: only http(s) sources become links) ----------------------------------------


def test_source_urls_other_than_http_are_dropped_with_a_row_warning(
    status: pd.DataFrame, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "quellen.csv",
        [
            "Kommune;Jahr;Quelle",
            "Bochum;2005;https://www.example.org/bochum?a=1&b=2",
            "Herne;2006;javascript:alert(document.cookie)",
            "Hagen;2006;data:text/html,<script>alert(1)</script>",
            "Kreis Unna;2007;../intern/bericht.html",
            "Dortmund;2007;www.example.org/dortmund",
        ],
    )
    result = import_file(path, status, default_source="https://www.example.org/liste")
    assert accepted_ags(result) == ["05911000", "05916000", "05914000", "05978", "05913000"]
    assert result.registry is not None
    assert result.registry["source_url"].tolist() == [
        "https://www.example.org/bochum?a=1&b=2",
        "https://www.example.org/liste",  # the dropped value is replaced by the default link
        "https://www.example.org/liste",
        "https://www.example.org/liste",
        "https://www.example.org/dortmund",
    ]
    dropped = [(w.row, w.field) for w in result.warnings if w.field == "source_url"]
    assert dropped == [(3, "source_url"), (4, "source_url"), (5, "source_url")]
    assert "javascript" in result.warnings[0].message


# --- limits (import denial of service) -----------------------------------------------------------


def test_read_table_refuses_more_rows_than_the_limit_with_one_sentence(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "lang.csv", ["Kommune;Jahr"] + ["Bochum;2005"] * 4)
    with pytest.raises(DataError) as info:
        read_table(path, max_rows=3)
    assert str(info.value) == (
        "lang.csv: mehr als 3 Datenzeilen – ein Import nimmt höchstens 3 Zeilen; "
        "bitte die Datei aufteilen"
    )
    frame, _ = read_table(path, max_rows=4)
    assert len(frame) == 4


def test_one_row_limit_for_every_importer() -> None:
    from mapapp.ingest import funding_table, offers_table, read
    from mapapp.io import offers

    assert read.MAX_IMPORT_ROWS == offers.DEFAULT_MAX_ROWS
    assert funding_table.read_funding_table.__kwdefaults__ == {
        "file": None,
        "max_bytes": read.MAX_IMPORT_BYTES,
        "max_rows": read.MAX_IMPORT_ROWS,
    }
    assert offers_table.read_offer_rows.__kwdefaults__ == {
        "max_bytes": read.MAX_IMPORT_BYTES,
        "max_rows": read.MAX_IMPORT_ROWS,
    }


def test_registry_check_reports_the_spreadsheet_row_of_each_bad_row(status: pd.DataFrame) -> None:
    """The whole-frame check (one pass, no per-row frame) keeps the rows as the file has them."""
    from mapapp.ingest.registry import collect_registry_errors

    n = 600
    raw = pd.DataFrame(
        {
            "ags": ["05911000"] * n,
            "unit_type": ["kreisfreie Stadt"] * n,
            "funding_years": ["2005"] * n,
            "amount_eur": [""] * n,
        }
    )
    raw.loc[300, "funding_years"] = "2004"
    raw.loc[450, "ags"] = "05999999"
    raw.loc[451, "unit_type"] = "Kreis"
    rows = [10 + 2 * i for i in range(n)]  # e.g. every other line of the file
    errors = collect_registry_errors(raw, status, file="liste.csv", rows=rows)
    assert [(e.row, e.field) for e in errors] == [
        (610, "funding_years"),
        (910, "ags"),
        (912, "ags"),
    ]


# --- realistic files are read right, nothing is dropped silently ---------------------------------


def test_mostly_utf8_file_with_one_windows_1252_line_is_decoded_per_line(
    status: pd.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "gemischt.csv"
    path.write_bytes(
        b"Kommune;Jahr;Projekt\n"
        + "Köln;2006;Integrationsbüro\n".encode()
        + "Mülheim an der Ruhr;2007;Übergänge\n".encode("cp1252")
        + "Münster;2005;Netzwerk Süd\n".encode()
    )
    result = import_file(path, status)
    assert result.registry is not None, [str(e) for e in result.errors]
    assert result.registry["name"].tolist() == ["Köln", "Mülheim an der Ruhr", "Münster"]
    assert result.registry["project_title"].tolist() == [
        "Integrationsbüro",
        "Übergänge",
        "Netzwerk Süd",
    ]
    assert [(w.row, w.field) for w in result.warnings] == [(3, None)]
    assert "Windows-1252" in result.warnings[0].message


def test_line_in_neither_encoding_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.csv"
    path.write_bytes("Kommune;Jahr\nKöln;2006\n".encode() + b"Bochum \x81\x8d;2005\n")
    with pytest.raises(DataError, match="Zeile 3"):
        read_table(path)


def test_workbook_with_one_sheet_per_year_is_read_completely(
    status: pd.DataFrame, tmp_path: Path
) -> None:
    wb = Workbook()
    notes = wb.active
    notes.title = "Hinweise"
    notes["A1"] = "Bewilligungen nach Jahren, Stand 2008"
    for year, rows in (
        ("2005", [["Kreis Unna", "Netzwerk", 75000]]),
        ("2006", [["Bochum", "Konzept", 30000], ["Herne", "Beratung", 12000]]),
        ("2007", [["Solingen", "Netzwerk", 20000]]),
    ):
        ws = wb.create_sheet(year)
        ws.append(["Kommune", "Projekt", "Betrag"])
        for r in rows:
            ws.append(r)
    path = tmp_path / "jahre.xlsx"
    wb.save(path)
    result = import_file(path, status)
    assert accepted_ags(result) == ["05978", "05911000", "05916000", "05122000"]
    assert result.registry is not None
    assert result.registry["funding_years"].tolist() == [(2005,), (2006,), (2006,), (2007,)]
    texts = [str(w) for w in result.warnings]
    assert any("Blatt 'Hinweise'" in t and "nicht gelesen" in t for t in texts)
    assert sum("aus dem Blattnamen" in t for t in texts) == 3


def test_sheets_per_year_name_the_sheet_in_row_messages(
    status: pd.DataFrame, tmp_path: Path
) -> None:
    wb = Workbook()
    first = wb.active
    first.title = "2005"
    first.append(["Kommune", "Jahr"])
    first.append(["Bochum", "2005"])
    second = wb.create_sheet("2006")
    second.append(["Kommune", "Jahr"])
    second.append(["Nirgendwo", "2006"])
    path = tmp_path / "jahre.xlsx"
    wb.save(path)
    result = import_file(path, status)
    assert [(e.file, e.row, e.field) for e in result.errors] == [
        ("jahre.xlsx, Blatt '2006'", 2, "name")
    ]


def test_sheet_with_other_columns_is_skipped_with_a_warning(
    status: pd.DataFrame, tmp_path: Path
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Bewilligungen"
    ws.append(["Kommune", "Jahr", "Projekt"])
    ws.append(["Bochum", 2005, "Konzept"])
    other = wb.create_sheet("Ansprechpartner")
    other.append(["Kommune", "Telefon"])
    other.append(["Bochum", "0234 0000"])
    path = tmp_path / "liste.xlsx"
    wb.save(path)
    result = import_file(path, status)
    assert accepted_ags(result) == ["05911000"]
    assert any("Blatt 'Ansprechpartner'" in str(w) for w in result.warnings)


def test_merged_two_row_header(status: pd.DataFrame, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["KOMM-IN NRW – Bewilligungen"])
    ws.append(["Kommune", "Förderung", None, "Projekt"])
    ws.append([None, "Jahr", "Betrag (EUR)", None])
    ws.merge_cells("B2:C2")
    ws.merge_cells("A2:A3")
    ws.merge_cells("D2:D3")
    ws.append(["Bochum", "2006", 30000, "Konzept"])
    ws.append(["Kreis Unna", "2005", 75000, "Netzwerk"])
    path = tmp_path / "zweizeilig.xlsx"
    wb.save(path)
    frame, first = read_table(path)
    assert first == 4
    assert frame.columns.tolist() == ["Kommune", "Jahr", "Betrag (EUR)", "Projekt"]
    result = import_file(path, status)
    assert accepted_ags(result) == ["05911000", "05978"]
    assert result.registry is not None
    assert result.registry["amount_eur"].tolist() == [30000.0, 75000.0]


def test_merged_two_row_header_in_csv(status: pd.DataFrame, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "zweizeilig.csv",
        ["sep=;", "Kommune;Förderung;;", ";Jahr;Betrag;Projekt", "Bochum;06;3.000,- €;Konzept"],
    )
    result = import_file(path, status)
    assert accepted_ags(result) == ["05911000"]
    assert result.registry is not None
    assert result.registry.loc[0, "funding_years"] == (2006,)
    assert result.registry.loc[0, "amount_eur"] == 3000.0


@pytest.mark.parametrize(
    ("text", "years"),
    [("06", (2006,)), ("'07", (2007,)), ("05-07", (2005, 2006, 2007)), ("05/06", (2005, 2006))],
)
def test_two_digit_years(status: pd.DataFrame, text: str, years: tuple[int, ...]) -> None:
    result = run(status, [["Bochum", text]])
    assert result.registry is not None, [str(e) for e in result.errors]
    assert result.registry.loc[0, "funding_years"] == years


def test_two_digit_year_outside_the_programme_is_a_row_error(status: pd.DataFrame) -> None:
    result = run(status, [["Bochum", "04"]])
    assert [(e.row, e.field) for e in result.errors] == [(2, "funding_years")]
    assert "2004" in result.errors[0].message


@pytest.mark.parametrize(
    ("text", "amount"),
    [("3.000,- €", 3000.0), ("3.000,--", 3000.0), ("€ 12.500,-", 12500.0), ("EUR 800,–", 800.0)],
)
def test_amounts_with_dash_cents(status: pd.DataFrame, text: str, amount: float) -> None:
    result = run(status, [["Bochum", "2006", text]], ["Kommune", "Jahr", "Betrag"])
    assert result.registry is not None, [str(e) for e in result.errors]
    assert result.registry.loc[0, "amount_eur"] == amount


def test_billion_laughs_xlsx_is_refused_with_one_sentence(tmp_path: Path) -> None:
    path = billion_laughs_xlsx(tmp_path / "lol.xlsx")
    with pytest.raises(DataError, match="DOCTYPE|XML") as info:
        read_table(path)
    assert info.value.file == "lol.xlsx"
    assert "\n" not in str(info.value)


def test_billion_laughs_is_refused_by_openpyxl_too(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Without the DOCTYPE pre-check, defusedxml (installed with the app) still refuses it."""
    from mapapp.ingest import xlsx

    monkeypatch.setattr(xlsx, "_refuse_xml_entities", lambda zf, file: None)
    path = billion_laughs_xlsx(tmp_path / "lol.xlsx")
    with pytest.raises(DataError, match="XML-Deklarationen"):
        read_table(path)
