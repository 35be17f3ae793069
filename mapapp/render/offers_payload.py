"""The offers as one compact, columnar JSON payload for the map script.

Each offer travels as coordinates, small integers (category, precision, barrier-free) and indices
into one table of distinct strings (or the strings themselves for mostly unique fields). Texts are
raw here; they are escaped where they reach HTML (in the browser, by the layer script). Labels
(field names, category, precision, target groups, languages, barrier-free, dates) come from the
text layer in the page's language (:mod:`mapapp.text`); data values stay as entered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mapapp.model import OfferCategory, is_http_url, is_plain_email
from mapapp.offers_model import Accessibility, Offer, Precision
from mapapp.text import date, label, language_name, t

#: One colour per category (distinct hues; the legend and popup name the category as text too).
CATEGORY_COLOURS: dict[OfferCategory, str] = {
    OfferCategory.KI: "#0072B2",
    OfferCategory.ABH: "#D55E00",
    OfferCategory.MBE: "#009E73",
    OfferCategory.JMD: "#56B4E9",
    OfferCategory.INTEGRATIONSKURS: "#E69F00",
    OfferCategory.SPRACHKURS: "#B8860B",
    OfferCategory.INTEGRATION_POINT: "#CC79A7",
    OfferCategory.ANTIDISKRIMINIERUNG: "#7B3294",
    OfferCategory.FLUECHTLINGSBERATUNG: "#1B7837",
    OfferCategory.MIGRATIONSDIENST: "#4D9221",
    OfferCategory.JOBCENTER: "#525252",
    OfferCategory.KOMMUNAL: "#2166AC",
    OfferCategory.LANDESKOORDINATION: "#B2182B",
    OfferCategory.SONSTIGES: "#969696",
}


def _luminance(colour: str) -> float:
    """WCAG relative luminance of ``#RRGGBB``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def code_colour(fill: str) -> str:
    """Black or white, whichever has the higher WCAG contrast on ``fill`` (at least 4.58:1 for
    any fill): the category code drawn on a filled marker or legend swatch stays readable."""
    lum = _luminance(fill)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


#: Colour of the category code on a filled marker (and legend swatch) of each category.
CATEGORY_CODE_COLOURS: dict[OfferCategory, str] = {
    c: code_colour(colour) for c, colour in CATEGORY_COLOURS.items()
}

#: Short code per category, drawn in the marker and the legend (markers differ not by colour alone).
CATEGORY_CODES: dict[OfferCategory, str] = {
    OfferCategory.KI: "KI",
    OfferCategory.ABH: "AB",
    OfferCategory.MBE: "MB",
    OfferCategory.JMD: "JM",
    OfferCategory.INTEGRATIONSKURS: "IK",
    OfferCategory.SPRACHKURS: "SK",
    OfferCategory.INTEGRATION_POINT: "IP",
    OfferCategory.ANTIDISKRIMINIERUNG: "AD",
    OfferCategory.FLUECHTLINGSBERATUNG: "FB",
    OfferCategory.MIGRATIONSDIENST: "MD",
    OfferCategory.JOBCENTER: "JC",
    OfferCategory.KOMMUNAL: "KA",
    OfferCategory.LANDESKOORDINATION: "LK",
    OfferCategory.SONSTIGES: "SO",
}

#: Text fields carried in the payload (key in the payload -> catalogue key of its popup label).
_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", ""),
    ("provider", "of.card.provider"),
    ("addr", "of.card.address"),
    ("hours", "of.card.hours"),
    ("phone", "of.card.phone"),
    ("email", "of.card.email"),
    ("web", "of.card.web"),
    ("lang", "of.card.languages"),
    ("tg", "of.card.targets"),
    ("src", "of.card.source"),
    ("ver", "of.card.verified"),
    ("note", "of.card.note"),
)

_PRECISIONS = list(Precision)
_BF = list(Accessibility)


def _field_values(o: Offer, lang: str) -> dict[str, str]:
    return {
        "name": o.name,
        "provider": o.provider or "",
        "addr": o.address,
        "hours": o.opening_hours or "",
        "phone": o.phone or "",
        # only what may become a link (the model's one check each); the script links these as given
        "email": o.email if o.email and is_plain_email(o.email) else "",
        "web": o.website if o.website and is_http_url(o.website) else "",
        "lang": ", ".join(language_name(code, lang) for code in o.languages),
        "tg": ", ".join(label("target_group", g, lang) for g in o.target_groups),
        "src": o.source or "",
        "ver": date(o.last_verified, lang),
        "note": o.note or "",
    }


