"""Builders for the offer tests (no tests here): a SYNTHETIC three-Gemeinde geography.

Everything below is invented test data, not real places: three square Gemeinden (50 km sides) in
EPSG:25832 inside an invented Land square, a GV-ISys-like table with their centres, an invented
status table and seed file. Only the file *layouts* follow the real products.

    x 350–400 km            x 400–450 km
    +-------------------+-------------------+ y 5750 km
    |                   | Bdorf   05999004  |
    | Aheim, Stadt      | (Testkreis 05999) |
    | 05111000          +-------------------+ y 5700 km
    | (kreisfrei)       | Cstadt, Klingen-  |
    |                   | stadt   05999008  |
    +-------------------+-------------------+ y 5650 km
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from openpyxl import Workbook
from pyproj import Transformer

from mapapp.config import CRS_METRIC, Settings
from mapapp.io.geocode import Gazetteer, Locator
from mapapp.io.offers import GeoContext

_TO_WGS = Transformer.from_crs(CRS_METRIC, "EPSG:4326", always_xy=True)

# (ags, GV-ISys name, seat PLZ, xmin, ymin, xmax, ymax) – synthetic
GEMEINDEN = [
    ("05111000", "Aheim, Stadt", "40213", 350_000, 5_650_000, 400_000, 5_750_000),
    ("05999004", "Bdorf", "47551", 400_000, 5_700_000, 450_000, 5_750_000),
    ("05999008", "Cstadt, Klingenstadt", "42651", 400_000, 5_650_000, 450_000, 5_700_000),
]
KREISE = [("05111", "Aheim", "Kreisfreie Stadt"), ("05999", "Testkreis", "Kreis")]


def lonlat(x: float, y: float) -> tuple[float, float]:
    """EPSG:25832 -> WGS84 (lon, lat)."""
    lon, lat = _TO_WGS.transform(x, y)
    return float(lon), float(lat)


def centre(ags: str) -> tuple[float, float]:
    """Centre (lon, lat) of a synthetic Gemeinde square."""
    for a, _n, _p, x0, y0, x1, y1 in GEMEINDEN:
        if a == ags:
            return lonlat((x0 + x1) / 2, (y0 + y1) / 2)
    raise KeyError(ags)


def gemeinden_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "ags": [g[0] for g in GEMEINDEN],
            "name": [g[1].split(",")[0] for g in GEMEINDEN],
            "kreis_ags": [g[0][:5] for g in GEMEINDEN],
        },
        geometry=[shapely.box(*g[3:]) for g in GEMEINDEN],
        crs=CRS_METRIC,
    )


def kreise_frame() -> gpd.GeoDataFrame:
    gem = gemeinden_frame()
    geoms = [shapely.union_all(gem[gem.kreis_ags == k].geometry.to_numpy()) for k, _, _ in KREISE]
    return gpd.GeoDataFrame(
        {"ags": [k[0] for k in KREISE], "name": [k[1] for k in KREISE]},
        geometry=geoms,
        crs=CRS_METRIC,
    )


def land_geometry() -> shapely.Geometry:
    return shapely.box(350_000, 5_650_000, 450_000, 5_750_000)


def gvisys_frame() -> pd.DataFrame:
    rows = []
    for ags, name, plz, *_ in GEMEINDEN:
        lon, lat = centre(ags)
        rows.append({"ags": ags, "name": name, "plz": plz, "lon": lon, "lat": lat})
    return pd.DataFrame(rows)


def context(tolerance_m: float = 500.0, geocoder=None) -> GeoContext:
    return GeoContext(
        gazetteer=Gazetteer(gvisys_frame()),
        locator=Locator(gemeinden_frame(), kreise_frame(), land_geometry(), tolerance_m),
        geocoder=geocoder,
    )


# ---- files on disk, laid out like the real data directory ------------------------------------


def write_boundary_gpkg(path: Path) -> None:
    """A VG250-like GeoPackage with layers *_LAN, *_RBZ, *_KRS, *_GEM (synthetic geometry)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    gem = gemeinden_frame()
    kreise = kreise_frame()
    land = land_geometry()

    def layer(ags, gen, bez, geoms):
        return gpd.GeoDataFrame(
            {"AGS": ags, "GEN": gen, "BEZ": bez, "SN_L": ["05"] * len(ags), "GF": [4] * len(ags)},
            geometry=geoms,
            crs=CRS_METRIC,
        )

    layer(["05"], ["Testland"], ["Land"], [land]).to_file(path, layer="vg250_lan")
    layer(["051"], ["Test-RB"], ["Regierungsbezirk"], [land]).to_file(path, layer="vg250_rbz")
    layer(
        list(kreise.ags), list(kreise.name), [k[2] for k in KREISE], list(kreise.geometry)
    ).to_file(path, layer="vg250_krs")
    layer(list(gem.ags), [g[1] for g in GEMEINDEN], ["Gemeinde"] * 3, list(gem.geometry)).to_file(
        path, layer="vg250_gem"
    )


