"""The store contract on both back ends (SQLite file and PostgreSQL/PostGIS, same tests):
upsert/delete/seed all or nothing, versions, no lost update, audit before/after, revert, data
version. Offers are SYNTHETIC.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mapapp.model import OfferCategory
from mapapp.offers_model import CoordSource, Offer, Precision
from mapapp.store import OfferStore, ensure_seeded
from mapapp.store.base import OfferNotFound, VersionConflict
from mapapp.store.migrate import HEAD, alembic_head
from mapapp.store.sql import SqlOfferStore
from tests.fixtures.databases import postgres_schema


def offer(i: int, name: str | None = None, **kw) -> Offer:
    return Offer(
        id=f"t-{i}",
        name=name or f"SYNTHETIC Angebot {i}",
        category=OfferCategory.MBE,
        lon=7.0 + i * 0.001,
        lat=51.0,
        precision=Precision.ADDRESS,
        coord_source=CoordSource.FILE,
        languages=("de",),
        **kw,
    )


def test_store_implements_the_protocol_and_is_at_head(sql_store: SqlOfferStore) -> None:
    assert isinstance(sql_store, OfferStore)
    assert HEAD == alembic_head()
    assert sql_store.count() == 0 and sql_store.audit() == []


def test_upsert_versions_and_audit(sql_store: SqlOfferStore) -> None:
    v0 = sql_store.data_version()
    r1 = sql_store.upsert([offer(1), offer(2)], actor="anna", via="import")
    assert (r1.inserted, r1.updated, r1.unchanged) == (2, 0, 0)
    assert sql_store.data_version() != v0
    r2 = sql_store.upsert([offer(1), offer(2, name="Neu"), offer(3)], actor="bert", via="import")
    assert (r2.inserted, r2.updated, r2.unchanged) == (1, 1, 1)
    assert sql_store.all() == [offer(1), offer(2, name="Neu"), offer(3)]
    assert sql_store.versions() == {"t-1": 1, "t-2": 2, "t-3": 1}
    v2 = sql_store.data_version()
    assert sql_store.upsert([offer(1)]).unchanged == 1
    assert sql_store.data_version() == v2  # nothing changed, same data version
    history = sql_store.audit("t-2")
    assert [(e.version, e.action, e.actor, e.via) for e in history] == [
        (1, "create", "anna", "import"),
        (2, "update", "bert", "import"),
    ]
    assert history[0].before is None and history[0].after == offer(2).to_record()
    assert history[1].before == offer(2).to_record()
    assert history[1].after == offer(2, name="Neu").to_record()
    assert len(sql_store.audit()) == 4


def test_update_with_current_version_and_conflict_with_old(sql_store: SqlOfferStore) -> None:
    sql_store.upsert([offer(1)])
    assert sql_store.update(offer(1, name="A"), expected_version=1, actor="anna", via="cli") == 2
    # a second editor still holding version 1: refused, nothing stored, message names both
    version = sql_store.data_version()
    with pytest.raises(VersionConflict) as info:
        sql_store.update(offer(1, name="B"), expected_version=1, actor="bert", via="ui")
    assert (info.value.expected, info.value.current) == (1, 2)
    assert "Version 1" in str(info.value) and "Version 2" in str(info.value)
    assert sql_store.get("t-1") == offer(1, name="A")
    assert sql_store.data_version() == version
    assert [e.version for e in sql_store.audit("t-1")] == [1, 2]
    # same record again: nothing new
    assert sql_store.update(offer(1, name="A"), expected_version=2, actor="x", via="cli") == 2
    with pytest.raises(OfferNotFound):
        sql_store.update(offer(9), expected_version=1, actor="x", via="cli")


def test_update_of_a_deleted_offer_is_a_conflict(sql_store: SqlOfferStore) -> None:
    sql_store.upsert([offer(1)])
    sql_store.delete(["t-1"], actor="anna", via="ui")
    with pytest.raises(VersionConflict, match="gelöscht") as info:
        sql_store.update(offer(1, name="B"), expected_version=1, actor="bert", via="ui")
    assert info.value.current is None


def test_revert_creates_a_new_version_equal_to_the_old(sql_store: SqlOfferStore) -> None:
    sql_store.upsert([offer(1)], actor="anna")
    sql_store.update(offer(1, name="falsch"), expected_version=1, actor="bert", via="cli")
    assert sql_store.revert("t-1", 1, actor="carla", via="cli") == 3
    assert sql_store.get_versioned("t-1").version == 3  # type: ignore[union-attr]
    assert sql_store.get("t-1") == offer(1)
    last = sql_store.audit("t-1")[-1]
    assert (last.version, last.action, last.actor, last.via) == (3, "revert", "carla", "cli")
    assert last.before == offer(1, name="falsch").to_record() and last.after == offer(1).to_record()
    with pytest.raises(OfferNotFound):
        sql_store.revert("t-1", 7, actor="carla", via="cli")
    with pytest.raises(VersionConflict):
        sql_store.revert("t-1", 2, actor="carla", via="cli", expected_version=2)


def test_delete_and_revert_brings_it_back_with_continued_versions(sql_store: SqlOfferStore) -> None:
    sql_store.upsert([offer(1), offer(2)])
    v = sql_store.data_version()
    assert sql_store.delete(["t-1", "t-1", "nope"], actor="anna", via="ui") == 1
    assert [o.id for o in sql_store.all()] == ["t-2"] and sql_store.data_version() != v
    v = sql_store.data_version()
    assert sql_store.delete(["nope"]) == 0 and sql_store.data_version() == v
    gone = sql_store.audit("t-1")[-1]
    assert (gone.version, gone.action, gone.after) == (2, "delete", None)
    assert sql_store.revert("t-1", 1, actor="bert", via="cli") == 3
    assert sql_store.get("t-1") == offer(1)
    # re-imported after a deletion: the count goes on, the history stays one line
    sql_store.delete(["t-2"])
    assert sql_store.upsert([offer(2)]).inserted == 1
    assert sql_store.versions()["t-2"] == 3
    assert [e.version for e in sql_store.audit("t-2")] == [1, 2, 3]


def test_failure_mid_import_keeps_previous_state_and_no_audit(sql_store: SqlOfferStore) -> None:
    sql_store.upsert([offer(1), offer(2, name="alt")])
    before, version, audit = sql_store.all(), sql_store.data_version(), sql_store.audit()

    def rows():
        yield offer(2, name="halb importiert")
        yield from (offer(i) for i in range(10, 2000))  # crosses the internal batch size
        raise RuntimeError("Absturz mitten im Import")

    with pytest.raises(RuntimeError, match="Absturz"):
        sql_store.upsert(rows())
    assert sql_store.all() == before
    assert sql_store.data_version() == version
    assert sql_store.audit() == audit


def test_the_same_id_twice_in_one_import(sql_store: SqlOfferStore) -> None:
    result = sql_store.upsert([offer(1), offer(1, name="zweimal")])
    assert (result.inserted, result.updated) == (1, 1)
    assert sql_store.get("t-1").name == "zweimal"  # type: ignore[union-attr]
    assert sql_store.versions() == {"t-1": 2}


def test_seeding_once_as_system_with_audit(sql_store: SqlOfferStore) -> None:
    calls = []

    def bundled():
        calls.append(1)
        return [offer(1), offer(2)]

    assert ensure_seeded(sql_store, bundled) is True
    sql_store.delete(["t-1"], actor="anna", via="ui")  # an editor removed a bundled offer
    assert ensure_seeded(sql_store, bundled) is False
    assert calls == [1] and [o.id for o in sql_store.all()] == ["t-2"]
    first = sql_store.audit("t-2")[0]
    assert (first.actor, first.via, first.action) == ("system", "seed", "create")
    assert sql_store.seed([offer(5)]).written == 0  # a second seed (another process) does nothing


def test_failed_seed_leaves_store_unseeded(sql_store: SqlOfferStore) -> None:
    def broken():
        raise OSError("Daten fehlen")

    with pytest.raises(OSError):
        ensure_seeded(sql_store, broken)
    assert not sql_store.is_seeded() and sql_store.count() == 0


def test_reseed_replaces_only_untouched_bundled_offers(sql_store: SqlOfferStore) -> None:
    sql_store.seed([offer(1), offer(2), offer(3)], "b1")
    sql_store.update(offer(2, name="vom Kreis"), expected_version=1, actor="anna", via="ui")
    sql_store.delete(["t-3"], actor="anna", via="ui")
    sql_store.upsert([offer(7)], actor="anna")
    result = sql_store.reseed([offer(1, name="neu"), offer(2), offer(3), offer(4)], "b2")
    assert sql_store.bundle_version() == "b2"
    assert sql_store.all() == [offer(1, name="neu"), offer(2, name="vom Kreis"), offer(4), offer(7)]
    assert (result.inserted, result.updated) == (1, 1)
    assert sql_store.reseed([], "b2").written == 0  # the same bundle again: nothing happens
    sql_store.reseed([offer(4)], "b3")  # t-1 left the bundle: removed, with an audit row
    assert [o.id for o in sql_store.all()] == ["t-2", "t-4", "t-7"]
    assert sql_store.audit("t-1")[-1].action == "delete"


def test_two_stores_on_one_database_see_each_other(store_url: str) -> None:
    one, two = SqlOfferStore(store_url), SqlOfferStore(store_url)
    one.upsert([offer(1)])
    assert two.get("t-1") == offer(1) and two.data_version() == one.data_version()
    two.update(offer(1, name="B"), expected_version=1, actor="bert", via="ui")
    with pytest.raises(VersionConflict):
        one.update(offer(1, name="A"), expected_version=1, actor="anna", via="ui")


@pytest.mark.postgres
def test_postgis_point_follows_the_coordinates() -> None:
    with postgres_schema() as url:
        _postgis_point(SqlOfferStore(url))


def _postgis_point(sql_store: SqlOfferStore) -> None:
    sql_store.upsert([offer(1), offer(2).with_changes(lon=None, lat=None)])
    with sql_store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, ST_X(geom), ST_SRID(geom) FROM offers ORDER BY id"))
        assert [tuple(r) for r in rows] == [("t-1", 7.001, 4326), ("t-2", None, None)]


def test_unreachable_server_is_one_sentence(tmp_path) -> None:
    from mapapp.model import DataError

    with pytest.raises(DataError, match="nicht erreichbar") as info:
        SqlOfferStore("postgresql://mapapp@127.0.0.1:1/mapapp?connect_timeout=2")
    assert info.value.file == "postgresql://mapapp@127.0.0.1:1/mapapp?connect_timeout=2"
    assert "\n" not in str(info.value)
