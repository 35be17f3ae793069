"""Open now / opens next, on a fixed clock in Europe/Berlin (rules are SYNTHETIC examples)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from mapapp.analysis.opening_hours import (
    CLOSED,
    OPEN,
    REMARK_ONLY,
    UNKNOWN,
    hours_status,
    weekly_hours,
)
from mapapp.text.opening_hours import hours_summary, week_lines, weekly_schedule

BERLIN = ZoneInfo("Europe/Berlin")
RULE = "Tu-Fr 09:00-12:00; Th 14:00-18:00; PH off"
MONDAY_1PM = dt.datetime(2026, 3, 2, 13, 0, tzinfo=BERLIN)  # a Monday: closed all day


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=BERLIN)


def test_closed_day_says_when_it_opens_next_in_every_language() -> None:
    status = hours_status(RULE, MONDAY_1PM)
    assert status is not None and status.state == CLOSED
    assert status.opens == at(3, 9)
    assert hours_summary(status, "de") == "jetzt geschlossen, öffnet Di 09:00"
    assert hours_summary(status, "en") == "closed now, opens Tue 9:00\u202fAM"
    assert "الثلاثاء" in hours_summary(status, "ar")
    assert "Sal" in hours_summary(status, "tr")
    assert "вт" in hours_summary(status, "uk") and "вт" in hours_summary(status, "ru")


def test_open_now_until_and_later_the_same_day() -> None:
    status = hours_status(RULE, at(3, 10, 30))
    assert status is not None and status.state == OPEN and status.closes == at(3, 12)
    assert hours_summary(status, "de") == "jetzt geöffnet, bis 12:00"
    later = hours_status(RULE, at(5, 12, 30))  # Thursday: opens at 14:00
    assert later is not None and later.state == CLOSED
    assert hours_summary(later, "de") == "jetzt geschlossen, öffnet heute 14:00"


def test_clock_in_utc_is_read_in_berlin_time() -> None:
    utc_0830 = dt.datetime(2026, 3, 3, 8, 30, tzinfo=dt.UTC)  # 09:30 in Berlin
    status = hours_status(RULE, utc_0830)
    assert status is not None and status.state == OPEN
    assert status.now.tzinfo is not None and status.now.hour == 9


def test_public_holiday_is_closed() -> None:
    status = hours_status(RULE, dt.datetime(2026, 12, 25, 10, 0, tzinfo=BERLIN))  # a Friday
    assert status is not None and status.state == CLOSED


def test_week_lists_seven_days_with_closed_days() -> None:
    status = hours_status(RULE, MONDAY_1PM)
    assert status is not None
    lines = week_lines(status, "de")
    assert len(lines) == 7
    assert lines[0] == ("heute · Mo 2.3.", "geschlossen")
    assert lines[1] == ("Di 3.3.", "09:00–12:00")
    # OpenStreetMap rules: a later rule for a day replaces the earlier one (Th only afternoons)
    assert lines[3] == ("Do 5.3.", "14:00–18:00")


def test_remark_only_and_unknown_make_no_claim() -> None:
    remark = hours_status('"nach Vereinbarung"', MONDAY_1PM)
    assert remark is not None and remark.state == REMARK_ONLY
    assert hours_summary(remark, "de") == "nach Vereinbarung"
    unknown = hours_status("Mo 09:00-18:00 unknown", MONDAY_1PM)
    assert unknown is not None and unknown.state == UNKNOWN
    assert "unklar" in hours_summary(unknown, "de")


def test_remark_of_the_rule_is_shown_with_the_state() -> None:
    status = hours_status('Mo 12:00-15:00 "nur mit Termin"', MONDAY_1PM)
    assert status is not None and status.state == OPEN
    assert hours_summary(status, "de") == "jetzt geöffnet, bis 15:00 (nur mit Termin)"


def test_no_rule_or_unreadable_rule_has_no_status() -> None:
    assert hours_status(None, MONDAY_1PM) is None
    assert hours_status("Mo-Fr 9-12", MONDAY_1PM) is None


def test_weekly_schedule_for_print_groups_weekdays_in_every_language() -> None:
    # from 2026-03-02 (no public holiday in the four weeks read)
    week = weekly_hours(RULE, MONDAY_1PM.date())
    assert week is not None and not week.varies
    assert [d.day.weekday() for d in week.days] == list(range(7))  # Monday first
    assert weekly_schedule(RULE, MONDAY_1PM.date(), "de") == (
        "Mo geschlossen · Di–Mi 09:00–12:00 · Do 14:00–18:00 · Fr 09:00–12:00 · Sa–So geschlossen"
    )
    assert weekly_schedule(RULE, MONDAY_1PM.date(), "ru").startswith("пн закрыто · вт–ср 09:00")
    assert "الثلاثاء–الأربعاء" in weekly_schedule(RULE, MONDAY_1PM.date(), "ar")


def test_weekly_schedule_keeps_the_usual_week_over_a_holiday_and_says_so() -> None:
    # 2026-12-25 is a Friday and a public holiday: Friday stays open, with the note
    text = weekly_schedule("Mo-Fr 09:00-12:00; PH off", dt.date(2026, 12, 21), "en")
    assert text == (
        "Mon–Fri 9:00\u202fAM–12:00\u202fPM · Sat–Sun closed "
        "(not the same every week, e.g. on public holidays)"
    )


def test_weekly_schedule_of_a_remark_an_unreadable_rule_and_none() -> None:
    day = MONDAY_1PM.date()
    assert weekly_schedule('"nach Vereinbarung"', day, "en") == "nach Vereinbarung"
    assert weekly_schedule("Mo-Fr 9-12", day, "en") == "Mo-Fr 9-12"  # as written
    assert weekly_schedule(None, day, "en") == ""
    assert weekly_hours(None, day) is None
    assert weekly_schedule('Tu 09:00-12:00 "nur mit Termin"', day, "de") == (
        "Mo geschlossen · Di 09:00–12:00 (nur mit Termin) · Mi–So geschlossen"
    )
