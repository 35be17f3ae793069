"""Offline addresses and place names from an OpenStreetMap extract (:class:`OsmGazetteer`).

When an extract (``*.osm.pbf`` or ``*.osm``) lies in :attr:`mapapp.config.Settings.osm_dir`, its
place names (``place`` = city, town, village, suburb, quarter, hamlet) and its addresses
(``addr:street``, ``addr:housenumber``, ``addr:postcode``, ``addr:city``; on nodes and on
buildings drawn as ways, whose point is the mean of their nodes) are read once with pyosmium
(``osmium``) into a SQLite cache under ``derived/osm_gazetteer`` (written through
:mod:`mapapp.io.atomic`, named after the extract's size and time, so a new extract builds a new
cache). Lookups then run against that file without reading the extract again, offline.

``"Kortumstraße 12, 44787 Bochum"`` resolves to the house (precision ``address``); a street
without that number to the mean of the street's addresses (``street``); ``"Querenburg"`` to the
place node. Street names are compared folded (case, umlauts, ``str.``/``straße``, blanks and
hyphens do not matter); house numbers without blanks, case-insensitively.

Credit: :data:`mapapp.config.ATTRIBUTION_OSM_DATA` (ODbL).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapapp.config import Settings
from mapapp.ingest.fold import fold
from mapapp.io import atomic
from mapapp.offers_model import Precision

#: Bump when the cache layout or the reading rules change (old caches are then rebuilt).
CACHE_FORMAT = "1"
#: ``place`` values that name where people live.
PLACE_KINDS = ("city", "town", "village", "suburb", "quarter", "hamlet", "neighbourhood")
_SUFFIXES = (".osm.pbf", ".osm")

_SCHEMA = """
CREATE TABLE address (street_key TEXT, number_key TEXT, postcode TEXT, city_key TEXT,
                      street TEXT, number TEXT, city TEXT, lon REAL, lat REAL);
