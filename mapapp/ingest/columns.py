"""One column mapper driven by a per-schema alias table, and the header search.

A :class:`Schema` names the canonical fields with the column names accepted for each (German
or English; compared by :func:`column_key`: folded, without spaces and punctuation; a part in
brackets and a trailing unit word – "Betrag (EUR)", "Bewilligung in €" – are dropped when the
whole name is no alias). :func:`map_columns` maps a file's columns; :func:`find_header` finds
the header row (or merged pair of rows) below title lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from mapapp.ingest.fold import fold, fold_compact
from mapapp.ingest.values import is_blank

#: Rows searched for the header line (title lines, notes and empty lines above it are skipped).
HEADER_SCAN_ROWS = 30

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_UNIT_WORDS = {"in", "eur", "euro", "ggf"}
_NUMBER_WORDS = {"nr", "nummer", "no", "id", "kennung"}


def column_key(text: object) -> str:
    """Folded column name without spaces: ``"E-Mail"`` -> ``"email"``."""
    return fold_compact(text)


def _base_words(text: object) -> list[str]:
    """Words of a column name without bracketed parts and trailing unit words."""
    words = fold(_BRACKETS.sub(" ", str(text))).split()
    while words and words[-1] in _UNIT_WORDS:
        words.pop()
    return words


@dataclass(frozen=True)
class Schema:
    """Canonical fields of one kind of table and the column names accepted for them.

    Parameters
    ----------
    aliases
        field -> accepted column names (the field name itself is always accepted).
    key_fields
        A header names at least one of these (else it is no header of this schema).
    multi
        Fields that may be fed by several columns (all are kept); for the others the first
        column wins and later ones are duplicates.
    ordered
        Multi fields whose columns are sorted by the order of their aliases (most specific first).
    ignored
        Column names recognised and deliberately not used (no "unknown column" warning).
    first_word
        A column whose first word is an alias ("Name der Kommune") feeds a field no column
        names exactly – unless its last word says it is a number ("Projekt-Nr.").
    """

    name: str
    aliases: Mapping[str, tuple[str, ...]]
    key_fields: frozenset[str]
    multi: frozenset[str] = frozenset()
    ordered: frozenset[str] = frozenset()
    ignored: tuple[str, ...] = ()
    first_word: bool = False
    _index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _rank: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for fld, names in self.aliases.items():
            for rank, alias in enumerate(names):
                self._index.setdefault(column_key(alias), fld)
                self._rank.setdefault(column_key(alias), rank)
            self._index.setdefault(column_key(fld), fld)

    def field_of(self, column: object) -> str | None:
        """The field a column name names exactly (after dropping brackets and units)."""
        found = self._index.get(column_key(column))
        if found is None:
            found = self._index.get("".join(_base_words(column)))
        return found

    def rank(self, column: object) -> int:
        key = column_key(column)
        if key not in self._rank:
            key = "".join(_base_words(column))
        return self._rank.get(key, len(self._rank))

    def is_ignored(self, column: object) -> bool:
        return column_key(column) in {column_key(c) for c in self.ignored}

    def header_score(self, cells: Sequence[str]) -> int:
        """Distinct fields a row of column names names; 0 without a key field."""
        fields = {self.field_of(c) for c in cells if str(c).strip()}
        fields.discard(None)
        return len(fields) if fields & self.key_fields else 0

    def known(self, cell: str) -> bool:
        return self.field_of(cell) is not None


@dataclass(frozen=True)
class ColumnMap:
    """Which file columns feed which field; ``unknown`` names no field, ``duplicates`` name a
    field another column feeds already; ``ignored`` = every column not used, in file order."""

    targets: dict[str, tuple[str, ...]]
    unknown: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()

    def get(self, target: str) -> tuple[str, ...]:
        return self.targets.get(target, ())

    def first(self, target: str) -> str | None:
        cols = self.targets.get(target)
        return cols[0] if cols else None

    def __contains__(self, target: object) -> bool:
        return target in self.targets


def _first_word_field(schema: Schema, column: str, found: Mapping[str, list[str]]) -> str | None:
    words = _base_words(column)
    if not words or words[-1] in _NUMBER_WORDS:
        return None
    target = schema._index.get(words[0])
    return target if target and target not in found else None


def map_columns(columns: Iterable[object], schema: Schema) -> ColumnMap:
    """Map a file's column names to the schema's fields (see :class:`Schema`)."""
    cols = [str(c) for c in columns]
    found: dict[str, list[str]] = {}
    matched: set[str] = set()
    for col in cols:
        target = schema.field_of(col)
        if target:
            found.setdefault(target, []).append(col)
            matched.add(col)
    if schema.first_word:
        for col in cols:
            target = None if col in matched else _first_word_field(schema, col, found)
            if target:
                found[target] = [col]
                matched.add(col)
    targets: dict[str, tuple[str, ...]] = {}
    duplicates: list[str] = []
    for target, sources in found.items():
        if target in schema.ordered:
            sources = sorted(sources, key=schema.rank)
        if target in schema.multi:
            targets[target] = tuple(sources)
        else:
            targets[target] = (sources[0],)
            duplicates.extend(sources[1:])
    unknown = [c for c in cols if c not in matched and column_key(c) and not schema.is_ignored(c)]
    used = {c for sources in targets.values() for c in sources}
    return ColumnMap(
        targets=targets,
        unknown=tuple(unknown),
        duplicates=tuple(c for c in cols if c in duplicates),
        ignored=tuple(c for c in cols if c not in used),
    )


# --------------------------------------------------------------------------------------------
# The header row
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """The header found in a table: its (last) row, the column names and how well they matched.

    A header over two rows (a merged group label above, the field names below – "Förderung" over
    "Jahr | Betrag") has ``first_row = row - 1`` and names combined per column.
    """

    row: int
    first_row: int
    cells: list[str]
    score: int


def _header_pair(
    upper: Sequence[object], lower: Sequence[object], known: Callable[[str], bool]
) -> list[str]:
    """Column names of a two-row header: the merged group label of the upper row is carried to
    the right over empty cells; per column the lower cell wins when it is a known name, else
    the upper one, else both joined."""
    width = max(len(upper), len(lower))
    out: list[str] = []
    carry = ""
    for i in range(width):
        up = str(upper[i]).strip() if i < len(upper) and not is_blank(upper[i]) else ""
        low = str(lower[i]).strip() if i < len(lower) and not is_blank(lower[i]) else ""
        carry = up or carry
        top = up or (carry if low else "")
        if low and known(low):
            out.append(low)
        elif top and known(top):
            out.append(top)
        else:
            out.append(" ".join(p for p in (top, low) if p))
    return out


def find_header(
    rows: Sequence[tuple[int, Sequence[object]]],
    schema: Schema,
    *,
    min_score: int = 2,
    scan: int = HEADER_SCAN_ROWS,
) -> Header | None:
    """The header among the first ``scan`` non-empty rows: the row with the highest
    :meth:`Schema.header_score` (the first of equals), or two consecutive rows whose combined
    names score strictly higher than any single row (a merged two-row header). ``None`` below
    ``min_score``. ``rows`` are ``(spreadsheet row, cells)`` in file order.
    """
    candidates = [(n, cells) for n, cells in rows[: scan * 4] if not all(map(is_blank, cells))]
    candidates = candidates[:scan]
    best: Header | None = None
    for n, cells in candidates:
        names = ["" if is_blank(c) else str(c).strip() for c in cells]
        s = schema.header_score(names)
        if best is None or s > best.score:
            best = Header(n, n, names, s)
    for (n1, upper), (n2, lower) in zip(candidates, candidates[1:], strict=False):
        if n2 != n1 + 1:
            continue
        names = _header_pair(upper, lower, schema.known)
        s = schema.header_score(names)
        if best is not None and s > best.score:
            best = Header(n2, n1, names, s)
    if best is None or best.score < min_score:
        return None
    return best


def unique_names(cells: Sequence[object], width: int | None = None) -> list[str]:
    """Column names of a header: empty cells become ``"Spalte N"``, repeats get ``" (2)"``."""
    width = len(cells) if width is None else width
    names: list[str] = []
    for i in range(width):
        cell = cells[i] if i < len(cells) else None
        base = "" if is_blank(cell) else str(cell).strip()
        base = base or f"Spalte {i + 1}"
        name, k = base, 2
        while name in names:
            name, k = f"{base} ({k})", k + 1
        names.append(name)
    return names


def base_key(text: object) -> str:
    """Folded words of a name without bracketed parts and trailing unit words:
    ``"Betrag (EUR)"`` -> ``"betrag"``, ``"kreisfreie Stadt"`` -> ``"kreisfreie stadt"``."""
    return " ".join(_base_words(text))
