"""The one text folding rule: names, column headers, type words, categories, places.

``"Mülheim a.d. Ruhr"`` -> ``"muelheim an der ruhr"``, ``"St. Augustin"`` -> ``"sankt augustin"``,
``"Straße"`` -> ``"strasse"``, ``"Köln"`` and ``"Koeln"`` -> ``"koeln"``.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_TABLE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "o"})
_AN_DER = re.compile(r"\ba\.\s*d\.\s*")
_SANKT = re.compile(r"\bst\.\s*")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=16384)
def fold(text: object) -> str:
    """Lower-case ASCII key of a German text.

    Compatibility forms unified (NFKC), case folded, umlauts as ``ae/oe/ue``, ``ß`` as ``ss``,
    other accents dropped, ``"a.d."`` as ``"an der"``, ``"St."`` as ``"sankt"``, every run of
    other characters as one space (none at either end). Cached: lists repeat the same names.
    """
    value = unicodedata.normalize("NFKC", str(text)).casefold().translate(_TABLE)
    value = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
    value = _SANKT.sub("sankt ", _AN_DER.sub("an der ", value))
    return _NOT_ALNUM.sub(" ", value).strip()


def fold_compact(text: object) -> str:
    """:func:`fold` without spaces (``"E-Mail"``, ``"e mail"`` and ``"email"`` are equal)."""
    return fold(text).replace(" ", "")