def filter_bbox(
    offers: Sequence[Offer], bbox: tuple[float, float, float, float] | None
) -> list[Offer]:
    """Offers with a location inside ``bbox`` = (south, west, north, east) in WGS84 degrees (all
    offers with a location when ``None``)."""
    located = [(o, o.lonlat) for o in offers]
    if bbox is None:
        return [o for o, p in located if p is not None]
    south, west, north, east = bbox
    return [
        o for o, p in located if p is not None and south <= p[1] <= north and west <= p[0] <= east
    ]


#: Fields per detail level (see :func:`offers_payload`).
DETAIL_FIELDS: dict[str, tuple[str, ...]] = {
    "full": tuple(k for k, _ in _FIELDS),
    "map": ("name", "provider", "addr", "lang"),
    "minimal": ("name",),
}
#: ``detail="auto"`` switches from "map" to "minimal" above this many offers (payload budget).
AUTO_MINIMAL_ABOVE = 20_000


def offers_payload(
    offers: Sequence[Offer], detail: str = "auto", lang: str = "de"
) -> dict[str, Any]:
    """Compact, columnar description of the offers for the map script.

    Parameters
    ----------
    detail
        Which texts travel to the browser: ``"full"`` (everything, for the standalone export),
        ``"map"`` (name, provider, address, languages – the interactive map; contact details belong
        in the list beside it), ``"minimal"`` (name only), ``"auto"`` (``"map"`` up to
        :data:`AUTO_MINIMAL_ABOVE` offers, else ``"minimal"``). Category, precision and
        barrier-free always travel (as small integers).
    lang
        Language of the labels (:mod:`mapapp.text`).

    Returns
    -------
    dict with ``cats`` ([value, label, colour, code, code colour] per category), ``prec`` ([value, the
    "location: …" line of the popup]), ``bfl`` (barrier-free value per index, "" when unknown),
    ``lat``/``lon`` (WGS84, 5 decimals ≈ 1 m), ``c``/``p``/``b`` (category, precision, barrier-free
    indices), ``s`` (table of distinct strings, index 0 = ""), ``f`` (field -> indices into ``s``,
    for fields with many repeats) and ``v`` (field -> the strings themselves, for mostly unique
    fields such as names), ``labels`` (field -> popup label, ``bf`` = barrier-free) and ``more``
    (hint shown when details were left out). Offers without a location are left out (there is
    no point to draw).
    """
    offers = filter_bbox(offers, None)
    points = [p for p in (o.lonlat for o in offers) if p is not None]
    if detail == "auto":
        detail = "map" if len(offers) <= AUTO_MINIMAL_ABOVE else "minimal"
    if detail not in DETAIL_FIELDS:
        raise ValueError(f"detail '{detail}' unbekannt ({', '.join(DETAIL_FIELDS)} oder auto)")
    keys = DETAIL_FIELDS[detail]
    cats = list(OfferCategory)
    cat_pos = {c: i for i, c in enumerate(cats)}
    prec_pos = {p: i for i, p in enumerate(_PRECISIONS)}
    bf_pos = {b: i for i, b in enumerate(_BF)}
    fields = [_field_values(o, lang) for o in offers]
    strings, indexed, direct = _string_table({key: [f[key] for f in fields] for key in keys})
    return {
        "cats": [
            [
                c.value,
                label("category", c, lang),
                CATEGORY_COLOURS[c],
                CATEGORY_CODES[c],
                CATEGORY_CODE_COLOURS[c],
            ]
            for c in cats
        ],
        "prec": [
            [p.value, t("offer.location", lang, precision=label("precision", p, lang))]
            for p in _PRECISIONS
        ],
        "bfl": ["" if b is Accessibility.UNKNOWN else label("accessibility", b, lang) for b in _BF],
        "labels": {
            **{k: t(key, lang) if key else "" for k, key in _FIELDS},
            "bf": t("of.card.barrierfree", lang),
        },
        "more": "" if detail == "full" else t("map.offers.more", lang),
        "s": strings,
        "lat": [round(p[1], 5) for p in points],
        "lon": [round(p[0], 5) for p in points],
        "c": [cat_pos[o.category] for o in offers],
        "p": [prec_pos[o.precision] for o in offers],
        "b": [bf_pos[o.barrier_free] for o in offers],
        "f": indexed,
        "v": direct,
    }


def _string_table(
    values: dict[str, list[str]],
) -> tuple[list[str], dict[str, list[int]], dict[str, list[str]]]:
    """Distinct strings (index 0 = ""), indexed columns and direct (mostly unique) columns."""
    strings: dict[str, int] = {"": 0}
    indexed: dict[str, list[int]] = {}
    direct: dict[str, list[str]] = {}
    for key, col in values.items():
        if len(set(col)) * 2 > len(col):  # mostly unique: an index would only add bytes
            direct[key] = col
            continue
        idx_col = []
        for value in col:
            idx = strings.get(value)
            if idx is None:
                idx = strings[value] = len(strings)
            idx_col.append(idx)
        indexed[key] = idx_col
    return list(strings), indexed, direct
