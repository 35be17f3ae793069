"""Texts about travel times on a street network: the threshold in minutes with its mode, the
speeds, the OSM extract and its date (page, map sheet, method panel; catalogue keys ``cov.by.*``,
``cov.reach``, ``cov.net.*``, ``mode.*``).
"""

from __future__ import annotations

from datetime import datetime

from mapapp.analysis.coverage.params import MODE_LINE, CoverageParams, Method
from mapapp.analysis.network import NetworkBasis
from mapapp.config import ATTRIBUTION_OSM_DATA
from mapapp.text import date, integer, km, label, number, t


def reach_text(value: float, mode: str, lang: str = "de") -> str:
    """A threshold or catchment in the unit of ``mode``: ``10 km`` (straight line, ``value`` in
    metres) or ``30 Min. zu Fuß`` (a network mode, ``value`` in minutes)."""
    if mode == MODE_LINE:
        return t("fmt.km", lang, value=km(value, lang))
    return t("cov.reach", lang, value=number(value, lang, 0), by=t(f"cov.by.{mode}", lang))


def minutes_text(value: float, lang: str = "de") -> str:
    """``30`` -> ``30 Min.`` (class bounds of the travel-time legend)."""
    return t("cov.minutes", lang, value=number(value, lang, 0))


def extract_date(basis: NetworkBasis, lang: str = "de") -> str:
    """The OSM extract's date in ``lang`` (``unbekannt`` when the manifest has none)."""
    if not basis.extract_date:
        return t("cov.net.date.unknown", lang)
    try:
        day = datetime.fromisoformat(basis.extract_date.replace("Z", "+00:00")).date()
    except ValueError:
        return basis.extract_date
    return date(day, lang)


def speeds_text(basis: NetworkBasis, lang: str = "de") -> str:
    """``4,5 km/h auf allen zu Fuß offenen Wegen`` or the car's rule with its class table."""
    if basis.speed_kmh is not None:
        return t(
            f"cov.net.speed.{basis.mode}",
            lang,
            kmh=number(basis.speed_kmh, lang, 1 if basis.speed_kmh % 1 else 0),
        )
    table = ", ".join(f"{road} {integer(kmh, lang)}" for road, kmh in basis.car_kmh or ())
    return t("cov.net.speed.car_table", lang, table=table)


def network_sentence(basis: NetworkBasis, lang: str = "de") -> str:
    """One line for the map sheet: mode, speeds, extract and its date."""
    return t(
        "cov.net.sheet",
        lang,
        by=t(f"cov.by.{basis.mode}", lang),
        speeds=speeds_text(basis, lang),
        extract=basis.extract_name,
        date=extract_date(basis, lang),
    )


def network_paragraph(basis: NetworkBasis, lang: str = "de") -> str:
    """The method panel's "Wege" paragraph (replaces the straight-line distance paragraph)."""
    return t(
        "cov.m.distance.net",
        lang,
        by=t(f"cov.by.{basis.mode}", lang),
        extract=basis.extract_name,
        date=extract_date(basis, lang),
        speeds=speeds_text(basis, lang),
        snap=number(basis.snap_kmh, lang, 1 if basis.snap_kmh % 1 else 0),
        max=integer(basis.max_minutes, lang),
    )


def network_source(basis: NetworkBasis, lang: str = "de") -> str:
    """The data line of the street network (with the ODbL credit OpenStreetMap requires)."""
    return t(
        "cov.src.network",
        lang,
        extract=basis.extract_name,
        date=extract_date(basis, lang),
        attribution=ATTRIBUTION_OSM_DATA,
    )


def mode_label(mode: str, lang: str = "de") -> str:
    """``Luftlinie``, ``zu Fuß``, ``Rad``, ``Auto`` (the page's choice)."""
    return label("travel_mode", mode, lang)


def method_label(params: CoverageParams, lang: str = "de") -> str:
    """The measure's name: the nearest offer in travel minutes with a network mode (not "km,
    Luftlinie"), else :func:`label` of the method."""
    if params.network and params.method is Method.NEAREST:
        return t("cov.method.nearest.net", lang)
    return label("method", params.method, lang)


def value_key(params: CoverageParams) -> str:
    """Catalogue key of the measure's short name with its unit (``gap.value.*``): the nearest
    offer in minutes with a network mode, else the measure's own."""
    if params.network and params.method is Method.NEAREST:
        return "gap.value.nearest.net"
    return f"gap.value.{params.method.value}"
