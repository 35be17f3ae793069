"""Opening hours in the OpenStreetMap ``opening_hours`` syntax: the check an importer runs on
a cell (``opening-hours-py``, the Python binding of the maintained Rust crate ``opening-hours``).

Evaluating a rule at a moment (open now, opens next) is :mod:`mapapp.analysis.opening_hours`.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import opening_hours
from opening_hours import OpeningHours

#: Where every offer is: its opening hours are read in this time zone.
OFFER_TIMEZONE = ZoneInfo("Europe/Berlin")
#: Public holidays (``PH``) of this country.
HOLIDAY_COUNTRY = "DE"

#: What the parser raises on a rule it cannot read (its type stubs name only ``SyntaxError``).
_PARSE_ERRORS: tuple[type[Exception], ...] = (
    getattr(opening_hours, "ParserError", SyntaxError),
    SyntaxError,
    ValueError,
)
_POSITION = re.compile(r"--> \d+:(\d+)")


def check_opening_hours(rule: object) -> str:
    """The trimmed rule when ``opening-hours-py`` can read it; :class:`ValueError` (German, naming
    the rule and where it stops being readable) otherwise."""
    text = str(rule).strip()
    if not text:
        raise ValueError("leer")
    try:
        OpeningHours(text, timezone=OFFER_TIMEZONE, country=HOLIDAY_COUNTRY)
    except _PARSE_ERRORS as exc:
        where = _POSITION.search(str(exc))
        at = f", nicht lesbar ab Zeichen {where.group(1)}" if where else ""
        raise ValueError(
            f"'{text[:80]}' sind keine Öffnungszeiten im OpenStreetMap-Format{at}"
            " (Beispiel: 'Mo-Fr 09:00-12:00; Sa 10:00-13:00')"
        ) from exc
    return text


def is_valid_opening_hours(rule: object) -> bool:
    """``True`` if :func:`check_opening_hours` accepts ``rule``."""
    try:
        check_opening_hours(rule)
    except ValueError:
        return False
    return True
