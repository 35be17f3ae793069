"""Old location of the naive reading of the committed documented KOMM-IN list: it lives in
:mod:`tests.fixtures.documented_list` now.

Re-exported here until every test imports the new module; new code imports ``tests.fixtures``.
"""

from __future__ import annotations

from tests.fixtures.documented_list import (
    DOCUMENTED,
    REFERENCE_DIR,
    STATUS,
    TOTALS,
    documented_rows,
    expected_counts,
    funded_units,
    read_csv,
    row_years,
    status_name,
)

__all__ = [
    "DOCUMENTED",
    "REFERENCE_DIR",
    "STATUS",
    "TOTALS",
    "documented_rows",
    "expected_counts",
    "funded_units",
    "read_csv",
    "row_years",
    "status_name",
]
