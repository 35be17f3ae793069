"""Downloads as a visitor gets them: click the button on the real page (real data, offline), take
the file the browser saves and open it with the readers the field uses (pandas as German Excel
splits the file, pyogrio as QGIS reads a GeoPackage)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from playwright.sync_api import expect

from mapapp.render.offers_payload import CATEGORY_COLOURS
from mapapp.render.qgis_styles import rgba
from mapapp.render.style import FUNDING_STYLES
from tests.browser.conftest import AppPage

pytestmark = [pytest.mark.browser, pytest.mark.data, pytest.mark.web]


def download(app: AppPage, caption: str, target: Path) -> Path:
    """Click the download button ``caption``; the file the browser saved, moved to ``target``."""
    button = app.page.get_by_role("button", name=caption)
    button.scroll_into_view_if_needed()
    expect(button).to_be_enabled()
    with app.page.expect_download() as info:
        button.click()
    saved = info.value
    saved.save_as(str(target / saved.suggested_filename))
    return target / saved.suggested_filename


def read_excel_csv(path: Path) -> pd.DataFrame:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    first = path.read_bytes().decode("utf-8-sig").splitlines()[0]
    assert not first.startswith("#")
    return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype={"AGS": str})


def default_style(path: Path, layer: str) -> str:
    styles = pyogrio.read_dataframe(path, layer="layer_styles")
    row = styles[(styles["f_table_name"] == layer) & styles["useAsDefault"].astype(bool)]
    assert len(row) == 1
    return str(row["styleQML"].iloc[0])


def test_angebote_csv_for_excel_and_geopackage(
    open_app: Callable[..., AppPage], tmp_path: Path
) -> None:
    app = open_app("/angebote?ort=M%C3%BCnster")
    expect(app.page.get_by_text("Angebote in der Nähe von Münster")).to_be_visible()
    csv = download(app, "Tabelle als CSV (für Excel)", tmp_path)
    assert csv.name == "angebote.csv"
    table = read_excel_csv(csv)
    assert {"Name", "Kategorie", "Breite", "Länge", "Quelle"} <= set(table.columns)
    # the listed offers: the first card's name is the first row
    first_card = app.page.locator("[data-testid='stMarkdownContainer'] strong")
    first_name = first_card.filter(has_text="1. ").first.inner_text().removeprefix("1. ")
    assert 0 < len(table) <= 10 and table["Name"].iloc[0] == first_name
    assert table["Breite"].dtype == float and table["Breite"].between(51.0, 52.5).all()
    assert table["Name"].str.contains("Münster").any()
    sources = download(app, "Quellen und Lizenz (TXT)", tmp_path)
    assert sources.name == "angebote.quellen.txt"
    assert "Integrationsangebote" in sources.read_text("utf-8")
    gpkg = download(app, "GeoPackage für QGIS", tmp_path)
    assert gpkg.name == "angebote.gpkg"
    frame = pyogrio.read_dataframe(gpkg, layer="angebote")
    assert frame["name"].tolist() == table["Name"].tolist() and frame.crs.to_epsg() == 25832
    qml = default_style(gpkg, "angebote")
    assert any(rgba(colour) in qml for colour in CATEGORY_COLOURS.values())


def test_foerderkarte_csv_xlsx_and_geopackage(
    open_app: Callable[..., AppPage], tmp_path: Path
) -> None:
    app = open_app("/?jahre=2005")
    expect(app.page.get_by_role("button", name="Tabelle als CSV (für Excel)")).to_be_attached()
    csv = download(app, "Tabelle als CSV (für Excel)", tmp_path)
    assert csv.name.startswith("komm-in_foerderkarte_") and csv.suffix == ".csv"
    table = read_excel_csv(csv)
    assert list(table.columns[:4]) == ["AGS", "Kommune", "Typ", "Förderjahre"]
    assert len(table) > 0 and table["Förderjahre"].astype(str).str.contains("2005").all()
    assert table["AGS"].str.startswith("05").all()
    book = download(app, "Tabelle als Excel-Arbeitsmappe (XLSX)", tmp_path)
    sheets = pd.read_excel(book, sheet_name=None, dtype={"AGS": str})
    assert list(sheets) == ["Geförderte Kommunen", "Quellen und Lizenz"]
    assert sheets["Geförderte Kommunen"]["Kommune"].tolist() == table["Kommune"].tolist()
    assert "GeoBasis-DE / BKG" in sheets["Quellen und Lizenz"].iloc[0, 0]
    gpkg = download(app, "GeoPackage für QGIS", tmp_path)
    frame = pyogrio.read_dataframe(gpkg, layer="foerderung")
    funded = frame[frame["funded"].astype(bool)]
    assert sorted(funded["ags"]) == sorted(table["AGS"])
    qml = default_style(gpkg, "foerderung")
    for style in FUNDING_STYLES.values():
        assert rgba(style.fill, style.fill_opacity) in qml
    with closing(sqlite3.connect(gpkg)) as db:
        (description,) = db.execute(
            "SELECT description FROM gpkg_contents WHERE table_name = 'foerderung'"
        ).fetchone()
    assert "GeoBasis-DE / BKG" in description
