"""UI texts. German is the default and the fallback; other languages in ``i18n/<code>.json``.

Offer data is shown as entered; only the interface is translated.

:func:`t` returns markdown: the catalogue text is trusted, its format parameters are data and are
escaped with :func:`mapapp.ui.markdown.md` (numbers stay numbers, so ``{share:.0%}`` works;
:class:`mapapp.ui.markdown.Trusted` values are inserted as they are). :func:`plain` is for places
that do not render markdown (table column headers, select options).
"""

from __future__ import annotations

import json
from functools import cache
from numbers import Number
from pathlib import Path

from mapapp.ui.markdown import Trusted, md

I18N_DIR = Path(__file__).resolve().parent / "i18n"
DEFAULT_LANG = "de"
#: Languages offered in the UI: code -> (native name, text direction).
LANGUAGES: dict[str, tuple[str, str]] = {
    "de": ("Deutsch", "ltr"),
    "en": ("English", "ltr"),
    "ar": ("العربية", "rtl"),
    "tr": ("Türkçe", "ltr"),
    "uk": ("Українська", "ltr"),
    "ru": ("Русский", "ltr"),
}


@cache
def _catalog(lang: str) -> dict[str, str]:
    path = I18N_DIR / f"{lang}.json"
    if not path.exists():
        return {}
    data: dict[str, str] = json.loads(path.read_text("utf-8"))
    return data


def available_languages() -> dict[str, tuple[str, str]]:
    """Languages that have a catalogue file (German always)."""
    return {
        k: v for k, v in LANGUAGES.items() if k == DEFAULT_LANG or (I18N_DIR / f"{k}.json").exists()
    }


def normalize_lang(value: object) -> str:
    text = str(value or "").strip().lower()[:2]
    return text if text in available_languages() else DEFAULT_LANG


def _lookup(key: str, lang: str) -> str:
    return _catalog(lang).get(key) or _catalog(DEFAULT_LANG).get(key) or key


def _markdown_value(value: object) -> object:
    if isinstance(value, Trusted) or (isinstance(value, Number) and not isinstance(value, bool)):
        return value
    return md(value)


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """Markdown text for ``key`` in ``lang`` (falls back to German, then to the key itself).

    Format parameters are escaped for markdown (see the module docstring); wrap a program-made
    markdown value in :func:`mapapp.ui.markdown.trusted` to insert it unescaped.
    """
    text = _lookup(key, lang)
    return text.format(**{k: _markdown_value(v) for k, v in fmt.items()}) if fmt else text


def plain(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """Text for ``key`` with parameters inserted unescaped – only for places that show text
    literally (table column headers, select options), never for markdown."""
    text = _lookup(key, lang)
    return text.format(**fmt) if fmt else text


def direction(lang: str) -> str:
    return LANGUAGES.get(lang, ("", "ltr"))[1]
