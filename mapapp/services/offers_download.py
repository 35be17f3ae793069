"""The offers a visitor downloads from "Angebote finden": CSV and GeoJSON in the page's language.

Column headers (CSV) and property names (GeoJSON), the category label and the attribution line
come from the catalogue (:mod:`mapapp.text`, keys ``col.offer.<field>``); the values stay as
entered. The machine exports with fixed column names, which the importer and scripts read back,
are :func:`mapapp.io.offers_export.offers_to_csv` and ``mapapp offers export``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from mapapp.io.offers_export import offers_attribution, offers_to_geojson
from mapapp.io.tabular import to_safe_csv
from mapapp.offers_model import OFFER_COLUMNS, Offer, offers_table_rows
from mapapp.text import label, t


def column_names(lang: str) -> dict[str, str]:
    """Field name -> column header in ``lang``, for every column of :data:`OFFER_COLUMNS`."""
    return {c: t(f"col.offer.{c}", lang) for c in OFFER_COLUMNS}


def attribution(offers: Sequence[Offer], lang: str) -> str:
    """The source/licence line of the download in ``lang``."""
    return offers_attribution(
        offers,
        text=lambda key, **params: t(key, lang, **params),
        source_field=t("col.offer.source", lang),
    )


def offers_csv(offers: Sequence[Offer], lang: str) -> str:
    """CSV (formula-safe) with translated headers and the attribution as ``#`` line."""
    frame = pd.DataFrame.from_records(offers_table_rows(offers), columns=list(OFFER_COLUMNS))
    frame["category_label"] = [label("category", o.category, lang) for o in offers]
    return to_safe_csv(
        frame.rename(columns=column_names(lang)), header_comment=attribution(offers, lang)
    )


def offers_geojson(offers: Sequence[Offer], lang: str) -> dict[str, Any]:
    """GeoJSON FeatureCollection with translated property names and attribution."""
    data = offers_to_geojson(offers, attribution(offers, lang))
    names = column_names(lang)
    for feature, offer in zip(data["features"], offers, strict=True):
        props = feature["properties"]
        props["category_label"] = label("category", offer.category, lang)
        feature["properties"] = {names.get(k, k): v for k, v in props.items()}
    data["licence"] = t("attr.offers.intro", lang, field=names["source"])
    return data
