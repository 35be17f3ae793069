"""The offline gazetteer: Gemeinde names and seat PLZ from Destatis GV-ISys (:class:`Gazetteer`).

Finds the Gemeinde of ``"Solingen"`` (GV-ISys: ``"Solingen, Klingenstadt"``), ``"Stolberg"``
(``"Stolberg (Rhld.), Kupferstadt"``), ``"Koeln"``; the point is the GV-ISys centre of the
Gemeinde, so the precision is always :attr:`~mapapp.offers_model.Precision.GEMEINDE_CENTRE` (a PLZ
only identifies the Gemeinde: GV-ISys holds one PLZ per Gemeinde, that of its seat). Used first by
:mod:`mapapp.io.offers`; points are then checked by :mod:`mapapp.io.locator`, and the optional
online geocoder is :mod:`mapapp.io.geocode`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from mapapp.ingest.fold import fold as fold_text
from mapapp.model import COL_AGS, COL_NAME, DataError, normalize_ags

# --------------------------------------------------------------------------------------------
# Offline gazetteer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A Gemeinde as the gazetteer knows it: GV-ISys name, AGS, seat PLZ, centre (WGS84 degrees)."""

    ags: str
    name: str
    plz: str
    lon: float
    lat: float

    @property
    def short_name(self) -> str:
        """Name without the GV-ISys suffix: ``"Solingen, Klingenstadt"`` -> ``"Solingen"``."""
        return self.name.split(",")[0].strip()

    @property
    def kreis_ags(self) -> str:
        return self.ags[:5]


@dataclass(frozen=True)
class GazetteerMatch:
    """Result of :meth:`Gazetteer.find`: the place, how it was found and remarks for the report."""

    place: Place
    how: str  # "name" | "name+plz" | "fuzzy" | "plz"
    warnings: tuple[str, ...] = ()


_PREFIXES = ("stadt ", "gemeinde ", "hansestadt ")


def _name_keys(name: str) -> set[str]:
    """Folded lookup keys of a GV-ISys name (full, before the comma, without the bracket)."""
    base = name.split(",")[0]
    keys = {fold_text(name), fold_text(base), fold_text(re.sub(r"\([^)]*\)", " ", base))}
    return {k for k in keys if k}


def _query_key(text: str) -> str:
    key = fold_text(text)
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix) :]
    return key


