"""One row of an approval list -> its unit: name, key (AGS/ARS) and type checked against each
other, with the Aachen history notes and the Ausländerbehörde remark (see
:mod:`mapapp.ingest.units`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mapapp.ingest.fold import fold
from mapapp.ingest.units import (
    AACHEN_KREIS_NOTE,
    AACHEN_STADT_NOTE,
    AGS_STADT_AACHEN,
    AGS_STAEDTEREGION_AACHEN,
    KIND_KREIS,
    KIND_KREISANGEHOERIG,
    KIND_KREISFREI,
    KINDS_ANY,
    KINDS_KREIS,
    MERGER_YEAR,
    STAEDTEREGION_NOTE,
    NameLookup,
    Unit,
    UnitMatcher,
    type_kinds,
)
from mapapp.model import AGS_KREIS_LEN, DataError


@dataclass
class Resolved:
    """The unit of one row (``None`` when an error says why not) and the row's notes."""

    row: int
    file: str
    unit: Unit | None = None
    errors: list[DataError] = field(default_factory=list)
    warnings: list[DataError] = field(default_factory=list)

    def error(self, message: str, fld: str | None) -> Resolved:
        self.errors.append(DataError(message, file=self.file, row=self.row, field=fld))
        return self

    def warn(self, message: str, fld: str | None) -> None:
        self.warnings.append(DataError(message, file=self.file, row=self.row, field=fld))


def _kind_message(unit: Unit, allowed: frozenset[str]) -> str:
    if unit.kind == KIND_KREIS:
        return f"{unit.label} ({unit.ags}) ist ein Kreis, angegeben als Stadt"
    if allowed == KINDS_KREIS:
        return f"{unit.label} ({unit.ags}) ist eine Stadt/Gemeinde, angegeben als Kreis"
    if unit.kind == KIND_KREISANGEHOERIG:
        return f"{unit.label} ({unit.ags}) ist kreisangehörig, angegeben als kreisfreie Stadt"
    return f"{unit.label} ({unit.ags}) ist eine kreisfreie Stadt, angegeben als kreisangehörig"


def _units_text(units: Iterable[Unit]) -> str:
    return " oder ".join(f"{u.label} ({u.ags})" for u in units)


def _by_key(
    out: Resolved, matcher: UnitMatcher, key: str, name: str, lookup: NameLookup | None
) -> Unit | None:
    """The unit of a key; it must agree with the name when both are given."""
    try:
        found = matcher.by_key(key)
    except ValueError as exc:
        out.error(str(exc), "ags")
        return None
    unit = found.unit
    if unit is None:
        hint = ""
        if lookup is not None and lookup.candidates:
            hint = f" – laut Name: {_units_text(lookup.candidates)}"
        elif found.ags.endswith("000") and found.ags[:AGS_KREIS_LEN] in matcher.units:
            hint = f" – meinten Sie {_units_text([matcher.units[found.ags[:AGS_KREIS_LEN]]])}?"
        out.error(f"AGS {found.ags} ist keine NRW-Gemeinde und kein NRW-Kreis{hint}", "ags")
        return None
    if found.note:
        out.warn(found.note, "ags")
    if lookup is not None and lookup.candidates and unit not in lookup.candidates:
        out.error(
            f"AGS {unit.ags} ({unit.label}) passt nicht zum Namen '{name}' "
            f"({_units_text(lookup.candidates)})",
            "ags",
        )
        return None
    if lookup is not None and not lookup.candidates:
        out.warn(f"Name '{name}' nicht erkannt; AGS {unit.ags} ({unit.label}) verwendet", "name")
    return unit


