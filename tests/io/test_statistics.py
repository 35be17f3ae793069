"""Readers for GV-ISys (official Excel layout), Zensus and INKAR tables on tiny hand-made files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mapapp.io.statistics import (
    _to_float,
    read_gvisys,
    read_inkar_foreign_share,
    read_zensus_gemeinden,
)
from mapapp.model import DataError
from tests.fixtures.files import gv_workbook as _gv_workbook

ROWS = [
    ["10", None, "05", None, None, None, None, "Nordrhein-Westfalen"] + [None] * 12,
    ["40", "41", "05", "1", "11", None, None, "Düsseldorf, Stadt"] + [None] * 12,
    [
        "60",
        "61",
        "05",
        "1",
        "11",
        "0000",
        "000",
        "Düsseldorf, Stadt",
        217.41,
        631217,
        304616,
        326601,
        2903,
        "40213",
        "6,780068",
        "51,22422",
        "H10",
        "x",
        "01",
        "dicht",
    ],
    [
        "60",
        "64",
        "05",
        "9",
        "58",
        "0004",
        "4",
        "Bünde, Stadt",
        "59,3",
        "45.123",
        None,
        None,
        None,
        "32257",
        "8,57",
        "52,2",
        None,
        None,
        None,
        None,
    ],
    [
        "60",
        "61",
        "06",
        "4",
        "11",
        "0000",
        "000",
        "Darmstadt, Wissenschaftsstadt",
        122.2,
        160000,
        None,
        None,
        None,
        "64283",
        "8,65",
        "49,87",
        None,
        None,
        None,
        None,
    ],
]


def test_gvisys_keeps_nrw_gemeinden_with_string_ags_and_decimal_commas(tmp_path: Path) -> None:
    frame = read_gvisys(_gv_workbook(tmp_path / "gv.xlsx", ROWS))
    assert list(frame["ags"]) == ["05111000", "05958004"]
    d = frame.set_index("ags").loc["05111000"]
    assert d["name"] == "Düsseldorf, Stadt"
    assert d["population"] == 631217
    assert d["area_km2"] == pytest.approx(217.41)
    assert (d["lon"], d["lat"]) == (pytest.approx(6.780068), pytest.approx(51.22422))
    assert d["plz"] == "40213"
    b = frame.set_index("ags").loc["05958004"]
    assert b["population"] == 45123  # thousands separator as text
    assert b["area_km2"] == pytest.approx(59.3)


def test_gvisys_all_laender_and_empty_selection(tmp_path: Path) -> None:
    path = _gv_workbook(tmp_path / "gv.xlsx", ROWS)
    assert len(read_gvisys(path, land=None)) == 3
    with pytest.raises(DataError, match="Satzart 60"):
        read_gvisys(path, land="09")


def test_to_float_german_and_english() -> None:
    assert _to_float("1.234,5") == 1234.5
    assert _to_float("6,78") == 6.78
    assert _to_float(217.41) == 217.41
    assert pd.isna(_to_float(""))


def test_zensus_reader_restores_leading_zero_and_derives_foreign_population(tmp_path: Path) -> None:
    p = tmp_path / "z.csv"
    p.write_text(
        "ags,name,population,foreign_share_pct\n5111000,Düsseldorf,1000,22.8\n05958004,Bünde,200,10\n",
        "utf-8",
    )
    z = read_zensus_gemeinden(p)
    assert list(z["ags"]) == ["05111000", "05958004"]
    assert list(z["foreign_population"]) == [228.0, 20.0]


def test_zensus_reader_names_row_and_field_of_a_bad_key(tmp_path: Path) -> None:
    p = tmp_path / "z.csv"
    p.write_text("ags,name,population,foreign_share_pct\n05111000,D,1,1\n05x,B,2,2\n", "utf-8")
    with pytest.raises(DataError) as err:
        read_zensus_gemeinden(p)
    assert err.value.row == 3 and err.value.field == "ags"


def test_inkar_reader(tmp_path: Path) -> None:
    p = tmp_path / "i.csv"
    p.write_text("kreis_ags,year,foreign_share_pct\n5111,2005,16.4\n05958,2006,7.1\n", "utf-8")
    i = read_inkar_foreign_share(p)
    assert list(i["kreis_ags"]) == ["05111", "05958"]
    assert list(i["year"]) == [2005, 2006]
    p.write_text("kreis,jahr\n1,2\n", "utf-8")
    with pytest.raises(DataError, match="Spalten fehlen"):
        read_inkar_foreign_share(p)
