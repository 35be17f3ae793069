"""GeoPackages for QGIS: layers in EPSG:25832 with their style and attribution inside the file.

Layers are written with pyogrio (GDAL's GPKG driver). Each layer carries

* its title and attribution in ``gpkg_contents`` (``identifier``, ``description``), which QGIS
  shows as the layer's title and abstract, and as the GDAL metadata item ``ATTRIBUTION``
  (``gpkg_metadata``, the GeoPackage metadata extension GDAL registers itself);
* its default style in the ``layer_styles`` table (written here with sqlite3), laid out as QGIS
  writes it when a style is saved "in the database": ``id``, ``f_table_catalog``,
  ``f_table_schema``, ``f_table_name``, ``f_geometry_column``, ``styleName``, ``styleQML``,
  ``styleSLD``, ``useAsDefault``, ``description``, ``owner``, ``ui``, ``update_time``.
  Like QGIS (which creates it through OGR) the table is registered in ``gpkg_contents`` as an
  ``attributes`` table (and in GDAL's ``gpkg_ogr_contents`` with its row count). It is not
  listed in ``gpkg_extensions``: QGIS does not list it there, and a read-write extension a
  reader does not know makes GDAL warn that updating the file is risky.

QGIS loads the row with ``useAsDefault = 1`` when the layer is added, so the layers open styled.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pyogrio

from mapapp.config import CRS_METRIC
from mapapp.io.atomic import install

MIME_GPKG = "application/geopackage+sqlite3"
#: The value of the CLI's ``--format`` for a GeoPackage.
FORMAT_GPKG = "gpkg"
STYLES_TABLE = "layer_styles"
#: GeoPackage version written: 1.2 is read without warnings by the GDAL of older QGIS installs
#: (GDAL < 3.9 warns "may only be partially supported" on 1.4 files).
GPKG_VERSION = "1.2"

_CREATE_STYLES = """
CREATE TABLE IF NOT EXISTS "layer_styles" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  "f_table_catalog" TEXT(256),
  "f_table_schema" TEXT(256),
  "f_table_name" TEXT(256),
  "f_geometry_column" TEXT(256),
  "styleName" TEXT(30),
  "styleQML" TEXT,
  "styleSLD" TEXT,
  "useAsDefault" BOOLEAN,
  "description" TEXT,
  "owner" TEXT(30),
  "ui" TEXT(30),
  "update_time" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)
"""


@dataclass(frozen=True)
class GpkgLayer:
    """One layer of a GeoPackage and what travels with it.

    ``name`` is the table name (letters, digits, ``_``); ``frame`` may be in any CRS (it is
    written in EPSG:25832); ``title`` must differ between the layers of one file (the
    GeoPackage keeps it unique); ``attribution`` is the source and licence text.
    """

    name: str
    frame: gpd.GeoDataFrame
    title: str
    attribution: str
    qml: str
    style_name: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)


def write_geopackage(path: Path, layers: Sequence[GpkgLayer]) -> Path:
    """Write ``layers`` to a new GeoPackage at ``path`` (all or nothing; replaces the file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # GDAL creates the file itself and wants the .gpkg suffix: a fresh folder beside the target
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.") as folder:
        tmp = Path(folder) / path.name
        _write(tmp, layers)
        install(tmp, path)
    return path


def geopackage_bytes(layers: Sequence[GpkgLayer]) -> bytes:
    """The GeoPackage of ``layers`` as bytes (for a download button)."""
    with tempfile.TemporaryDirectory(prefix="mapapp-gpkg-") as folder:
        path = Path(folder) / "export.gpkg"
        _write(path, layers)
        return path.read_bytes()


def _write(path: Path, layers: Sequence[GpkgLayer]) -> None:
    names = [layer.name for layer in layers]
    if len(set(names)) != len(names) or STYLES_TABLE in names:
        raise ValueError(f"Ebenennamen müssen eindeutig sein und nicht {STYLES_TABLE!r} heißen")
    for layer in layers:
        frame = layer.frame
        frame = frame.to_crs(CRS_METRIC) if frame.crs is not None else frame.set_crs(CRS_METRIC)
        pyogrio.write_dataframe(
            frame,
            path,
            layer=layer.name,
            driver="GPKG",
            dataset_options={"VERSION": GPKG_VERSION},
            layer_options={"IDENTIFIER": layer.title, "DESCRIPTION": layer.attribution},
            layer_metadata={"ATTRIBUTION": layer.attribution, **layer.metadata},
        )
    _write_styles(path, layers)


def _write_styles(path: Path, layers: Sequence[GpkgLayer]) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        geometry_columns = dict(
            db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall()
        )
        db.execute(_CREATE_STYLES)
        db.execute(
            "INSERT OR IGNORE INTO gpkg_contents "
            "(table_name, data_type, identifier, description, last_change) "
            "VALUES (?, 'attributes', ?, '', strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
            (STYLES_TABLE, STYLES_TABLE),
        )
        for layer in layers:
            db.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
                "owner, ui, update_time) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', NULL, "
                "strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
                (
                    layer.name,
                    geometry_columns.get(layer.name, "geom"),
                    layer.style_name or layer.name,
                    layer.qml,
                    layer.title,
                ),
            )
        has_ogr_contents = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_ogr_contents'"
        ).fetchone()
        if has_ogr_contents:
            db.execute(
                "INSERT OR REPLACE INTO gpkg_ogr_contents (table_name, feature_count) "
                "VALUES (?, (SELECT COUNT(*) FROM layer_styles))",
                (STYLES_TABLE,),
            )


__all__ = [
    "FORMAT_GPKG",
    "MIME_GPKG",
    "STYLES_TABLE",
    "GpkgLayer",
    "geopackage_bytes",
    "write_geopackage",
]
