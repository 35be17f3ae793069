"""Free-text terms of offer lists -> the taxonomy: categories, languages (ISO 639-1), target
groups, barrier-free access. Used by the offer importer and the CLI's filters."""

from __future__ import annotations

import re

from mapapp.catalogue import german
from mapapp.ingest.fold import fold
from mapapp.model import OfferCategory
from mapapp.offers_model import Accessibility, TargetGroup

# --------------------------------------------------------------------------------------------
# Categories (free text -> taxonomy)
# --------------------------------------------------------------------------------------------

#: Folded aliases -> category. Labels (German), enum values and member names are added below.
_CATEGORY_ALIASES: dict[str, OfferCategory] = {
    "ki": OfferCategory.KI,
    "integrationszentrum": OfferCategory.KI,
    "kommunales integrationszentrum teilbereich": OfferCategory.KI,
    "abh": OfferCategory.ABH,
    "auslaenderamt": OfferCategory.ABH,
    "auslaenderbehoerde": OfferCategory.ABH,
    "zentrale auslaenderbehoerde": OfferCategory.ABH,
    "immigration office": OfferCategory.ABH,
    "mbe": OfferCategory.MBE,
    "migrationsberatung": OfferCategory.MBE,
    "migrationsberatung fuer erwachsene": OfferCategory.MBE,
    "migrationsberatung fuer erwachsene zuwanderer": OfferCategory.MBE,
    "migration counselling adults": OfferCategory.MBE,
    "jmd": OfferCategory.JMD,
    "jugendmigrationsdienst": OfferCategory.JMD,
    "jugendmigrationsdienste": OfferCategory.JMD,
    "youth migration service": OfferCategory.JMD,
    "integrationskurs": OfferCategory.INTEGRATIONSKURS,
    "integrationskurse": OfferCategory.INTEGRATIONSKURS,
    "integration course": OfferCategory.INTEGRATIONSKURS,
    "sprachkurs": OfferCategory.SPRACHKURS,
    "sprachkurse": OfferCategory.SPRACHKURS,
    "deutschkurs": OfferCategory.SPRACHKURS,
    "language course": OfferCategory.SPRACHKURS,
    "integration point": OfferCategory.INTEGRATION_POINT,
    "antidiskriminierung": OfferCategory.ANTIDISKRIMINIERUNG,
    "antidiskriminierungsstelle": OfferCategory.ANTIDISKRIMINIERUNG,
    "servicestelle antidiskriminierungsarbeit": OfferCategory.ANTIDISKRIMINIERUNG,
    "anti discrimination": OfferCategory.ANTIDISKRIMINIERUNG,
    "fluechtlingsberatung": OfferCategory.FLUECHTLINGSBERATUNG,
    "fluechtlingshilfe": OfferCategory.FLUECHTLINGSBERATUNG,
    "refugee counselling": OfferCategory.FLUECHTLINGSBERATUNG,
    "migrationsdienst": OfferCategory.MIGRATIONSDIENST,
    "fachdienst fuer integration und migration": OfferCategory.MIGRATIONSDIENST,
    # the Integrationsagenturen NRW are run by the Freie Wohlfahrtspflege
    "integrationsagentur": OfferCategory.MIGRATIONSDIENST,
    "integrationsagenturen": OfferCategory.MIGRATIONSDIENST,
    "jobcenter": OfferCategory.JOBCENTER,
    "kommunale integrations anlaufstelle": OfferCategory.KOMMUNAL,
    "kommunal": OfferCategory.KOMMUNAL,
    "landeskoordinierung": OfferCategory.LANDESKOORDINATION,
    "landeskoordinierung ki": OfferCategory.LANDESKOORDINATION,
    "laki": OfferCategory.LANDESKOORDINATION,
    "sonstige": OfferCategory.SONSTIGES,
    "other": OfferCategory.SONSTIGES,
}
for _cat in OfferCategory:  # the German labels of the catalogue are accepted as well
    _label = german(f"cat.{_cat.value}")
    _CATEGORY_ALIASES.setdefault(fold(_label), _cat)
    _CATEGORY_ALIASES.setdefault(fold(_label.split("(")[0]), _cat)
    _CATEGORY_ALIASES.setdefault(fold(_cat.value), _cat)
    _CATEGORY_ALIASES.setdefault(fold(_cat.name), _cat)


def parse_category(text: str) -> OfferCategory | None:
    """Map a free-text category to the taxonomy; ``None`` when it is not recognised.

    Tries the whole text, then the text without parenthetical remarks (``"Flüchtlingsberatung
    (NGO)"`` -> Flüchtlingsberatung, ``"Migrationsberatung (MBE/JMD, ...)"`` -> MBE), then the
    acronym inside parentheses (``"(MBE)"``).
    """
    candidates = [text, re.sub(r"\([^)]*\)", " ", text)]
    candidates += re.findall(r"\(([^)]*)\)", text)
    for cand in candidates:
        key = fold(cand)
        if key in _CATEGORY_ALIASES:
            return _CATEGORY_ALIASES[key]
    return None


# --------------------------------------------------------------------------------------------
# Languages (ISO 639-1) and target groups
# --------------------------------------------------------------------------------------------

#: All ISO 639-1 two-letter codes.
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de
    dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id
    ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu
    lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu
    rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr
    ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split()
)

