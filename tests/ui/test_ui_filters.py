"""URL <-> search state for the public view (pure functions)."""

from __future__ import annotations

from mapapp.model import OfferCategory
from mapapp.offers_model import TargetGroup
from mapapp.ui.filters import DEFAULT_LIMIT, MAX_LIMIT, parse_params, to_params
from mapapp.ui.markdown import md


def test_round_trip_of_a_full_search() -> None:
    params = {
        "ort": "Münster",
        "kat": "jugendmigrationsdienst,auslaenderbehoerde",
        "sprache": "ar,tr",
        "zg": "women",
        "bf": "1",
        "n": "5",
    }
    state = parse_params(params)
    assert state.place == "Münster"
    assert state.flt.categories == {OfferCategory.JMD, OfferCategory.ABH}
    assert state.flt.languages == {"ar", "tr"}
    assert state.flt.target_groups == {TargetGroup.WOMEN}
    assert state.flt.barrier_free and state.limit == 5
    assert to_params(state) == {**params, "kat": "auslaenderbehoerde,jugendmigrationsdienst"}


def test_garbage_is_dropped_not_raised() -> None:
    state = parse_params(
        {"kat": "nope,<script>", "sprache": "xyz,A R,de", "zg": "x", "n": "abc", "bf": "yes"}
    )
    assert state.flt.categories == frozenset() and state.flt.target_groups == frozenset()
    assert state.flt.languages == {"de"}
    assert state.limit == DEFAULT_LIMIT and not state.flt.barrier_free
    assert parse_params({"n": "9999"}).limit == MAX_LIMIT
    assert parse_params({"n": "-3"}).limit == 1
    assert parse_params({"ort": "x" * 500}).place == "x" * 200
    assert to_params(parse_params({})) == {}


def test_markdown_escaping_neutralises_links_images_and_html() -> None:
    evil = "[klick](javascript:alert(1)) ![x](http://e/x.png) <img src=x onerror=alert(1)> **fett**"
    out = md(evil)
    import re

    assert not re.search(r"(?<!\\)[\[\]()<>!]", out)  # every special character is escaped
    assert "\\<img" in out
    assert "\\*\\*fett\\*\\*" in out
    assert md(None) == ""
