"""Offer versions, the audit trail, bundled vs. the user's offers; PostGIS points on PostgreSQL.

- ``offers.version``: 1 for every offer stored so far.
- ``offers.origin`` and ``bundled_deleted`` (a file of the store's "schema 3" has them already):
  rows written by the seed and never changed since (created and updated no later than the
  ``seeded`` mark) are the bundled ones, every other row is the user's.
- ``meta.store_id``: a random id of this database, part of the data version.
- ``audit``: one row per change (see :mod:`mapapp.store.schema`); every offer stored so far gets
  its version-1 row (action ``create``, actor ``system``, via ``migration``) so that its history
  starts with the state it had, and ``revert --to 1`` can return to it.
- PostgreSQL: ``offers.geom`` generated from lon/lat (EPSG:4326, ``NULL`` without a location)
  with a GiST index, for spatial queries in the database. Needs the PostGIS extension; when it is
  missing and the user may not create it, one sentence says what the administrator must run.

Revision ID: 0002
Revises: 0001
Create Date: 2026-05-20
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

from mapapp.model import DataError

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _audit_table() -> None:
    op.create_table(
        "audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("subject_id", sa.Text, nullable=False),
        sa.Column("version", sa.Integer),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("via", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
    )
    op.create_index("audit_subject", "audit", ["kind", "subject_id", "version"], unique=True)


def _postgis(bind: sa.Connection) -> None:
    have = bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first()
    if have is None:
        try:
            with bind.begin_nested():
                bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
        except sa.exc.DBAPIError as exc:
            raise DataError(
                "PostGIS fehlt in dieser Datenbank und darf von diesem Benutzer nicht angelegt "
                "werden – als Administrator in der Datenbank 'CREATE EXTENSION postgis;' "
                "ausführen, dann 'mapapp db init' wiederholen."
            ) from exc
    op.execute(
        "ALTER TABLE offers ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS AS ("
        "CASE WHEN lon IS NULL OR lat IS NULL THEN NULL "
        "ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END) STORED"
    )
    op.execute("CREATE INDEX offers_geom ON offers USING GIST (geom)")


def _origin(bind: sa.Connection) -> None:
    columns = {c["name"] for c in sa.inspect(bind).get_columns("offers")}
    if "origin" not in columns:
        op.add_column("offers", sa.Column("origin", sa.Text, nullable=False, server_default="user"))
        seeded = bind.execute(sa.text("SELECT value FROM meta WHERE key = 'seeded'")).first()
        if seeded:
            bind.execute(
                sa.text(
                    "UPDATE offers SET origin = 'bundled' "
                    "WHERE created_at <= :seeded AND updated_at <= :seeded"
                ),
                {"seeded": seeded[0]},
            )
    if not sa.inspect(bind).has_table("bundled_deleted"):
        op.create_table("bundled_deleted", sa.Column("id", sa.Text, primary_key=True))


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("offers", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    _origin(bind)
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    op.bulk_insert(meta, [{"key": "store_id", "value": uuid.uuid4().hex[:12]}])
    _audit_table()
    op.execute(
        "INSERT INTO audit (kind, subject_id, version, actor, via, action, at, before, after) "
        "SELECT 'offer', id, 1, 'system', 'migration', 'create', updated_at, NULL, record "
        "FROM offers ORDER BY id"
    )
    if bind.dialect.name == "postgresql":
        _postgis(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS offers_geom")
        op.drop_column("offers", "geom")
    op.drop_index("audit_subject", table_name="audit")
    op.drop_table("audit")
    op.execute("DELETE FROM meta WHERE key = 'store_id'")
    with op.batch_alter_table("offers") as batch:
        batch.drop_column("version")
