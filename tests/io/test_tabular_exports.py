"""The two CSV dialects and the XLSX workbook (``mapapp.io.tabular``), read back with the readers
the field uses: pandas (as Excel would split the file) and openpyxl. Values are SYNTHETIC."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from mapapp.io.tabular import (
    CSV_EXCEL,
    CSV_PLAIN,
    csv_bytes,
    sheet_name,
    sources_path,
    sources_text,
    to_excel_csv,
    to_safe_csv,
    to_safe_xlsx,
)

HOSTILE = ['=HYPERLINK("http://127.0.0.1:9/x","klick")', "+49 211 1234", "-2+3", "@SUM(A1)"]


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "AGS": ["05111000", "05901008", "05902016", "05901004"],
            "Kommune": HOSTILE[:1] + ["Gammastadt (Düsseldörfchen)", "Südkreis", "Ölmühle"],
            "Träger": HOSTILE[1:] + ["Straße 5"],
            "Betrag (EUR)": [1234.5, 0.25, -75000.0, float("nan")],
            "Anzahl": [1, 2, -3, 4],
        }
    )


def read_excel_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(
        io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", dtype={"AGS": str}
    )


def test_excel_csv_reads_back_with_german_settings() -> None:
    data = to_excel_csv(frame())
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel detects the encoding
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "AGS;Kommune;Träger;Betrag (EUR);Anzahl"
    assert "\r\n" in text and "1234,5" in text and "0,25" in text and "-75000,0" in text
    back = read_excel_csv(data)
    assert back["Betrag (EUR)"].tolist()[:3] == [1234.5, 0.25, -75000.0]
    assert back["Betrag (EUR)"].isna().tolist() == [False, False, False, True]
    assert back["Anzahl"].tolist() == [1, 2, -3, 4]  # negative numbers stay numbers
    assert back["Kommune"].tolist()[1:] == ["Gammastadt (Düsseldörfchen)", "Südkreis", "Ölmühle"]
    assert back["AGS"].tolist()[0] == "05111000"


def test_plain_csv_is_rfc4180_for_scripts() -> None:
    data = csv_bytes(frame(), CSV_PLAIN)
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    assert text.splitlines()[0] == "AGS,Kommune,Träger,Betrag (EUR),Anzahl"
    back = pd.read_csv(io.BytesIO(data), dtype={"AGS": str})
    assert back["Betrag (EUR)"].tolist()[:3] == [1234.5, 0.25, -75000.0]
    assert back["Kommune"].tolist()[2] == "Südkreis"


@pytest.mark.parametrize("dialect", [CSV_PLAIN, CSV_EXCEL])
def test_no_dialect_starts_with_a_comment_and_formulas_are_neutralised(dialect: str) -> None:
    data = csv_bytes(frame(), dialect)
    text = data.decode("utf-8-sig")
    assert not text.startswith("#")
    back = pd.read_csv(
        io.BytesIO(data),
        sep=";" if dialect == CSV_EXCEL else ",",
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
    )
    cells = back["Kommune"].tolist()[:1] + back["Träger"].tolist()[:3]
    assert cells == ["'" + h for h in HOSTILE]
    for cell in [*back["Kommune"], *back["Träger"]]:
        assert not cell.startswith(("=", "+", "-", "@")), cell


def test_xlsx_sheets_sources_numbers_and_text() -> None:
    data = to_safe_xlsx(
        {"Gemeinden": frame(), "Kreise: Übersicht/2024": frame().head(1)},
        ["© GeoBasis-DE / BKG 2021 (Daten verändert)", "=not a formula"],
        sources_title="Quellen und Lizenz",
    )
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype={"AGS": str})
    assert list(sheets) == ["Gemeinden", "Kreise  Übersicht 2024", "Quellen und Lizenz"]
    gem = sheets["Gemeinden"]
    assert gem["Betrag (EUR)"].tolist()[:3] == [1234.5, 0.25, -75000.0]
    assert gem["AGS"].tolist()[0] == "05111000"
    assert sheets["Quellen und Lizenz"]["Quellen und Lizenz"].tolist() == [
        "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "'=not a formula",
    ]
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["Gemeinden"]
    assert ws["A2"].value == "05111000" and ws["A2"].data_type == "s"  # AGS keeps its zero
    assert ws["D2"].value == 1234.5 and ws["D2"].data_type == "n"
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in row:
            assert cell.data_type == "s", cell.coordinate  # no formula cell anywhere
            assert not str(cell.value).startswith(("=", "+", "-", "@")), cell.value
    assert ws["B2"].value == "'" + HOSTILE[0]


def test_sheet_names_excel_accepts() -> None:
    assert sheet_name("a" * 40) == "a" * 31
    assert sheet_name("Kreise", ["kreise"]) == "Kreise (2)"
    assert sheet_name("[]:*?/\\") == "Tabelle"


def test_sources_file_beside_the_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert sources_path(tmp_path / "angebote.csv") == tmp_path / "angebote.quellen.txt"
    text = sources_text("Quellen und Lizenz", ["© GeoBasis-DE / BKG 2021", ""])
    assert text == "Quellen und Lizenz\n\n- © GeoBasis-DE / BKG 2021\n"


def test_plain_csv_text_keeps_its_old_shape() -> None:
    assert to_safe_csv(pd.DataFrame({"a": [1.5], "b": ["x"]})) == "a,b\n1.5,x\n"
