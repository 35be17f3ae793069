"""The KOMM-IN funding registry: canonical schema, reading, validation, persistence.

Canonical columns (one row per project and Kommune; a Kommune may have several rows):

=================  ==========================================================================
``ags``            8-char Gemeinde AGS for Städte, 5-char Kreis AGS for Kreise
``name``           name as in the source
``unit_type``      :class:`mapapp.model.UnitType` value (Kreis / kreisfreie Stadt / kreisangehörige Stadt)
``funding_years``  tuple of ints (empty = year unknown)
``year_confidence`` documented / inferred / uncertain / year unknown
``project_title``  str
``focus``          tuple of :class:`mapapp.model.Focus` values (free text after "other (...)" kept)
``amount_eur``     float or NaN
``source_url``     str (where the fact comes from)
``evidence``       str
=================  ==========================================================================

The committed documented list (``geodata/reference/kommin_funding_documented.csv``) is the default;
a list imported by the ministry is stored in the data directory and replaces it.
"""

from __future__ import annotations

import functools
import math
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mapapp.config import PROGRAMME_YEARS, Settings
from mapapp.model import (
    AGS_GEMEINDE_LEN,
    AGS_KREIS_LEN,
    DataError,
    Focus,
    UnitType,
    YearConfidence,
    is_http_url,
    normalize_ags,
)

REGISTRY_COLUMNS = (
    "ags",
    "name",
    "unit_type",
    "funding_years",
    "year_confidence",
    "project_title",
    "focus",
    "amount_eur",
    "source_url",
    "evidence",
)
IMPORTED_REGISTRY_NAME = "funding_registry.csv"


@dataclass(frozen=True)
class RegistryInfo:
    """Which registry is loaded: the committed documented list or a ministry import."""

    path: str
    imported: bool
    mtime: float


def parse_years(
    text: object, *, file: str | None = None, row: int | None = None
) -> tuple[int, ...]:
    """Parse ``"2005;2006"``, ``"2005/2006"``, ``"2005-2007"``, ``"2005, 2007"`` or empty.

    Raises :class:`DataError` for a year outside the programme (2005-2012) or unreadable text.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ()
    try:
        return _years(str(text).strip())
    except ValueError as exc:
        raise DataError(str(exc), file=file, row=row, field="funding_years") from None


@functools.lru_cache(maxsize=4096)
def _years(value: str) -> tuple[int, ...]:
    """:func:`parse_years` of a stripped text (cached: a list repeats the same few spellings);
    :class:`ValueError` with the message otherwise."""
    if not value:
        return ()
    if re.fullmatch(r"\d{4}\.0", value):
        value = value[:-2]
    # "2005 - 2007": join the range before splitting on whitespace.
    value = re.sub(r"\s*([-–])\s*", r"\1", value)
    years: set[int] = set()
    for part in re.split(r"\s*[;,/+&]\s*|\s+und\s+|\s+", value):
        if not part:
            continue
        m = re.fullmatch(r"(\d{4})\s*[-–]\s*(\d{2}|\d{4})", part)
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
    bad = sorted(y for y in years if y not in PROGRAMME_YEARS)
    if bad:
        raise ValueError(f"Förderjahr {bad[0]} liegt außerhalb der Programmlaufzeit 2005–2012")
    return tuple(sorted(years))


_FOCUS_ALIASES = {
    "transparenz": Focus.TRANSPARENZ,
    "vernetzung und koordination": Focus.VERNETZUNG,
    "vernetzung": Focus.VERNETZUNG,
    "koordination": Focus.VERNETZUNG,
    "strategische steuerung": Focus.STEUERUNG,
    "steuerung": Focus.STEUERUNG,
}


def parse_focus(text: object) -> tuple[str, ...]:
    """Split ``"Transparenz; Vernetzung und Koordination"`` into canonical focus values.

    Unknown parts are kept as ``"other (...)"`` so no information is lost.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ()
    out: list[str] = []
    for part in re.split(r"\s*;\s*", str(text).strip()):
        if not part:
            continue
        key = part.lower().strip()
        if key in _FOCUS_ALIASES:
            out.append(_FOCUS_ALIASES[key].value)
        elif key.startswith("other"):
            out.append(part)
        else:
            out.append(f"other ({part})")
    return tuple(dict.fromkeys(out))


