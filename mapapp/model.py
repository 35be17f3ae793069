"""Vocabulary shared by every layer: AGS keys, column names, enums and the one error type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class DataError(ValueError):
    """Bad input data. Names the file, the row (as a spreadsheet shows it) and the field.

    Parameters
    ----------
    message
        What is wrong, in one sentence.
    file, row, field
        Where it is wrong; any may be ``None``. ``row`` follows the spreadsheet convention
        (header = 1, first data row = 2) for tabular files.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"Zeile {self.row}")
        if self.field:
            where.append(f"Feld '{self.field}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class DataMissingError(FileNotFoundError):
    """A required data file is not in the data directory (run ``mapapp fetch-data``)."""


# --------------------------------------------------------------------------------------------
# AGS (Amtlicher Gemeindeschlüssel)
# --------------------------------------------------------------------------------------------

AGS_GEMEINDE_LEN = 8
AGS_KREIS_LEN = 5
_DIGITS = re.compile(r"^\d+$")


def normalize_ags(value: object, length: int | None = None) -> str:
    """Return an AGS as a string of digits, restoring leading zeros lost by spreadsheets.

    Parameters
    ----------
    value
        ``"05111000"``, ``5111000`` (int from Excel), ``"5111000.0"``, ``"05 111 000"``.
    length
        Expected length (8 for Gemeinde, 5 for Kreis). ``None`` accepts 5 or 8
        (with a lost leading zero: 4 or 7).

    Raises
    ------
    ValueError
        If the value is not a valid AGS of the expected length.
    """
    if value is None:
        raise ValueError("AGS fehlt")
    text = str(value).strip().replace(" ", "")
    if text.endswith(".0"):
        text = text[:-2]
    if not text or not _DIGITS.match(text):
        raise ValueError(f"AGS '{value}' besteht nicht nur aus Ziffern")
    allowed = (length,) if length else (AGS_KREIS_LEN, AGS_GEMEINDE_LEN)
    for n in allowed:
        if len(text) == n:
            return text
        if len(text) == n - 1:
            return text.zfill(n)
    raise ValueError(
        f"AGS '{value}' hat {len(text)} Stellen, erwartet {' oder '.join(map(str, allowed))}"
    )


def kreis_of(ags: str) -> str:
    """Kreis key (first five digits) of a Gemeinde or Kreis AGS."""
    return ags[:AGS_KREIS_LEN]


# --------------------------------------------------------------------------------------------
# Links: the only web and e-mail addresses that may become links
# --------------------------------------------------------------------------------------------

#: Characters that never belong in a stored link: whitespace, control characters, quotes, angle
#: brackets, backslash and backtick (they break out of HTML attributes or hide the real target).
_LINK_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\]")
_HOST_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_HOST = re.compile(
    rf"(?:{_HOST_LABEL}\.)*{_HOST_LABEL}\.?"  # names, also IDN (münster.de) and "localhost"
    r"|\[[0-9A-Fa-f:.]+\]"  # IPv6 literal
)
_EMAIL = re.compile(
    r"[\w+-]+(?:\.[\w+-]+)*"  # local part: letters, digits, _ + - and single dots
    rf"@(?:{_HOST_LABEL}\.)+(?:[^\W\d_]{{2,}}|xn--[\w-]+)"
)
MAX_LINK_LEN = 2000
MAX_EMAIL_LEN = 254


def check_http_url(value: object) -> str:
    """An absolute ``http(s)`` URL with a host, or :class:`ValueError` with the reason (German).

    A bare ``www.`` address gets ``https://`` in front. Everything else that a link could open
    is refused: other schemes (``javascript:``, ``data:``, ``file:``), relative paths, URLs without
    a host, with user info (``https://bank.de@evil.org``), whitespace, quotes or angle brackets.
    Renderers use :func:`is_http_url` before making a link.
    """
    text = str(value).strip()
    if not text:
        raise ValueError("leer")
    if len(text) > MAX_LINK_LEN:
        raise ValueError(f"länger als {MAX_LINK_LEN} Zeichen")
    if text.lower().startswith("www."):
        text = "https://" + text
    if _LINK_FORBIDDEN.search(text):
        raise ValueError(
            "enthält Leerzeichen, Steuerzeichen, Anführungszeichen oder spitze Klammern"
        )
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        if not scheme or scheme.isdigit():
            raise ValueError("keine absolute http(s)-Adresse (relativer Pfad?)")
        raise ValueError(f"Schema '{scheme}:' nicht erlaubt, nur http:// und https://")
    if not parts.netloc or not parts.hostname:
        raise ValueError("http(s)-Adresse ohne Rechnernamen")
    if "@" in parts.netloc:
        raise ValueError("Benutzerangabe ('…@') in der Adresse nicht erlaubt")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError as exc:
        raise ValueError("ungültiger Port") from exc
    host = parts.netloc.rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    if not _HOST.fullmatch(host):
        raise ValueError(f"Rechnername '{host}' ungültig")
    return text


