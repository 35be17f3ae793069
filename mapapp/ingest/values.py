"""Value parsers shared by every schema: text cells, numbers, amounts, years, keys (AGS/ARS),
coordinates (degrees, DMS, hemisphere letters, a pair in one cell, UTM/EPSG:25832), PLZ, dates.

Each parser takes what a cell holds (text, number, date) and either returns the value or raises
:class:`ValueError` (or :class:`~mapapp.model.DataError` where the message names a field) with
one German sentence; the schema module turns that into a row issue.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Collection
from datetime import date, datetime, time
from typing import Any

from mapapp.config import PROGRAMME_YEARS
from mapapp.model import DataError, normalize_ags

# --------------------------------------------------------------------------------------------
# Text cells
# --------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_blank(value: object) -> bool:
    """``None``, NaN or text of only whitespace."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def clean_text(value: Any) -> str | None:
    """A cell as trimmed text (control characters dropped, runs of spaces joined, line breaks
    kept); lists joined with ``"; "``, whole numbers without ``.0``, dates as ISO; ``None`` if
    empty."""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value if not is_blank(v))
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()[:10]
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    return text or None


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a list means: whole numbers without ``.0`` (AGS 5978036,
    year 2006), other numbers with a decimal comma (``75000,5``, so :func:`parse_amount` cannot
    take the point for a thousands separator), dates as ISO, booleans as ja/nein, ``""`` if empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g").replace(".", ",")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def shown(text: str, limit: int = 80) -> str:
    """A cell value quoted for a message: control characters escaped, long text cut."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


# --------------------------------------------------------------------------------------------
# Numbers and amounts
# --------------------------------------------------------------------------------------------


def parse_number(value: Any) -> float:
    """``"51,9613"``, ``"7.62"``, ``"5.761.234,5"``, ``5761234`` -> float (a single ``.`` or
    ``,`` is the decimal mark; both: the last one is).

    Raises
    ------
    ValueError
        Not a finite number.
    """
    if isinstance(value, bool):
        raise ValueError("Wahrheitswert statt Zahl")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    text = text.replace("−", "-")
    if not text:
        raise ValueError("leer")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".") if text.count(",") == 1 else text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("keine endliche Zahl")
    return number


def parse_amount(
    text: object, *, file: str | None = None, row: int | None = None, field: str = "amount_eur"
) -> float:
    """A euro amount the German way: ``75000``, ``"75.000"``, ``"75.000,50 €"``, ``"3.000,- €"``,
    ``"EUR 800,–"``, ``"12,5"``, English ``"1,234.56"``; empty -> NaN.

    Raises
    ------
    DataError
        Unreadable, ambiguous (``"75,000"``) or negative.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return float("nan")
    if isinstance(text, int | float):
        return float(text)
    value = str(text).strip()
    value = re.sub(r"(?i)\s*(€|eur(o)?)\s*$", "", value)
    value = re.sub(r"(?i)^(€|eur(o)?)\s*", "", value).replace(" ", "").replace("\u00a0", "")
    value = re.sub(r",[-–—]{1,2}$", "", value)  # "3.000,-": whole euros, the accountant's way
    if not value:
        return float("nan")
    if re.fullmatch(r"\d{1,3}(,\d{3})+", value):
        raise DataError(
            f"Betrag '{text}' ist mehrdeutig (Tausender-Komma?) – bitte als 75000 oder "
            "75.000,00 schreiben",
            file=file,
            row=row,
            field=field,
        )
    if re.fullmatch(r"\d{1,3}(,\d{3})+\.\d+", value):
        value = value.replace(",", "")  # English notation 1,234.56
    elif "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", value):
        value = value.replace(".", "")
    try:
        amount = float(value)
    except ValueError as exc:
        raise DataError(f"Betrag '{text}' ist keine Zahl", file=file, row=row, field=field) from exc
    if amount < 0:
        raise DataError("Betrag ist negativ", file=file, row=row, field=field)
    return amount


# --------------------------------------------------------------------------------------------
# Years
# --------------------------------------------------------------------------------------------


def _two_digit(m: re.Match[str]) -> str:
    return f"{m.group(1)}/{m.group(1)[:2]}{m.group(2)}"


