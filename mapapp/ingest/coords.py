"""Coordinate parsers: decimal degrees (``"51,4828"``), hemisphere letters (``"51.48° N"``,
``"N 51° 28.966'"``, ``O``/``E``), degrees-minutes-seconds, a pair in one cell
(``"51.4828, 7.2172"``), and UTM easting/northing (EPSG:25832, also with the zone prefix 32).

Kept apart from :mod:`mapapp.ingest.values` only for size; both are "the value parsers".
"""

from __future__ import annotations

import re
from typing import Any

from mapapp.ingest.values import parse_number

_HEMI = {"N": "lat", "S": "lat", "E": "lon", "O": "lon", "W": "lon"}
_NEGATIVE = {"S", "W"}
_DEG_SYMBOLS = "°º˚'′’´\"″”"
_DMS = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*[°º˚]?\s*"
    r"(?:(\d+(?:[.,]\d+)?)\s*['′’´]\s*)?"
    r"(?:(\d+(?:[.,]\d+)?)\s*(?:\"|″|”|''|′′)\s*)?"
)
#: Ways to split one cell into two coordinates, most specific first.
_PAIR_SPLITS = (
    r"\s*[;|]\s*",
    r"\s*/\s*",
    r",\s+",
    r"(?<=[NSns])[\s,]+",
    r"[\s,]+(?=[EOWeow])",
    r",",
    r"\s+",
)


def parse_coordinate(value: Any) -> tuple[float, str | None]:
    """One coordinate: ``7.2172``, ``"51,4828"``, ``"51.4828° N"``, ``"7°13'2\"E"``,
    ``"N 51° 28.966'"`` -> (degrees, ``"lat"``/``"lon"`` when a letter N/S/E/O/W says so).

    Raises
    ------
    ValueError
        Not a coordinate (minutes or seconds ≥ 60, other text).
    """
    if not isinstance(value, str):
        return parse_number(value), None
    text = value.strip().upper().replace("−", "-")
    hemi = None
    m = re.fullmatch(r"([NSEOW])\s*(.+)|(.+?)\s*([NSEOW])", text)
    if m:
        hemi = m.group(1) or m.group(4)
        text = (m.group(2) or m.group(3)).strip()
    if hemi is None and not any(c in text for c in _DEG_SYMBOLS):
        return parse_number(text), None
    sign = -1.0 if text.startswith("-") else 1.0
    parts = _DMS.fullmatch(text.lstrip("+-").strip())
    if not parts:
        raise ValueError(f"Koordinate '{value}' nicht lesbar")
    deg = float(parts.group(1).replace(",", "."))
    minutes = float(parts.group(2).replace(",", ".")) if parts.group(2) else 0.0
    seconds = float(parts.group(3).replace(",", ".")) if parts.group(3) else 0.0
    if minutes >= 60 or seconds >= 60:
        raise ValueError(f"Koordinate '{value}': Minuten und Sekunden müssen unter 60 liegen")
    result = sign * (deg + minutes / 60 + seconds / 3600)
    if hemi in _NEGATIVE:
        result = -result
    return result, _HEMI.get(hemi) if hemi else None


def parse_coordinate_pair(value: Any) -> tuple[float, float]:
    """``"51.4828, 7.2172"``, ``"51,4828; 7,2172"``, ``"51°28'58\"N 7°13'2\"E"`` -> (lat, lon).

    The order is latitude, longitude unless N/S/E/O/W letters say otherwise (the offer importer
    still corrects a swapped pair against NRW).

    Raises
    ------
    ValueError
        Not two readable coordinates.
    """
    if isinstance(value, list | tuple) and len(value) == 2:
        (a, ha), (b, hb) = parse_coordinate(str(value[0])), parse_coordinate(str(value[1]))
        return (b, a) if ha == "lon" or hb == "lat" else (a, b)
    text = str(value).strip()
    for pattern in _PAIR_SPLITS:
        pieces = [p for p in re.split(pattern, text) if p.strip()]
        if len(pieces) != 2:
            continue
        try:
            (a, ha), (b, hb) = (parse_coordinate(p) for p in pieces)
        except ValueError:
            continue
        return (b, a) if ha == "lon" or hb == "lat" else (a, b)
    raise ValueError(f"'{text}' sind keine zwei Koordinaten")


def coordinate_readings(
    a: float, b: float, *, labelled_latlon: bool, metric_crs: bool
) -> list[tuple[str, float, float]]:
    """Possible readings of a raw pair as ``("geo", lon, lat)`` or ``("utm", x, y)``: as
    labelled first, then swapped. Metres (EPSG:25832) when the file says so or both values
    exceed 1000; an easting with the UTM zone prefix ``32`` (``32368000``) loses the prefix.

    Parameters
    ----------
    labelled_latlon
        ``(a, b)`` came as (latitude, longitude); otherwise as (x, y) / GeoJSON ``[x, y]``.
    """
    first, second = ((b, a), (a, b)) if labelled_latlon else ((a, b), (b, a))
    out: list[tuple[str, float, float]] = []
    for u, v in (first, second):
        if metric_crs or (abs(u) > 1000 and abs(v) > 1000):
            if 32_000_000 <= u < 33_000_000:
                u -= 32_000_000
            out.append(("utm", u, v))
        elif abs(u) <= 180 and abs(v) <= 90:
            out.append(("geo", u, v))
    return out
