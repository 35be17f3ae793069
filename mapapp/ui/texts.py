"""Page texts as markdown: the catalogue texts of :mod:`mapapp.text` with escaped parameters.

Offer data is shown as entered; only the interface is translated.

:func:`t` returns markdown: the catalogue text is trusted, its format parameters are data and are
escaped with :func:`mapapp.ui.markdown.md` (numbers stay numbers, so ``{share:.0%}`` works;
:class:`mapapp.ui.markdown.Trusted` values are inserted as they are). :func:`plain` is for places
that do not render markdown (table column headers, select options, download file contents).
:func:`page_language` is the UI language of the running page (from the URL).
"""

from __future__ import annotations

from numbers import Number

import streamlit as st

from mapapp import text
from mapapp.text import (
    DEFAULT_LANG,
    I18N_DIR,
    LANGUAGES,
    available_languages,
    direction,
    normalize_lang,
)
from mapapp.ui.markdown import Trusted, md

__all__ = [
    "DEFAULT_LANG",
    "I18N_DIR",
    "LANGUAGES",
    "LANG_PARAM",
    "available_languages",
    "direction",
    "isolate",
    "normalize_lang",
    "page_language",
    "plain",
    "t",
]

#: URL parameter of the UI language (``?lang=ar``).
LANG_PARAM = "lang"
#: Unicode direction isolates (FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE), invisible.
_FSI, _PDI = "\u2068", "\u2069"


def isolate(value: str, lang: str) -> str:
    """``value`` (a data text: a name, a place, a point ``51.48, 7.21``) as a direction isolate
    in a right-to-left language, so it keeps its own direction and leaves the sentence's alone:
    "1. Ausländerbehörde Bochum" keeps its number at the start of the line, a point's two
    numbers their order, a closing bracket its place. Unchanged in left-to-right languages."""
    return f"{_FSI}{value}{_PDI}" if value and direction(lang) == "rtl" else value


def page_language() -> str:
    """UI language of the running page from the URL (``?lang=ar``), German by default."""
    return normalize_lang(st.query_params.get(LANG_PARAM, DEFAULT_LANG))


def _markdown_value(value: object) -> object:
    if isinstance(value, Trusted) or (isinstance(value, Number) and not isinstance(value, bool)):
        return value
    return md(value)


def _count(params: dict[str, object]) -> float | None:
    n = params.get("n")
    return n if isinstance(n, int | float) and not isinstance(n, bool) else None


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """Markdown text for ``key`` in ``lang`` (falls back to German, then to the key itself).

    Format parameters are escaped for markdown (see the module docstring); wrap a program-made
    markdown value in :func:`mapapp.ui.markdown.trusted` to insert it unescaped. ``n`` chooses
    the plural form of a plural entry.
    """
    template = text.template(key, lang, _count(fmt))
    return template.format(**{k: _markdown_value(v) for k, v in fmt.items()}) if fmt else template


def plain(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """Text for ``key`` with parameters inserted unescaped – only for places that show text
    literally (table column headers, select options), never for markdown."""
    return text.t(key, lang, **fmt)