def parse_amount(text: object, *, file: str | None = None, row: int | None = None) -> float:
    """Parse ``75000``, ``"75.000"``, ``"75.000,50 €"``, ``"12,5"``; empty -> NaN."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return float("nan")
    if isinstance(text, int | float):
        return float(text)
    value = (
        str(text).strip().replace("€", "").replace("EUR", "").replace("\u00a0", "").replace(" ", "")
    )
    if not value:
        return float("nan")
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", value):
        value = value.replace(".", "")
    try:
        amount = float(value)
    except ValueError as exc:
        raise DataError(
            f"Betrag '{text}' ist keine Zahl", file=file, row=row, field="amount_eur"
        ) from exc
    if amount < 0:
        raise DataError("Betrag ist negativ", file=file, row=row, field="amount_eur")
    return amount


def parse_unit_type(text: object, *, file: str | None = None, row: int | None = None) -> UnitType:
    value = str(text or "").strip().lower()
    aliases = {
        "kreis": UnitType.KREIS,
        "landkreis": UnitType.KREIS,
        "städteregion": UnitType.KREIS,
        "kreisfreie stadt": UnitType.KREISFREIE_STADT,
        "kreisfrei": UnitType.KREISFREIE_STADT,
        "kreisangehörige stadt": UnitType.KREISANGEHOERIGE_STADT,
        "kreisangehoerige stadt": UnitType.KREISANGEHOERIGE_STADT,
        "große kreisangehörige stadt": UnitType.KREISANGEHOERIGE_STADT,
        "mittlere kreisangehörige stadt": UnitType.KREISANGEHOERIGE_STADT,
        "stadt": UnitType.KREISANGEHOERIGE_STADT,
        "gemeinde": UnitType.KREISANGEHOERIGE_STADT,
    }
    if value in aliases:
        return aliases[value]
    raise DataError(
        f"Gebietstyp '{text}' unbekannt (Kreis / kreisfreie Stadt / kreisangehörige Stadt)",
        file=file,
        row=row,
        field="unit_type",
    )


def validate_registry(
    raw: pd.DataFrame,
    status: pd.DataFrame,
    *,
    file: str,
    first_row: int = 2,
    rows: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Validate rows in the canonical column layout against the municipal status table.

    Parameters
    ----------
    raw
        Frame with (at least) the canonical columns, all as text.
    status
        ``load_status()`` frame: ``ags``, ``level`` ("kreis"/"gemeinde"), ``status``.
    file, first_row
        For error messages: the file name and the spreadsheet row of ``raw``'s first row.
    rows
        The spreadsheet row of every row of ``raw`` (instead of ``first_row`` + position).

    Raises
    ------
    DataError
        The first problem found (file, row, field). Nothing is returned half-validated.
    """
    registry, errors = check_registry(raw, status, file=file, first_row=first_row, rows=rows)
    if registry is None:
        raise errors[0]
    return registry


def check_registry(
    raw: pd.DataFrame,
    status: pd.DataFrame,
    *,
    file: str,
    first_row: int = 2,
    rows: Sequence[int] | None = None,
) -> tuple[pd.DataFrame | None, list[DataError]]:
    """``(registry, [])`` for a valid frame, ``(None, all row errors)`` otherwise (one pass)."""
    errors = collect_registry_errors(raw, status, file=file, first_row=first_row, rows=rows)
    if errors:
        return None, errors
    return _canonical(raw, file=file, first_row=first_row), []


def collect_registry_errors(
    raw: pd.DataFrame,
    status: pd.DataFrame,
    *,
    file: str,
    first_row: int = 2,
    rows: Sequence[int] | None = None,
) -> list[DataError]:
    """All row-level problems of a registry frame (empty list = valid).

    One pass over the rows with the status table as a dict: O(1) per row (no frame lookups),
    so a list of any allowed length is checked in well under a second.
    """
    missing = [c for c in ("ags", "unit_type", "funding_years") if c not in raw.columns]
    if missing:
        return [DataError(f"Spalten fehlen: {', '.join(missing)}", file=file, row=1)]
    known: dict[str, tuple[str, str]] = {
        str(a): (str(s), str(n))
        for a, s, n in zip(status["ags"], status["status"], status["name"], strict=True)
    }
    numbers = list(rows) if rows is not None else range(first_row, first_row + len(raw))
    amounts = raw["amount_eur"] if "amount_eur" in raw.columns else [None] * len(raw)
    errors: list[DataError] = []
    for row, ags_text, unit_text, years_text, amount_text in zip(
        numbers, raw["ags"], raw["unit_type"], raw["funding_years"], amounts, strict=True
    ):
        try:
            _check_registry_row(known, ags_text, unit_text, years_text, amount_text, file, row)
        except DataError as exc:
            errors.append(exc)
    return errors


