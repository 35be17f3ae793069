"""UI text catalogues: every public-view text exists in every language with the same placeholders."""

from __future__ import annotations

import json
import string

import pytest

from mapapp.ui.texts import I18N_DIR, LANGUAGES, direction, normalize_lang, t

PUBLIC_PREFIXES = (
    "of.",
    "cat.",
    "tg.",
    "acc.",
    "prec.",
    "nav.",
    "lang.",
    "data.",
    "error.",
    "auth.",
)


def _catalog(lang: str) -> dict[str, str]:
    return json.loads((I18N_DIR / f"{lang}.json").read_text("utf-8"))


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "de"])
def test_public_view_is_fully_translated_with_same_placeholders(lang: str) -> None:
    de, other = _catalog("de"), _catalog(lang)
    public = [k for k in de if k.startswith(PUBLIC_PREFIXES)]
    assert public, "German catalogue has public-view keys"
    missing = [k for k in public if k not in other]
    assert missing == []
    for key in public:
        assert _fields(other[key]) == _fields(de[key]), key
        if lang != "de" and not key.startswith(("cat.integration_point",)):
            assert other[key] != "" and other[key] is not None


def test_categories_cover_the_taxonomy() -> None:
    from mapapp.model import OfferCategory

    de = _catalog("de")
    assert {f"cat.{c.value}" for c in OfferCategory} <= set(de)


def test_lookup_falls_back_to_german_then_key() -> None:
    assert t("of.search.button", "ar") == "بحث"
    assert t("fk.title", "ar") == t("fk.title", "de")  # ministry page texts: German fallback
    assert t("no.such.key", "en") == "no.such.key"
    assert t("of.results", "en", n=3, place="Unna") == "3 offers near Unna"


def test_language_normalisation_and_direction() -> None:
    assert normalize_lang("AR") == "ar"
    assert normalize_lang("xx") == "de"
    assert normalize_lang(None) == "de"
    assert direction("ar") == "rtl" and direction("de") == "ltr"
