"""Offer lists: rows -> drafts (every field parsed and checked, row issues reported) -> Offer.

Placing a draft on the map (coordinates inside NRW, gazetteer, online geocoder) is the hook
:mod:`mapapp.io.offers` fills in: a draft carries the raw coordinate pair (``coords``,
``coord_mode``) or the address; once ``lon``/``lat``/``precision``/``coord_source`` are set,
:mod:`mapapp.ingest.offers_build` builds the :class:`~mapapp.offers_model.Offer` and merges
repeated rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mapapp.ingest.columns import ColumnMap, map_columns
from mapapp.ingest.coords import parse_coordinate, parse_coordinate_pair
from mapapp.ingest.fold import fold
from mapapp.ingest.hours import check_opening_hours
from mapapp.ingest.offer_terms import (
    parse_accessibility,
    parse_category,
    parse_language,
    parse_target_group,
)
from mapapp.ingest.offers_table import OFFER_SCHEMA, OfferRows, RawRow
from mapapp.ingest.offers_values import (
    parse_capacity,
    parse_capacity_unit,
    parse_list,
    split_address,
)
from mapapp.ingest.report import ImportReport
from mapapp.ingest.values import (
    clean_text,
    is_blank,
    parse_ags,
    parse_date,
    parse_number,
    parse_postcode,
    shown,
)
from mapapp.model import DataError, OfferCategory, check_email, check_http_url
from mapapp.offers_model import (
    Accessibility,
    CapacityUnit,
    CoordSource,
    Precision,
    TargetGroup,
)

#: Longest text kept in one cell (characters); longer text is cut with a warning.
MAX_TEXT_LEN = 2000


def map_offer_columns(columns: Sequence[str]) -> ColumnMap:
    """Match a file's column names to the offer fields (:data:`OFFER_SCHEMA`)."""
    return map_columns(columns, OFFER_SCHEMA)


@dataclass
class Draft:
    """One accepted row, its fields parsed; the location still to be placed."""

    row: int
    fields: dict[str, Any]
    coords: tuple[float, float] | None = None  # raw pair as found (a, b)
    coord_mode: str = ""  # "latlon" (a=lat, b=lon) | "xy" | "geojson" (a=x, b=y) | "rejected"
    lon: float | None = None
    lat: float | None = None
    precision: Precision | None = None
    coord_source: CoordSource | None = None
    ags: str | None = None
    ags_given: str | None = None
    coord_field: str = "lat"
    kreis_ags: str | None = None  # set when only the Kreis is known (no location)