def _check_registry_row(
    known: Mapping[str, tuple[str, str]],
    ags_text: object,
    unit_text: object,
    years_text: object,
    amount_text: object,
    file: str,
    row: int,
) -> None:
    unit = parse_unit_type(unit_text, file=file, row=row)
    length = AGS_KREIS_LEN if unit is UnitType.KREIS else AGS_GEMEINDE_LEN
    try:
        ags = normalize_ags(ags_text, length)
    except ValueError as exc:
        raise DataError(str(exc), file=file, row=row, field="ags") from exc
    found = known.get(ags)
    if found is None:
        raise DataError(
            f"AGS {ags} ist keine NRW-Gemeinde und kein NRW-Kreis", file=file, row=row, field="ags"
        )
    st_status, st_name = found
    if unit is UnitType.KREISFREIE_STADT and st_status != "kreisfreie_stadt":
        raise DataError(
            f"{st_name} ist keine kreisfreie Stadt", file=file, row=row, field="unit_type"
        )
    if unit is UnitType.KREISANGEHOERIGE_STADT and st_status in ("kreisfreie_stadt", "kreis"):
        raise DataError(
            f"{st_name} ist nicht kreisangehörig", file=file, row=row, field="unit_type"
        )
    parse_years(years_text, file=file, row=row)
    parse_amount(amount_text, file=file, row=row)


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """``frame.to_dict("records")`` built column-wise (several times faster on string columns)."""
    names = [str(c) for c in frame.columns]
    columns = [frame[c].tolist() for c in frame.columns]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _canonical(raw: pd.DataFrame, *, file: str, first_row: int) -> pd.DataFrame:
    records = []
    for i, rec in enumerate(_records(raw)):
        row = first_row + i
        unit = parse_unit_type(rec.get("unit_type"), file=file, row=row)
        length = AGS_KREIS_LEN if unit is UnitType.KREIS else AGS_GEMEINDE_LEN
        years = parse_years(rec.get("funding_years"), file=file, row=row)
        conf = str(rec.get("year_confidence") or "").strip()
        if not conf or conf == "nan":
            conf = YearConfidence.DOCUMENTED.value if years else YearConfidence.UNKNOWN.value
        records.append(
            {
                "ags": normalize_ags(rec.get("ags"), length),
                "name": _text(rec.get("name")),
                "unit_type": unit.value,
                "funding_years": years,
                "year_confidence": conf,
                "project_title": _text(rec.get("project_title")),
                "focus": parse_focus(rec.get("focus")),
                "amount_eur": parse_amount(rec.get("amount_eur"), file=file, row=row),
                **_source_fields(rec),
            }
        )
    return pd.DataFrame.from_records(records, columns=list(REGISTRY_COLUMNS))


def _source_fields(rec: dict[str, object]) -> dict[str, str]:
    """``source_url`` only when it may become a link (absolute http(s)); any other text is kept
    in ``evidence`` (a registry stored before links were checked may hold ``javascript:``)."""
    url, evidence = _text(rec.get("source_url")), _text(rec.get("evidence"))
    if url and not is_http_url(url):
        evidence = "; ".join(x for x in (evidence, f"Quelle (kein Link): {url}") if x)
        url = ""
    return {"source_url": url, "evidence": evidence}


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def read_registry_csv(path: str | Path, status: pd.DataFrame) -> pd.DataFrame:
    """Read a registry CSV in the canonical layout (the committed documented list, or a stored import)."""
    path = Path(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return validate_registry(raw, status, file=path.name)


def registry_to_csv_frame(registry: pd.DataFrame) -> pd.DataFrame:
    """Flatten tuples for CSV: years ``"2005;2006"``, focus ``"Transparenz; ..."``."""
    out = registry.copy()
    out["funding_years"] = [";".join(map(str, ys)) for ys in out["funding_years"]]
    out["focus"] = ["; ".join(fs) for fs in out["focus"]]
    out["amount_eur"] = [_amount_text(a) for a in out["amount_eur"]]
    return out


def _amount_text(amount: object) -> str:
    """Amount text to the cent, unambiguous: whole euros as ``1234567``, else ``123456.78``.

    (Two decimals never look like German thousands such as ``12.345``, which
    :func:`parse_amount` reads as 12345.)
    """
    if amount is None or pd.isna(amount):  # type: ignore[call-overload]
        return ""
    value = float(amount)  # type: ignore[arg-type]
    return str(int(value)) if value.is_integer() else f"{value:.2f}"


def imported_registry_path(settings: Settings) -> Path:
    return settings.store_dir / IMPORTED_REGISTRY_NAME


def active_registry_path(settings: Settings) -> tuple[Path, bool]:
    """The registry in use: a stored ministry import if there is one, else the documented list."""
    imported = imported_registry_path(settings)
    if imported.exists():
        return imported, True
    return settings.reference_dir / "kommin_funding_documented.csv", False


def registry_info(settings: Settings) -> RegistryInfo:
    path, imported = active_registry_path(settings)
    return RegistryInfo(path=str(path), imported=imported, mtime=path.stat().st_mtime)


def save_registry(registry: pd.DataFrame, settings: Settings) -> Path:
    """Store a validated registry atomically (write temp file, then replace).

    A failure while writing leaves the previously stored registry untouched.
    """
    target = imported_registry_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    frame = registry_to_csv_frame(registry)[list(REGISTRY_COLUMNS)]
    fd, tmp = tempfile.mkstemp(prefix=".funding_", suffix=".csv", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            frame.to_csv(fh, index=False, lineterminator="\n")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def reset_registry(settings: Settings) -> Path | None:
    """Remove a stored ministry import (the documented list is active again).

    Returns the removed path, or ``None`` when there was no import.
    """
    path = imported_registry_path(settings)
    if path.exists():
        path.unlink()
        return path
    return None
