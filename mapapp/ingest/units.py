"""Names and keys of an approval list -> today's Gemeinden and Kreise (:class:`UnitMatcher`).

Against ``nrw_municipal_status.csv`` (today's 396 Gemeinden and 31 Kreise). Spellings such as
"Kreis Unna", "Unna, Kreis", "Stadt Solingen", "Solingen, Klingenstadt", "Städteregion Aachen",
"Mülheim a.d. Ruhr", "Duesseldorf" or "Koeln" are understood; a name that fits a Kreis and a
Stadt ("Unna") is resolved by the type column or by "Kreis"/"Stadt" in the name – otherwise it
is ambiguous, never guessed. Fuzzy matching (rapidfuzz) only produces a "meinten Sie …?" hint.
Keys: AGS (5 or 8 digits), 12-digit ARS, and the historic Aachen keys of 2005–2009.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from mapapp.ingest.columns import base_key
from mapapp.ingest.fold import fold
from mapapp.ingest.values import key_digits
from mapapp.model import AGS_KREIS_LEN, UnitType, normalize_ags

KIND_KREIS = "kreis"
KIND_KREISFREI = "kreisfrei"
KIND_KREISANGEHOERIG = "kreisangehoerig"
KINDS_KREIS = frozenset({KIND_KREIS})
KINDS_KREISFREI = frozenset({KIND_KREISFREI})
KINDS_KREISANG = frozenset({KIND_KREISANGEHOERIG})
KINDS_STADT = frozenset({KIND_KREISFREI, KIND_KREISANGEHOERIG})
KINDS_ANY = frozenset({KIND_KREIS, KIND_KREISFREI, KIND_KREISANGEHOERIG})

#: Folded type words (type column, name prefixes/suffixes) -> the kinds of unit they allow.
TYPE_WORDS: dict[str, frozenset[str]] = {
    "kreis": KINDS_KREIS,
    "landkreis": KINDS_KREIS,
    "staedteregion": KINDS_KREIS,
    "kreisfreie stadt": KINDS_KREISFREI,
    "kreisfreie": KINDS_KREISFREI,
    "kreisfrei": KINDS_KREISFREI,
    "kreisfr stadt": KINDS_KREISFREI,
    "stadt kreisfrei": KINDS_KREISFREI,
    "kfs": KINDS_KREISFREI,
    "kreisangehoerige stadt": KINDS_KREISANG,
    "kreisangehoerig": KINDS_KREISANG,
    "kreisangehoerige": KINDS_KREISANG,
    "grosse kreisangehoerige stadt": KINDS_KREISANG,
    "mittlere kreisangehoerige stadt": KINDS_KREISANG,
    "kreisangehoerige gemeinde": KINDS_KREISANG,
    "regionsangehoerige stadt": KINDS_KREISANG,
    "gks": KINDS_KREISANG,
    "mks": KINDS_KREISANG,
    "stadt": KINDS_STADT,
    "gemeinde": KINDS_STADT,
    "stadt gemeinde": KINDS_STADT,
    "kreis kreisfreie stadt": frozenset({KIND_KREIS, KIND_KREISFREI}),
    "kreis stadt": KINDS_ANY,
    "stadt kreis": KINDS_ANY,
    "kommune": KINDS_ANY,
}

#: Name prefixes that say what kind of unit is meant, longest first.
_NAME_PREFIXES: tuple[tuple[str, frozenset[str]], ...] = (
    ("grosse kreisangehoerige stadt ", KINDS_KREISANG),
    ("mittlere kreisangehoerige stadt ", KINDS_KREISANG),
    ("kreisangehoerige stadt ", KINDS_KREISANG),
    ("kreisfreie stadt ", KINDS_KREISFREI),
    ("landkreis ", KINDS_KREIS),
    ("kreis ", KINDS_KREIS),
    ("stadt ", KINDS_STADT),
    ("gemeinde ", KINDS_STADT),
)

#: Extra name keys for Kreise: former or colloquial names of the same Kreis.
#: 05334: the Kreis Aachen (05354) is today part of the Städteregion (see module docstring);
#: 05162: "Kreis Neuss" is a common short form of Rhein-Kreis Neuss (older lists use it).
KREIS_NAME_ALIASES: dict[str, tuple[str, ...]] = {"05334": ("aachen",), "05162": ("neuss",)}

AGS_STAEDTEREGION_AACHEN = "05334"
AGS_STADT_AACHEN = "05334002"
#: Keys of 2005-2009 that no longer exist -> today's unit.
HISTORIC_KEYS: dict[str, str] = {
    "05313": AGS_STADT_AACHEN,
    "05313000": AGS_STADT_AACHEN,
    "05354": AGS_STAEDTEREGION_AACHEN,
}
MERGER_YEAR = 2009
AACHEN_KREIS_NOTE = (
    "Kreis Aachen (05354) ging 2009 in der StädteRegion Aachen auf; auf den heutigen "
    "Grenzen als Städteregion Aachen (05334) dargestellt, deren Fläche auch die Stadt Aachen umfasst"
)
AACHEN_STADT_NOTE = (
    "Aachen war bis 2009 kreisfreie Stadt (05313); heute regionsangehörige Stadt der "
    "StädteRegion Aachen (05334002), daher als kreisangehörige Stadt dargestellt"
)
STAEDTEREGION_NOTE = (
    "die StädteRegion Aachen besteht erst seit 2009; vorher waren Kreis Aachen (05354) und "
    "Stadt Aachen (05313) getrennt"
)


@dataclass(frozen=True)
class Unit:
    """A Gemeinde or Kreis of today's boundaries (from the status table)."""

    ags: str
    name: str
    kind: str  # KIND_KREIS | KIND_KREISFREI | KIND_KREISANGEHOERIG
    status: str
    has_auslaenderbehoerde: bool | None

    @property
    def label(self) -> str:
        """Readable name with its kind, e.g. "Kreis Unna", "Unna, Stadt", "Rhein-Kreis Neuss"."""
        if (
            self.kind == KIND_KREIS
            and "kreis" not in fold(self.name)
            and "region" not in fold(self.name)
        ):
            return f"Kreis {self.name}"
        return self.name

    @property
    def unit_type(self) -> UnitType:
        if self.kind == KIND_KREIS:
            return UnitType.KREIS
        if self.kind == KIND_KREISFREI:
            return UnitType.KREISFREIE_STADT
        return UnitType.KREISANGEHOERIGE_STADT


