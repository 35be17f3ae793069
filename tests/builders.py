"""Old location of the toy Land builders: they live in :mod:`tests.fixtures.toy_land` (geometry,
BKG files, status and registry frames) and :mod:`tests.fixtures.files` (``zip_member``) now.

Re-exported here until every test imports the new modules; new code imports ``tests.fixtures``.
"""

from __future__ import annotations

from tests.fixtures.files import ZIP_DATE, zip_member
from tests.fixtures.toy_land import (
    GEMEINDEN,
    X0,
    Y0,
    S,
    bkg_levels,
    registry_rows,
    sq,
    status_frame,
    write_bkg_gpkg,
    write_bkg_zip,
)

__all__ = [
    "GEMEINDEN",
    "S",
    "X0",
    "Y0",
    "ZIP_DATE",
    "bkg_levels",
    "registry_rows",
    "sq",
    "status_frame",
    "write_bkg_gpkg",
    "write_bkg_zip",
    "zip_member",
]
