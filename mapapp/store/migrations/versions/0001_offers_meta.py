"""Offers and meta: the layout of the embedded store before migrations (its "schema 2").

A store file written before the migrations existed has these tables already (and no
``alembic_version``): they are kept, and a "schema 1" file (``lon``/``lat NOT NULL``) is copied
into the nullable layout (an offer known only by its Kreis has no location).

Revision ID: 0001
Revises:
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_OFFER_COLUMNS = "id, name, category, ags, kreis_ags, lon, lat, record, created_at, updated_at"


def _offers_columns() -> list[sa.Column[object]]:
    return [
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
    ]


def _schema_1(bind: sa.Connection) -> bool:
    row = bind.execute(sa.text("SELECT value FROM meta WHERE key = 'schema_version'")).first()
    return row is not None and row[0] == "1"


def upgrade() -> None:
    bind = op.get_bind()
    tables = set(sa.inspect(bind).get_table_names())
    if "meta" not in tables:
        op.create_table(
            "meta",
            sa.Column("key", sa.Text, primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
        )
    if "offers" not in tables:
        op.create_table("offers", *_offers_columns())
    elif _schema_1(bind):
        op.create_table("offers_v2", *_offers_columns())
        op.execute(f"INSERT INTO offers_v2 ({_OFFER_COLUMNS}) SELECT {_OFFER_COLUMNS} FROM offers")  # noqa: S608
        op.drop_table("offers")
        op.rename_table("offers_v2", "offers")
    indexes = {ix["name"] for ix in sa.inspect(bind).get_indexes("offers")}
    if "offers_category" not in indexes:
        op.create_index("offers_category", "offers", ["category"])
    if "offers_kreis" not in indexes:
        op.create_index("offers_kreis", "offers", ["kreis_ags"])
    op.execute(
        sa.text(
            "DELETE FROM meta WHERE key = 'schema_version'"
        )  # alembic_version says it from now on
    )
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    if bind.execute(sa.select(meta.c.key).where(meta.c.key == "data_version")).first() is None:
        op.bulk_insert(meta, [{"key": "data_version", "value": "0"}])


def downgrade() -> None:
    op.drop_table("offers")
    op.drop_table("meta")
