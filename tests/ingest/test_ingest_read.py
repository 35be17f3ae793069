"""mapapp.ingest.read, .columns, .fold, .report: the one reader, column mapper and report."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from mapapp.config import REPO_ROOT
from mapapp.ingest.columns import Schema, map_columns
from mapapp.ingest.fold import fold
from mapapp.ingest.read import read_table
from mapapp.ingest.report import ImportReport, RowIssue
from mapapp.model import DataError

SCHEMA = Schema("toy", {"name": ("Name", "Kommune"), "year": ("Jahr",)}, frozenset({"name"}))


def test_one_reader_for_bytes_and_paths(tmp_path: Path) -> None:
    data = "Titel der Liste;;\nKommune;Jahr\nBochum;2005\n".encode("cp1252")
    path = tmp_path / "liste.csv"
    path.write_bytes(data)
    for table in (
        read_table(data, file="liste.csv", schema=SCHEMA),
        read_table(path, schema=SCHEMA),
    ):
        assert table.file == "liste.csv" and table.delimiter == ";"
        assert table.headers[0].row == 2 and table.headers[0].cells == ["Kommune", "Jahr"]
        assert table.sheets[0].rows[-1] == (3, ["Bochum", "2005"])


def test_delimiter_chosen_by_the_header_the_schema_knows() -> None:
    # the title line has commas, the header semicolons
    data = b"Liste, Stand 2024, vorlaeufig\nName;Jahr\nA;2006\n"
    table = read_table(data, file="x.csv", schema=SCHEMA)
    assert table.delimiter == ";"


def test_sep_line_quoted_newlines_and_utf16() -> None:
    table = read_table(b'sep=,\nName,Jahr\n"zwei\nZeilen",2006\nB,2007\n', file="x.csv")
    assert table.delimiter == "," and table.sheets[0].rows == [
        (1, ["Name", "Jahr"]),
        (2, ["zwei\nZeilen", "2006"]),
        (3, ["B", "2007"]),
    ]
    table = read_table("Name\tJahr\nKöln\t2007\n".encode("utf-16"), file="x.txt")
    assert table.delimiter == "\t" and table.encoding == "UTF-16"


def test_workbook_with_title_rows_and_two_sheets() -> None:
    wb = Workbook()
    wb.active.title = "Hinweise"
    wb.active["A1"] = "Stand 2010"
    ws = wb.create_sheet("Liste")
    ws.append(["KOMM-IN"])
    ws.append(["Kommune", "Jahr"])
    ws.append(["Bochum", 2005])
    buf = io.BytesIO()
    wb.save(buf)
    table = read_table(buf.getvalue(), file="l.xlsx", schema=SCHEMA)
    assert [s.name for s in table.sheets] == ["Hinweise", "Liste"]
    assert list(table.headers) == [1] and table.headers[1].row == 2


def test_geojson_properties_are_columns() -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [7, 51]},
                "properties": {"name": "A"},
            },
            {"type": "Nope"},
        ],
    }
    table = read_table(json.dumps(doc).encode(), file="a.geojson")
    assert table.headers[0].cells == ["name"]
    assert table.sheets[0].rows == [(1, ["A"]), (2, [None])]
    assert table.geometries[1]["type"] == "Point" and table.problems == {2: "kein GeoJSON-Feature"}


@pytest.mark.parametrize(
    ("name", "data", "kinds", "pattern"),
    [
        ("alt.xls", b"\xd0\xcf\x11\xe0", ("csv", "xlsx"), r"\.xls"),
        ("a.json", b"{}", ("csv", "xlsx"), "nicht unterstützt"),
        ("leer.csv", b"  \n", ("csv",), "leer"),
        ("gross.csv", b"x" * 200, ("csv",), "höchstens"),
    ],
)
def test_refusals_are_one_sentence(
    name: str, data: bytes, kinds: tuple[str, ...], pattern: str
) -> None:
    with pytest.raises(DataError, match=pattern) as info:
        read_table(data, file=name, kinds=kinds, max_bytes=100)
    assert info.value.file == name and "\n" not in str(info.value)


def test_reading_csv_imports_neither_geopandas_nor_pandas() -> None:
    code = (
        "import sys, mapapp.ingest.read as r; "
        "r.read_table(b'id;x;y\\n1;2;3\\n', file='p.csv'); "
        "print('geopandas' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert out.stdout.split() == ["False", "False"]


def test_one_fold_rule() -> None:
    assert fold("Mülheim a.d. Ruhr") == "muelheim an der ruhr"
    assert fold("St. Augustin") == fold("Sankt Augustin") == "sankt augustin"
    assert fold("Straße") == "strasse" and fold("Koeln") == fold("KÖLN")
    assert fold("  E-Mail  ") == "e mail" and fold("Ｋｏｌｎ") == "koln"


def test_column_mapper_units_brackets_first_word_and_duplicates() -> None:
    schema = Schema(
        "t",
        {"amount": ("Betrag",), "name": ("Name",), "note": ("Bemerkung",)},
        frozenset({"name"}),
        multi=frozenset({"note"}),
        first_word=True,
        ignored=("Land",),
    )
    m = map_columns(
        ["Betrag (EUR)", "Name der Kommune", "Name", "Bemerkung", "Bemerkung 2", "Land", "Farbe"],
        schema,
    )
    assert m.get("amount") == ("Betrag (EUR)",) and m.get("name") == ("Name",)
    assert m.unknown == ("Name der Kommune", "Bemerkung 2", "Farbe")
    assert m.ignored == ("Name der Kommune", "Bemerkung 2", "Land", "Farbe")


def test_one_report_layout() -> None:
    report = ImportReport(file="x.csv", encoding="utf-8")
    report.reject(3, "name", "Name fehlt")
    report.warn(None, None, "Blatt 'B' nicht gelesen")
    report.reject_error(
        DataError("Betrag ist negativ", file="x.csv, Blatt '2006'", row=4, field="amount_eur")
    )
    report.extra["rows_skipped"] = 1
    out = report.to_dict()
    assert out["rejected"] == [
        {"row": 3, "field": "name", "reason": "Name fehlt"},
        {"row": 4, "field": "amount_eur", "reason": "Betrag ist negativ"},
    ]
    assert out["warnings"] == [{"row": None, "field": None, "message": "Blatt 'B' nicht gelesen"}]
    assert out["rows_skipped"] == 1 and out["accepted"] == 0 and out["encoding"] == "utf-8"
    assert (
        str(report.rejected[1])
        == "x.csv, Blatt '2006', Zeile 4, Feld 'amount_eur': Betrag ist negativ"
    )
    assert RowIssue(2, None, "m") == RowIssue(2, None, "m")
