"""Naive reference reading of the committed documented KOMM-IN list (plain ``csv``, no mapapp code).

Tests compute their expected numbers from here, independently of ``mapapp.analysis.funding``.
"""

from __future__ import annotations

import csv
import re

from mapapp.config import REPO_ROOT

REFERENCE_DIR = REPO_ROOT / "geodata" / "reference"
DOCUMENTED = REFERENCE_DIR / "kommin_funding_documented.csv"
STATUS = REFERENCE_DIR / "nrw_municipal_status.csv"
TOTALS = REFERENCE_DIR / "kommin_published_totals.csv"


def read_csv(path: object) -> list[dict[str, str]]:
    with open(str(path), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def documented_rows() -> list[dict[str, str]]:
    return read_csv(DOCUMENTED)


def row_years(text: str) -> set[int]:
    """``"2005;2006"`` / ``"2005-2007"`` / ``""`` -> set of years."""
    years: set[int] = set()
    for part in re.split(r"[;,/]", text):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            lo, hi = (int(x) for x in part.split("-"))
            years.update(range(lo, hi + 1))
        else:
            years.add(int(part))
    return years


def funded_units(years: set[int]) -> dict[str, str]:
    """AGS -> unit type of every Kommune with a project in one of ``years``."""
    return {
        r["ags"].strip(): r["unit_type"].strip()
        for r in documented_rows()
        if row_years(r["funding_years"]) & years
    }


def expected_counts(year: int) -> dict[str, int]:
    """Kreise / Städte / Kommunen (distinct AGS) and Projekte (rows) funded in ``year``."""
    rows = [r for r in documented_rows() if year in row_years(r["funding_years"])]
    kinds = {r["ags"].strip(): r["unit_type"].strip() for r in rows}
    kreise = sum(1 for t in kinds.values() if t == "Kreis")
    return {
        "Kreise": kreise,
        "Städte": len(kinds) - kreise,
        "Kommunen": len(kinds),
        "Projekte": len(rows),
    }


def status_name(ags: str) -> str:
    """Name of a Kreis/Gemeinde in ``nrw_municipal_status.csv``."""
    for r in read_csv(STATUS):
        if r["ags"].strip() == ags:
            return r["name"]
    raise KeyError(ags)
