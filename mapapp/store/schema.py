"""The tables of the store database (SQLAlchemy Core), the same on SQLite and PostgreSQL.

The Alembic migrations in :mod:`mapapp.store.migrations` create exactly these tables; a test
compares them. Further tables of the same database (accounts, sessions, lockouts) are added here
*and* in a new migration; :mod:`mapapp.store.backup` dumps every table of :data:`METADATA`.

- ``offers``: one row per offer: the columns searched by SQL (name, category, ags, kreis_ags,
  lon, lat), the whole record as JSON text in ``record``, and ``version`` (1 when created, +1 with
  each change), ``origin`` (``bundled``: shipped with the app and replaced when the bundle
  changes; ``user``: imported or edited, never touched by a reseed). On PostgreSQL the migration adds ``geom`` (PostGIS point, EPSG:4326, generated
  from lon/lat, GiST index) that this module does not know: it is derived, never written.
- ``meta``: key/value pairs (``data_version`` counter, ``store_id`` (random, per database: a
  data version is never repeated by a new database), ``seeded`` timestamp, ``bundle_version``).
- ``bundled_deleted``: ids of bundled offers a user deleted (a new bundle does not bring them back).
- ``audit``: one row per change, written in the transaction of the change: ``kind`` (``offer``;
  later e.g. ``account``, ``login``), ``subject_id`` (the offer id), ``version`` (the subject's
  version after the change), ``actor``, ``via`` (``ui``, ``import``, ``cli``, ``seed``,
  ``migration``, ``restore``), ``action`` (``create``, ``update``, ``delete``, ``revert``), ``at``
  (UTC ISO 8601) and the record ``before`` and ``after`` as JSON text (``NULL`` for none).

- ``accounts``: one row per person who may log in (:mod:`mapapp.store.accounts`): ``name``,
  ``role`` (``admin``, ``editor``, ``viewer``), ``scopes`` (comma-separated AGS of the Kreise and
  Gemeinden an editor looks after), ``password_hash`` (argon2id, never the password), the
  lockout counter ``failed_logins`` with ``last_failure_at`` and ``locked_until``.
- ``sessions``: one row per logged-in browser: ``token_hash`` (SHA-256 of the session token the
  browser holds; the token itself is never stored), ``account``, ``created_at``, ``expires_at``.
  Audit rows of kind ``account`` (create, change, remove, password reset) and ``login`` (login,
  failure, lockout, refused while locked, logout) name the account as ``subject_id``.

Timestamps are ISO 8601 text in UTC on both back ends (stores written before the migrations hold
them that way, and a backup carries them unchanged).
"""

from __future__ import annotations

import sqlalchemy as sa

METADATA = sa.MetaData()

#: Primary key type of append-only tables: 64 bit on PostgreSQL, SQLite's rowid alias there.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

OFFERS = sa.Table(
    "offers",
    METADATA,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("ags", sa.Text),
    sa.Column("kreis_ags", sa.Text),
    sa.Column("lon", sa.Float),
    sa.Column("lat", sa.Float),
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("origin", sa.Text, nullable=False, server_default="user"),
    sa.Index("offers_category", "category"),
    sa.Index("offers_kreis", "kreis_ags"),
)

META = sa.Table(
    "meta",
    METADATA,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

BUNDLED_DELETED = sa.Table(
    "bundled_deleted",
    METADATA,
    sa.Column("id", sa.Text, primary_key=True),
)

AUDIT = sa.Table(
    "audit",
    METADATA,
    sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("subject_id", sa.Text, nullable=False),
    sa.Column("version", sa.Integer),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("via", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("at", sa.Text, nullable=False),
    sa.Column("before", sa.Text),
    sa.Column("after", sa.Text),
    sa.Index("audit_subject", "kind", "subject_id", "version", unique=True),
)

ACCOUNTS = sa.Table(
    "accounts",
    METADATA,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("scopes", sa.Text, nullable=False, server_default=""),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_failure_at", sa.Text),
    sa.Column("locked_until", sa.Text),
)

SESSIONS = sa.Table(
    "sessions",
    METADATA,
    sa.Column("token_hash", sa.Text, primary_key=True),
    sa.Column("account", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("expires_at", sa.Text, nullable=False),
    sa.Index("sessions_account", "account"),
)

#: Tables in the order a backup writes and a restore reads them. Sessions are not backed up:
#: a restored database starts with everybody logged out.
BACKUP_TABLES: tuple[sa.Table, ...] = (OFFERS, META, BUNDLED_DELETED, AUDIT, ACCOUNTS)
