"""The text layer: every text a user sees, in six languages, and how numbers are written.

One catalogue per language (``i18n/<code>.json``: de, en, ar, tr, uk, ru; German is the
reference and the fallback). :func:`t` looks a key up and inserts its parameters as they are
(plain text: pages use :func:`mapapp.ui.texts.t`, which escapes parameters for markdown; HTML
builders escape with :func:`mapapp.render.safe.esc`). An entry with plural forms (``{"one": …,
"other": …}``, CLDR categories) is chosen by the parameter ``n`` with Babel's plural rules of the
language. Numbers, percentages, kilometres and dates come from :mod:`mapapp.text.formats`
(Babel, the page's locale).

A concept (offer category, location precision, target group, barrier-free access, measure,
demand, unit type, funding comparison and its groups, the groups a published funding total
counts, an audit entry's action and way) has one label per language: :func:`label`.
"""

from __future__ import annotations

from enum import Enum

from babel import Locale, UnknownLocaleError

from mapapp.catalogue import DEFAULT_LANG, I18N_DIR, catalogue
from mapapp.text.formats import class_bound, date, integer, km, number, percent

__all__ = [
    "DEFAULT_LANG",
    "I18N_DIR",
    "LANGUAGES",
    "available_languages",
    "class_bound",
    "date",
    "direction",
    "integer",
    "km",
    "label",
    "language_name",
    "normalize_lang",
    "number",
    "percent",
    "plural_form",
    "t",
    "template",
]

#: Languages of the UI: code -> (native name, text direction).
LANGUAGES: dict[str, tuple[str, str]] = {
    "de": ("Deutsch", "ltr"),
    "en": ("English", "ltr"),
    "ar": ("العربية", "rtl"),
    "tr": ("Türkçe", "ltr"),
    "uk": ("Українська", "ltr"),
    "ru": ("Русский", "ltr"),
}

#: Catalogue key prefix of each concept (see :func:`label`).
CONCEPTS = {
    "category": "cat",
    "precision": "prec",
    "target_group": "tg",
    "accessibility": "acc",
    "method": "method",
    "demand": "demand",
    "unit_type": "unit",
    "comparison": "cmp",
    "comparison_group": "cmp.group",
    "year_confidence": "yconf",
    "funded_group": "fgroup",
    "audit_action": "audit.action",
    "audit_via": "audit.via",
    "travel_mode": "mode",
}


def available_languages() -> dict[str, tuple[str, str]]:
    """Languages that have a catalogue file (German always)."""
    return {
        k: v for k, v in LANGUAGES.items() if k == DEFAULT_LANG or (I18N_DIR / f"{k}.json").exists()
    }


def normalize_lang(value: object) -> str:
    """``"AR"`` -> ``"ar"``; unknown or empty -> ``"de"``."""
    text = str(value or "").strip().lower()[:2]
    return text if text in available_languages() else DEFAULT_LANG


def direction(lang: str) -> str:
    """``"rtl"`` for Arabic, else ``"ltr"``."""
    return LANGUAGES.get(lang, ("", "ltr"))[1]


def plural_form(n: float, lang: str) -> str:
    """CLDR plural category of ``n`` in ``lang`` (``one``, ``few``, ``other``, …)."""
    return str(Locale.parse(lang).plural_form(abs(n)))


def template(key: str, lang: str = DEFAULT_LANG, n: float | None = None) -> str:
    """The catalogue text of ``key`` in ``lang`` (German, then the key itself as fallback);
    for a plural entry the form for ``n`` (``other`` without ``n``)."""
    entry = catalogue(lang).get(key) or catalogue(DEFAULT_LANG).get(key)
    if entry is None:
        return key
    if isinstance(entry, str):
        return entry
    form = plural_form(n, lang) if n is not None else "other"
    return entry.get(form) or entry["other"]


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """Text of ``key`` in ``lang`` with ``params`` inserted as they are (``str.format``).

    ``n`` (a number) chooses the plural form of a plural entry.
    """
    n = params.get("n")
    count = n if isinstance(n, int | float) and not isinstance(n, bool) else None
    text = template(key, lang, count)
    return text.format(**params) if params else text


def label(concept: str, value: object, lang: str = DEFAULT_LANG) -> str:
    """The one label of a concept value: ``label("category", OfferCategory.ABH, "en")``.

    ``concept`` is a key of :data:`CONCEPTS`; ``value`` an enum member or its value. Unknown values
    come back as they are.
    """
    code = value.value if isinstance(value, Enum) else value
    key = f"{CONCEPTS[concept]}.{code}"
    text = template(key, lang)
    return str(code) if text == key else text


def language_name(code: str, lang: str = DEFAULT_LANG) -> str:
    """Name of the language ``code`` (ISO 639-1) in ``lang`` (Babel): ``"ar"`` -> ``"Arabisch"``;
    the code itself when Babel does not know it."""
    try:
        name = Locale.parse(lang).languages.get(code)
    except (UnknownLocaleError, ValueError):
        name = None
    return str(name) if name else code
