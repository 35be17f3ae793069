"""Numbers, percentages, distances and dates in the page's language (Babel, CLDR data).

German ``1.234,5``, English ``1,234.5``, Ukrainian and Russian ``1 234,5`` (no-break space),
Turkish ``1.234,5``. Arabic is written with Latin digits (``1,234.5``): addresses, postcodes and
phone numbers in the offer data are in Latin digits, and mixing them with Arabic-Indic digits on
one card would be confusing; ``numbering_system="latn"`` keeps this stable across CLDR versions.
Missing values (``None``, NaN, infinity) are written ``–``.
"""

from __future__ import annotations

import datetime as _dt
import math
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_decimal, parse_pattern

NONE = "–"
_NUMBERING = "latn"


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def number(value: object, lang: str = "de", decimals: int = 1) -> str:
    """``value`` with grouping and exactly ``decimals`` places: ``1234.5`` -> ``1.234,5`` (de)."""
    if _missing(value):
        return NONE
    fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(
        float(value),  # type: ignore[arg-type]
        format=fmt,
        locale=lang,
        numbering_system=_NUMBERING,
    )


def integer(value: object, lang: str = "de") -> str:
    """Whole number with grouping: ``35010`` -> ``35.010`` (de), ``35,010`` (en)."""
    return number(value, lang, 0)


def km(metres: object, lang: str = "de", max_decimals: int = 2) -> str:
    """Kilometres from metres, without trailing zeros and without unit: ``1500`` -> ``1,5`` (de)."""
    if _missing(metres):
        return NONE
    fmt = "#,##0" + ("." + "#" * max_decimals if max_decimals > 0 else "")
    return format_decimal(
        float(metres) / 1000,  # type: ignore[arg-type]
        format=fmt,
        locale=lang,
        numbering_system=_NUMBERING,
    )


@cache
def _percent_pattern(lang: str, decimals: int) -> NumberPattern:
    pattern = parse_pattern(Locale.parse(lang).percent_formats[None].pattern)
    pattern.frac_prec = (decimals, decimals)
    return pattern


def percent(value_pct: object, lang: str = "de", decimals: int = 1) -> str:
    """A percentage given in percent (``12.5`` -> ``12,5 %`` de, ``12.5%`` en, ``%12,5`` tr)."""
    if _missing(value_pct):
        return NONE
    return _percent_pattern(lang, decimals).apply(
        float(value_pct) / 100,  # type: ignore[arg-type]
        Locale.parse(lang),
        decimal_quantization=True,
        numbering_system=_NUMBERING,
    )


def class_bound(value: float, lang: str = "de") -> str:
    """A legend class bound: whole numbers from 100, one place from 10, two digits below."""
    if value >= 100:
        fmt = "#,##0"
    elif value >= 10:
        fmt = "#,##0.0"
    elif value >= 1:
        fmt = "0.00"
    else:
        fmt = "@#"
    return format_decimal(value, format=fmt, locale=lang, numbering_system=_NUMBERING)


def date(value: _dt.date | None, lang: str = "de") -> str:
    """A date in the language's medium format: ``12.03.2024`` (de), ``Mar 12, 2024`` (en)."""
    if value is None:
        return ""
    return format_date(value, "medium", locale=lang)
