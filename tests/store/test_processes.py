"""Several processes, one truth: stores in different processes on one database see each other's
writes and data version, and concurrent editors never lose an update (each edit is either stored
as a new version with its audit row, or refused as a version conflict). Offers are SYNTHETIC."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from mapapp.store.sql import SqlOfferStore
from tests.store.test_store_contract import offer

REPO = Path(__file__).parents[2]

_CHILD = textwrap.dedent(
    """
    import json, sys
    from mapapp.store.base import VersionConflict
    from mapapp.store.sql import SqlOfferStore

    url, actor, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = SqlOfferStore(url)
    accepted = conflicts = 0
    for i in range(rounds):
        current = store.get_versioned("t-1")
        count = int(current.offer.note or 0)
        changed = current.offer.with_changes(note=str(count + 1))
        try:
            store.update(changed, expected_version=current.version, actor=actor, via="cli")
            accepted += 1
        except VersionConflict:
            conflicts += 1
    print(json.dumps({"accepted": accepted, "conflicts": conflicts,
                      "data_version": store.data_version()}))
    """
)


def _child(url: str, actor: str, rounds: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, url, actor, str(rounds)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_write_in_another_process_is_seen_here(store_url: str) -> None:
    here = SqlOfferStore(store_url)
    here.upsert([offer(1, note="0")])
    before = here.data_version()
    proc = _child(store_url, "prozess-b", 1)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0
    result = json.loads(out)
    assert result["accepted"] == 1
    assert here.data_version() == result["data_version"] != before  # the cache key moved
    seen = here.get_versioned("t-1")
    assert seen is not None and seen.version == 2 and seen.offer.note == "1"
    assert here.audit("t-1")[-1].actor == "prozess-b"


def test_concurrent_editors_lose_no_update(store_url: str) -> None:
    store = SqlOfferStore(store_url)
    store.upsert([offer(1, note="0")])
    procs = [_child(store_url, f"editor-{i}", 15) for i in range(3)]
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0
        results.append(json.loads(out))
    accepted = sum(r["accepted"] for r in results)
    assert accepted + sum(r["conflicts"] for r in results) == 45
    final = store.get_versioned("t-1")
    assert final is not None
    # every accepted edit counted once: no edit overwrote another one unseen
    assert final.offer.note == str(accepted) and final.version == accepted + 1
    history = store.audit("t-1")
    assert [e.version for e in history] == list(range(1, accepted + 2))
    assert [e.after["note"] for e in history] == [str(n) for n in range(accepted + 1)]
