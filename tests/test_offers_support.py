"""Old location of the offer tests' three-Gemeinde geography: it lives in
:mod:`tests.fixtures.offers_geography` now (no tests here).

Re-exported here until every test imports the new module; new code imports ``tests.fixtures``.
"""

from __future__ import annotations

from tests.fixtures.offers_geography import (
    GEMEINDEN,
    KREISE,
    STATUS_CSV,
    centre,
    context,
    gemeinden_frame,
    gvisys_frame,
    kreise_frame,
    land_geometry,
    lonlat,
    seed_csv,
    write_boundary_gpkg,
    write_data_dir,
    write_gvisys_xlsx,
)

__all__ = [
    "GEMEINDEN",
    "KREISE",
    "STATUS_CSV",
    "centre",
    "context",
    "gemeinden_frame",
    "gvisys_frame",
    "kreise_frame",
    "land_geometry",
    "lonlat",
    "seed_csv",
    "write_boundary_gpkg",
    "write_data_dir",
    "write_gvisys_xlsx",
]
