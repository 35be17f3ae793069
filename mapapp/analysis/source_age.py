"""How old an offer's source is (pure): the date or year its ``source_date`` states, and whether
that is older than two years, so a card can ask people to call before they go.

``source_date`` is free text as the source gives it: an ISO date (``2015-09-16``), a German date
(``16.09.2015``), a year (``2018``) or a remark with a year (``undated page (IP opened Sept
2015)``). A text without a year (``unknown``) has no date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

#: A source older than this many years gets the "please call first" note.
OLD_AFTER_YEARS = 2

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_GERMAN = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")


@dataclass(frozen=True)
class SourceDate:
    """The date a source states: ``day`` when it names one, else only ``year``."""

    year: int
    day: dt.date | None = None

    @property
    def latest(self) -> dt.date:
        """The latest day the source can be from (31 December for a year alone)."""
        return self.day or dt.date(self.year, 12, 31)


def parse_source_date(text: str | None) -> SourceDate | None:
    """The date or year in ``text`` (the most recent year when it names several); ``None``
    without one."""
    if not text:
        return None
    for pattern, order in ((_ISO, (0, 1, 2)), (_GERMAN, (2, 1, 0))):
        m = pattern.search(text)
        if m:
            parts = [int(m.group(i + 1)) for i in order]
            try:
                day = dt.date(parts[0], parts[1], parts[2])
            except ValueError:
                continue
            return SourceDate(day.year, day)
    years = [int(y) for y in _YEAR.findall(text)]
    return SourceDate(max(years)) if years else None


def source_is_old(source: SourceDate | None, today: dt.date) -> bool:
    """``True`` when the source is certainly older than :data:`OLD_AFTER_YEARS` years on
    ``today`` (a year alone counts from its last day)."""
    if source is None:
        return False
    try:
        limit = today.replace(year=today.year - OLD_AFTER_YEARS)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year - OLD_AFTER_YEARS, day=28)
    return source.latest < limit