def _by_name(
    out: Resolved,
    matcher: UnitMatcher,
    name: str,
    lookup: NameLookup,
    allowed: frozenset[str],
    kind_field: str,
) -> Unit | None:
    """The one unit a name (and the allowed kinds) denotes; unknown, wrong kind or ambiguous
    names are errors (with a "meinten Sie …?" hint where one fits)."""
    if not lookup.candidates:
        hints = matcher.suggest(lookup.key, allowed) or matcher.suggest(name, allowed)
        tip = f" – meinten Sie {_units_text(hints)}?" if hints else ""
        out.error(f"Kommune '{name}' nicht gefunden{tip}", "name")
        return None
    fitting = [
        u
        for u in lookup.candidates
        if u.kind in allowed or (u.ags == AGS_STADT_AACHEN and KIND_KREISFREI in allowed)
    ]
    if not fitting:
        closest = next(
            (u for u in lookup.candidates if (u.kind == KIND_KREIS) == (allowed == KINDS_KREIS)),
            lookup.candidates[0],
        )
        out.error(_kind_message(closest, allowed), kind_field)
        return None
    if len(fitting) > 1:
        out.error(
            f"'{name}' ist mehrdeutig: {_units_text(fitting)} – Spalte Typ angeben oder "
            "'Kreis …' / 'Stadt …' schreiben",
            "name",
        )
        return None
    return fitting[0]


def _notes(out: Resolved, unit: Unit, name: str, years: tuple[int, ...]) -> None:
    """The Aachen history notes and the remark on a unit without Ausländerbehörde."""
    early = not years or min(years) <= MERGER_YEAR
    noted = [w.message for w in out.warnings]
    if (
        unit.ags == AGS_STADT_AACHEN
        and early
        and not any(m.endswith(AACHEN_STADT_NOTE) for m in noted)
    ):
        out.warn(AACHEN_STADT_NOTE, "ags")
    if unit.ags == AGS_STAEDTEREGION_AACHEN and not any(
        m.endswith(AACHEN_KREIS_NOTE) for m in noted
    ):
        if "staedteregion" not in fold(name):
            out.warn(AACHEN_KREIS_NOTE, "name")
        elif early:
            out.warn(STAEDTEREGION_NOTE, "name")
    if (
        unit.kind == KIND_KREISANGEHOERIG
        and unit.has_auslaenderbehoerde is False
        and unit.ags != AGS_STADT_AACHEN  # status "unknown"; the Aachen note above applies
    ):
        what = "Gemeinde" if unit.status == "kreisangehoerige_gemeinde" else "Stadt"
        out.warn(
            f"{unit.label} ist eine kreisangehörige {what} ohne eigene Ausländerbehörde – nicht in "
            "der Zielgruppe von 2005, spätere Runden förderten aber auch mittlere und kleinere Städte",
            "ags",
        )


def resolve_unit(
    matcher: UnitMatcher,
    *,
    name: str,
    key: str,
    type_text: str,
    years: tuple[int, ...],
    file: str,
    row: int,
) -> Resolved:
    """Find the unit of one row and check name, key and type against each other."""
    out = Resolved(row, file)
    allowed = KINDS_ANY
    if type_text:
        tk = type_kinds(type_text)
        if tk is None:
            return out.error(
                f"Gebietstyp '{type_text}' unbekannt (Kreis / kreisfreie Stadt / kreisangehörige Stadt)",
                "unit_type",
            )
        allowed = tk
    lookup = matcher.lookup(name) if name else None
    if lookup is not None:
        if not (lookup.kinds & allowed):
            return out.error(
                f"Name '{name}' und Gebietstyp '{type_text}' widersprechen sich (Kreis oder Stadt?)",
                "unit_type",
            )
        allowed = allowed & lookup.kinds
    kind_field = "unit_type" if type_text else "name"
    if key:
        unit = _by_key(out, matcher, key, name, lookup)
    else:
        assert lookup is not None
        unit = _by_name(out, matcher, name, lookup, allowed, kind_field)
    if unit is None:
        return out
    if unit.kind not in allowed and not (
        unit.ags == AGS_STADT_AACHEN and KIND_KREISFREI in allowed
    ):
        return out.error(_kind_message(unit, allowed), kind_field)
    out.unit = unit
    _notes(out, unit, name, years)
    return out
