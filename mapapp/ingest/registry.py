"""The canonical KOMM-IN funding registry: its columns and the check of a table in that layout.

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

Used for the committed documented list, a stored ministry import (:mod:`mapapp.io.funding`) and
as the last check of every imported approval list (:mod:`mapapp.ingest.funding`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import pandas as pd

from mapapp.ingest.values import parse_amount, parse_years
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


def split_focus(text: str) -> str:
    """Split "Transparenz, Vernetzung" like "Transparenz; Vernetzung" – but not inside brackets
    ("other (Kulturmittler/Netzwerk)" stays one part)."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth <= 0 and char in ";,/+\n":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return "; ".join(p.strip() for p in parts if p.strip())


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