class Gazetteer:
    """Offline lookup of NRW Gemeinden by name or seat PLZ.

    Parameters
    ----------
    places
        Frame with ``ags`` (8-char str), ``name`` (GV-ISys name), ``plz`` (5-char str, seat),
        ``lon``, ``lat`` (WGS84 degrees, Gemeinde centre) – what :func:`mapapp.io.datasets.load_gvisys`
        returns.
    fuzzy_min_score
        Minimum rapidfuzz ratio (0–100) for a misspelt name to count as a match (a warning says so).
    """

    def __init__(self, places: pd.DataFrame, fuzzy_min_score: float = 90.0) -> None:
        missing = {COL_AGS, COL_NAME, "plz", "lon", "lat"} - set(places.columns)
        if missing:
            raise DataError(f"Gazetteer: Spalten fehlen: {', '.join(sorted(missing))}")
        self._places: list[Place] = [
            Place(
                ags=normalize_ags(r[COL_AGS], 8),
                name=str(r[COL_NAME]),
                plz=str(r["plz"] or "").strip().zfill(5) if str(r["plz"] or "").strip() else "",
                lon=float(r["lon"]),
                lat=float(r["lat"]),
            )
            for r in places.to_dict("records")
        ]
        self._by_key: dict[str, list[Place]] = {}
        self._by_plz: dict[str, list[Place]] = {}
        self._by_ags: dict[str, Place] = {}
        for p in self._places:
            for key in _name_keys(p.name):
                self._by_key.setdefault(key, []).append(p)
            if p.plz:
                self._by_plz.setdefault(p.plz, []).append(p)
            self._by_ags[p.ags] = p
        self._keys = list(self._by_key)
        self.fuzzy_min_score = fuzzy_min_score

    def __len__(self) -> int:
        return len(self._places)

    @property
    def places(self) -> tuple[Place, ...]:
        return tuple(self._places)

    def by_ags(self, ags: str) -> Place | None:
        return self._by_ags.get(ags)

    def by_name(self, text: str) -> list[Place]:
        """Exact matches of a folded name (``"Köln"``, ``"koeln"``, ``"Stadt Köln"``)."""
        return list(self._by_key.get(_query_key(text), []))

    def by_plz(self, plz: str) -> list[Place]:
        """Gemeinden whose seat has this PLZ (GV-ISys holds only the seat's PLZ)."""
        digits = re.sub(r"\D", "", str(plz))
        return list(self._by_plz.get(digits.zfill(5), [])) if digits else []

    def fuzzy(self, text: str) -> tuple[Place, float] | None:
        """Best unique near match (rapidfuzz ratio ≥ ``fuzzy_min_score``) or ``None``."""
        key = _query_key(text)
        if len(key) < 4:
            return None
        hits = process.extract(key, self._keys, scorer=fuzz.ratio, limit=2)
        if not hits or hits[0][1] < self.fuzzy_min_score:
            return None
        best_places = self._by_key[hits[0][0]]
        if len(hits) > 1 and hits[1][1] == hits[0][1]:
            if {p.ags for p in self._by_key[hits[1][0]]} != {p.ags for p in best_places}:
                return None
        if len({p.ags for p in best_places}) != 1:
            return None
        return best_places[0], float(hits[0][1])

    def find(
        self, city: str | None, postcode: str | None, *, districts: bool = True
    ) -> GazetteerMatch | None:
        """The Gemeinde of an address from its town and/or PLZ.

        Rules: an exact town name wins (a PLZ of another Gemeinde's seat adds a warning); several
        Gemeinden with that name are told apart by the PLZ; an unknown name is tried fuzzily; without
        a usable name the seat PLZ decides. ``None`` if nothing matches (or stays ambiguous).
        """
        city = (city or "").strip()
        by_plz = self.by_plz(postcode) if postcode else []
        if city:
            named = self.by_name(city)
            if len(named) > 1:
                named = [p for p in named if p in by_plz] or named
            if len(named) == 1:
                place = named[0]
                warns: tuple[str, ...] = ()
                if by_plz and place not in by_plz:
                    warns = (
                        f"PLZ {postcode} ist die Sitz-PLZ von {by_plz[0].short_name}, "
                        f"Ort '{city}' verwendet",
                    )
                return GazetteerMatch(place, "name+plz" if place in by_plz else "name", warns)
            if len(named) > 1:
                return None
            part = self._district_of(city) if districts else None
            if part is not None:
                return GazetteerMatch(
                    part,
                    "name",
                    (f"Ort '{city}' als Ortsteil von {part.short_name} gelesen",),
                )
            near = self.fuzzy(city)
            if near is not None:
                place, score = near
                return GazetteerMatch(
                    place,
                    "fuzzy",
                    (
                        f"Ort '{city}' als '{place.short_name}' erkannt (ähnlicher Name, {score:.0f} %)",
                    ),
                )
        if len(by_plz) == 1:
            place = by_plz[0]
            warns = (f"Ort '{city}' unbekannt; Gemeinde über die PLZ bestimmt",) if city else ()
            return GazetteerMatch(place, "plz", warns)
        return None

    def _district_of(self, city: str) -> Place | None:
        """The Gemeinde of a district written with it: ``"Leverkusen (Wiesdorf)"``,
        ``"Bochum-Wattenscheid"``, ``"Bochum Wattenscheid"`` (only when that part alone names
        exactly one Gemeinde)."""
        for head in (re.sub(r"\([^)]*\)", " ", city), *re.split(r"[-\s/]+", city.strip())[:1]):
            if head.strip() and head.strip() != city.strip():
                named = self.by_name(head)
                if len(named) == 1:
                    return named[0]
        return None

    def resolve(self, text: str, *, districts: bool = True) -> Place:
        """A place typed by a user: Gemeinde name or a seat PLZ (``"Münster"``, ``"48143"``);
        with ``districts`` also a district written with its Gemeinde (``"Bochum-Querenburg"``:
        Bochum).

        Raises
        ------
        DataError
            Not found or ambiguous, with a suggestion when a similar name exists.
        """
        text = text.strip()
        if re.fullmatch(r"\d{4,5}", text):
            hits = self.by_plz(text)
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                names = ", ".join(p.short_name for p in hits)
                raise DataError(
                    f"PLZ {text} ist Sitz-PLZ mehrerer Gemeinden ({names})", field="place"
                )
            raise DataError(
                f"PLZ {text} ist keine Sitz-PLZ einer NRW-Gemeinde (Gemeindename oder 'lat,lon' angeben)",
                field="place",
            )
        match = self.find(text, None, districts=districts)
        if match is None:
            raise DataError(f"Ort '{text}' ist keine NRW-Gemeinde", field="place")
        return match.place


def build_gazetteer(gvisys: pd.DataFrame) -> Gazetteer:
    """Gazetteer from :func:`mapapp.io.datasets.load_gvisys` output."""
    return Gazetteer(gvisys)
