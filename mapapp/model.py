"""Vocabulary shared by every layer: AGS keys, column names, enums and the one error type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

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
    """Fixed, documented taxonomy of integration offers (extensible: add a member + labels)."""

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


#: German labels for the categories (UI texts in other languages live in mapapp/ui).
OFFER_CATEGORY_LABELS_DE: dict[OfferCategory, str] = {
    OfferCategory.KI: "Kommunales Integrationszentrum",
    OfferCategory.ABH: "Ausländerbehörde",
    OfferCategory.MBE: "Migrationsberatung für Erwachsene (MBE)",
    OfferCategory.JMD: "Jugendmigrationsdienst (JMD)",
    OfferCategory.INTEGRATIONSKURS: "Integrationskurs",
    OfferCategory.SPRACHKURS: "Sprachkurs",
    OfferCategory.INTEGRATION_POINT: "Integration Point",
    OfferCategory.ANTIDISKRIMINIERUNG: "Antidiskriminierungs-Servicestelle",
    OfferCategory.FLUECHTLINGSBERATUNG: "Flüchtlingsberatung",
    OfferCategory.MIGRATIONSDIENST: "Migrationsdienst (Freie Wohlfahrtspflege)",
    OfferCategory.JOBCENTER: "Jobcenter",
    OfferCategory.KOMMUNAL: "Kommunales Angebot",
    OfferCategory.LANDESKOORDINATION: "Landeskoordinierung",
    OfferCategory.SONSTIGES: "Sonstiges",
}


@dataclass(frozen=True)
class YearSelection:
    """A set of funding years, hashable (usable as a cache key)."""

    years: tuple[int, ...]

    @classmethod
    def parse(cls, text: str) -> YearSelection:
        """Parse ``"2005"``, ``"2005-2007"``, ``"2005,2007"`` or ``"2005/2006"``."""
        years: set[int] = set()
        for part in re.split(r"[,;/ ]+", text.strip()):
            if not part:
                continue
            m = re.fullmatch(r"(\d{4})\s*[-–]\s*(\d{4})", part)
            if m:
                lo, hi = int(m.group(1)), int(m.group(2))
                if hi < lo:
                    raise ValueError(f"Jahresbereich '{part}' ist absteigend")
                years.update(range(lo, hi + 1))
            elif re.fullmatch(r"\d{4}", part):
                years.add(int(part))
            else:
                raise ValueError(f"'{part}' ist kein Jahr und kein Jahresbereich")
        if not years:
            raise ValueError("keine Jahre angegeben")
        return cls(tuple(sorted(years)))

    @property
    def label(self) -> str:
        ys = self.years
        if len(ys) == 1:
            return str(ys[0])
        if list(ys) == list(range(ys[0], ys[-1] + 1)):
            return f"{ys[0]}–{ys[-1]}"
        return ", ".join(map(str, ys))
