"""Value parsers of offer lists: capacities with their unit, list cells, a one-cell address."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from mapapp.ingest.fold import fold
from mapapp.ingest.offer_terms import split_list
from mapapp.ingest.values import split_number_unit
from mapapp.offers_model import CapacityUnit


def parse_capacity(value: Any) -> tuple[float, str | None]:
    """``12``, ``"12,5"``, ``"12 Plätze"``, ``"20 Std."`` -> (number, unit text or ``None``).

    Raises
    ------
    ValueError
        No number ≥ 0, or text after the number that is no known unit.
    """
    number, unit = split_number_unit(value)
    if unit is not None and parse_capacity_unit(unit) is None:
        raise ValueError(f"Einheit '{unit}' unbekannt")
    if number < 0:
        raise ValueError("negativ")
    return number, unit


def parse_capacity_unit(text: str) -> CapacityUnit | None:
    key = fold(text)
    try:
        return CapacityUnit(text.strip())
    except ValueError:
        pass
    if any(w in key for w in ("plaetze", "platz", "places", "teilnehm")):
        return CapacityUnit.PLACES
    if "stunde" in key or "hour" in key or key in ("std", "h"):
        return CapacityUnit.COUNSELLOR_HOURS
    return None


_T = TypeVar("_T")


def parse_list(text: str | None, parse: Callable[[str], _T | None]) -> tuple[list[_T], list[str]]:
    """Split a list cell (``"ar, tr; fa"``) and parse each part: (unique values, unknown parts)."""
    values: list[_T] = []
    unknown: list[str] = []
    for part in split_list(text) if text else []:
        value = parse(part)
        if value is None:
            unknown.append(part)
        elif value not in values:
            values.append(value)
    return values, unknown


def split_address(address: str) -> tuple[str | None, str | None, str | None]:
    m = re.fullmatch(r"(.*?)[,\s]+(\d{5})\s+(.+)", address)
    if m:
        return m.group(1).strip(" ,") or None, m.group(2), m.group(3)
    return address, None, None
