"""The editors' rules without a page: scope (Gemeinde and Kreis AGS, prefixes), months and
staleness, a form keeping the stored place, a delete from an old version. SYNTHETIC offers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mapapp.config import Settings
from mapapp.offers_model import in_scope, is_stale, months_before
from mapapp.services import editing
from mapapp.services.accounts import Account, Role
from mapapp.store import open_offer_store
from mapapp.store.base import VersionConflict
from tests.store.test_store_contract import offer


def test_scope_matches_gemeinde_or_kreis_by_prefix() -> None:
    assert in_scope("05358008", "05358", ["05358"])  # a Gemeinde in the Kreis
    assert in_scope(None, "05358", ["05358"])  # the Kreis's own office
    assert in_scope("05358008", "05358", ["05358008"])  # the Gemeinde itself
    assert not in_scope(None, "05358", ["05358008"])  # a Kreis office is not the Gemeinde's
    assert not in_scope("05314000", "05314", ["05358"])
    assert not in_scope(None, None, ["05358"])
    assert not in_scope("05358008", "05358", [""])


def test_months_and_staleness() -> None:
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)
    today = date(2026, 6, 1)
    assert is_stale(None, today, 12)
    assert is_stale(date(2025, 5, 31), today, 12)
    assert not is_stale(date(2025, 6, 1), today, 12)


def test_who_may_change_what() -> None:
    o = offer(1, ags="05358008", kreis_ags="05358")  # SYNTHETIC (test_store_contract)
    editor = Account("e", Role.EDITOR, ("05358",))
    other = Account("x", Role.EDITOR, ("05999",))
    assert editing.may_change(Account("a", Role.ADMIN), o)
    assert editing.may_change(editor, o) and not editing.may_change(other, o)
    assert not editing.may_change(Account("v", Role.VIEWER), o)
    assert editing.may_change(None, o)  # the command line without accounts
    reason = editing.scope_reason(other, o)
    assert reason is not None and "außerhalb des Bereichs von x (05999)" in reason
    moved = o.with_changes(ags="05999001", kreis_ags="05999")
    assert editing.scope_reason(other, moved, stored=o) is not None  # not out of someone's area


def test_delete_from_an_old_version_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    store = open_offer_store(settings)
    store.upsert([offer(1)])
    store.update(offer(1).with_changes(phone="1"), expected_version=1, actor="a", via="cli")
    with pytest.raises(VersionConflict, match="Version 1.*Version 2"):
        editing.delete_offer(settings, None, offer(1).id, 1)
    assert editing.delete_offer(settings, None, offer(1).id, 2) == 3
    assert store.get(offer(1).id) is None
    assert store.audit(offer(1).id)[-1].action == "delete"
