"""The offers a visitor downloads from "Angebote finden", in the page's language: the table for
German Excel (CSV) and as a workbook (XLSX with a sources sheet), GeoJSON, a GeoPackage for QGIS
and the sources as a text file.

Column headers (CSV, XLSX) and property names (GeoJSON), the category label and the attribution
come from the catalogue (:mod:`mapapp.text`, keys ``col.offer.<field>``); the values stay as
entered. The machine exports with fixed column names, which the importer and scripts read back,
are :func:`mapapp.io.offers_export.offers_to_csv` and ``mapapp offers export``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from mapapp.io.atomic import write_bytes, write_text
from mapapp.io.geopackage import FORMAT_GPKG, geopackage_bytes, write_geopackage
from mapapp.io.offers_export import (
    offers_attribution,
    offers_table,
    offers_to_csv,
    offers_to_geojson,
)
from mapapp.io.tabular import (
    CSV_EXCEL,
    CSV_PLAIN,
    csv_bytes,
    sources_path,
    sources_text,
    to_safe_xlsx,
)
from mapapp.offers_model import OFFER_COLUMNS, Offer
from mapapp.services.geopackages import offers_layer
from mapapp.services.table_exports import yes_no
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


def sources_lines(offers: Sequence[Offer], lang: str) -> list[str]:
    """The sources of a download, one line each (text file, XLSX sheet)."""
    return [attribution(offers, lang), t("dl.ags_note", lang)]


def labelled_table(offers: Sequence[Offer], lang: str) -> pd.DataFrame:
    """The offers with translated headers and category labels (CSV for Excel, XLSX)."""
    frame = offers_table(offers)
    frame["category_label"] = [label("category", o.category, lang) for o in offers]
    return yes_no(frame, lang).rename(columns=column_names(lang))


def offers_csv(offers: Sequence[Offer], lang: str, dialect: str = CSV_EXCEL) -> bytes:
    """CSV (formula-safe) with translated headers, by default for German Excel; no comment line
    (the sources are :func:`offers_sources`)."""
    return csv_bytes(labelled_table(offers, lang), dialect)


def offers_xlsx(offers: Sequence[Offer], lang: str) -> bytes:
    """Workbook: the offers (translated headers), then a sheet with the sources."""
    return to_safe_xlsx(
        {t("xlsx.sheet.offers", lang): labelled_table(offers, lang)},
        sources_lines(offers, lang),
        sources_title=t("xlsx.sheet.sources", lang),
    )


def offers_sources(offers: Sequence[Offer], lang: str) -> str:
    """The sources file that goes with the CSV."""
    return sources_text(t("dl.sources.title", lang), sources_lines(offers, lang))


def offers_gpkg(offers: Sequence[Offer], lang: str) -> bytes:
    """GeoPackage with the layer ``angebote`` (EPSG:25832, styled as on the map)."""
    return geopackage_bytes([offers_layer(offers, attribution(offers, lang), lang)])


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


#: Formats :func:`write_offer_files` writes (``mapapp offers export --format``).
OFFER_FILE_FORMATS = (CSV_PLAIN, CSV_EXCEL, FORMAT_GPKG)


def write_offer_files(
    out: Path, offers: Sequence[Offer], fmt: str, attribution_line: str
) -> list[Path]:
    """``mapapp offers export`` for the tabular formats (German labels for ``csv-excel``).

    ``csv`` and ``csv-excel`` write the table to ``out`` and the sources beside it
    (``<stem>.quellen.txt``); ``gpkg`` writes the layer ``angebote`` with the attribution in
    its metadata. Returns the files written.
    """
    if fmt == FORMAT_GPKG:
        return [write_geopackage(out, [offers_layer(offers, attribution_line, "de")])]
    if fmt == CSV_EXCEL:
        data = offers_csv(offers, "de", CSV_EXCEL)
    elif fmt == CSV_PLAIN:
        data = offers_to_csv(offers).encode("utf-8")
    else:
        raise ValueError(f"Format muss eines von {', '.join(OFFER_FILE_FORMATS)} sein: {fmt!r}")
    lines = [attribution_line, t("dl.ags_note")] if fmt == CSV_EXCEL else [attribution_line]
    side = sources_path(out)
    write_bytes(out, data)
    write_text(side, sources_text(t("dl.sources.title"), lines))
    return [out, side]