def write_gvisys_xlsx(path: Path) -> None:
    """A GV-ISys-like workbook: sheet 'Onlineprodukt_Gemeinden', header rows, Satzart 60 rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.active.title = "Deckblatt"
    ws = wb.create_sheet("Onlineprodukt_Gemeinden")
    ws.append(["Gemeindeverzeichnis (synthetische Testdaten)"])
    ws.append(["Satzart", "Textkennzeichen", "Land", "RB", "Kreis", "VB", "Gem", "Name"])
    for ags, name, plz, *_ in GEMEINDEN:
        lon, lat = centre(ags)
        ws.append(
            [
                "60", "", ags[:2], ags[2], ags[3:5], "0000", ags[5:], name, "100,0", "1000",
                "500", "500", "", plz, f"{lon:.6f}".replace(".", ","), f"{lat:.6f}".replace(".", ","),
            ]
        )  # fmt: skip
    wb.save(path)


STATUS_CSV = """ags,name,level,status,has_auslaenderbehoerde,kreis_ags,kreis_name,note
05111000,"Aheim, Stadt",gemeinde,kreisfreie_stadt,yes,05111,"Aheim, Stadt",
05999004,Bdorf,gemeinde,kreisangehoerige_gemeinde,no,05999,Testkreis,
05999008,"Cstadt, Klingenstadt",gemeinde,grosse_kreisangehoerige_stadt,yes,05999,Testkreis,
05999,Testkreis,kreis,kreis,yes,05999,Testkreis,synthetic note
"""


def seed_csv() -> str:
    lon, lat = centre("05111000")
    return (
        "name,category,street,postcode,city,kreis,lat,lon,source,source_date,note\n"
        f"Ausländeramt Aheim,Ausländerbehörde,Teststraße 1,40213,Aheim,Aheim (05111),"
        f"{lat + 0.01:.6f},{lon + 0.01:.6f},synthetic source A,unknown,\n"
        "KI Cstadt,Kommunales Integrationszentrum,Weg 2,,Cstadt,Testkreis (05999),,,"
        "synthetic source B,2024,no postcode\n"
    )


def write_data_dir(root: Path) -> Settings:
    """Data dir (raw/bkg, raw/destatis) + reference dir with the synthetic files; returns Settings."""
    data = root / "data"
    ref = root / "reference"
    write_boundary_gpkg(data / "raw" / "bkg" / "vg250_synthetic.gpkg")
    write_gvisys_xlsx(data / "raw" / "destatis" / "31122023_Auszug_GV.xlsx")
    ref.mkdir(parents=True, exist_ok=True)
    (ref / "nrw_municipal_status.csv").write_text(STATUS_CSV, encoding="utf-8")
    (ref / "offers_seed_nrw.csv").write_text(seed_csv(), encoding="utf-8")
    return Settings(data_dir=data, reference_dir=ref)