#: Folded language names (German and English) -> ISO 639-1. Dari is listed under ``fa``
#: (ISO 639-1 has one code for the Persian macrolanguage).
LANGUAGE_NAMES: dict[str, str] = {
    "deutsch": "de", "german": "de", "englisch": "en", "english": "en",
    "franzoesisch": "fr", "french": "fr", "arabisch": "ar", "arabic": "ar",
    "tuerkisch": "tr", "turkish": "tr", "russisch": "ru", "russian": "ru",
    "ukrainisch": "uk", "ukrainian": "uk", "polnisch": "pl", "polish": "pl",
    "rumaenisch": "ro", "romanian": "ro", "bulgarisch": "bg", "bulgarian": "bg",
    "spanisch": "es", "spanish": "es", "italienisch": "it", "italian": "it",
    "portugiesisch": "pt", "portuguese": "pt", "griechisch": "el", "greek": "el",
    "persisch": "fa", "persian": "fa", "farsi": "fa", "dari": "fa",
    "paschtu": "ps", "paschto": "ps", "pashto": "ps", "kurdisch": "ku", "kurdish": "ku",
    "tigrinya": "ti", "tigrinisch": "ti", "somali": "so", "albanisch": "sq", "albanian": "sq",
    "serbisch": "sr", "serbian": "sr", "kroatisch": "hr", "croatian": "hr",
    "bosnisch": "bs", "bosnian": "bs", "vietnamesisch": "vi", "vietnamese": "vi",
    "chinesisch": "zh", "chinese": "zh", "urdu": "ur", "hindi": "hi",
    "amharisch": "am", "amharic": "am", "niederlaendisch": "nl", "dutch": "nl",
    "ungarisch": "hu", "hungarian": "hu", "tschechisch": "cs", "czech": "cs",
    "slowakisch": "sk", "slovak": "sk", "mazedonisch": "mk", "macedonian": "mk",
    "georgisch": "ka", "georgian": "ka", "armenisch": "hy", "armenian": "hy",
    "tamilisch": "ta", "tamil": "ta", "litauisch": "lt", "lithuanian": "lt",
    "lettisch": "lv", "latvian": "lv", "estnisch": "et", "estonian": "et",
}  # fmt: skip

_LIST_SPLIT = re.compile(r"\s*(?:[,;/|+]|\bund\b|\band\b)\s*", flags=re.IGNORECASE)


def split_list(text: str) -> list[str]:
    """Split ``"Deutsch, Arabisch und Türkisch"`` / ``"de;ar|tr"`` into trimmed, non-empty parts."""
    return [p.strip() for p in _LIST_SPLIT.split(text) if p and p.strip()]


def parse_language(text: str) -> str | None:
    """ISO 639-1 code for ``"ar"``, ``"AR"``, ``"Arabisch"``, ``"arabic"``, ``"de-DE"``; else ``None``."""
    key = fold(text)
    if not key:
        return None
    code = key.split(" ")[0] if re.fullmatch(r"[a-z]{2}( [a-z]{2})?", key) else None
    if code and code in ISO_639_1:
        return code
    return LANGUAGE_NAMES.get(key)


_TARGET_ALIASES: dict[str, TargetGroup] = {
    "alle": TargetGroup.ALL, "all": TargetGroup.ALL, "everyone": TargetGroup.ALL,
    "erwachsene": TargetGroup.ADULTS, "adults": TargetGroup.ADULTS, "adult": TargetGroup.ADULTS,
    "jugendliche": TargetGroup.YOUTH, "junge menschen": TargetGroup.YOUTH,
    "junge menschen 12 27": TargetGroup.YOUTH, "jugendliche 12 27": TargetGroup.YOUTH,
    "young people": TargetGroup.YOUTH, "youth": TargetGroup.YOUTH, "12 27": TargetGroup.YOUTH,
    "frauen": TargetGroup.WOMEN, "women": TargetGroup.WOMEN,
    "familien": TargetGroup.FAMILIES, "families": TargetGroup.FAMILIES,
    "gefluechtete": TargetGroup.REFUGEES, "fluechtlinge": TargetGroup.REFUGEES,
    "refugees": TargetGroup.REFUGEES, "kinder": TargetGroup.CHILDREN,
    "children": TargetGroup.CHILDREN, "senioren": TargetGroup.SENIORS,
    "aeltere menschen": TargetGroup.SENIORS, "seniors": TargetGroup.SENIORS,
}  # fmt: skip
for _tg in TargetGroup:  # the German labels of the catalogue are accepted as well
    _tlabel = german(f"tg.{_tg.value}")
    _TARGET_ALIASES.setdefault(fold(_tlabel), _tg)
    _TARGET_ALIASES.setdefault(fold(_tg.value), _tg)


def parse_target_group(text: str) -> TargetGroup | None:
    """Map ``"Jugendliche"``, ``"young people"``, ``"youth_12_27"`` ... to a :class:`TargetGroup`."""
    return _TARGET_ALIASES.get(fold(text))


_YES = {"ja", "yes", "y", "j", "true", "wahr", "1", "x", "barrierefrei", "vorhanden"}
_NO = {"nein", "no", "n", "false", "falsch", "0", "nicht barrierefrei"}
_UNKNOWN = {"", "unbekannt", "unknown", "k a", "keine angabe", "n a", "na", "teilweise", "partial"}


def parse_accessibility(value: object) -> Accessibility | None:
    """``ja/nein/unbekannt`` (and English, booleans, 1/0) -> :class:`Accessibility`; ``None`` if unclear.

    ``"teilweise"`` (partly) counts as unknown: the filter "barrier-free" must not promise access.
    """
    if value is None:
        return Accessibility.UNKNOWN
    if isinstance(value, bool):
        return Accessibility.YES if value else Accessibility.NO
    key = fold(str(value))
    if key in _YES:
        return Accessibility.YES
    if key in _NO:
        return Accessibility.NO
    if key in _UNKNOWN:
        return Accessibility.UNKNOWN
    return None
