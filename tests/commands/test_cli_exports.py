"""``--format csv | csv-excel | xlsx | gpkg`` of ``mapapp offers export``, ``mapapp funding show``
and ``mapapp coverage nrw`` on the SYNTHETIC toy world (tests/fixtures/toy_world.py), read back
with pandas, openpyxl and pyogrio."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from mapapp.cli import main
from mapapp.model import OfferCategory
from mapapp.render.coverage_classes import PALETTE
from mapapp.render.offers_payload import CATEGORY_COLOURS
from mapapp.render.qgis_styles import rgba
from mapapp.render.style import FUNDING_STYLES
from tests.fixtures.toy_files import ToyData

HOSTILE = '=HYPERLINK("http://127.0.0.1:9/x";"klick")'


def read_excel_csv(path: Path, **kwargs: object) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", **kwargs)  # type: ignore[call-overload]


def assert_no_comment_line(path: Path) -> None:
    first = path.read_bytes().decode("utf-8-sig").splitlines()[0]
    assert not first.startswith("#"), first


def style_qml(path: Path, layer: str) -> str:
    styles = pyogrio.read_dataframe(path, layer="layer_styles")
    (qml,) = styles.loc[styles["f_table_name"] == layer, "styleQML"]
    return str(qml)


@pytest.fixture
def with_hostile_offer(toy_data_dir: ToyData, tmp_path: Path) -> ToyData:
    src = tmp_path / "neu.csv"
    quoted = '"' + HOSTILE.replace('"', '""') + '"'
    src.write_text(f"Name;Kategorie;Ort\n{quoted};MBE;Betadorf\n", encoding="utf-8")
    assert main(["offers", "import", str(src)]) == 0
    return toy_data_dir


def test_offers_export_both_csv_dialects_and_sources(with_hostile_offer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plain, excel = tmp_path / "angebote.csv", tmp_path / "angebote_excel.csv"
    assert main(["offers", "export", "--format", "csv", "--out", str(plain)]) == 0
    assert main(["offers", "export", "--format", "csv-excel", "--out", str(excel)]) == 0
    for path in (plain, excel):
        assert_no_comment_line(path)
        sources = path.with_name(path.stem + ".quellen.txt").read_text("utf-8")
        assert "GeoBasis-DE / BKG" in sources and "Integrationsangebote" in sources
    machine = pd.read_csv(plain, dtype={"ags": str})
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    german = read_excel_csv(excel, dtype={"AGS": str})
    assert list(german.columns[:4]) == ["ID", "Name", "Kategorie (Code)", "Kategorie"]
    assert len(german) == len(machine) == 9  # 8 toy offers + the imported one
    assert german["Breite"].dtype == float  # decimal comma read as numbers
    assert german["Breite"].tolist() == pytest.approx(machine["lat"].tolist(), nan_ok=True)
    assert "Ausländerbehörde Südkreis" in german["Name"].tolist()
    for names in (german["Name"], machine["name"]):
        assert "'" + HOSTILE in names.tolist() and HOSTILE not in names.tolist()


def test_offers_export_gpkg(toy_data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "angebote.gpkg"
    assert main(["offers", "export", "--format", "gpkg", "--out", str(out)]) == 0
    frame = pyogrio.read_dataframe(out, layer="angebote")
    assert len(frame) == 8 and frame.crs.to_epsg() == 25832
    assert rgba(CATEGORY_COLOURS[OfferCategory.ABH]) in style_qml(out, "angebote")
    assert (
        "GeoBasis-DE" in pyogrio.read_info(out, layer="angebote")["layer_metadata"]["DESCRIPTION"]
    )


def test_funding_show_csv_excel_and_plain(toy_data_dir, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "gefoerdert.csv"
    assert main(["funding", "show", "--format", "csv-excel", "--out", str(out)]) == 0
    assert_no_comment_line(out)
    german = read_excel_csv(out, dtype={"AGS": str})
    assert list(german.columns[:5]) == ["AGS", "Kommune", "Typ", "Förderjahre", "Projekt"]
    nord = german[german["Kommune"] == "Nordkreis"].iloc[0]
    assert nord["Betrag (EUR)"] == 75_000.0 and nord["Förderjahre"] == "2007"
    assert "Südkreis" in german["Kommune"].tolist()
    assert "dokumentierte Liste" in (tmp_path / "gefoerdert.quellen.txt").read_text("utf-8")
    capsys.readouterr()
    assert main(["funding", "show", "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("ags,name,unit_type,funding_years")
    machine = pd.read_csv(io.StringIO(text), dtype=str)
    assert machine.loc[machine["name"] == "Nordkreis", "amount_eur"].tolist() == ["75000"]


def test_funding_show_gpkg_units_with_boundaries(toy_data_dir, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "gefoerdert.gpkg"
    assert main(["funding", "show", "--format", "gpkg", "--years", "2006", "--out", str(out)]) == 0
    frame = pyogrio.read_dataframe(out, layer="foerderung")
    funded = frame[frame["funded"].astype(bool)]
    # SYNTHETIC 2006: Alphastadt (2005, 2006), Gammastadt (2006), Südkreis (2005-2007)
    assert sorted(funded["name"]) == ["Alphastadt, Stadt", "Gammastadt, Stadt", "Südkreis"]
    assert frame.crs.to_epsg() == 25832 and frame.geometry.area.min() > 0
    qml = style_qml(out, "foerderung")
    stadt = FUNDING_STYLES["funded_stadt"]
    assert rgba(stadt.fill, stadt.fill_opacity) in qml
    meta = pyogrio.read_info(out, layer="foerderung")["layer_metadata"]
    assert meta["IDENTIFIER"].endswith("2006") and "GeoBasis-DE / BKG" in meta["DESCRIPTION"]
    assert main(["funding", "show", "--format", "gpkg"]) == 2  # needs --out
    assert "--out" in capsys.readouterr().err


NRW = ["coverage", "nrw", "--category", "auslaenderbehoerde", "--threshold", "1500"]


def test_coverage_nrw_csv_dialects(toy_data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plain, excel = tmp_path / "gem.csv", tmp_path / "gem_excel.csv"
    assert main([*NRW, "--out", str(plain)]) == 0  # csv is the default
    assert main([*NRW, "--format", "csv-excel", "--out", str(excel)]) == 0
    for path in (plain, excel):
        assert_no_comment_line(path)
        sources = path.with_name(path.stem + ".quellen.txt").read_text("utf-8")
        assert "Versorgungslücken NRW" in sources and "Zensus 2022" in sources
    machine = pd.read_csv(plain, dtype={"ags": str})
    german = read_excel_csv(excel, dtype={"AGS": str})
    assert german["Name"].tolist() == machine["name"].tolist()
    assert "Epsilonstadt" in german["Name"].tolist()
    assert german["Entfernung (km)"].tolist() == pytest.approx(machine["value"].tolist())
    assert german["Anteil Betroffene"].dtype == float
    assert not set(german.columns) & set(machine.columns)  # every header labelled


@pytest.mark.parametrize("level", ["gemeinde", "cell"])
def test_coverage_nrw_csv_excel_labels_every_column(toy_data_dir, tmp_path, level) -> None:  # type: ignore[no-untyped-def]
    """The capacity method's people left unserved and the approximate-location columns come
    with the catalogue's labels, like the other headers (no machine names for Excel)."""
    plain, excel = tmp_path / "cap.csv", tmp_path / "cap_excel.csv"
    cap = [*NRW, "--method", "capacity", "--level", level]
    assert main([*cap, "--out", str(plain)]) == 0
    assert main([*cap, "--format", "csv-excel", "--out", str(excel)]) == 0
    machine = pd.read_csv(plain, dtype={"ags": str})
    german = read_excel_csv(excel, dtype={"AGS": str})
    unserved = "demand_unserved" if level == "gemeinde" else "unserved"
    assert {unserved, "nearest_approx"} <= set(machine.columns)
    assert "Ohne freie Kapazität (Personen)" in german.columns
    assert "Nächstes Angebot: Standort ungefähr" in german.columns
    assert not set(german.columns) & set(machine.columns)


def test_coverage_nrw_xlsx_and_gpkg(toy_data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    book, gpkg = tmp_path / "luecken.xlsx", tmp_path / "luecken.gpkg"
    assert main([*NRW, "--format", "xlsx", "--out", str(book)]) == 0
    sheets = pd.read_excel(book, sheet_name=None, dtype={"AGS": str})
    assert list(sheets) == ["Gemeinden", "Kreise", "Quellen und Lizenz"]
    assert len(sheets["Gemeinden"]) == 5 and len(sheets["Kreise"]) == 3
    assert sheets["Gemeinden"]["AGS"].str.len().eq(8).all()  # keys as text, leading zero kept
    assert "GeoBasis-DE" in sheets["Quellen und Lizenz"].iloc[0, 0]
    assert main([*NRW, "--format", "gpkg", "--out", str(gpkg)]) == 0
    layers = [str(n) for n, _ in pyogrio.list_layers(gpkg)]
    assert layers == ["gemeinden", "kreise", "zellen", "layer_styles"]
    gem = pyogrio.read_dataframe(gpkg, layer="gemeinden")
    assert sorted(gem["name"]) == sorted(sheets["Gemeinden"]["Name"])
    assert rgba(PALETTE[-1]) in style_qml(gpkg, "zellen")
