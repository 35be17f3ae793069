"""Placing offer drafts on the map: coordinate pairs tested against NRW (as labelled, then
swapped; degrees or EPSG:25832 metres), addresses through the offline gazetteer and – when
configured – the online geocoder. Fills the hooks of :class:`mapapp.ingest.offers.Draft`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mapapp.ingest.coords import coordinate_readings
from mapapp.ingest.offers import Draft
from mapapp.ingest.report import ImportReport
from mapapp.io.gazetteer import Gazetteer, Place
from mapapp.io.geocode import GeocoderError, OnlineGeocoder
from mapapp.io.locator import Locator
from mapapp.io.osm_gazetteer import OsmGazetteer, split_street
from mapapp.io.plz import PlzIndex
from mapapp.offers_model import CoordSource, Precision
from mapapp.projection import to_metric, to_web

#: After this many consecutive online-geocoder failures the rest of the file stays offline.
GEOCODER_MAX_FAILURES = 3


@dataclass
class GeoContext:
    """Everything the importer needs to place offers (:mod:`mapapp.io.gazetteer`,
    :mod:`mapapp.io.locator`, :mod:`mapapp.io.geocode`)."""

    gazetteer: Gazetteer
    locator: Locator
    geocoder: OnlineGeocoder | None = None
    attribution: list[str] = field(default_factory=list)
    plz: PlzIndex | None = None  # offline PLZ centres (mapapp.io.plz)
    osm: OsmGazetteer | None = None  # addresses and places of an OSM extract, when there is one


def _candidates(d: Draft, metric_crs: bool) -> list[tuple[str, float, float]]:
    assert d.coords is not None
    a, b = d.coords
    return coordinate_readings(
        a, b, labelled_latlon=d.coord_mode == "latlon", metric_crs=metric_crs
    )


def locate_coordinates(
    drafts: list[Draft], metric_crs: bool, ctx: GeoContext, rep: ImportReport
) -> None:
    """Resolve the raw coordinate pairs of ``drafts`` (vectorised NRW test); set lon/lat or reject.

    Each pair is tried as labelled, then swapped; the first reading inside NRW wins (a swap is
    reported as a warning).
    """
    owner, first_cand, cands = _collect_candidates(drafts, metric_crs)
    chosen, xs, ys = _first_inside(owner, cands, ctx)
    ok = sorted(chosen.values())
    lon_all, lat_all = to_web(xs[ok], ys[ok]) if ok else (np.zeros(0), np.zeros(0))
    ags_all = ctx.locator.ags_at(xs[ok], ys[ok]) if ok else []
    pos = {k: j for j, k in enumerate(ok)}
    for i, d in enumerate(drafts):
        if d.coords is None:
            continue
        k_opt = chosen.get(i)
        if k_opt is None:
            _reject_outside(d, ctx, rep)
            continue
        if k_opt != first_cand[i] or owner[first_cand[i]] != i:
            what = "Breite und Länge" if d.coord_mode == "latlon" else "x und y"
            rep.warn(d.row, d.coord_field, f"{what} waren vertauscht – getauscht")
        j = pos[k_opt]
        _place(d, float(lon_all[j]), float(lat_all[j]), ags_all[j], rep)


def _collect_candidates(
    drafts: list[Draft], metric_crs: bool
) -> tuple[list[int], dict[int, int], list[tuple[str, float, float]]]:
    """Every reading of every draft's pair: the owning draft per reading, each draft's first
    reading, and the readings (``kind``, u, v)."""
    owner: list[int] = []
    first_cand: dict[int, int] = {}
    cands: list[tuple[str, float, float]] = []
    for i, d in enumerate(drafts):
        if d.coords is None:
            continue
        first_cand[i] = len(cands)
        for c in _candidates(d, metric_crs):
            owner.append(i)
            cands.append(c)
    return owner, first_cand, cands


def _first_inside(
    owner: list[int], cands: list[tuple[str, float, float]], ctx: GeoContext
) -> tuple[dict[int, int], np.ndarray, np.ndarray]:
    """The first reading inside NRW per draft (vectorised test), with all readings in metres."""
    geo = np.array([c[0] == "geo" for c in cands], dtype=bool)
    u = np.array([c[1] for c in cands], dtype=float)
    v = np.array([c[2] for c in cands], dtype=float)
    xs, ys = u.copy(), v.copy()
    if geo.any():
        xs[geo], ys[geo] = to_metric(u[geo], v[geo])
    inside = ctx.locator.in_nrw(xs, ys) if len(cands) else np.zeros(0, dtype=bool)
    chosen: dict[int, int] = {}
    for k in range(len(cands)):
        if inside[k] and owner[k] not in chosen:
            chosen[owner[k]] = k
    return chosen, xs, ys


def _reject_outside(d: Draft, ctx: GeoContext, rep: ImportReport) -> None:
    assert d.coords is not None
    a, b = d.coords
    label = "Breite/Länge" if d.coord_mode == "latlon" else "x/y"
    rep.reject(
        d.row,
        d.coord_field,
        f"Punkt ({label} {a:g}, {b:g}) liegt außerhalb von NRW "
        f"(NRW: {ctx.locator.describe_bounds()}; erwartet WGS84-Grad oder EPSG:25832-Meter)",
    )
    d.coord_mode = "rejected"


def _place(d: Draft, lon: float, lat: float, ags: str | None, rep: ImportReport) -> None:
    d.lon, d.lat = lon, lat
    d.ags = ags
    d.precision = d.precision or Precision.ADDRESS
    d.coord_source = CoordSource.FILE
    if d.ags_given and d.ags and d.ags_given != d.ags:
        rep.warn(
            d.row,
            "ags",
            f"AGS {d.ags_given} passt nicht zum Punkt (liegt in {d.ags}) – {d.ags} verwendet",
        )


class Geocoding:
    """Per-file state of address geocoding (gazetteer, then the optional online geocoder)."""

    def __init__(self, ctx: GeoContext, rep: ImportReport) -> None:
        self.ctx = ctx
        self.rep = rep
        self.failures = 0
        self.online = ctx.geocoder is not None

    def _online(self, d: Draft) -> tuple[float, float, Precision, str] | None:
        geocoder = self.ctx.geocoder
        if geocoder is None or not self.online:
            return None
        f = d.fields
        try:
            hit = geocoder.geocode(street=f["street"], postcode=f["postcode"], city=f["city"])
        except GeocoderError as exc:
            self.failures += 1
            self.rep.warn(d.row, "street", f"{exc} – nur Gemeinde bestimmt")
            if self.failures >= GEOCODER_MAX_FAILURES:
                self.online = False
                self.rep.warn(
                    d.row,
                    None,
                    "Online-Geocoder wiederholt fehlgeschlagen – Rest der Datei offline",
                )
            return None
        self.failures = 0
        if hit is None:
            return None
        x, y = to_metric([hit.lon], [hit.lat])
        if not self.ctx.locator.in_nrw(x, y)[0]:
            self.rep.warn(
                d.row, "street", "Online-Geocoder fand die Adresse außerhalb von NRW – verworfen"
            )
            return None
        return hit.lon, hit.lat, hit.precision, hit.service

    def locate(self, d: Draft) -> bool:
        f = d.fields
        gz = self.ctx.gazetteer
        match = gz.find(f["city"], f["postcode"])
        place = match.place if match else (gz.by_ags(d.ags_given) if d.ags_given else None)
        if match:
            for w in match.warnings:
                self.rep.warn(d.row, "city", w)
        if f["street"] and self._offline_address(d, place):
            return True
        # online: to refine a street address, or when the gazetteer knows the place not (an
        # Ortsteil name, say); a town-level answer only counts in the second case
        ask = bool(f["street"]) or (place is None and bool(f["city"] or f["postcode"]))
        online = self._online(d) if ask else None
        finer = (Precision.ADDRESS, Precision.STREET, Precision.POSTCODE)
        if online is not None and (online[2] in finer or place is None):
            lon, lat, prec, service = online
            x, y = to_metric([lon], [lat])
            ags = self.ctx.locator.ags_at(x, y)[0]
            if place is not None and ags is not None and ags != place.ags:
                self.rep.warn(
                    d.row,
                    "city",
                    f"Geocoder-Treffer liegt in {ags}, Ort '{f['city'] or f['postcode']}' ist "
                    f"{place.ags} ({place.short_name}) – Treffer verwendet",
                )
            d.lon, d.lat, d.ags = lon, lat, ags
            d.precision, d.coord_source = prec, CoordSource.GEOCODER
            if prec is not Precision.ADDRESS:
                self.rep.warn(d.row, "street", f"Online-Geocoder fand nur: {prec.value}")
            return True
        if self._plz_area(d, place):
            return True
        if place is None and f.get("kreis") and not (f["city"] or f["postcode"]):
            return self._kreis_only(d)
        if place is None:
            given = ", ".join(p for p in (f["postcode"], f["city"]) if p) or "–"
            field_name = "city" if f["city"] else ("postcode" if f["postcode"] else "city")
            self.rep.reject(
                d.row,
                field_name,
                f"Ort nicht gefunden ({given}): keine NRW-Gemeinde und keine Koordinaten",
            )
            return False
        d.lon, d.lat, d.ags = place.lon, place.lat, place.ags
        d.precision, d.coord_source = Precision.GEMEINDE_CENTRE, CoordSource.GAZETTEER
        self.rep.warn(
            d.row, "city", f"nur auf die Gemeinde geokodiert ({place.short_name}, Gemeindezentrum)"
        )
        return True

    def _kreis_only(self, d: Draft) -> bool:
        """A row that names only its Kreis: accepted without a location (precision
        ``kreis_area``: no point, never a distance), with a warning; rejected when the Kreis is
        unknown."""
        text = str(d.fields["kreis"])
        found = self.ctx.locator.find_kreis(text)
        if found is None:
            self.rep.reject(
                d.row, "kreis", f"Kreis '{text}' nicht gefunden: kein NRW-Kreis, keine Koordinaten"
            )
            return False
        kreis_ags, name = found
        d.lon = d.lat = d.ags = None
        d.kreis_ags = kreis_ags
        d.precision, d.coord_source = Precision.KREIS_AREA, CoordSource.BOUNDARY
        self.rep.warn(
            d.row,
            "kreis",
            f"nur der Kreis ist bekannt ({name}, {kreis_ags}) – ohne Standort übernommen "
            "(Standort nicht erfasst, keine Entfernung)",
        )
        return True

    def _ags(self, lon: float, lat: float) -> str | None:
        x, y = to_metric([lon], [lat])
        return self.ctx.locator.ags_at(x, y)[0]

    def _offline_address(self, d: Draft, place: Place | None) -> bool:
        """The house (or its street) in the OpenStreetMap extract, when there is one and the hit
        lies in the Gemeinde the row names."""
        osm, f = self.ctx.osm, d.fields
        if osm is None:
            return False
        street, number = split_street(str(f["street"]))
        town = f["city"] or (place.short_name if place is not None else None)
        hit = osm.address(street, number, f["postcode"], town)
        if hit is None:
            return False
        ags = self._ags(hit.lon, hit.lat)
        if ags is None or (place is not None and ags != place.ags):
            return False
        d.lon, d.lat, d.ags = hit.lon, hit.lat, ags
        d.precision, d.coord_source = hit.precision, CoordSource.OSM
        if hit.precision is not Precision.ADDRESS:
            self.rep.warn(
                d.row, "street", "Hausnummer nicht im OpenStreetMap-Auszug – Mitte der Straße"
            )
        return True

    def _plz_area(self, d: Draft, place: Place | None) -> bool:
        """The centre of the row's postcode area, when it lies in the Gemeinde the row names
        (or the row names none the gazetteer knows)."""
        area = self.ctx.plz.get(d.fields["postcode"]) if self.ctx.plz is not None else None
        if area is None or (place is not None and area.ags != place.ags):
            return False
        d.lon, d.lat, d.ags = area.lon, area.lat, area.ags
        d.precision, d.coord_source = Precision.PLZ_AREA, CoordSource.PLZ
        self.rep.warn(
            d.row, "postcode", f"nur auf das PLZ-Gebiet geokodiert (PLZ {area.plz}, Mittelpunkt)"
        )
        return True
