"""Tiny hand-made fixtures built in code (synthetic, for tests only).

A toy "Land 05" made of hand-placed squares (EPSG:25832, metres):

    y
    20k +--------+--------+--------+
        | 05111  | 05901  | 05901  |   Kreis 05111 = kreisfreie Stadt (one Gemeinde 05111000)
        | 000    | 004    | 008    |   Kreis 05901 = Kreis with Gemeinden 05901004, 05901008,
    10k +--------+--------+--------+                  05901012
        |        | 05901  | 05902  |   Kreis 05902 = Kreis with one Gemeinde 05902016
        |        | 012    | 016    |
     0  +--------+--------+--------+
        0       10k      20k      30k   (+ offset X0, Y0)

RB 051 = {05111}, RB 059 = {05901, 05902}. A Land-06 square east of it must be filtered out.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

X0, Y0 = 300_000.0, 5_650_000.0
S = 10_000.0


def sq(col: int, row: int, size: float = S) -> object:
    return box(X0 + col * size, Y0 + row * size, X0 + (col + 1) * size, Y0 + (row + 1) * size)


GEMEINDEN = [
    # ags, name, col, row
    ("05111000", "Alphastadt", 0, 1),
    ("05901004", "Betadorf", 1, 1),
    ("05901008", "Gammastadt", 2, 1),
    ("05901012", "Deltaheim", 1, 0),
    ("05902016", "Epsilonstadt", 2, 0),
]


def _frame(rows: list[dict[str, object]], crs: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:25832").to_crs(crs)


def bkg_levels(
    crs: str = "EPSG:25832", gf: int = 4, with_water: bool = False
) -> dict[str, gpd.GeoDataFrame]:
    """The four BKG levels (LAN, RBZ, KRS, GEM) with the VG schema columns used by the loader."""
    from shapely.ops import unary_union

    def rec(
        ags: str, gen: str, bez: str, geom: object, sn_l: str = "05", gf_value: int = gf
    ) -> dict[str, object]:
        return {"AGS": ags, "GEN": gen, "BEZ": bez, "SN_L": sn_l, "GF": gf_value, "geometry": geom}

    gem = [rec(a, n, "Stadt", sq(c, r)) for a, n, c, r in GEMEINDEN]
    gem.append(rec("06411000", "Fremdstadt", "Stadt", sq(4, 0), sn_l="06"))
    if with_water:
        gem.append(rec("05901004", "Betadorf", "Gemeinde", sq(1, 1, 2_000.0), gf_value=2))
    by_kreis: dict[str, list[object]] = {}
    for a, _n, c, r in GEMEINDEN:
        by_kreis.setdefault(a[:5], []).append(sq(c, r))
    names = {
        "05111": ("Alphastadt", "Kreisfreie Stadt"),
        "05901": ("Nordkreis", "Kreis"),
        "05902": ("Südkreis", "Kreis"),
    }
    krs = [rec(k, names[k][0], names[k][1], unary_union(g)) for k, g in by_kreis.items()]
    rbz = [
        rec("051", "Westbezirk", "Regierungsbezirk", unary_union(by_kreis["05111"])),
        rec(
            "059",
            "Ostbezirk",
            "Regierungsbezirk",
            unary_union(by_kreis["05901"] + by_kreis["05902"]),
        ),
    ]
    lan = [rec("05", "Testland", "Land", unary_union([sq(c, r) for _a, _n, c, r in GEMEINDEN]))]
    return {
        "LAN": _frame(lan, crs),
        "RBZ": _frame(rbz, crs),
        "KRS": _frame(krs, crs),
        "GEM": _frame(gem, crs),
    }


#: Member time of every zip a test writes: fixed, so the same content gives the same bytes.
ZIP_DATE = (2021, 1, 1, 0, 0, 0)


def zip_member(name: str, compress: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    """A zip member header with a fixed time (not the wall clock)."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = compress
    return info


def write_bkg_zip(path: Path, crs: str = "EPSG:31467", **kwargs: object) -> Path:
    """Write a VG-like Shapefile archive (``<top>/vg_ebenen/VG_<LEVEL>.shp``) as a zip."""
    levels = bkg_levels(crs, **kwargs)  # type: ignore[arg-type]
    folder = path.parent / (path.stem + "_src")
    shp_dir = folder / "vgtest_ebenen"
    shp_dir.mkdir(parents=True)
    for lvl, frame in levels.items():
        frame.to_file(shp_dir / f"VG_{lvl}.shp", engine="pyogrio")
    (folder / "aktualitaet.txt").write_text("01.01.2021\n")
    with zipfile.ZipFile(path, "w") as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                zf.writestr(zip_member(f.relative_to(folder.parent).as_posix()), f.read_bytes())
    return path


def write_bkg_gpkg(path: Path, crs: str = "EPSG:25832", **kwargs: object) -> Path:
    for lvl, frame in bkg_levels(crs, **kwargs).items():  # type: ignore[arg-type]
        frame.to_file(path, layer=f"vgtest_{lvl.lower()}", driver="GPKG", engine="pyogrio")
    return path


def status_frame() -> pd.DataFrame:
    """``nrw_municipal_status``-like table for the toy Land (as load_status returns it)."""
    rows = [
        ("05111000", "Alphastadt", "gemeinde", "kreisfreie_stadt", True, "05111"),
        ("05901004", "Betadorf", "gemeinde", "kreisangehoerige_gemeinde", False, "05901"),
        ("05901008", "Gammastadt", "gemeinde", "grosse_kreisangehoerige_stadt", True, "05901"),
        ("05901012", "Deltaheim", "gemeinde", "mittlere_kreisangehoerige_stadt", False, "05901"),
        ("05902016", "Epsilonstadt", "gemeinde", "mittlere_kreisangehoerige_stadt", False, "05902"),
        ("05901", "Nordkreis", "kreis", "kreis", True, "05901"),
        ("05902", "Südkreis", "kreis", "kreis", True, "05902"),
    ]
    return pd.DataFrame(
        rows, columns=["ags", "name", "level", "status", "has_auslaenderbehoerde", "kreis_ags"]
    )


def registry_rows() -> pd.DataFrame:
    """Raw registry rows (all text, canonical column names) for the toy Land."""
    return pd.DataFrame(
        [
            # ags, name, unit_type, years, conf, title, focus, amount, source
            (
                "05111000",
                "Alphastadt",
                "kreisfreie Stadt",
                "2005;2006",
                "documented",
                "Netzwerk A",
                "Transparenz",
                "",
                "https://example.org/a",
            ),
            (
                "05901",
                "Nordkreis",
                "Kreis",
                "2007",
                "uncertain",
                "Konzept N",
                "strategische Steuerung",
                "75000",
                "https://example.org/n",
            ),
            (
                "05901008",
                "Gammastadt",
                "kreisangehörige Stadt",
                "2006",
                "documented",
                "Lotsen G",
                "",
                "20.000",
                "",
            ),
            (
                "05901008",
                "Gammastadt",
                "kreisangehörige Stadt",
                "2009",
                "inferred",
                "Portal G",
                "Vernetzung und Koordination",
                "",
                "",
            ),
            (
                "05902016",
                "Epsilonstadt",
                "kreisangehörige Stadt",
                "",
                "year unknown",
                "Projekt E",
                "",
                "",
                "",
            ),
        ],
        columns=[
            "ags",
            "name",
            "unit_type",
            "funding_years",
            "year_confidence",
            "project_title",
            "focus",
            "amount_eur",
            "source_url",
        ],
    )
