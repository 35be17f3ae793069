"""Accounts and sessions: who may log in, with which role and scope, and who is logged in.

See :mod:`mapapp.store.schema` (``accounts``, ``sessions``). Both start empty: the first admin
is created from ``MAPAPP_EDITOR_PASSWORD`` (or ``mapapp users add``), never by a migration.

Revision ID: 0003
Revises: 0002
Create Date: 2026-05-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
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
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.Text, primary_key=True),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Text, nullable=False),
    )
    op.create_index("sessions_account", "sessions", ["account"])


def downgrade() -> None:
    op.drop_index("sessions_account", table_name="sessions")
    op.drop_table("sessions")
    op.drop_table("accounts")
