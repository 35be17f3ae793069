"""The funding registry in use: the committed documented list or a ministry import stored in
the data directory (``<data dir>/store/funding_registry.csv``), read, checked, saved, reset.

The canonical layout and its check live in :mod:`mapapp.ingest.registry`. A stored import that
is damaged (not CSV, truncated, rows that fail the check) is refused with one sentence naming
the file and the remedy (``mapapp funding reset`` or a backup) – never a traceback.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mapapp.config import Settings
from mapapp.ingest.registry import REGISTRY_COLUMNS, validate_registry
from mapapp.io.atomic import write_with
from mapapp.model import AGS_GEMEINDE_LEN, AGS_KREIS_LEN, DataError, UnitType

IMPORTED_REGISTRY_NAME = "funding_registry.csv"


@dataclass(frozen=True)
class RegistryInfo:
    """Which registry is loaded: the committed documented list or a ministry import."""

    path: str
    imported: bool
    mtime: float


def _damaged(path: Path, why: str) -> DataError:
    return DataError(
        f"die gespeicherte Förderliste ist beschädigt ({why}) – 'mapapp funding reset' stellt die "
        "dokumentierte Liste wieder her, oder die Datei aus einer Sicherung zurückkopieren",
        file=str(path),
    )


def read_registry_csv(path: str | Path, status: pd.DataFrame) -> pd.DataFrame:
    """Read a registry CSV in the canonical layout (the committed documented list, or a stored import).

    Raises
    ------
    DataError
        One sentence: for a stored import that cannot be read or fails the check it names the
        file and the remedy (``mapapp funding reset`` or a backup).
    """
    path = Path(path)
    return _read_registry(path, path, status)


def read_registry_text(text: str, where: str, status: pd.DataFrame) -> pd.DataFrame:
    """As :func:`read_registry_csv` for the CSV text of a stored import (the shared database's
    copy); ``where`` names it in messages (e.g. ``<database>/funding_registry.csv``)."""
    return _read_registry(io.StringIO(text), Path(where), status)


def registry_csv_text(registry: pd.DataFrame) -> str:
    """The canonical CSV text of a validated registry (what :func:`save_registry` writes)."""
    frame = registry_to_csv_frame(registry)[list(REGISTRY_COLUMNS)]
    return str(frame.to_csv(index=False, lineterminator="\n"))


def _read_registry(source: Path | io.StringIO, path: Path, status: pd.DataFrame) -> pd.DataFrame:
    try:
        raw = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise _damaged(path, f"nicht lesbar: {first}") from exc
    missing = [c for c in ("ags", "unit_type", "funding_years") if c not in raw.columns]
    if missing:
        raise _damaged(path, f"Spalten fehlen: {', '.join(missing)}")
    try:
        return validate_registry(raw, status, file=path.name)
    except DataError as exc:
        if path.name != IMPORTED_REGISTRY_NAME:
            raise
        raise _damaged(path, str(exc)) from exc


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
    """Store a validated registry atomically (:mod:`mapapp.io.atomic`).

    A failure while writing leaves the previously stored registry untouched.
    """
    target = imported_registry_path(settings)
    frame = registry_to_csv_frame(registry)[list(REGISTRY_COLUMNS)]
    return write_with(target, lambda fh: frame.to_csv(fh, index=False, lineterminator="\n"))


def reset_registry(settings: Settings) -> Path | None:
    """Remove a stored ministry import (the documented list is active again).

    Returns the removed path, or ``None`` when there was no import.
    """
    path = imported_registry_path(settings)
    if path.exists():
        path.unlink()
        return path
    return None


# --------------------------------------------------------------------------------------------
# Joining the registry to today's units (for `mapapp funding show` and checks)
# --------------------------------------------------------------------------------------------

# Joining the registry to today's units (for `mapapp funding show` and checks)
# --------------------------------------------------------------------------------------------

#: Columns of ``mapapp funding show``.
SHOW_COLUMNS = (
    "ags",
    "name",
    "unit_type",
    "funding_years",
    "project_title",
    "focus",
    "amount_eur",
    "year_confidence",
    "source_url",
)


def join_units(
    registry: pd.DataFrame,
    status: pd.DataFrame,
    *,
    kreis_keys: Collection[str] | None = None,
    gemeinde_keys: Collection[str] | None = None,
    file: str = "Förderliste",
) -> pd.DataFrame:
    """The registry with each row joined to its unit: Kreis rows to a Kreis AGS (5 chars), Stadt
    rows to a Gemeinde AGS (8 chars).

    Parameters
    ----------
    registry
        Canonical registry.
    status
        ``load_status()`` frame; gives the official ``name`` (the name in the list is kept as
        ``name_in_source``).
    kreis_keys, gemeinde_keys
        AGS of the boundary layers (``Boundaries.kreise.ags`` / ``.gemeinden.ags``). ``None``
        uses the status table's Kreise / Gemeinden.

    Raises
    ------
    DataError
        A row whose AGS has no unit of its level (row = CSV row of the registry, first = 2).
    """
    st = status.assign(ags=status["ags"].astype(str).str.strip()).set_index("ags")
    kreise = set(kreis_keys) if kreis_keys is not None else set(st.index[st["level"] == "kreis"])
    gemeinden = (
        set(gemeinde_keys)
        if gemeinde_keys is not None
        else set(st.index[st["level"] == "gemeinde"])
    )
    missing: list[tuple[int, str, str]] = []
    for i, (ags, unit_type) in enumerate(zip(registry["ags"], registry["unit_type"], strict=True)):
        want_kreis = unit_type == UnitType.KREIS.value
        length, keys = (AGS_KREIS_LEN, kreise) if want_kreis else (AGS_GEMEINDE_LEN, gemeinden)
        if len(str(ags)) != length or ags not in keys or ags not in st.index:
            missing.append((i + 2, str(ags), str(unit_type)))
    if missing:
        row, ags, unit_type = missing[0]
        more = f" (und {len(missing) - 1} weitere Zeilen)" if len(missing) > 1 else ""
        raise DataError(
            f"AGS {ags} ({unit_type}) hat keine Entsprechung in den Verwaltungsgrenzen{more}",
            file=file,
            row=row,
            field="ags",
        )
    out = registry.copy()
    out["name_in_source"] = out["name"]
    out["name"] = [str(st.at[a, "name"]) for a in out["ags"]]
    return out
