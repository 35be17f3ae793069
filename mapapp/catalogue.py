"""The text catalogues as data: one JSON file per language in ``mapapp/text/i18n/``.

Only reading, no formatting and no dependencies, so that the layers below :mod:`mapapp.text`
(model, ingest, io) can name a concept with the catalogue's German label (for example the
``category_label`` column of machine exports, or the German labels an importer accepts) without a
second copy of the wording. Everything else uses :mod:`mapapp.text`.

An entry is a text, or a dict of plural forms (CLDR categories ``zero``, ``one``, ``two``,
``few``, ``many``, ``other``) chosen by :func:`mapapp.text.t` with Babel's plural rules.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

I18N_DIR = Path(__file__).resolve().parent / "text" / "i18n"
#: The reference language: every key exists here; other languages fall back to it.
DEFAULT_LANG = "de"

Entry = str | dict[str, str]


@cache
def catalogue(lang: str) -> dict[str, Entry]:
    """The entries of ``lang`` (empty when there is no file)."""
    path = I18N_DIR / f"{lang}.json"
    if not path.exists():
        return {}
    data: dict[str, Entry] = json.loads(path.read_text("utf-8"))
    return data


def german(key: str) -> str:
    """The German text of ``key`` (the ``other`` form of a plural entry; the key when missing)."""
    entry = catalogue(DEFAULT_LANG).get(key, key)
    return entry if isinstance(entry, str) else entry["other"]