def is_http_url(value: object) -> bool:
    """``True`` if ``value`` may become a link (see :func:`check_http_url`)."""
    if value is None:
        return False
    try:
        check_http_url(value)
    except ValueError:
        return False
    return True


def check_email(value: object) -> str:
    """A plain e-mail address ``local@domain`` (a leading ``mailto:`` is removed), or
    :class:`ValueError` with the reason (German).

    Refused: ``mailto`` parameters (``?subject=…&body=…``), several addresses, display names
    (``Name <a@b.de>``), whitespace, quotes, commas, percent escapes.
    """
    text = str(value).strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    if not text:
        raise ValueError("leer")
    if len(text) > MAX_EMAIL_LEN:
        raise ValueError(f"länger als {MAX_EMAIL_LEN} Zeichen")
    if "?" in text or "&" in text:
        raise ValueError("mit Parametern ('?', '&') – nur die Adresse selbst ist erlaubt")
    if re.search(r"[\s<>\"',;%\x00-\x1f\x7f]", text):
        raise ValueError(
            "enthält Leerzeichen, Kommas, Anführungszeichen, spitze Klammern oder '%' – "
            "nur eine Adresse der Form name@domain.de"
        )
    if not _EMAIL.fullmatch(text):
        raise ValueError("keine E-Mail-Adresse der Form name@domain.de")
    return text


def is_plain_email(value: object) -> bool:
    """``True`` if ``value`` may become a ``mailto:`` link (see :func:`check_email`)."""
    if value is None:
        return False
    try:
        check_email(value)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Column names used across frames
# --------------------------------------------------------------------------------------------

COL_AGS = "ags"
COL_NAME = "name"
COL_LEVEL = "level"  # "kreis" | "gemeinde"
COL_UNIT_TYPE = "unit_type"
COL_STATUS = "status"
COL_HAS_ABH = "has_auslaenderbehoerde"
COL_KREIS_AGS = "kreis_ags"
COL_RB = "rb"  # Regierungsbezirk key (3 digits, e.g. "051")
COL_YEARS = "funding_years"
COL_PROJECT = "project_title"
COL_FOCUS = "focus"
COL_AMOUNT = "amount_eur"
COL_SOURCE = "source_url"
COL_CONFIDENCE = "year_confidence"
COL_EVIDENCE = "evidence"
COL_POPULATION = "population"
COL_AREA_KM2 = "area_km2"


class Level(StrEnum):
    KREIS = "kreis"
    GEMEINDE = "gemeinde"


class UnitType(StrEnum):
    """How a funded Kommune appears on the ministry slide (legend Kreis vs. Stadt)."""

    KREIS = "Kreis"
    KREISFREIE_STADT = "kreisfreie Stadt"
    KREISANGEHOERIGE_STADT = "kreisangehörige Stadt"

    @property
    def is_stadt(self) -> bool:
        return self is not UnitType.KREIS

    @property
    def level(self) -> Level:
        return Level.KREIS if self is UnitType.KREIS else Level.GEMEINDE


class Focus(StrEnum):
    """KOMM-IN Förderschwerpunkte."""

    TRANSPARENZ = "Transparenz"
    VERNETZUNG = "Vernetzung und Koordination"
    STEUERUNG = "strategische Steuerung"
    OTHER = "other"


class YearConfidence(StrEnum):
    DOCUMENTED = "documented"
    INFERRED = "inferred"
    UNCERTAIN = "uncertain"
    UNKNOWN = "year unknown"


class OfferCategory(StrEnum):
    """Fixed, documented taxonomy of integration offers (extensible: add a member and its
    ``cat.<value>`` label in every catalogue of :mod:`mapapp.text`)."""

    KI = "kommunales_integrationszentrum"
    ABH = "auslaenderbehoerde"
    MBE = "migrationsberatung_erwachsene"
    JMD = "jugendmigrationsdienst"
    INTEGRATIONSKURS = "integrationskurs"
    SPRACHKURS = "sprachkurs"
    INTEGRATION_POINT = "integration_point"
    ANTIDISKRIMINIERUNG = "antidiskriminierung"
    FLUECHTLINGSBERATUNG = "fluechtlingsberatung"
    MIGRATIONSDIENST = "migrationsdienst"
    JOBCENTER = "jobcenter"
    KOMMUNAL = "kommunales_angebot"
    LANDESKOORDINATION = "landeskoordination"
    SONSTIGES = "sonstiges"


@dataclass(frozen=True)
class YearSelection:
    """A set of funding years, hashable (usable as a cache key); parse text with
    :func:`mapapp.ingest.values.parse_years` (the one year parser)."""

    years: tuple[int, ...]

    @property
    def label(self) -> str:
        ys = self.years
        if len(ys) == 1:
            return str(ys[0])
        if list(ys) == list(range(ys[0], ys[-1] + 1)):
            return f"{ys[0]}–{ys[-1]}"
        return ", ".join(map(str, ys))