CREATE TABLE place (name_key TEXT, name TEXT, kind TEXT, lon REAL, lat REAL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
"""
_INDEXES = """
CREATE INDEX address_street ON address(street_key, number_key);
CREATE INDEX place_name ON place(name_key);
"""


def street_key(street: str) -> str:
    """``"Kortumstraße"``, ``"Kortumstr."``, ``"KORTUM-STRASSE"`` -> ``"kortumstrasse"``."""
    key = re.sub(r"str(?=\s|$)", "strasse", fold(street))
    return re.sub(r"[\s-]+", "", key)


def number_key(number: str) -> str:
    """``"12 a"`` -> ``"12a"``."""
    return re.sub(r"\s+", "", str(number)).lower()


def name_key(name: str) -> str:
    return fold(name)


def find_extract(settings: Settings) -> Path | None:
    """The OpenStreetMap extract in the data directory (the newest when there are several)."""
    folder = settings.osm_dir
    if not folder.is_dir():
        return None
    found = [p for p in folder.iterdir() if p.is_file() and p.name.endswith(_SUFFIXES)]
    return max(found, key=lambda p: (p.stat().st_mtime, p.name)) if found else None


def cache_path(settings: Settings, extract: Path) -> Path:
    """Where the gazetteer of ``extract`` is cached (changes with the extract's size and time)."""
    st = extract.stat()
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", extract.name)
    name = f"{stem}.{st.st_size}.{int(st.st_mtime)}.v{CACHE_FORMAT}.sqlite"
    return settings.derived_dir / "osm_gazetteer" / name


# --------------------------------------------------------------------------------------------
# Reading the extract
# --------------------------------------------------------------------------------------------


def _rows(extract: Path) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """``("address" | "place", row)`` for every usable node and way of the extract."""
    import osmium  # the reader is only needed to build the cache

    keys = osmium.filter.KeyFilter("place", "addr:housenumber")
    for obj in osmium.FileProcessor(str(extract)).with_locations().with_filter(keys):
        point = _point(obj)
        if point is None:
            continue
        tags = obj.tags
        street, number = tags.get("addr:street"), tags.get("addr:housenumber")
        if street and number:
            city = tags.get("addr:city") or ""
            yield "address", (
                street_key(street), number_key(number), (tags.get("addr:postcode") or "").strip(),
                name_key(city), street, number, city, *point,
            )  # fmt: skip
        kind, name = tags.get("place"), tags.get("name")
        if kind in PLACE_KINDS and name:
            yield "place", (name_key(name), name, kind, *point)


def _point(obj: Any) -> tuple[float, float] | None:
    """(lon, lat) of a node, or the mean of a way's node locations; ``None`` otherwise."""
    if obj.is_node():
        loc = obj.location
        return (loc.lon, loc.lat) if loc.valid() else None
    if obj.is_way():
        locs = [n.location for n in obj.nodes if n.location.valid()]
        if not locs:
            return None
        if len(locs) > 1 and obj.is_closed():
            locs = locs[:-1]  # the closing node repeats the first
        return (sum(p.lon for p in locs) / len(locs), sum(p.lat for p in locs) / len(locs))
    return None


def build_cache(extract: Path, target: Path) -> Path:
    """Read ``extract`` into a new SQLite gazetteer at ``target`` (all or nothing)."""
    with atomic.atomic_path(target) as tmp:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(_SCHEMA)
            for table, row in _rows(extract):
                marks = ",".join("?" * len(row))
                conn.execute(f"INSERT INTO {table} VALUES ({marks})", row)  # noqa: S608
            conn.executescript(_INDEXES)
            conn.execute("INSERT INTO meta VALUES ('extract', ?)", (extract.name,))
            conn.commit()
        finally:
            conn.close()
    return target


# --------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OsmHit:
    """A place found in the extract (WGS84 degrees)."""

    lon: float
    lat: float
    precision: Precision
    label: str


class OsmGazetteer:
    """Lookups in one cached extract (read-only SQLite)."""

    def __init__(self, path: Path, extract_name: str = "") -> None:
        self.path = path
        self.extract_name = extract_name

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def address(
        self, street: str, number: str | None, postcode: str | None, city: str | None
    ) -> OsmHit | None:
        """The house (``address``), else the street's addresses' mean (``street``), within the
        PLZ or the town given; ``None`` when the street is unknown there."""
        rows = self._query(
            "SELECT number_key, postcode, city_key, street, number, city, lon, lat FROM address "
            "WHERE street_key = ?",
            (street_key(street),),
        )
        plz = (postcode or "").strip()
        town = name_key(city or "")
        if plz:
            rows = [r for r in rows if r[1] == plz]
        elif town:
            rows = [r for r in rows if r[2] == town or town.startswith(r[2] + " ")]
        if not rows:
            return None
        wanted = number_key(number) if number else ""
        house = [r for r in rows if wanted and r[0] == wanted]
        if house:
            r = house[0]
            label = f"{r[3]} {r[4]}, {' '.join(p for p in (r[1], r[5]) if p)}".strip(", ")
            return OsmHit(float(r[6]), float(r[7]), Precision.ADDRESS, label)
        lon = sum(float(r[6]) for r in rows) / len(rows)
        lat = sum(float(r[7]) for r in rows) / len(rows)
        label = f"{rows[0][3]}, {' '.join(p for p in (plz, city or rows[0][5]) if p)}".strip(", ")
        return OsmHit(lon, lat, Precision.STREET, label)

    def places(self, name: str) -> list[OsmHit]:
        """Place nodes and areas of that name (folded), larger kinds first."""
        rows = self._query(
            "SELECT name, kind, lon, lat FROM place WHERE name_key = ?", (name_key(name),)
        )
        rows.sort(key=lambda r: PLACE_KINDS.index(r[1]) if r[1] in PLACE_KINDS else 99)
        return [OsmHit(float(r[2]), float(r[3]), Precision.GEMEINDE_CENTRE, r[0]) for r in rows]


def load_osm_gazetteer(settings: Settings) -> OsmGazetteer | None:
    """The gazetteer of the extract in the data directory (cache built on first use), or
    ``None`` when there is no extract."""
    extract = find_extract(settings)
    if extract is None:
        return None
    target = cache_path(settings, extract)
    if not target.exists():
        build_cache(extract, target)
    return OsmGazetteer(target, extract.name)


def split_street(text: str) -> tuple[str, str | None]:
    """``"Kortumstraße 12"`` -> ``("Kortumstraße", "12")``; ``"Am Born 10 a"`` ->
    ``("Am Born", "10 a")``; no number: ``(text, None)``."""
    m = re.fullmatch(r"\s*(.*?\D)\s*(\d+\s*[a-zA-Z]?(?:\s*[-/]\s*\d+\s*[a-zA-Z]?)?)\s*", text)
    if not m:
        return text.strip(), None
    return m.group(1).strip(" ,"), m.group(2)


__all__ = [
    "CACHE_FORMAT",
    "OsmGazetteer",
    "OsmHit",
    "build_cache",
    "cache_path",
    "find_extract",
    "load_osm_gazetteer",
    "split_street",
    "street_key",
]
