"""Offer exports: the attribution line, the flat table, CSV (safe against spreadsheet formulas)
and GeoJSON."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from mapapp.catalogue import german
from mapapp.config import (
    ATTRIBUTION_DESTATIS,
    BKG_LICENCE,
)
from mapapp.io.tabular import to_safe_csv
from mapapp.offers_model import OFFER_COLUMNS, CoordSource, Offer, offers_table_rows


def _german(key: str, **params: object) -> str:
    return german(key).format(**params)


def offers_attribution(
    offers: Sequence[Offer],
    bkg_year: int | None = None,
    *,
    bkg_modified: bool = False,
    text: Callable[..., str] = _german,
    source_field: str = "source",
) -> str:
    """Source/licence line for exports: per-offer sources plus the datasets used for locations.

    ``bkg_modified``: the export shows BKG geometry in changed form (e.g. simplified boundaries).
    ``text(key, **params)`` gives the catalogue texts (German by default; the page passes its
    language, see :mod:`mapapp.services.offers_download`); ``source_field`` names the column
    that holds each offer's source.
    """
    parts = [text("attr.offers.intro", field=source_field)]
    if any(o.coord_source is CoordSource.GAZETTEER for o in offers):
        parts.append(text("attr.offers.gazetteer", source=ATTRIBUTION_DESTATIS))
    if any(o.ags or o.kreis_ags for o in offers):
        bkg = text("attr.bkg", year=bkg_year) if bkg_year else text("attr.bkg.plain")
        if bkg_year and not bkg_modified:
            bkg = text("attr.bkg.plain") + f" {bkg_year}"
        elif bkg_modified and not bkg_year:
            bkg += " " + text("attr.modified")
        parts.append(text("attr.offers.bkg", source=f"{bkg}, {BKG_LICENCE}"))
    if any(o.coord_source is CoordSource.PLZ for o in offers):
        parts.append(text("attr.offers.plz", source=text("of.plz.credit")))
    if any(o.coord_source is CoordSource.OSM for o in offers):
        parts.append(text("attr.offers.osm", source=text("of.osm.credit")))
    if any(o.coord_source is CoordSource.GEOCODER for o in offers):
        parts.append(text("attr.offers.geocoder", source=text("map.osm") + " (ODbL)"))
    return "; ".join(parts)


def offers_table(offers: Sequence[Offer]) -> pd.DataFrame:
    """The offers as a flat table: columns :data:`mapapp.offers_model.OFFER_COLUMNS` (lists
    joined by ``;``, German ``category_label``)."""
    return pd.DataFrame.from_records(offers_table_rows(offers), columns=list(OFFER_COLUMNS))


def offers_to_csv(offers: Sequence[Offer]) -> str:
    """Plain CSV text (``,``-separated, UTF-8, machine column names) of the offers, safe against
    spreadsheet formula injection; the importer reads it back. No comment line: the sources go
    beside it (:func:`offers_attribution`, ``mapapp offers export`` writes ``*.quellen.txt``)."""
    return to_safe_csv(offers_table(offers))


def offers_to_geojson(offers: Sequence[Offer], attribution: str | None = None) -> dict[str, Any]:
    """GeoJSON FeatureCollection (WGS84, RFC 7946) with the attribution as a top-level member.

    Properties are :meth:`mapapp.offers_model.Offer.to_record` (lists stay lists) plus
    ``category_label``; ``lon``/``lat`` are the geometry (``null`` for an offer without a location,
    RFC 7946 "unlocated" feature).
    """
    features = []
    for o in offers:
        props = o.to_record()
        lon, lat = props.pop("lon"), props.pop("lat")
        props["category_label"] = o.category_label
        features.append(
            {
                "type": "Feature",
                "id": o.id,
                "geometry": None
                if o.lonlat is None
                else {"type": "Point", "coordinates": [lon, lat]},
                "properties": props,
            }
        )
    return {
        "type": "FeatureCollection",
        "attribution": attribution or offers_attribution(offers),
        "licence": "Quelle und Lizenz je Angebot siehe Eigenschaft 'source'",
        "features": features,
    }