@functools.lru_cache(maxsize=4096)
def _years(value: str, two_digit: bool) -> tuple[int, ...]:
    """The years of a stripped text (cached: a list repeats the same few spellings)."""
    if re.fullmatch(r"\d{4}\.0", value):
        value = value[:-2]
    value = re.sub(r"\s+bis\s+", "-", value)
    value = re.sub(r"\s*([-–])\s*", r"\1", value)  # "2005 - 2007": one range
    value = re.sub(r"\b((?:19|20)\d\d)/(\d\d)\b(?!\d)", _two_digit, value)  # 2005/06
    if two_digit:  # "06", "'07", "05-07", "05/06" -> 2006, 2007, ...
        value = re.sub(r"(?<![\d.,])'?(\d\d)(?![\d.,])", r"20\1", value)
    years: set[int] = set()
    for part in re.split(r"\s*[;,/+&]\s*|\s+und\s+|\s+", value):
        if not part:
            continue
        m = re.fullmatch(r"(\d{4})[-–](\d{2}|\d{4})", part)
        if m:
            lo = int(m.group(1))
            hi = int(m.group(2)) if len(m.group(2)) == 4 else int(m.group(1)[:2] + m.group(2))
            if hi < lo:
                raise ValueError(f"Jahresbereich '{part}' ist absteigend")
            years.update(range(lo, hi + 1))
        elif re.fullmatch(r"\d{4}", part):
            years.add(int(part))
        else:
            raise ValueError(f"'{part}' ist kein Förderjahr")
    return tuple(sorted(years))


def parse_years(
    text: object,
    *,
    allowed: Collection[int] | None = PROGRAMME_YEARS,
    two_digit: bool = False,
    file: str | None = None,
    row: int | None = None,
    field: str | None = "funding_years",
) -> tuple[int, ...]:
    """The one year parser: ``"2005;2006"``, ``"2005/2006"``, ``"2005/06"``, ``"2005-2007"``,
    ``"2005 bis 2007"``, ``"2005–07"``, ``"2005, 2007"``, ``"2006.0"``, and with ``two_digit``
    (a ministry list as it comes) ``"06"``, ``"'07"``, ``"05-07"``; empty or NaN -> ``()``.

    Parameters
    ----------
    allowed
        Years that may occur (default: the programme years 2005–2012); ``None`` = any.

    Raises
    ------
    DataError
        Unreadable text, a descending range or a year outside ``allowed`` (names ``field``).
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ()
    try:
        years = _years(str(text).strip(), two_digit)
    except ValueError as exc:
        raise DataError(str(exc), file=file, row=row, field=field) from None
    if allowed is not None:
        bad = [y for y in years if y not in allowed]
        if bad:
            lo, hi = min(allowed), max(allowed)
            raise DataError(
                f"Förderjahr {bad[0]} liegt außerhalb der Programmlaufzeit {lo}–{hi}",
                file=file,
                row=row,
                field=field,
            )
    return years


# --------------------------------------------------------------------------------------------
# Keys, PLZ, dates
# --------------------------------------------------------------------------------------------


def key_digits(text: object) -> str:
    """A key cell as digits: ``"'05978"`` -> ``"05978"``, ``"5978036.0"`` -> ``"5978036"``,
    ``"05 978"`` -> ``"05978"`` (no validation)."""
    value = " ".join(str(text).replace("\u00a0", " ").split()).lstrip("'").replace(" ", "")
    if re.fullmatch(r"\d+\.0", value):
        value = value[:-2]
    return value


def parse_ags(text: object, length: int | None = None) -> str:
    """An AGS (Kreis 5 or Gemeinde 8 digits; leading zero restored) from a cell.

    Raises
    ------
    ValueError
        Not a key of that length.
    """
    return normalize_ags(key_digits(text), length)


def parse_postcode(text: str) -> tuple[str, str | None]:
    """``"44787"``, ``"44787.0"``, ``"D-45121"``, ``"DE 45121"``, ``"44 135"``, ``"4711"``,
    ``"44787 Bochum"`` -> (five-digit PLZ, text after it or ``None``).

    Raises
    ------
    ValueError
        No four- or five-digit number.
    """
    digits = re.sub(r"^(DE|D)\s*[-–]?\s*", "", text.strip(), flags=re.IGNORECASE)
    digits = re.sub(r"^(\d{4,5})\.0\b", r"\1", digits)  # 44787.0 (number column)
    digits = re.sub(r"^(\d{2})\s(\d{3})\b", r"\1\2", digits)  # 44 135
    m = re.fullmatch(r"(\d{4,5})(?:\s+(.+))?", digits)
    if not m:
        raise ValueError(f"PLZ '{text}' ist keine fünfstellige Zahl")
    return m.group(1).zfill(5), m.group(2) or None


def parse_date(value: Any) -> date | None:
    """``date``/``datetime`` cells, ``"2024-03-01"`` (also with a time), ``"1.3.2024"``; empty ->
    ``None``.

    Raises
    ------
    ValueError
        Other text.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", text)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if m:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    raise ValueError(f"Datum '{text}' nicht lesbar (TT.MM.JJJJ oder JJJJ-MM-TT)")


def split_number_unit(value: Any) -> tuple[float, str | None]:
    """``12``, ``"12,5"``, ``"12 Plätze"``, ``"20 Std."`` -> (number, text after it or ``None``).

    Raises
    ------
    ValueError
        No number at the start.
    """
    try:
        return parse_number(value), None
    except ValueError:
        m = re.fullmatch(r"\s*(\d[\d.,]*)\s*([^\d].*?)\s*", str(value))
        if not m:
            raise
        return parse_number(m.group(1)), m.group(2)
