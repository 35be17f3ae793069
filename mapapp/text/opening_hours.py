"""Opening hours and source dates in words, in the page's language (weekday names and times
from Babel/CLDR): "jetzt geöffnet, bis 12:00", "jetzt geschlossen, öffnet Di 09:00",
"Stand der Quelle: 2018 – bitte vor dem Besuch anrufen".

The facts come from :mod:`mapapp.analysis.opening_hours` and :mod:`mapapp.analysis.source_age`;
remarks of a rule (``"nur mit Termin"``) are data and stay as written.
"""

from __future__ import annotations

import datetime as dt

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time

from mapapp.analysis.opening_hours import (
    CLOSED,
    OPEN,
    REMARK_ONLY,
    DayHours,
    HoursStatus,
    weekly_hours,
)
from mapapp.analysis.source_age import SourceDate
from mapapp.text import t as _t
from mapapp.text.formats import date as medium_date


def weekday(day: dt.date, lang: str = "de") -> str:
    """Short weekday name: ``Di`` (de), ``Tue`` (en), ``الثلاثاء`` (ar)."""
    return weekday_name(day.weekday(), lang)


def weekday_name(index: int, lang: str = "de") -> str:
    """Short name of a weekday, Monday = 0: ``Mo`` (de), ``Mon`` (en), ``الاثنين`` (ar)."""
    return str(Locale.parse(lang).days["stand-alone"]["abbreviated"][index])


def clock(moment: dt.time | dt.datetime, lang: str = "de") -> str:
    """A time of day in the language's short format: ``09:00`` (de), ``9:00 AM`` (en)."""
    value = moment.time() if isinstance(moment, dt.datetime) else moment
    return format_time(value, "short", locale=lang)


def _when(moment: dt.datetime, now: dt.datetime, lang: str) -> tuple[str, str]:
    """(catalogue key suffix, day text) for a coming moment: today, a weekday, or a date."""
    days = (moment.date() - now.date()).days
    if days == 0:
        return "_today", ""
    if days < 7:
        return "", weekday(moment.date(), lang)
    return "", format_date(moment.date(), "short", locale=lang)


def hours_summary(status: HoursStatus, lang: str = "de") -> str:
    """One line: open now (until when), closed now (when it opens next), or what is known."""
    if status.state == REMARK_ONLY:
        return status.remark
    if status.state == OPEN:
        line = _t("oh.open", lang)
        if status.closes is not None and status.closes.date() == status.now.date():
            line = _t("oh.open_until", lang, time=clock(status.closes, lang))
    elif status.state == CLOSED:
        line = _t("oh.closed", lang)
        if status.opens is not None:
            suffix, day = _when(status.opens, status.now, lang)
            line = _t("oh.closed_opens" + suffix, lang, day=day, time=clock(status.opens, lang))
    else:
        line = _t("oh.unknown", lang)
    return f"{line} ({status.remark})" if status.remark else line


def week_lines(status: HoursStatus, lang: str = "de") -> list[tuple[str, str]]:
    """(day, hours) for today and the six days after it: ``("Di 03.03.", "09:00–12:00")``;
    a day without opening says so."""
    lines = []
    for day in status.week:
        name = weekday(day.day, lang) + " " + format_skeleton("Md", day.day, locale=lang)
        if day.day == status.now.date():
            name = _t("oh.today", lang) + " · " + name
        lines.append((name, day_hours(day, lang)))
    return lines


def day_hours(day: DayHours, lang: str = "de") -> str:
    """The open periods of a day (``09:00–12:00, 14:00–16:00 (nur mit Termin)``) or "closed"."""
    if not day.periods:
        return _t("oh.day_closed", lang)
    hours = ", ".join(f"{clock(a, lang)}–{clock(b, lang)}" for a, b in day.periods)
    return f"{hours} ({day.remark})" if day.remark else hours


def _days(first: int, last: int, lang: str) -> str:
    """``Mo`` or ``Mo–Fr`` (weekdays ``first`` to ``last``, Monday = 0)."""
    if first == last:
        return weekday_name(first, lang)
    return weekday_name(first, lang) + "–" + weekday_name(last, lang)


def weekly_schedule(rule: str | None, start: dt.date, lang: str = "de") -> str:
    """The usual week of an ``opening_hours`` rule for print, weekdays with the same hours
    together: ``Mo–Fr 09:00–12:00 · Sa–So geschlossen`` (read from the weeks from ``start``,
    :func:`mapapp.analysis.opening_hours.weekly_hours`); a note when not every week is alike
    (holidays). A comment-only rule gives its remark; a rule that cannot be read is shown as
    written; no rule, ``""``."""
    if not rule:
        return ""
    week = weekly_hours(rule, start)
    if week is None:
        return rule
    if week.remark_only:
        return week.remark_only
    texts = [day_hours(d, lang) for d in week.days]
    parts, first = [], 0
    for i in range(1, 8):
        if i == 7 or texts[i] != texts[first]:
            parts.append(
                _t("oh.days_hours", lang, days=_days(first, i - 1, lang), hours=texts[first])
            )
            first = i
    line = " · ".join(parts)
    return f"{line} ({_t('oh.week_varies', lang)})" if week.varies else line


def source_note(source: SourceDate, old: bool, lang: str = "de") -> str:
    """``Stand der Quelle: 16.09.2015`` (the day when known, else the year), with the request
    to call before a visit when the source is old."""
    when = medium_date(source.day, lang) if source.day else str(source.year)
    return _t("of.card.source_old" if old else "of.card.source_date", lang, date=when)
