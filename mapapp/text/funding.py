"""Förderkarte texts written from analysis results: the completeness panel's row labels
("Kommunen 2005–2008 (Stand 14.03.2009)") in the page's language."""

from __future__ import annotations

import datetime as dt

from mapapp.analysis.funding import Completeness
from mapapp.text import label, t
from mapapp.text.formats import date


def as_of_date(value: str, lang: str = "de") -> str:
    """A publication date from the reference file (ISO ``2009-03-14``) in the language's date
    format; anything that is not an ISO date is shown as written."""
    try:
        return date(dt.date.fromisoformat(value.strip()), lang)
    except ValueError:
        return value


def completeness_label(row: Completeness, lang: str = "de") -> str:
    """The label of one completeness row: group, period and publication date in ``lang``."""
    period = str(row.first) if row.first == row.last else f"{row.first}–{row.last}"
    return t(
        "fk.completeness.label",
        lang,
        group=label("funded_group", row.group, lang),
        period=period,
        as_of=as_of_date(row.as_of, lang),
    )
