"""Fixtures of the store tests: the same tests on SQLite and on PostgreSQL/PostGIS.

``store_url`` (parametrised ``sqlite`` / ``postgres``) is a fresh, empty database; ``store`` the
offer store on it. The ``postgres`` variant needs ``MAPAPP_TEST_DATABASE_URL``
(:mod:`tests.fixtures.databases`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mapapp.store.sql import SqlOfferStore
from tests.fixtures.databases import BACKENDS, database_url


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def sql_store(store_url: str) -> SqlOfferStore:
    return SqlOfferStore(store_url)
