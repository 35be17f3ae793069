"""Opening hours in the OpenStreetMap ``opening_hours`` syntax: check a rule, and say whether an
offer is open at a given moment and when it opens next (pure; codes and times, no words).

The rules are parsed by ``opening-hours-py`` (the Python binding of the maintained Rust crate
``opening-hours``; it knows German public holidays for ``PH``); importers check them with
:func:`mapapp.ingest.hours.check_opening_hours`. Times are evaluated in
Europe/Berlin, where every offer is; the caller passes the moment (``now``), so tests use a fixed
clock. The wording ("jetzt geöffnet", "öffnet Di 09:00") is :mod:`mapapp.text.opening_hours`.

Examples of rules: ``Mo-Fr 09:00-12:00``, ``Mo,Tu,Th 08:30-12:00,13:00-15:30; We 14:00-18:00;
PH off``, ``Tu 09:00-12:00 "nur mit Termin"``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from opening_hours import OpeningHours, State

from mapapp.ingest.hours import HOLIDAY_COUNTRY, OFFER_TIMEZONE, is_valid_opening_hours

#: How far ahead the next opening is looked for.
LOOK_AHEAD_DAYS = 14
#: Days shown in the week overview (today and the six after it).
WEEK_DAYS = 7
#: Weeks a printed weekly schedule is read from (a holiday in one of them does not close a day).
SCHEDULE_WEEKS = 4

OPEN = "open"
CLOSED = "closed"
UNKNOWN = "unknown"
#: Always "open" but with a remark only (``"nur nach Vereinbarung"``): no claim about the hours.
REMARK_ONLY = "remark_only"


@dataclass(frozen=True)
class DayHours:
    """The open periods of one day (local times; empty = closed that day)."""

    day: dt.date
    periods: tuple[tuple[dt.time, dt.time], ...]
    remark: str = ""


@dataclass(frozen=True)
class HoursStatus:
    """Whether an offer is open at ``now`` and what follows.

    Attributes
    ----------
    state
        :data:`OPEN`, :data:`CLOSED`, :data:`UNKNOWN` or :data:`REMARK_ONLY`.
    now
        The moment asked about, in Europe/Berlin.
    closes
        When an open offer closes (``None``: not within :data:`LOOK_AHEAD_DAYS`).
    opens
        When a closed offer opens next (``None``: not within :data:`LOOK_AHEAD_DAYS`).
    remark
        The rule's comment at ``now`` as written in the data (``"nur mit Termin"``), or ``""``.
    week
        Today and the next six days with their open periods.
    """

    state: str
    now: dt.datetime
    closes: dt.datetime | None
    opens: dt.datetime | None
    remark: str
    week: tuple[DayHours, ...]


@dataclass(frozen=True)
class WeeklyHours:
    """A weekly schedule for print, Monday to Sunday (no "now").

    Attributes
    ----------
    days
        Seven :class:`DayHours`, Monday first: each weekday's periods as they are in most of the
        :data:`SCHEDULE_WEEKS` weeks read, open before closed in a tie (``day`` is the first
        date that had them).
    varies
        Not every week read had the same hours on a weekday (a public holiday with ``PH off``,
        rules by week or month): the schedule is the usual week, not every week.
    remark_only
        The rule is a comment only (``"nur nach Vereinbarung"``): no hours, just this remark.
    """

    days: tuple[DayHours, ...]
    varies: bool = False
    remark_only: str = ""


@lru_cache(maxsize=512)
def _parsed(rule: str) -> OpeningHours:
    # the parser objects are immutable; a card list asks for the same rules on every rerun
    return OpeningHours(rule, timezone=OFFER_TIMEZONE, country=HOLIDAY_COUNTRY)


def _local(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Europe/Berlin (a naive moment is taken as Europe/Berlin already)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=OFFER_TIMEZONE)
    return moment.astimezone(OFFER_TIMEZONE)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=OFFER_TIMEZONE)


def hours_status(rule: str | None, now: dt.datetime) -> HoursStatus | None:
    """Open or closed at ``now`` (Europe/Berlin), the next change and the week ahead; ``None``
    without a rule or when the rule cannot be read."""
    if not rule or not is_valid_opening_hours(rule):
        return None
    oh = _parsed(rule.strip())
    now = _local(now)
    end = _midnight(now.date() + dt.timedelta(days=LOOK_AHEAD_DAYS))
    intervals = [(_local(a), _local(b), s, c) for a, b, s, c in oh.intervals(now, end)]
    state, remark = oh.state(now)
    code = {State.OPEN: OPEN, State.CLOSED: CLOSED}.get(state, UNKNOWN)
    if code == OPEN and remark and all(s == State.OPEN for _a, _b, s, _c in intervals):
        code = REMARK_ONLY  # a comment alone parses as "24/7": it says nothing about the hours
    closes = opens = None
    if code == OPEN:
        closes = next((a for a, _b, s, _c in intervals if s != State.OPEN and a > now), None)
    elif code == CLOSED:
        opens = next((a for a, _b, s, _c in intervals if s == State.OPEN and a > now), None)
    return HoursStatus(code, now, closes, opens, remark or "", _week(oh, now.date()))


def weekly_hours(
    rule: str | None, start: dt.date, weeks: int = SCHEDULE_WEEKS
) -> WeeklyHours | None:
    """The usual week of ``rule`` read from the ``weeks`` weeks beginning on ``start`` (e.g. a
    sheet's date); ``None`` without a rule or when the rule cannot be read."""
    status = hours_status(rule, _midnight(start))
    if status is None:
        return None
    if status.state == REMARK_ONLY:
        return WeeklyHours(days=(), remark_only=status.remark)
    seen: list[list[DayHours]] = [[] for _ in range(7)]
    for day in _week(_parsed(str(rule).strip()), start, 7 * weeks):
        seen[day.day.weekday()].append(day)
    days, varies = [], False
    for same_weekday in seen:
        counts = Counter((d.periods, d.remark) for d in same_weekday)
        # a tie: open rather than closed (a holiday closes a day), then the earliest week's
        usual = max(counts, key=lambda k: (counts[k], bool(k[0])))
        varies = varies or len(counts) > 1
        days.append(next(d for d in same_weekday if (d.periods, d.remark) == usual))
    return WeeklyHours(days=tuple(days), varies=varies)


def _week(oh: OpeningHours, first: dt.date, n: int = WEEK_DAYS) -> tuple[DayHours, ...]:
    """Open periods of ``n`` days from ``first`` (a period over midnight is cut)."""
    days = []
    for k in range(n):
        day = first + dt.timedelta(days=k)
        start, stop = _midnight(day), _midnight(day + dt.timedelta(days=1))
        periods, remarks = [], []
        for a, b, s, c in oh.intervals(start, stop):
            if s != State.OPEN:
                continue
            a, b = _local(a), _local(b)
            until = dt.time(23, 59) if b >= stop else b.time()
            periods.append((a.time(), until))
            if c and c not in remarks:
                remarks.append(c)
        days.append(DayHours(day, tuple(periods), "; ".join(remarks)))
    return tuple(days)
