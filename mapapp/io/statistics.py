"""Readers for the official statistics tables -> tidy frames keyed by AGS.

- Destatis Gemeindeverzeichnis (GV-ISys) Excel: multi-row header, Satzart 60 = Gemeinde,
  coordinates with decimal commas.
- Zensus 2022 Gemeinde extract (CSV).
- BBSR INKAR "Ausländeranteil" per Kreis and year (CSV).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from mapapp.config import NRW_LAND
from mapapp.model import COL_AGS, COL_AREA_KM2, COL_NAME, COL_POPULATION, DataError, normalize_ags

# Column positions in the GV-ISys "Onlineprodukt_Gemeinden" sheet (stable across the yearly files).
_GV_COLS = {
    0: "satzart",
    2: "land",
    3: "rb",
    4: "kreis",
    5: "vb",
    6: "gem",
    7: COL_NAME,
    8: COL_AREA_KM2,
    9: COL_POPULATION,
    10: "population_m",
    11: "population_w",
    13: "plz",
    14: "lon",
    15: "lat",
}


def _to_float(value: object) -> float:
    """Parse German or English decimal notation (``"6,780068"``, ``217.41``)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return float("nan")
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return float("nan")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return float(text)


def _to_int(value: object) -> int:
    """Parse a count: ``631217``, ``"631217"``, ``"45.123"`` (thousands separator), ``"631217.0"``."""
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        return int(re.sub(r"[.,]", "", text))
    return int(float(text))


def _find_gv_sheet(path: Path) -> str:
    xls = pd.ExcelFile(path, engine="openpyxl")
    for name in xls.sheet_names:
        if "gemeinden" in str(name).lower():
            return str(name)
    if len(xls.sheet_names) > 1:
        return str(xls.sheet_names[1])
    raise DataError("kein Tabellenblatt mit Gemeinden gefunden", file=str(path))


def read_gvisys(path: str | Path, land: str | None = NRW_LAND) -> pd.DataFrame:
    """Read the Destatis GV-ISys Excel ("Auszug GV") as one row per Gemeinde.

    Parameters
    ----------
    path
        The ``*_Auszug_GV.xlsx`` file as published by Destatis.
    land
        Two-digit Land key to keep (``"05"`` = NRW); ``None`` keeps all Länder.

    Returns
    -------
    DataFrame with columns ``ags`` (8-char str), ``name``, ``area_km2`` (km²), ``population``
    (int, Fortschreibung), ``plz`` (5-char str, PLZ of the seat), ``lon``, ``lat`` (WGS84 degrees,
    geographic centre of the Gemeinde).
    """
    path = Path(path)
    sheet = _find_gv_sheet(path)
    raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=str, engine="openpyxl")
    if raw.shape[1] < 16:
        raise DataError(
            f"unerwartetes Layout ({raw.shape[1]} Spalten, erwartet ≥ 16)", file=str(path)
        )
    frame = raw[list(_GV_COLS)].rename(columns=_GV_COLS)
    frame["excel_row"] = frame.index + 1
    frame = frame[frame["satzart"].astype(str).str.strip() == "60"]
    if land is not None:
        frame = frame[frame["land"].astype(str).str.strip().str.zfill(2) == land]
    if frame.empty:
        raise DataError("keine Gemeinde-Zeilen (Satzart 60) gefunden", file=str(path))
    records = [_gemeinde_record(rec, str(path)) for rec in frame.to_dict("records")]
    out = pd.DataFrame.from_records(records)
    return out.sort_values(COL_AGS, ignore_index=True)


def _gemeinde_record(rec: Mapping[Any, Any], file: str) -> dict[str, Any]:
    """One GV-ISys Gemeinde row (Satzart 60) as typed values; a bad cell names file and row."""
    row = int(rec["excel_row"])
    try:
        ags = normalize_ags(
            f"{str(rec['land']).zfill(2)}{rec['rb']}{str(rec['kreis']).zfill(2)}"
            f"{str(rec['gem']).zfill(3)}",
            8,
        )
    except ValueError as exc:
        raise DataError(str(exc), file=file, row=row, field="AGS") from exc
    try:
        population = _to_int(rec[COL_POPULATION])
        area = _to_float(rec[COL_AREA_KM2])
        lon = _to_float(rec["lon"])
        lat = _to_float(rec["lat"])
    except ValueError as exc:
        raise DataError(f"Zahl nicht lesbar: {exc}", file=file, row=row) from exc
    plz = str(rec["plz"]).strip() if pd.notna(rec["plz"]) else ""
    return {
        COL_AGS: ags,
        COL_NAME: str(rec[COL_NAME]).strip(),
        COL_AREA_KM2: area,
        COL_POPULATION: population,
        "plz": plz.zfill(5) if plz else "",
        "lon": lon,
        "lat": lat,
    }


def read_zensus_gemeinden(path: str | Path) -> pd.DataFrame:
    """Read the Zensus 2022 Gemeinde extract (``gemeinden_nrw_2022-05-15.csv``).

    Returns
    -------
    DataFrame with ``ags`` (8-char str), ``name``, ``population`` (int, 15.05.2022),
    ``foreign_share_pct``, ``migration_background_share_pct`` and the age-group shares (percent),
    plus ``foreign_population`` (persons, population × foreign share, rounded).
    """
    path = Path(path)
    frame = pd.read_csv(path, dtype={"ags": str}, encoding="utf-8-sig")
    missing = {"ags", "population", "foreign_share_pct"} - set(frame.columns)
    if missing:
        raise DataError(f"Spalten fehlen: {', '.join(sorted(missing))}", file=str(path), row=1)
    out = frame.copy()
    ags_values = []
    for i, value in enumerate(out["ags"], start=2):
        try:
            ags_values.append(normalize_ags(value, 8))
        except ValueError as exc:
            raise DataError(str(exc), file=str(path), row=i, field="ags") from exc
    out["ags"] = ags_values
    out[COL_POPULATION] = pd.to_numeric(out[COL_POPULATION], errors="raise").astype("int64")
    out["foreign_population"] = (out[COL_POPULATION] * out["foreign_share_pct"] / 100.0).round()
    return out


def read_inkar_foreign_share(path: str | Path) -> pd.DataFrame:
    """Read the INKAR "Ausländeranteil" per Kreis and year.

    Returns
    -------
    DataFrame with ``kreis_ags`` (5-char str), ``year`` (int), ``foreign_share_pct`` (percent).
    """
    path = Path(path)
    frame = pd.read_csv(path, dtype={"kreis_ags": str}, encoding="utf-8-sig")
    missing = {"kreis_ags", "year", "foreign_share_pct"} - set(frame.columns)
    if missing:
        raise DataError(f"Spalten fehlen: {', '.join(sorted(missing))}", file=str(path), row=1)
    out = frame[["kreis_ags", "year", "foreign_share_pct"]].copy()
    out["kreis_ags"] = [normalize_ags(v, 5) for v in out["kreis_ags"]]
    out["year"] = out["year"].astype(int)
    return out
