"""Text catalogues: every key of the German reference exists in every language, with the same
placeholders and the plural forms that the language's rules need."""

from __future__ import annotations

import json
import string

import pytest
from babel import Locale

from mapapp.text import I18N_DIR, LANGUAGES, direction, normalize_lang, t, template
from mapapp.ui.texts import t as markdown_t


def _catalog(lang: str) -> dict[str, object]:
    return json.loads((I18N_DIR / f"{lang}.json").read_text("utf-8"))


def _fields(text: str) -> set[str]:
    return {f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(text) if f}


def _forms(entry: object) -> dict[str, str]:
    return entry if isinstance(entry, dict) else {"other": entry}  # type: ignore[return-value]


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "de"])
def test_every_key_is_translated_with_the_same_placeholders(lang: str) -> None:
    de, other = _catalog("de"), _catalog(lang)
    assert [k for k in de if k not in other] == []  # every German key exists
    assert [k for k in other if k not in de] == []  # nothing the reference does not know
    for key in de:
        de_forms, forms = _forms(de[key]), _forms(other[key])
        assert _fields(forms["other"]) == _fields(de_forms["other"]), key
        for text in forms.values():
            assert _fields(text) <= _fields(de_forms["other"]), key
            if not key.startswith("cat.integration_point"):
                assert text, key


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_plural_entries_have_the_forms_of_the_language(lang: str) -> None:
    needed = set(Locale.parse(lang).plural_form.tags) | {"other"}
    for key, entry in _catalog(lang).items():
        if isinstance(entry, dict):
            assert set(entry) == needed, (key, lang)


def test_plurals_follow_the_language() -> None:
    assert t("of.results", "de", n=1, place="Unna") == "1 Angebot in der Nähe von Unna"
    assert t("of.results", "de", n=2, place="Unna") == "2 Angebote in der Nähe von Unna"
    assert t("of.results", "en", n=1, place="Unna") == "1 offer near Unna"
    assert t("of.results", "uk", n=3, place="Unna") == "3 послуги поблизу Unna"
    assert t("of.results", "uk", n=5, place="Unna") == "5 послуг поблизу Unna"
    assert t("of.results", "ru", n=21, place="Unna") == "21 услуга рядом с Unna"
    assert t("of.results", "ar", n=2, place="Unna") == "خدمتان بالقرب من Unna"
    assert template("of.results", "de") == "{n} Angebote in der Nähe von {place}"
    # the markdown wrapper picks the same form and escapes the data parameter
    assert markdown_t("of.results", "de", n=1, place="*Unna*") == (
        "1 Angebot in der Nähe von \\*Unna\\*"
    )


def test_categories_cover_the_taxonomy() -> None:
    from mapapp.model import OfferCategory

    de = _catalog("de")
    assert {f"cat.{c.value}" for c in OfferCategory} <= set(de)


def test_lookup_falls_back_to_german_then_key() -> None:
    assert t("of.search.button", "ar") == "بحث"
    assert t("fk.title", "ar") != t("fk.title", "de")  # the ministry pages are translated too
    assert t("no.such.key", "en") == "no.such.key"
    assert t("of.results", "en", n=3, place="Unna") == "3 offers near Unna"


def test_language_normalisation_and_direction() -> None:
    assert normalize_lang("AR") == "ar"
    assert normalize_lang("xx") == "de"
    assert normalize_lang(None) == "de"
    assert direction("ar") == "rtl" and direction("de") == "ltr"