@dataclass(frozen=True)
class NameLookup:
    """What a name says: the candidate units and the kinds its wording allows."""

    key: str
    kinds: frozenset[str]
    candidates: tuple[Unit, ...]


@dataclass(frozen=True)
class KeyLookup:
    """A key as read (``ags``, normalised) and the unit it denotes today (``None`` = unknown)."""

    ags: str
    unit: Unit | None
    note: str | None = None


def type_kinds(text: str) -> frozenset[str] | None:
    """Kinds allowed by a type word ("Kreis", "kreisfreie Stadt", "Stadt"); ``None`` if unknown."""
    return TYPE_WORDS.get(base_key(text))


def _abh(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "ja", "true", "1"):
        return True
    if text in ("no", "nein", "false", "0"):
        return False
    return None


class UnitMatcher:
    """Match names and keys of an approval list to today's units in the status table.

    Parameters
    ----------
    status
        ``load_status()`` frame: ``ags``, ``name``, ``level``, ``status``,
        ``has_auslaenderbehoerde``.
    """

    def __init__(self, status: pd.DataFrame) -> None:
        self.units: dict[str, Unit] = {}
        self._keys: dict[str, set[str]] = {}
        self._lookups: dict[str, NameLookup] = {}
        for rec in status.to_dict("records"):
            ags = str(rec["ags"]).strip()
            st = str(rec["status"]).strip()
            kind = (
                KIND_KREIS
                if st == "kreis"
                else KIND_KREISFREI
                if st == "kreisfreie_stadt"
                else KIND_KREISANGEHOERIG
            )
            unit = Unit(
                ags, str(rec["name"]).strip(), kind, st, _abh(rec.get("has_auslaenderbehoerde"))
            )
            self.units[ags] = unit
            for key in self._name_keys(unit):
                self._keys.setdefault(key, set()).add(ags)

    @staticmethod
    def _name_keys(unit: Unit) -> set[str]:
        keys = {fold(unit.name)}
        if unit.kind == KIND_KREIS:
            words = fold(unit.name).split()
            if "kreis" in words and len(words) > 1:
                keys.add(" ".join(w for w in words if w != "kreis"))
            if words and words[-1].endswith("kreis") and len(words[-1]) > len("kreis"):
                keys.add(" ".join([*words[:-1], words[-1][: -len("kreis")]]))
            keys.update(KREIS_NAME_ALIASES.get(unit.ags, ()))
        else:
            base, _, suffix = unit.name.partition(",")
            keys.add(fold(base))
            keys.add(fold(base).replace(" an der ", " "))  # "Mülheim/Ruhr"
            keys.add(fold(re.sub(r"\([^)]*\)", " ", base)))
            keys.add(fold(base.split("/")[0]))
            if suffix.strip():
                keys.add(fold(f"{suffix} {base}"))
        keys.discard("")
        return keys

    def _get(self, key: str) -> tuple[Unit, ...]:
        return tuple(self.units[a] for a in sorted(self._keys.get(key, ())))

    def lookup(self, name: str) -> NameLookup:
        """Candidate units for a name as written in a list, and the kinds its wording allows.

        Answers are kept per matcher: a list names the same few hundred Kommunen again and again.
        """
        found = self._lookups.get(name)
        if found is None:
            found = self._lookups[name] = self._lookup(name)
        return found

    def _lookup(self, name: str) -> NameLookup:
        text = " ".join(name.replace("\u00a0", " ").split())
        kinds = KINDS_ANY
        exact = self._get(fold(text))
        m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", text)
        if m and type_kinds(m.group(2)) is not None:
            text, kinds = m.group(1).strip(), kinds & (type_kinds(m.group(2)) or KINDS_ANY)
        if "," in text:
            base, suffix = (p.strip() for p in text.split(",", 1))
            sk = type_kinds(suffix)
            if sk is None:
                fs = fold(suffix)
                sk = KINDS_STADT if "stadt" in fs or "gemeinde" in fs else KINDS_ANY
            text, kinds = base, kinds & sk
        key = fold(text)
        for prefix, pk in _NAME_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, kinds = key[len(prefix) :], kinds & pk
                break
        else:
            words = key.split()
            if len(words) > 1 and words[0].endswith("stadt") and not self._get(key):
                key, kinds = " ".join(words[1:]), kinds & KINDS_STADT
            elif len(words) > 1 and words[-1] == "kreis" and not self._get(key):
                key, kinds = " ".join(words[:-1]), kinds & KINDS_KREIS
            elif len(words) > 1 and words[-1] == "stadt" and not self._get(key):
                key, kinds = " ".join(words[:-1]), kinds & KINDS_STADT
        if fold(name).startswith("staedteregion"):
            kinds = kinds & KINDS_KREIS
        candidates = exact if exact and not self._get(key) else self._get(key) or exact
        return NameLookup(key=key, kinds=kinds, candidates=candidates)

    def by_key(self, text: str) -> KeyLookup:
        """Unit for an AGS / Kreisschlüssel / 12-digit ARS as written in a list.

        A historic key (Aachen before 2009) maps to today's unit with a note; the Kreis key of a
        kreisfreie Stadt (05122) means the city itself (05122000). ``unit`` is ``None`` for a
        well-formed key that is no NRW unit.

        Raises
        ------
        ValueError
            The text is no key at all (letters, wrong length).
        """
        value = key_digits(text)
        if re.fullmatch(r"\d{11,12}", value):
            ars = value.zfill(12)
            gem = ars[:5] + ars[9:]
            if gem in self.units:
                return KeyLookup(gem, self.units[gem])
            if ars[5:] == "0000000" and ars[:5] in self.units:
                return KeyLookup(ars[:5], self.units[ars[:5]])
            return KeyLookup(gem, None)
        ags = normalize_ags(value)
        if ags in HISTORIC_KEYS:
            target = HISTORIC_KEYS[ags]
            note = AACHEN_STADT_NOTE if target == AGS_STADT_AACHEN else AACHEN_KREIS_NOTE
            return KeyLookup(ags, self.units.get(target), f"AGS {ags} gibt es nicht mehr: {note}")
        if ags in self.units:
            return KeyLookup(ags, self.units[ags])
        if len(ags) == AGS_KREIS_LEN:
            city = self.units.get(ags + "000")
            if city is not None and city.kind == KIND_KREISFREI:
                # A kreisfreie Stadt is a Kreis-level unit too; its Kreis key means the same city.
                return KeyLookup(ags, city)
        return KeyLookup(ags, None)

    def suggest(self, text: str, kinds: frozenset[str] = KINDS_ANY, limit: int = 3) -> list[Unit]:
        """Close spellings (rapidfuzz), for a "meinten Sie …?" hint only."""
        query = fold(text)
        if not query:
            return []
        hits = process.extract(
            query, list(self._keys), scorer=fuzz.WRatio, limit=12, score_cutoff=80
        )
        out: list[Unit] = []
        for key, _score, _ in hits:
            for unit in self._get(key):
                if unit.kind in kinds and unit not in out:
                    out.append(unit)
        return out[:limit]


# --------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------