class RowReader:
    """Turns raw rows into drafts, reporting problems (one instance per file)."""

    def __init__(self, table: OfferRows, report: ImportReport, file: str) -> None:
        self.table = table
        self.report = report
        self.file = file
        columns = map_offer_columns(table.columns)
        self.mapping = {k: v[0] for k, v in columns.targets.items()}
        report.columns = dict(self.mapping)
        for col in columns.unknown:
            report.warn(1, None, f"Spalte '{col}' nicht zugeordnet – ignoriert")
        for col in columns.duplicates:
            report.warn(1, None, f"Spalte '{col}' doppelt zugeordnet – ignoriert")
        self._check_columns()

    def _check_columns(self) -> None:
        have = set(self.mapping)
        if "name" not in have:
            raise DataError(
                "keine Spalte für den Namen (erwartet z. B. 'Name', 'Bezeichnung', 'Einrichtung'); "
                f"gefunden: {', '.join(self.table.columns) or '–'}",
                file=self.file,
                row=1,
            )
        has_coords = {"lat", "lon"} <= have or {"x", "y"} <= have or "latlon" in have
        has_place = bool({"city", "postcode", "address", "ags", "kreis"} & have)
        if not (has_coords or has_place or self.table.kind == "geojson"):
            raise DataError(
                "weder Koordinaten (lat/lon, Rechtswert/Hochwert) noch Ort/PLZ/Adresse/Kreis als "
                "Spalten",
                file=self.file,
                row=1,
            )
        if "category" not in have:
            self.report.warn(1, "category", "keine Spalte für die Kategorie – alle als 'Sonstiges'")

    def cell(self, raw: RawRow, fld: str) -> Any:
        col = self.mapping.get(fld)
        return raw.values.get(col) if col is not None else None

    def text(self, raw: RawRow, fld: str) -> str | None:
        value = clean_text(self.cell(raw, fld))
        if value is not None and len(value) > MAX_TEXT_LEN:
            self.report.warn(raw.row, fld, f"Text auf {MAX_TEXT_LEN} Zeichen gekürzt")
            value = value[:MAX_TEXT_LEN]
        return value

    def draft(self, raw: RawRow) -> Draft | None:
        """The draft of one row, or ``None`` when the row is rejected (reported)."""
        rep, row = self.report, raw.row
        if raw.problem:
            fld = "geometry" if "Geometrie" in raw.problem or "Feature" in raw.problem else None
            rep.reject(row, fld, raw.problem)
            return None
        name = self.text(raw, "name")
        if not name:
            rep.reject(row, "name", "Name fehlt")
            return None
        f: dict[str, Any] = {"name": name}
        if not self._category(raw, f):
            return None
        for fld in ("provider", "phone", "source", "source_date", "note", "id", "kreis"):
            f[fld] = self.text(raw, fld)
        self._hours(raw, f)
        f.update(self._address(raw))
        self._lists(raw, f)
        self._contact(raw, f)
        self._details(raw, f)
        d = Draft(row=row, fields=f, ags_given=self._ags(raw), precision=self._precision(raw))
        return self._coords(raw, d)

    def _category(self, raw: RawRow, f: dict[str, Any]) -> bool:
        cat_text = self.text(raw, "category")
        if cat_text is None:
            f["category"] = OfferCategory.SONSTIGES
            if "category" in self.mapping:
                self.report.warn(raw.row, "category", "Kategorie leer – als 'Sonstiges' übernommen")
            return True
        cat = parse_category(cat_text)
        if cat is None:
            self.report.reject(
                raw.row,
                "category",
                f"Kategorie '{cat_text}' unbekannt (erlaubt: "
                + ", ".join(c.value for c in OfferCategory)
                + " oder deren deutsche Bezeichnung)",
            )
            return False
        f["category"] = cat
        if fold(cat_text) not in {fold(cat.value), fold(cat.name)}:
            f["category_original"] = cat_text
        return True

    def _address(self, raw: RawRow) -> dict[str, str | None]:
        street = self.text(raw, "street")
        number = self.text(raw, "housenumber")
        if street and number and not re.search(r"\d", street):
            street = f"{street} {number}"
        postcode, city = self.text(raw, "postcode"), self.text(raw, "city")
        address = self.text(raw, "address")
        if address and not (street or postcode or city):
            street, postcode, city = split_address(address)
        if postcode:
            try:
                postcode, rest = parse_postcode(postcode)
                city = city or rest
            except ValueError as exc:
                self.report.warn(raw.row, "postcode", f"{exc} – ignoriert")
                postcode = None
        return {"street": street, "postcode": postcode, "city": city}

    def _ags(self, raw: RawRow) -> str | None:
        """The AGS given in the file (only a cross-check / fallback)."""
        ags_text = self.text(raw, "ags")
        if not ags_text:
            return None
        try:
            return parse_ags(ags_text, 8)
        except ValueError as exc:
            self.report.warn(raw.row, "ags", f"{exc} – ignoriert")
            return None

    def _lists(self, raw: RawRow, f: dict[str, Any]) -> None:
        langs, unknown = parse_list(self.text(raw, "languages"), parse_language)
        if unknown:
            self.report.warn(
                raw.row,
                "languages",
                f"Sprache(n) {', '.join(repr(u) for u in unknown)} ohne ISO-639-1-Code – ignoriert",
            )
        f["languages"] = tuple(langs)
        groups, unknown = parse_list(self.text(raw, "target_groups"), parse_target_group)
        if unknown:
            self.report.warn(
                raw.row,
                "target_groups",
                f"Zielgruppe(n) {', '.join(repr(u) for u in unknown)} unbekannt – ignoriert "
                f"(bekannt: {', '.join(t.value for t in TargetGroup)})",
            )
        f["target_groups"] = tuple(groups)

    def _contact(self, raw: RawRow, f: dict[str, Any]) -> None:
        email = self.text(raw, "email")
        if email:
            try:
                email = check_email(email)
            except ValueError as exc:
                self.report.warn(
                    raw.row, "email", f"E-Mail {shown(email)} ungültig ({exc}) – ignoriert"
                )
                email = None
        f["email"] = email
        web = self.text(raw, "website")
        if web:
            try:
                web = check_http_url(web)
            except ValueError as exc:
                self.report.warn(
                    raw.row,
                    "website",
                    f"Web-Adresse {shown(web)} ist keine http(s)-URL ({exc}) – ignoriert",
                )
                web = None
        f["website"] = web

    def _hours(self, raw: RawRow, f: dict[str, Any]) -> None:
        """Opening hours in the OpenStreetMap syntax (a rule the parser cannot read is reported
        and left out; the row is kept) and whether a visit needs an appointment."""
        hours = self.text(raw, "opening_hours")
        if hours:
            try:
                hours = check_opening_hours(hours)
            except ValueError as exc:
                self.report.warn(
                    raw.row, "opening_hours", f"{exc} – ohne Öffnungszeiten übernommen"
                )
                hours = None
        f["opening_hours"] = hours
        cell = self.cell(raw, "appointment_only")
        answer = parse_accessibility(None if is_blank(cell) else cell)
        if answer is None:
            self.report.warn(raw.row, "appointment_only", f"'{cell}' unklar (ja/nein) – ignoriert")
        f["appointment_only"] = {Accessibility.YES: True, Accessibility.NO: False}.get(
            answer or Accessibility.UNKNOWN
        )

    def _details(self, raw: RawRow, f: dict[str, Any]) -> None:
        """Accessibility, capacity and the date of the last check."""
        rep, row = self.report, raw.row
        bf_cell = self.cell(raw, "barrier_free")
        bf = parse_accessibility(None if is_blank(bf_cell) else bf_cell)
        if bf is None:
            rep.warn(row, "barrier_free", f"Barrierefreiheit '{bf_cell}' unklar – 'unbekannt'")
            bf = Accessibility.UNKNOWN
        f["barrier_free"] = bf
        f["capacity"], f["capacity_unit"] = self._capacity(raw)
        try:
            f["last_verified"] = parse_date(self.cell(raw, "last_verified"))
        except ValueError as exc:
            rep.warn(row, "last_verified", f"{exc} – ignoriert")
            f["last_verified"] = None

    def _capacity(self, raw: RawRow) -> tuple[float | None, CapacityUnit | None]:
        cap_cell = self.cell(raw, "capacity")
        if is_blank(cap_cell):
            return None, None
        try:
            cap, cap_unit_text = parse_capacity(cap_cell)
        except ValueError:
            self.report.warn(
                raw.row, "capacity", f"Kapazität '{cap_cell}' ist keine Zahl ≥ 0 – ignoriert"
            )
            return None, None
        unit_text = self.text(raw, "capacity_unit")
        unit = parse_capacity_unit(unit_text or cap_unit_text or self.mapping.get("capacity", ""))
        if unit is None:
            self.report.warn(
                raw.row, "capacity_unit", "Einheit der Kapazität unklar (Plätze oder Stunden)"
            )
        return cap, unit

    def _precision(self, raw: RawRow) -> Precision | None:
        prec_text = self.text(raw, "precision")
        if not prec_text:
            return None
        try:
            return Precision(fold(prec_text).replace(" ", "_"))
        except ValueError:
            self.report.warn(
                raw.row, "precision", f"Genauigkeit '{prec_text}' unbekannt – ignoriert"
            )
            return None

    def _coords(self, raw: RawRow, d: Draft) -> Draft | None:
        if self.table.kind == "geojson" and raw.geometry is not None:
            return self._geometry(raw.geometry, d)
        for fa, fb, mode in (("lat", "lon", "latlon"), ("x", "y", "xy")):
            ca, cb = self.cell(raw, fa), self.cell(raw, fb)
            if is_blank(ca) and is_blank(cb):
                continue
            if is_blank(ca) or is_blank(cb):
                missing = fa if is_blank(ca) else fb
                self.report.warn(
                    d.row, missing, "nur eine Koordinate angegeben – Adresse wird verwendet"
                )
                continue
            return self._pair(d, (fa, ca), (fb, cb), mode)
        pair = self.cell(raw, "latlon")
        if not is_blank(pair):
            try:
                lat, lon = parse_coordinate_pair(pair)
            except ValueError:
                self.report.reject(
                    d.row,
                    "latlon",
                    f"Koordinaten {shown(str(pair))} nicht lesbar (z. B. 51.4828, 7.2172 oder "
                    "51°28'58\"N 7°13'2\"E)",
                )
                return None
            d.coords, d.coord_mode, d.coord_field = (lat, lon), "latlon", "latlon"
        return d

    def _pair(
        self, d: Draft, first: tuple[str, Any], second: tuple[str, Any], mode: str
    ) -> Draft | None:
        parsed: list[tuple[float, str | None]] = []
        for fld, cell in (first, second):
            try:
                parsed.append(
                    parse_coordinate(cell) if mode == "latlon" else (parse_number(cell), None)
                )
            except ValueError:
                self.report.reject(d.row, fld, f"Koordinate '{cell}' ist keine Zahl")
                return None
        (a, ha), (b, hb) = parsed
        if ha == "lon" or hb == "lat":  # "7°13'E" in the latitude column: letters decide
            a, b = b, a
        d.coords, d.coord_mode, d.coord_field = (a, b), mode, first[0]
        return d

    def _geometry(self, geom: Any, d: Draft) -> Draft | None:
        coords = geom.get("coordinates") if isinstance(geom, dict) else None
        gtype = geom.get("type") if isinstance(geom, dict) else None
        if gtype == "MultiPoint" and isinstance(coords, list) and len(coords) == 1:
            gtype, coords = "Point", coords[0]
        if gtype != "Point":
            self.report.reject(d.row, "geometry", f"Geometrie '{gtype}' ist kein Punkt")
            return None
        if not isinstance(coords, list | tuple) or len(coords) < 2:
            self.report.reject(d.row, "geometry", "Punkt ohne zwei Koordinaten")
            return None
        try:
            a, b = parse_number(coords[0]), parse_number(coords[1])
        except (TypeError, ValueError):
            self.report.reject(d.row, "geometry", "Punktkoordinaten nicht lesbar")
            return None
        d.coords, d.coord_mode, d.coord_field = (a, b), "geojson", "geometry"
        return d
