"""The history table of the Redaktion: actions and ways of a change in the page's language, not
the audit's machine words (SYNTHETIC entries)."""

from __future__ import annotations

import pytest

from mapapp.catalogue import catalogue
from mapapp.services.editing import VERIFY_ACTION
from mapapp.store.base import OFFER_ACTIONS, VIA_VALUES, AuditEntry
from mapapp.text import LANGUAGES
from mapapp.ui.offer_history_view import history_frame

_MACHINE = {"create", "update", "delete", "revert", "verify", "ui", "cli", "import", "seed"}


def _entry(version: int, via: str, action: str, phone: str | None) -> AuditEntry:
    before = None if version == 1 else {"name": "SYNTHETIC Beratung", "phone": None}
    after = {"name": "SYNTHETIC Beratung", "phone": phone}
    return AuditEntry(
        "synthetic-1", version, "nord", f"2026-01-0{version}T10:00:00+00:00", via, action,
        before, after,
    )  # fmt: skip


ENTRIES = [
    _entry(1, "seed", "create", None),
    _entry(2, "import", "update", "0201 1"),
    _entry(3, "cli", VERIFY_ACTION, "0201 1"),
    _entry(4, "ui", "revert", None),
]


@pytest.mark.parametrize(
    ("lang", "action", "via"),
    [
        ("de", "Aktion", "wie"),
        ("en", "action", "how"),
        ("ar", "الإجراء", "كيف"),
    ],
)
def test_history_shows_actions_and_ways_in_the_page_language(
    lang: str, action: str, via: str
) -> None:
    frame = history_frame(ENTRIES, lang)
    shown = set(frame[action]) | set(frame[via])
    assert not shown & _MACHINE, shown
    # newest first
    assert list(frame[action]) == [
        catalogue(lang)[f"audit.action.{a}"] for a in ("revert", "verify", "update", "create")
    ]
    assert list(frame[via]) == [
        catalogue(lang)[f"audit.via.{v}"] for v in ("ui", "cli", "import", "seed")
    ]


def test_history_in_english_reads_as_words() -> None:
    frame = history_frame(ENTRIES, "en")
    assert frame.iloc[0][["how", "action"]].tolist() == [
        "web interface",
        "earlier version restored",
    ]
    assert frame.iloc[1][["how", "action"]].tolist() == ["command line", "confirmed as current"]


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_action_and_way_of_the_store_has_a_label(lang: str) -> None:
    texts = catalogue(lang)
    for action in OFFER_ACTIONS:
        assert texts.get(f"audit.action.{action}"), (lang, action)
    for via in VIA_VALUES:
        assert texts.get(f"audit.via.{via}"), (lang, via)
