"""What an offer's card says, as plain data (no Streamlit): labelled lines with safe links, the
opening-hours line and the source date, in the page's language.

Links are made only where they are safe and work: ``tel:`` from a phone number that can be
dialled (:func:`tel_uri`), ``mailto:`` for a plain e-mail address
(:func:`mapapp.model.is_plain_email`), web pages and sources only for ``http(s)`` URLs
(:func:`mapapp.model.is_http_url`). Everything else is text, shown as entered. Nothing is made
up: a field the data do not have is left out, except phone and opening hours, which say
"nicht erfasst" (a person would otherwise look for them).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from mapapp.analysis.opening_hours import hours_status
from mapapp.analysis.source_age import parse_source_date, source_is_old
from mapapp.model import check_email, check_http_url, is_http_url, is_plain_email
from mapapp.offers_model import Accessibility, Offer
from mapapp.text import date, label, language_name, t
from mapapp.text.opening_hours import hours_summary, source_note, week_lines

#: Country calling code for numbers written with a leading 0 (every offer is in Germany).
COUNTRY_CODE = "49"
_PHONE_PART = re.compile(r"^[\d\s+()/.\-–]+")
_TRUNK_ZERO = re.compile(r"\(0\)")


@dataclass(frozen=True)
class CardLine:
    """One labelled line of a card: ``href`` is a safe link (``tel:``, ``mailto:``, ``http(s)``)
    or ``None``; ``text`` is data as entered, or a program-made text."""

    key: str
    label: str
    text: str
    href: str | None = None


@dataclass(frozen=True)
class CardContent:
    """Everything a card shows besides name, category and distance."""

    lines: tuple[CardLine, ...]
    hours: str | None  # "jetzt geschlossen, öffnet Di 09:00" (None: no readable hours)
    week: tuple[tuple[str, str], ...]  # (day, hours) for seven days
    source_date: str | None  # "Stand der Quelle: 2018 – bitte vor dem Besuch anrufen"
    source_old: bool
    appointment_only: bool  # "nur mit Termin"

    def line(self, key: str) -> CardLine | None:
        return next((ln for ln in self.lines if ln.key == key), None)


def tel_uri(phone: str | None) -> str | None:
    """``tel:+492116923333`` for ``"0211 692-3333"``; ``None`` when the text has no number that
    can be dialled from anywhere (no area code, too short or too long).

    The number is the text up to the first letter (``"0211 692-3333 (Zentrale)"``); ``+49 (0)211``
    drops the ``(0)``; a leading ``00`` or ``0`` becomes ``+`` / ``+49``.
    """
    if not phone:
        return None
    m = _PHONE_PART.match(_TRUNK_ZERO.sub("", phone.strip()))
    if not m:
        return None
    raw = m.group(0)
    digits = re.sub(r"\D", "", raw)
    if raw.lstrip().startswith("+"):
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    elif digits.startswith("0"):
        number = COUNTRY_CODE + digits[1:]
    else:
        return None
    return f"tel:+{number}" if 8 <= len(number) <= 15 else None


def card_content(o: Offer, now: dt.datetime, lang: str = "de") -> CardContent:
    """The card of ``o`` at the moment ``now`` (opening hours are evaluated in Europe/Berlin)."""
    status = hours_status(o.opening_hours, now)
    source = parse_source_date(o.source_date)
    old = source_is_old(source, now.date())
    # a readable rule is said in words (hours, week); other text from older data stays as it is
    hours_text = "" if status else (o.opening_hours or t("of.card.not_recorded", lang))
    lines = [
        *_contact_lines(o, lang),
        _line("hours", "of.card.hours", hours_text, lang),
        *_service_lines(o, lang),
        *_provenance_lines(o, lang),
    ]
    return CardContent(
        lines=tuple(ln for ln in lines if ln.text),
        hours=hours_summary(status, lang) if status else None,
        week=tuple(week_lines(status, lang)) if status else (),
        source_date=source_note(source, old, lang) if source else None,
        source_old=old,
        appointment_only=o.appointment_only is True,
    )


def _line(
    key: str, label_key: str, text: str | None, lang: str, href: str | None = None
) -> CardLine:
    return CardLine(key, t(label_key, lang), text or "", href)


def _contact_lines(o: Offer, lang: str) -> list[CardLine]:
    missing = t("of.card.not_recorded", lang)
    email = o.email or ""
    web = check_http_url(o.website) if o.website and is_http_url(o.website) else ""
    return [
        _line("address", "of.card.address", o.address, lang),
        _line("phone", "of.card.phone", o.phone or missing, lang, tel_uri(o.phone)),
        _line(
            "email",
            "of.card.email",
            email,
            lang,
            "mailto:" + check_email(email) if email and is_plain_email(email) else None,
        ),
        _line("web", "of.card.web", web, lang, web or None),
    ]


def _service_lines(o: Offer, lang: str) -> list[CardLine]:
    missing = t("of.card.not_recorded", lang)
    bf = Accessibility(o.barrier_free)
    return [
        _line("provider", "of.card.provider", o.provider, lang),
        _line(
            "languages",
            "of.card.languages",
            ", ".join(language_name(c, lang) for c in o.languages),
            lang,
        ),
        _line(
            "targets",
            "of.card.targets",
            ", ".join(label("target_group", g, lang) for g in o.target_groups),
            lang,
        ),
        _line(
            "barrier_free",
            "of.card.barrierfree",
            missing if bf is Accessibility.UNKNOWN else label("accessibility", bf, lang),
            lang,
        ),
    ]


def _provenance_lines(o: Offer, lang: str) -> list[CardLine]:
    source = o.source or ""
    href = check_http_url(source) if is_http_url(source) else None
    return [
        _line("source", "of.card.source", source, lang, href),
        _line("verified", "of.card.verified", date(o.last_verified, lang), lang),
        _line("note", "of.card.note", o.note, lang),
    ]
